//! The flowchart SVGs of the site, written straight from Typst's laid-out page: the same
//! drawing as `typst-svg` gives, in a tenth of the time. A build of 1,000 SOPs writes about
//! 1,250 flow pages, and `typst-svg` took 3.4 ms per SOP (a sixth of all PDF work) mostly
//! re-reading glyph outlines and formatting nine-decimal numbers. Here:
//! - glyph outlines are read once per process and kept in font units ([`GlyphCache`]), so
//!   every text item is one `<g>` scaled to its size, and its glyphs `<use>` them at integer
//!   font-unit positions;
//! - coordinates are written with at most three decimals (0.001 pt) as they are computed.
//!
//! Cost, measured (callgrind, a whole `--bersih` build of the 200 generated SOPs of
//! `/tmp/alur-bench/base-nb`, per PDF worker process of 100 SOPs): `flow_svgs` 293M
//! instructions, 158M after numbers and glyph ids were written by hand (`write!` was 150M of
//! it), glyph ids looked up per font once per text item and colour hex strings remembered
//! per page. Every SVG and PDF of the example content and of those SOPs stayed byte-identical.
//!
//! A flow page holds only text, filled and stroked shapes, links and tags. Anything else
//! (images, clipping, gradients, colour glyphs) makes [`page_svg`] answer `None`, and the caller
//! falls back to `typst-svg`.

use std::sync::{Arc, Mutex};

use rustc_hash::FxHashMap;
use typst::ecow::EcoString;
use typst::layout::{Frame, FrameItem, Point, Transform};
use typst::text::{FontInstance, TextItem};
use typst::visualize::{
    Color, CurveItem, FillRule, FixedStroke, Geometry, LineCap, LineJoin, Paint, ProcessColor,
    ProcessColorSpace, Shape,
};
use typst_layout::Page;

use crate::core::digits::digits_before;
use crate::core::sync::lock;

/// Glyph outlines in font units, read once per process: the same few hundred glyphs of the
/// theme's fonts draw every flowchart. `None`: the glyph has no outline (a space).
#[derive(Default)]
pub struct GlyphCache {
    outlines: Mutex<FxHashMap<GlyphKey, Option<Arc<str>>>>,
}

/// A glyph of a font instance (font and variation). Its maps hash with FxHash: SipHash of the
/// font instance on every glyph drawn was 33M instructions per 100 SOPs (callgrind), and
/// neither map is ever iterated, so their order cannot reach the output.
type GlyphKey = (FontInstance, u16);

impl GlyphCache {
    fn outline(&self, font: &FontInstance, id: u16) -> Option<Arc<str>> {
        lock(&self.outlines)
            .entry((font.clone(), id))
            .or_insert_with(|| {
                let mut path = PathWriter(String::new());
                font.ttf()
                    .outline_glyph(ttf_parser::GlyphId(id), &mut path)?;
                Some(path.0.into())
            })
            .clone()
    }
}

/// Writes a glyph outline as SVG path data in font units (whole numbers for TrueType).
struct PathWriter(String);

impl ttf_parser::OutlineBuilder for PathWriter {
    fn move_to(&mut self, x: f32, y: f32) {
        self.0.push('M');
        pair(&mut self.0, x.into(), y.into());
    }
    fn line_to(&mut self, x: f32, y: f32) {
        self.0.push('L');
        pair(&mut self.0, x.into(), y.into());
    }
    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        self.0.push('Q');
        pair(&mut self.0, x1.into(), y1.into());
        self.0.push(' ');
        pair(&mut self.0, x.into(), y.into());
    }
    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        self.0.push('C');
        pair(&mut self.0, x1.into(), y1.into());
        self.0.push(' ');
        pair(&mut self.0, x2.into(), y2.into());
        self.0.push(' ');
        pair(&mut self.0, x.into(), y.into());
    }
    fn close(&mut self) {
        self.0.push('Z');
    }
}

/// `x y`, three decimals at most.
fn pair(out: &mut String, x: f64, y: f64) {
    num(out, x, 3);
    out.push(' ');
    num(out, y, 3);
}

