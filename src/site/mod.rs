//! The citizens' site: HTML pages (Tera), open data (JSON, CSV), the staff guide and the
//! search index, made from the content model and the PDFs already in the `Output`.

pub mod data;
pub mod html;
pub mod panduan;
pub mod search;
pub mod sinonim;
