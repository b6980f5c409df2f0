//! Settings: `sopan.yaml` with every default applied.

use serde::Serialize;

/// Paper size for the PDFs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub enum Kertas {
    /// Indonesian F4 / Folio, 215 x 330 mm (the default many tata naskah dinas mandate).
    #[default]
    F4,
    /// A4, 210 x 297 mm.
    A4,
}

impl Kertas {
    /// Reads `F4` / `A4` (any case).
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_uppercase().as_str() {
            "F4" | "FOLIO" => Some(Kertas::F4),
            "A4" => Some(Kertas::A4),
            _ => None,
        }
    }
}

/// Site-wide settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Settings {
    /// Site title.
    pub judul: String,
    /// Site description.
    pub deskripsi: Option<String>,
    /// Absolute base URL for sitemap and QR codes, without trailing slash.
    pub base_url: Option<String>,
    /// Theme folder under `themes/`.
    pub tema: String,
    /// Paper size.
    pub kertas: Kertas,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            judul: "Portal SOP".to_string(),
            deskripsi: None,
            base_url: None,
            tema: "default".to_string(),
            kertas: Kertas::F4,
        }
    }
}
