//! Drawing onto laid-out pages: the document's own fonts found in its frames, labels shaped
//! without Typst (`text_item`), and `Canvas`, the items one page gains (symbols' connectors,
//! labels, off-page connectors, footers), in absolute page coordinates.

use typst::layout::{Abs, Em, Frame, FrameItem, Point, Ratio};
use typst::syntax::Span;
use typst::text::{FontInstance, FontWeight, Glyph, Lang, TextItem};
use typst::visualize::{Color, Curve, FillRule, FixedStroke, Geometry, LineCap, LineJoin, Shape};
use typst_layout::Page;

use super::route::{self, Drawing, LABEL_PT, Node};
use super::{STROKE_PT, TABLE_RULE_PT};

/// The fonts found in the laid-out document, reused for labels so they match the table.
pub(super) struct Fonts {
    pub(super) regular: FontInstance,
    pub(super) bold: FontInstance,
}

pub(super) fn find_fonts(pages: &[Page]) -> Option<Fonts> {
    fn walk(frame: &Frame, regular: &mut Option<FontInstance>, bold: &mut Option<FontInstance>) {
        for (_, item) in frame.items() {
            match item {
                FrameItem::Group(g) => walk(&g.frame, regular, bold),
                FrameItem::Text(t) => {
                    let weight = t.font.font().info().variant.weight;
                    if weight >= FontWeight::BOLD {
                        bold.get_or_insert_with(|| t.font.clone());
                    } else {
                        regular.get_or_insert_with(|| t.font.clone());
                    }
                }
                _ => {}
            }
            if regular.is_some() && bold.is_some() {
                return;
            }
        }
    }
    let (mut regular, mut bold) = (None, None);
    for p in pages {
        walk(&p.frame, &mut regular, &mut bold);
    }
    let regular = regular.or_else(|| bold.clone())?;
    let bold = bold.unwrap_or_else(|| regular.clone());
    Some(Fonts { regular, bold })
}

std::thread_local! {
    /// The glyph ids of the ASCII characters per font, as `glyph_index` gives them: its cmap
    /// lookup was 12M of the 15M instructions `text_item` took per 100 SOPs (callgrind), for
    /// the same few characters again and again (labels, connector numbers, page footers).
    static ASCII_IDS: std::cell::RefCell<Vec<(FontInstance, [Option<u16>; 128])>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// Shaped text without kerning: enough for labels, connector numbers and page footers.
fn text_item(font: &FontInstance, size: Abs, text: &str) -> TextItem {
    let lookup = |c: char| font.ttf().glyph_index(c).map_or(0, |g| g.0);
    let ids: Vec<u16> = ASCII_IDS.with_borrow_mut(|cache| {
        let k = match cache.iter().position(|(f, _)| f == font) {
            Some(k) => k,
            None => {
                cache.push((font.clone(), [None; 128]));
                cache.len() - 1
            }
        };
        let ascii = &mut cache[k].1;
        text.chars()
            .map(|c| match ascii.get_mut(c as usize) {
                Some(slot) => *slot.get_or_insert_with(|| lookup(c)),
                None => lookup(c),
            })
            .collect()
    });
    let mut glyphs = Vec::with_capacity(text.len());
    for ((start, c), id) in text.char_indices().zip(ids) {
        let end = start + c.len_utf8();
        glyphs.push(Glyph {
            id,
            x_advance: font.x_advance(id).unwrap_or(Em::zero()),
            x_offset: Em::zero(),
            y_advance: Em::zero(),
            y_offset: Em::zero(),
            range: u16::try_from(start).unwrap_or(u16::MAX)..u16::try_from(end).unwrap_or(u16::MAX),
            span: (Span::detached(), 0),
        });
    }
    TextItem {
        font: font.clone(),
        size,
        fill: Color::BLACK.into(),
        stroke: None,
        lang: Lang::INDONESIAN,
        region: None,
        text: text.into(),
        glyphs,
    }
}

/// Items to add to one page, in absolute page coordinates.
pub(super) struct Canvas<'a> {
    pub(super) fonts: &'a Fonts,
    pub(super) items: Vec<(Point, FrameItem)>,
}

fn pt(v: f64) -> Abs {
    Abs::pt(v)
}