/// `v` rounded half away from zero to `decimals` places (at most 7), without trailing zeros.
/// The characters are put together by hand in a buffer and appended at once: `write!` of the
/// two integers was 104M of the 134M instructions `num` took per 100 SOPs (callgrind, 407,000
/// calls), 48M after.
fn num(out: &mut String, v: f64, decimals: u32) {
    const POW10: [i64; 8] = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000];
    let scale = POW10[decimals as usize];
    let scaled = (v * scale as f64).round();
    // Far outside any page: not a number worth keeping (and no overflow below).
    let scaled = if scaled.is_finite() && scaled.abs() < 1e15 {
        scaled as i64
    } else {
        0
    };
    let a = scaled.unsigned_abs();
    let (int, mut frac) = (a / scale as u64, a % scale as u64);
    // Sign, 15 digits, point and 7 decimals at most, written from the end.
    let mut buf = [0u8; 32];
    let mut k = buf.len();
    if frac != 0 {
        let mut width = decimals;
        while frac % 10 == 0 {
            frac /= 10;
            width -= 1;
        }
        for _ in 0..width {
            k -= 1;
            buf[k] = b'0' + (frac % 10) as u8;
            frac /= 10;
        }
        k -= 1;
        buf[k] = b'.';
    }
    k = digits_before(&mut buf, k, int);
    if scaled < 0 {
        k -= 1;
        buf[k] = b'-';
    }
    push_ascii(out, &buf[k..]);
}

/// `v` in decimal.
fn uint(out: &mut String, v: u64) {
    let mut buf = [0u8; 20];
    let k = digits_before(&mut buf, 20, v);
    push_ascii(out, &buf[k..]);
}

/// Appends the ASCII characters of a number put together in a byte buffer, each as a `char`
/// (`str::from_utf8` and `push_str` were 80 and 30 instructions a number, more than its
/// digits; no unsafe code).
fn push_ascii(out: &mut String, ascii: &[u8]) {
    out.extend(ascii.iter().map(|&b| char::from(b)));
}

fn color(out: &mut String, c: &Color) {
    out.push_str(&c.to_hex());
}

/// The hex of a colour, remembered per page: `to_hex` formats through `eco_format!` (about
/// 1,000 instructions a call, 13.5M per 100 SOPs), and a flow page uses two or three colours.
/// Only sRGB and grey colours are remembered, by their exact components, so a remembered hex
/// is the one `to_hex` gives.
#[derive(Default)]
struct Colors(Vec<((ProcessColorSpace, [u32; 4]), EcoString)>);

impl Colors {
    fn write(&mut self, out: &mut String, c: &Color) {
        let key = match c {
            Color::Process(p @ (ProcessColor::Rgb(_) | ProcessColor::Luma(_))) => {
                (p.space(), p.to_vec4().map(f32::to_bits))
            }
            _ => return color(out, c),
        };
        if let Some((_, hex)) = self.0.iter().find(|(k, _)| *k == key) {
            out.push_str(hex);
            return;
        }
        let hex = c.to_hex();
        out.push_str(&hex);
        self.0.push((key, hex));
    }
}

/// One page being written: its body, and the glyphs it uses in order of first use.
struct Writer<'a> {
    cache: &'a GlyphCache,
    body: String,
    /// The page-local ids of the glyphs used, per font instance: the font is looked up once
    /// per text item, not hashed and compared per glyph (FxHash of the whole key and
    /// `FontInstance::eq` on every glyph were 19M instructions per 100 SOPs).
    glyphs: Vec<(FontInstance, FxHashMap<u16, Option<usize>>)>,
    colors: Colors,
    /// Glyphs defined so far (the next one's id).
    defined: usize,
    defs: String,
}

