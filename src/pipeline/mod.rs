//! The build pipeline: from the validated content model, the theme and the settings to the
//! in-memory `Output` of a whole site (PDFs, pages, data, search), as a list of timed stages.

pub mod build;
pub mod output;
pub mod theme;

pub use build::{BuildContext, Extras, build, search_bundle};
