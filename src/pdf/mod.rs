//! The official documents as PDF, made with Typst in-process: `world` gives Typst the theme's
//! templates and fonts, `renderer` turns an SOP into template data and compiles it (in threads or
//! `worker` processes), `flow` draws the flowchart onto Typst's pages and checks its layout,
//! `book` joins the SOP PDFs into the decree book, and `svg` makes the flow pages' pictures for
//! the site.

pub mod book;
pub mod flow;
pub mod renderer;
pub mod svg;
mod title;
pub mod worker;
pub mod world;