/// The SVG of `page`, or `None` when it holds something this writer does not draw.
pub fn page_svg(page: &Page, cache: &GlyphCache) -> Option<String> {
    if !page.bleed.is_zero() {
        return None;
    }
    let size = page.frame.size();
    let (w, h) = (size.x.to_pt(), size.y.to_pt());
    let mut head = String::with_capacity(256);
    head.push_str("<svg viewBox=\"0 0 ");
    pair(&mut head, w, h);
    head.push_str("\" width=\"");
    num(&mut head, w, 3);
    head.push_str("pt\" height=\"");
    num(&mut head, h, 3);
    head.push_str(
        "pt\" xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\">",
    );
    let mut writer = Writer {
        cache,
        body: String::with_capacity(64 * 1024),
        glyphs: Vec::new(),
        colors: Colors::default(),
        defined: 0,
        defs: String::new(),
    };
    match page.fill_or_white() {
        Some(Paint::Solid(c)) => {
            writer.body.push_str("<path fill=\"");
            writer.colors.write(&mut writer.body, &c);
            writer.body.push_str("\" d=\"");
            rect(&mut writer.body, 0.0, 0.0, w, h);
            writer.body.push_str("\"/>");
        }
        Some(_) => return None,
        None => {}
    }
    writer.frame(&page.frame, Transform::identity())?;
    // One allocation for the whole page (the head grown to take the body was a copy and a
    // reallocation per page).
    let mut svg = String::with_capacity(head.len() + writer.body.len() + writer.defs.len() + 32);
    svg.push_str(&head);
    svg.push_str(&writer.body);
    if !writer.defs.is_empty() {
        svg.push_str("<defs>");
        svg.push_str(&writer.defs);
        svg.push_str("</defs>");
    }
    svg.push_str("</svg>");
    Some(svg)
}

/// ` transform="matrix(…)"`: scale and skew with seven decimals (a glyph's scale is about
/// 0.004), the move with three.
fn matrix(b: &mut String, t: &Transform) {
    b.push_str(" transform=\"matrix(");
    for v in [t.sx.get(), t.ky.get(), t.kx.get(), t.sy.get()] {
        num(b, v, 7);
        b.push(' ');
    }
    pair(b, t.tx.to_pt(), t.ty.to_pt());
    b.push_str(")\"");
}

/// The path of a `w` by `h` rectangle at (`x`, `y`).
fn rect(b: &mut String, x: f64, y: f64, w: f64, h: f64) {
    b.push('M');
    pair(b, x, y);
    b.push('H');
    num(b, x + w, 3);
    b.push('V');
    num(b, y + h, 3);
    b.push('H');
    num(b, x, 3);
    b.push('Z');
}

/// Whether `t` only moves (then coordinates are written moved, without a `transform`).
fn is_translation(t: &Transform) -> bool {
    t.sx.get() == 1.0 && t.sy.get() == 1.0 && t.kx.get() == 0.0 && t.ky.get() == 0.0
}

