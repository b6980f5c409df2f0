//! The decree book: cover, daftar isi, KEDUA, LAMPIRAN and its signature.

