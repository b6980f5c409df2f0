//! The identity page and signature blocks of the SOP PDFs: one page, never a split signature.

