//! The staff guide (`docs/panduan.md`, in Bahasa Indonesia) published at `/panduan/`, and the
//! content files' JSON Schemas at `/skema/`: every site carries the manual for the version of
//! sopan that built it, next to the schemas its editors can point at.

use crate::core::error::{Error, ErrorKind};
use crate::model::{Halaman, Site};
use crate::pipeline::Extras;
use crate::pipeline::output::Output;
use crate::pipeline::theme::Theme;

/// The guide's text, compiled into the binary (the project need not hold it).
pub(crate) const TEKS: &str = include_str!("../../docs/panduan.md");

/// Where the guide is published.
pub(crate) const PATH: &str = "panduan/index.html";

/// Renders the guide like a `halaman` page, moved to `/panduan/`, and adds the schemas.
pub(crate) fn render(
    site: &Site,
    theme: &Theme,
    extras: &Extras,
    out: &mut Output,
) -> Result<(), Error> {
    let page = Halaman {
        instansi: None,
        slug: "panduan".into(),
        teks: TEKS.into(),
        sumber: "docs/panduan.md".into(),
    };
    let rendered = crate::site::html::markdown_page(site, theme, extras, &page)?;
    let at = format!("{}index.html", page.url().trim_start_matches('/'));
    let html = rendered
        .get(&at)
        .ok_or_else(|| Error::new(ErrorKind::GuidePage { at: at.to_string() }))?;
    out.insert(PATH, html.to_vec());
    for (path, bytes) in crate::load::skema::site_files() {
        out.insert(path, bytes);
    }
    Ok(())
}
