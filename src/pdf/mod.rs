//! The official documents as PDF, made with Typst in-process: `world` gives Typst the theme's
//! templates and fonts, `renderer` turns an SOP into template data and compiles it (in threads or
//! `worker` processes), `flow` draws the flowchart onto Typst's pages and checks its layout,
//! `book` joins the SOP PDFs into the decree book, `logo` sizes the logo for print, and `svg`
//! makes the flow pages' pictures for the site.

pub mod book;
pub mod flow;
mod logo;
pub mod renderer;
pub mod svg;
mod title;
pub mod worker;
pub mod world;

/// Drops everything Typst's memo cache still holds. `serve` calls it once the browsers have
/// been told of a new site: the next save's compile evicts after its document anyway, and
/// found the decree parts of the books the last build laid out still cached, which it then
/// dropped on the save's clock (after the first build, five books' layouts: the first save's
/// PDF stage took 56–87 ms against 33–43 ms for later ones).
pub(crate) fn drop_layout_memos() {
    typst::comemo::evict(0);
}
