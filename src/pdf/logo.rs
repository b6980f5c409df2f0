//! The instansi's logo as the SOP documents print it: a PNG taller than the identity page's
//! 20 mm needs at 300 dpi is resampled down to that, once per process, and the SOP documents
//! embed that copy (the decree book keeps the original for its larger cover).
//!
//! Typst decodes the logo and the PDF export compresses its pixels again in every document;
//! with a 400 x 480 px logo that was 1 ms more per SOP (`examples/phases`, 100 generated SOPs:
//! PDF export 2.5 ms against 1.55 without a logo), and a 600 x 700 px photograph-like one made
//! every SOP's PDF 1.1 MB and its export 22 ms. Other formats (SVG, JPEG, whose bytes the PDF
//! takes as they are) and logos already small enough are left as they are.

use std::io::Cursor;

use image::ImageDecoder;
use image::codecs::png::{CompressionType, FilterType, PngDecoder, PngEncoder};

/// The logo's height on the identity page (identitas.typ `header-block`), in millimetres.
const PRINTED_MM: f64 = 20.0;
/// Print resolution, dots per inch.
const DPI: f64 = 300.0;

/// The pixel height the identity page needs: 237 px.
fn needed_height() -> u32 {
    (PRINTED_MM / 25.4 * DPI).ceil() as u32
}

/// The virtual path of the SOP documents' copy of the logo at `vpath`.
pub(crate) fn print_path(vpath: &str) -> String {
    match vpath.rsplit_once('.') {
        Some((stem, ext)) => format!("{stem}-cetak.{ext}"),
        None => format!("{vpath}-cetak"),
    }
}

/// The logo `bytes` (at a path ending in `ext`) as the SOP documents embed it: resampled to the
/// identity page's print resolution when it is a PNG taller than that, else the same bytes. A
/// PNG that cannot be read is left to Typst, whose error names the template line.
pub(crate) fn for_print(bytes: &[u8], ext: &str) -> Vec<u8> {
    if !ext.eq_ignore_ascii_case("png") {
        return bytes.to_vec();
    }
    resampled(bytes, needed_height()).unwrap_or_else(|| bytes.to_vec())
}

/// `bytes` (a PNG) resampled to `height` px (Lanczos, the aspect kept), its colour profile
/// kept; `None` when it is no taller or cannot be read.
fn resampled(bytes: &[u8], height: u32) -> Option<Vec<u8>> {
    let mut decoder = PngDecoder::new(Cursor::new(bytes)).ok()?;
    let (w, h) = decoder.dimensions();
    if h <= height || w == 0 {
        return None;
    }
    let icc = decoder.icc_profile().ok().flatten();
    let img = image::DynamicImage::from_decoder(decoder).ok()?;
    let width = ((f64::from(w) * f64::from(height) / f64::from(h)).round() as u32).max(1);
    let small = img.resize_exact(width, height, image::imageops::FilterType::Lanczos3);
    let mut out = Vec::new();
    let mut encoder =
        PngEncoder::new_with_quality(&mut out, CompressionType::Default, FilterType::Adaptive);
    if let Some(icc) = icc {
        // A profile the encoder refuses leaves the colours as sRGB, PNG's default.
        let _ = image::ImageEncoder::set_icc_profile(&mut encoder, icc);
    }
    image::ImageEncoder::write_image(
        encoder,
        small.as_bytes(),
        width,
        height,
        small.color().into(),
    )
    .ok()?;
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbaImage::from_fn(w, h, |x, y| {
            image::Rgba([
                (x % 256) as u8,
                (y % 256) as u8,
                90,
                if x < 3 { 0 } else { 255 },
            ])
        });
        let mut out = Vec::new();
        image::DynamicImage::ImageRgba8(img)
            .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn a_tall_png_is_resampled_to_print_resolution() {
        let out = for_print(&png(400, 480), "png");
        let img = image::load_from_memory(&out).unwrap();
        assert_eq!((img.width(), img.height()), (198, 237));
        // Transparency is kept.
        assert_eq!(img.to_rgba8().get_pixel(0, 100)[3], 0);
        assert_eq!(img.to_rgba8().get_pixel(100, 100)[3], 255);
        // The same bytes every time.
        assert_eq!(out, for_print(&png(400, 480), "PNG"));
    }

    #[test]
    fn small_logos_other_formats_and_unreadable_files_stay_as_they_are() {
        let small = png(150, 200);
        assert_eq!(for_print(&small, "png"), small);
        assert_eq!(for_print(b"<svg/>", "svg"), b"<svg/>");
        assert_eq!(for_print(b"not a png", "png"), b"not a png");
        assert_eq!(print_path("/logo/dinsos.png"), "/logo/dinsos-cetak.png");
    }
}
