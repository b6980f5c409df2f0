//! The official documents as PDF: the flowchart drawn onto Typst's pages (`flow`). The rest of
//! the PDF code (template data, compile, decree book, SVG) still lives in `render/` and moves
//! here file by file as it is changed (the architecture issue's `pdf/` with `flow/`, `book/`,
//! `svg/`).

pub mod flow;