impl Canvas<'_> {
    fn stroke() -> FixedStroke {
        FixedStroke {
            paint: Color::BLACK.into(),
            thickness: Abs::pt(STROKE_PT),
            cap: LineCap::Butt,
            join: LineJoin::Miter,
            dash: None,
            miter_limit: Ratio::new(4.0),
        }
    }

    fn shape(&mut self, curve: Curve, fill: Option<Color>, stroke: bool) {
        let shape = Shape {
            geometry: Geometry::Curve(curve),
            fill: fill.map(Into::into),
            fill_rule: FillRule::NonZero,
            stroke: stroke.then(Self::stroke),
        };
        self.items
            .push((Point::zero(), FrameItem::Shape(shape, Span::detached())));
    }

    /// Straight segments through `pts` (pt).
    fn path(pts: &[(f64, f64)]) -> Curve {
        let mut curve = Curve::new();
        for (i, &(x, y)) in pts.iter().enumerate() {
            if i == 0 {
                curve.move_(Point::new(pt(x), pt(y)));
            } else {
                curve.line(Point::new(pt(x), pt(y)));
            }
        }
        curve
    }

    /// A vertical table rule from `y0` down to `y1`, as the table strokes its own (0.5 pt).
    pub(super) fn rule(&mut self, x: f64, y0: f64, y1: f64) {
        let stroke = FixedStroke {
            thickness: Abs::pt(TABLE_RULE_PT),
            ..FixedStroke::default()
        };
        let shape = Shape {
            geometry: Geometry::Line(Point::new(Abs::zero(), pt(y1 - y0))),
            fill: None,
            fill_rule: FillRule::default(),
            stroke: Some(stroke),
        };
        self.items.push((
            Point::new(pt(x), pt(y0)),
            FrameItem::Shape(shape, Span::detached()),
        ));
    }

    fn polyline(&mut self, pts: &[(f64, f64)]) {
        self.shape(Self::path(pts), None, true);
    }

    fn polygon(&mut self, pts: &[(f64, f64)], fill: Color, stroke: bool) {
        let mut curve = Self::path(pts);
        curve.close();
        self.shape(curve, Some(fill), stroke);
    }

    pub(super) fn text_width(font: &FontInstance, size: Abs, text: &str) -> Abs {
        text_item(font, size, text).width()
    }

    /// Text whose cap height starts at `top` (Typst's default top edge) and left edge at `x`.
    pub(super) fn text(&mut self, font: &FontInstance, size: Abs, x: Abs, top: Abs, text: &str) {
        let item = text_item(font, size, text);
        let baseline = top + font.metrics().cap_height.at(size);
        self.items
            .push((Point::new(x, baseline), FrameItem::Text(item)));
    }

    /// A step's symbol, in the box its marker reserved: a capsule for the first and last
    /// step (and a decision's own end), a diamond for a decision, a rectangle for a process
    /// or an actor joined to another's decision. Drawn here rather than by Typst: the shapes
    /// were a tenth of an SOP's layout and export time.
    fn symbol(&mut self, n: &Node) {
        let (l, r, t, b) = (
            pt(n.x - n.w / 2.0),
            pt(n.x + n.w / 2.0),
            pt(n.top),
            pt(n.bottom),
        );
        match n.kind.as_str() {
            "keputusan" => self.polygon(&n.outline(), Color::WHITE, true),
            "mulai" | "selesai" => {
                let rad = ((b - t) / 2.0).min((r - l) / 2.0);
                // Quarter circles as cubic curves (control points at 0.5523 of the radius).
                let k = rad * 0.552_284_75;
                let mut c = Curve::new();
                c.move_(Point::new(l + rad, t));
                c.line(Point::new(r - rad, t));
                c.cubic(
                    Point::new(r - rad + k, t),
                    Point::new(r, t + rad - k),
                    Point::new(r, t + rad),
                );
                c.line(Point::new(r, b - rad));
                c.cubic(
                    Point::new(r, b - rad + k),
                    Point::new(r - rad + k, b),
                    Point::new(r - rad, b),
                );
                c.line(Point::new(l + rad, b));
                c.cubic(
                    Point::new(l + rad - k, b),
                    Point::new(l, b - rad + k),
                    Point::new(l, b - rad),
                );
                c.line(Point::new(l, t + rad));
                c.cubic(
                    Point::new(l, t + rad - k),
                    Point::new(l + rad - k, t),
                    Point::new(l + rad, t),
                );
                c.close();
                self.shape(c, Some(Color::WHITE), true);
            }
            _ => self.polygon(&n.outline(), Color::WHITE, true),
        }
    }

    /// Everything of the drawing that sits on page `pg`.
    pub(super) fn draw_page(&mut self, nodes: &[Node], d: &Drawing, pg: usize) {
        for n in nodes.iter().filter(|n| n.page == pg) {
            self.symbol(n);
        }
        for piece in route::with_gaps(d, pg) {
            self.polyline(&piece);
        }
        for a in d.arrows.iter().filter(|a| a.page == pg) {
            self.polygon(&a.poly(), Color::BLACK, false);
        }
        let size = Abs::pt(LABEL_PT);
        for c in d.conns.iter().filter(|c| c.page == pg) {
            self.polygon(&c.poly(), Color::WHITE, true);
            let font = self.fonts.bold.clone();
            let num = c.num.to_string();
            let tw = Self::text_width(&font, size, &num);
            let cx = pt((c.rect.x0 + c.rect.x1) / 2.0);
            self.text(
                &font,
                size,
                cx - tw / 2.0,
                pt(c.rect.y0 + 0.4 * route::MM),
                &num,
            );
        }
        for l in d.labels.iter().filter(|l| l.page == pg) {
            let font = self.fonts.regular.clone();
            self.text(&font, size, pt(l.rect.x0), pt(l.top), &l.text);
        }
    }
}
