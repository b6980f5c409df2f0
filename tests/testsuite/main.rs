//! The one integration-test binary: drives the `sopan` CLI over fixture projects.

mod support;

mod batas;
mod boundary;
mod build;
mod cache;
mod cari;
mod cli;
mod content;
mod fuzz;
mod pdf;
mod pdf_alur;
mod pdf_buku;
mod pdf_buku_objek;
mod pdf_halaman_alur;
mod pdf_identitas;
mod pdf_kolom;
mod portal;
mod revisi;
mod serve;
mod serve_batas;
mod site;
mod skala;
mod skema;
mod validate;
