//! The caches a `serve` session keeps between builds, in one owner: parsed SOP files, git
//! history, PDFs, pages, the search index and the last decree books. `sopan build` runs
//! without them (it has the build cache on disk).

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

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
    /// The last decree book of each instansi, for a save that rejoins its book afterwards.
    pub(crate) books: Books,
}

/// The files of one decree book.
type BookFiles = Vec<(String, Arc<crate::pipeline::output::Blob>)>;

/// The decree books a save may leave to be rejoined after its pages are served: joining the
/// book of an instansi of 200 SOPs took longer than rebuilding everything else (issue 21).
/// Such a save serves the instansi's previous book, whole and consistent with the instansi
/// page it is linked from (size and SHA-256 shown there are that book's), and the next build,
/// started at once, joins the new one and reloads the browsers.
#[derive(Default)]
pub(crate) struct Books {
    /// The files of each instansi's last book, by instansi id.
    last: Mutex<HashMap<String, BookFiles>>,
    /// Books the last build served stale.
    pending: AtomicUsize,
}

impl Books {
    /// Remembers the book files of instansi `id`.
    pub(crate) fn keep(&self, id: &str, files: &[(String, Arc<crate::pipeline::output::Blob>)]) {
        crate::core::sync::lock(&self.last).insert(id.to_string(), files.to_vec());
    }

    /// The previous book of instansi `id`, served stale: counted as pending.
    pub(crate) fn stale(
        &self,
        id: &str,
    ) -> Option<Vec<(String, Arc<crate::pipeline::output::Blob>)>> {
        let files = crate::core::sync::lock(&self.last).get(id).cloned()?;
        self.pending.fetch_add(1, Ordering::Relaxed);
        Some(files)
    }

    /// How many books the build that just ran served stale (and resets the count).
    pub(crate) fn take_pending(&self) -> usize {
        self.pending.swap(0, Ordering::Relaxed)
    }
}

impl Caches {
    /// Drops the entries the build that just ended did not use (a deleted SOP leaves nothing
    /// behind).
    pub(crate) fn finish_build(&self) {
        self.pdf.finish_build();
        self.pages.finish();
    }
}