impl Writer<'_> {
    fn frame(&mut self, frame: &Frame, ts: Transform) -> Option<()> {
        for (pos, item) in frame.items() {
            let ts = ts.pre_concat(Transform::translate(pos.x, pos.y));
            match item {
                FrameItem::Group(group) => {
                    if group.clip.is_some() {
                        return None;
                    }
                    self.frame(&group.frame, ts.pre_concat(group.transform))?;
                }
                FrameItem::Text(text) => self.text(text, ts)?,
                FrameItem::Shape(shape, _) => self.shape(shape, ts)?,
                // A flowchart image is not a document: its links lead nowhere.
                FrameItem::Link(..) | FrameItem::Tag(_) => {}
                FrameItem::Image(..) => return None,
            }
        }
        Some(())
    }

    fn text(&mut self, text: &TextItem, ts: Transform) -> Option<()> {
        let Paint::Solid(fill) = &text.fill else {
            return None;
        };
        if text.stroke.is_some() {
            return None;
        }
        let upem = text.font.units_per_em();
        let scale = text.size.to_pt() / upem;
        let b = &mut self.body;
        b.push_str("<g");
        if *fill != Color::BLACK {
            b.push_str(" fill=\"");
            self.colors.write(b, fill);
            b.push('"');
        }
        // Font units, y up, to the page's points, y down.
        let m = ts.pre_concat(Transform::scale(
            typst::layout::Ratio::new(scale),
            typst::layout::Ratio::new(-scale),
        ));
        matrix(b, &m);
        b.push('>');
        let font = self.font(&text.font);
        let (mut x, mut y) = (0.0, 0.0);
        for glyph in &text.glyphs {
            let gx = (x + glyph.x_offset.get()) * upem;
            let gy = (y + glyph.y_offset.get()) * upem;
            x += glyph.x_advance.get();
            y += glyph.y_advance.get();
            let Some(id) = self.glyph(font, glyph.id)? else {
                continue;
            };
            let b = &mut self.body;
            b.push_str("<use xlink:href=\"#g");
            uint(b, id as u64);
            b.push_str("\" x=\"");
            num(b, gx, 2);
            b.push('"');
            if gy != 0.0 {
                b.push_str(" y=\"");
                num(b, gy, 2);
                b.push('"');
            }
            b.push_str("/>");
        }
        self.body.push_str("</g>");
        Some(())
    }

    /// The index of `font` in `glyphs` (added on first use).
    fn font(&mut self, font: &FontInstance) -> usize {
        match self.glyphs.iter().position(|(f, _)| f == font) {
            Some(k) => k,
            None => {
                self.glyphs.push((font.clone(), FxHashMap::default()));
                self.glyphs.len() - 1
            }
        }
    }

    /// The page-local id of a glyph of the font at `font` in `glyphs` (defining it on first
    /// use); `Some(None)` for a glyph without outline; `None` for one this writer cannot draw
    /// (colour, bitmap, SVG glyphs).
    fn glyph(&mut self, font: usize, id: u16) -> Option<Option<usize>> {
        let (instance, known) = &mut self.glyphs[font];
        if let Some(local) = known.get(&id) {
            return Some(*local);
        }
        if !typst::text::color::should_outline(instance, ttf_parser::GlyphId(id)) {
            return None;
        }
        let local = self.cache.outline(instance, id).map(|path| {
            let n = self.defined;
            self.defined += 1;
            self.defs.push_str("<path id=\"g");
            uint(&mut self.defs, n as u64);
            self.defs.push_str("\" d=\"");
            self.defs.push_str(&path);
            self.defs.push_str("\"/>");
            n
        });
        known.insert(id, local);
        Some(local)
    }

    fn shape(&mut self, shape: &Shape, ts: Transform) -> Option<()> {
        let b = &mut self.body;
        b.push_str("<path fill=\"");
        match &shape.fill {
            Some(Paint::Solid(c)) => self.colors.write(b, c),
            Some(_) => return None,
            None => b.push_str("none"),
        }
        b.push('"');
        if shape.fill.is_some() && shape.fill_rule == FillRule::EvenOdd {
            b.push_str(" fill-rule=\"evenodd\"");
        }
        if let Some(stroke) = &shape.stroke {
            stroke_attrs(b, &mut self.colors, stroke)?;
        }
        // A moved shape gets moved coordinates; anything else keeps its own and a transform.
        let origin = if is_translation(&ts) {
            Point::new(ts.tx, ts.ty)
        } else {
            matrix(b, &ts);
            Point::zero()
        };
        let (ox, oy) = (origin.x.to_pt(), origin.y.to_pt());
        b.push_str(" d=\"");
        let at = |b: &mut String, p: Point| pair(b, ox + p.x.to_pt(), oy + p.y.to_pt());
        match &shape.geometry {
            Geometry::Line(to) => {
                b.push('M');
                pair(b, ox, oy);
                b.push('L');
                at(b, *to);
            }
            Geometry::Rect(size) => rect(b, ox, oy, size.x.to_pt(), size.y.to_pt()),
            Geometry::Curve(curve) => {
                for item in &curve.0 {
                    match *item {
                        CurveItem::Move(p) => {
                            b.push('M');
                            at(b, p);
                        }
                        CurveItem::Line(p) => {
                            b.push('L');
                            at(b, p);
                        }
                        CurveItem::Cubic(p1, p2, p) => {
                            b.push('C');
                            at(b, p1);
                            b.push(' ');
                            at(b, p2);
                            b.push(' ');
                            at(b, p);
                        }
                        CurveItem::Close => b.push('Z'),
                    }
                }
            }
        }
        b.push_str("\"/>");
        Some(())
    }
}

