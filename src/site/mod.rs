//! The citizens' site: HTML pages (Tera), open data (JSON, CSV), the staff guide and the
//! search index, made from the content model and the PDFs already in the `Output`.

pub(crate) mod data;
pub mod html;
pub(crate) mod panduan;
pub(crate) mod portal;
pub mod search;
pub(crate) mod sinonim;
