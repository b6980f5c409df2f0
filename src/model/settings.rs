//! Settings: `sopan.yaml` with every default applied.

use serde::Serialize;

/// Paper size for the PDFs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub(crate) enum Kertas {
    /// Indonesian F4 / Folio, 215 x 330 mm (the default many tata naskah dinas mandate).
    #[default]
    F4,
    /// A4, 210 x 297 mm.
    A4,
}

impl Kertas {
    /// Reads `F4` / `A4` (any case).
    pub(crate) fn parse(s: &str) -> Option<Self> {
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
    pub(crate) deskripsi: Option<String>,
    /// Absolute base URL for sitemap and QR codes, without trailing slash.
    pub base_url: Option<String>,
    /// Theme folder under `themes/`.
    pub tema: String,
    /// Paper size.
    pub(crate) kertas: Kertas,
    /// Margins of the decree part of a decree book (`margin:` in `sopan.yaml`).
    pub margin: Margin,
    /// The project's search synonyms (`sinonim.yaml`, not `sopan.yaml`); the shipped ones are
    /// added where the index is written.
    #[serde(skip)]
    pub sinonim: crate::site::sinonim::Sinonim,
}

/// Page margins in millimetres. The default is the tata naskah dinas one for the left and
/// right edges (30 mm left for binding, 25 mm right); top and bottom keep room for the kop
/// and the page number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Margin {
    /// Left, mm.
    pub kiri: u32,
    /// Right, mm.
    pub kanan: u32,
    /// Top, mm.
    pub atas: u32,
    /// Bottom, mm.
    pub(crate) bawah: u32,
}

impl Default for Margin {
    fn default() -> Self {
        Margin {
            kiri: 30,
            kanan: 25,
            atas: 20,
            bawah: 22,
        }
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            judul: "Portal SOP".to_string(),
            deskripsi: None,
            base_url: None,
            tema: "default".to_string(),
            kertas: Kertas::F4,
            margin: Margin::default(),
            sinonim: Default::default(),
        }
    }
}

/// The theme a project names in `sopan.yaml` (`default` when none or unreadable): for commands
/// that render without loading the whole project.
pub(crate) fn tema_of(root: &std::path::Path) -> String {
    let path = std::path::Path::new("sopan.yaml");
    // Through the project boundary, as every read of the project: `sopan.yaml` may be a link.
    crate::load::boundary::Boundary::new(root, root)
        .and_then(|b| b.read(&root.join(path), crate::load::MAX_FILE_BYTES).ok())
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|text| {
            let (raw, _) = crate::load::yaml::parse::<crate::load::schema::RawSettings>(
                crate::load::keys::FileKind::Settings,
                path,
                &text,
            );
            raw?.tema.map(|t| t.value.0.trim().to_string())
        })
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| "default".to_string())
}