/// A stroke's attributes, leaving out SVG's defaults (butt caps, miter joins, limit 4).
fn stroke_attrs(b: &mut String, colors: &mut Colors, stroke: &FixedStroke) -> Option<()> {
    let Paint::Solid(c) = &stroke.paint else {
        return None;
    };
    b.push_str(" stroke=\"");
    colors.write(b, c);
    b.push_str("\" stroke-width=\"");
    num(b, stroke.thickness.to_pt(), 3);
    b.push('"');
    match stroke.cap {
        LineCap::Butt => {}
        LineCap::Round => b.push_str(" stroke-linecap=\"round\""),
        LineCap::Square => b.push_str(" stroke-linecap=\"square\""),
    }
    match stroke.join {
        LineJoin::Miter => {}
        LineJoin::Round => b.push_str(" stroke-linejoin=\"round\""),
        LineJoin::Bevel => b.push_str(" stroke-linejoin=\"bevel\""),
    }
    if stroke.miter_limit.get() != 4.0 {
        b.push_str(" stroke-miterlimit=\"");
        num(b, stroke.miter_limit.get(), 3);
        b.push('"');
    }
    if let Some(dash) = &stroke.dash {
        b.push_str(" stroke-dasharray=\"");
        for (k, d) in dash.array.iter().enumerate() {
            if k > 0 {
                b.push(' ');
            }
            num(b, d.to_pt(), 3);
        }
        b.push_str("\" stroke-dashoffset=\"");
        num(b, dash.phase.to_pt(), 3);
        b.push('"');
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_round_to_their_decimals_without_trailing_zeros() {
        for (v, d, s) in [
            (1.8984375, 3, "1.898"),
            (5.189941406, 3, "5.19"),
            (-1.9995, 3, "-2"),
            (9.9996, 3, "10"),
            (-0.0001, 3, "0"),
            (0.0005, 3, "0.001"),
            (-0.05, 3, "-0.05"),
            (12.0, 3, "12"),
            (0.00439453125, 7, "0.0043945"),
            (f64::NAN, 3, "0"),
            (1e300, 3, "0"),
        ] {
            let mut out = String::new();
            num(&mut out, v, d);
            assert_eq!(out, s, "{v}");
        }
    }

    #[test]
    fn integers_and_numbers_written_by_hand_read_as_formatted() {
        for v in [0, 7, 10, 99, 12_345, u64::MAX] {
            let mut out = String::from("g");
            uint(&mut out, v);
            assert_eq!(out, format!("g{v}"));
        }
        // Every decimal count, signs, carries into the integer part, trailing zeros.
        for k in -3000..3000 {
            let v = f64::from(k) * 0.0137;
            for d in 0..=7u32 {
                let mut out = String::new();
                num(&mut out, v, d);
                let scale = 10f64.powi(d as i32);
                let want = (v * scale).round() / scale;
                assert_eq!(out.parse::<f64>().unwrap(), want, "{v} {d}");
                assert!(!out.contains('.') || !out.ends_with('0'), "{out}");
                assert!(out != "-0", "{v} {d}");
            }
        }
    }

    #[test]
    fn remembered_colours_are_written_as_to_hex_writes_them() {
        use typst::visualize::Cmyk;
        let colours = [
            Color::BLACK,
            Color::from_u8(0x12, 0x34, 0x56, 0xff),
            Color::from_u8(0x12, 0x34, 0x56, 0x80),
            Color::BLACK,
            Color::from_u8(0x12, 0x34, 0x56, 0xff),
            Color::Process(ProcessColor::Cmyk(Cmyk {
                c: 0.1,
                m: 0.2,
                y: 0.3,
                k: 0.4,
            })),
            Color::WHITE,
        ];
        let mut colors = Colors::default();
        for c in &colours {
            let mut out = String::new();
            colors.write(&mut out, c);
            assert_eq!(out, c.to_hex().as_str());
        }
        // Black, the sRGB colour with and without alpha, white; CMYK is never remembered.
        assert_eq!(colors.0.len(), 4);
    }
}
