//! The caches a `serve` session keeps between builds, in one owner: parsed SOP files, git
//! history, PDFs, pages and the search index. `sopan build` runs without them.

use std::sync::Arc;

use crate::history::HistoryCache;
use crate::load::cache::ParseCache;
use crate::pdf::renderer::PdfCache;
use crate::site::html::PageCache;
use crate::site::search::index::SearchCache;

/// Everything earlier builds made that a later build may reuse. Each entry is keyed by what it
/// was made from, so a reused entry is what a fresh build would make.
#[derive(Default)]
pub(crate) struct Caches {
    /// SOP files parsed by earlier loads.
    pub(crate) parsed: ParseCache,
    /// The git history, kept while HEAD and the SOP files stay.
    pub(crate) history: HistoryCache,
    /// SOP PDFs, flowchart SVGs and decree books.
    pub(crate) pdf: PdfCache,
    /// Rendered pages.
    pub(crate) pages: PageCache,
    /// The search index, shared with `serve`'s search thread.
    pub(crate) search: Arc<SearchCache>,
}

impl Caches {
    /// Drops the entries the build that just ended did not use (a deleted SOP leaves nothing
    /// behind).
    pub(crate) fn finish_build(&self) {
        self.pdf.finish_build();
        self.pages.finish();
    }
}
