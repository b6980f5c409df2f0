//! Site search: one search record per page from the content model (`record`), indexed by
//! Pagefind in parts (`index`).

pub mod index;
pub mod record;
