//! The table of error codes the staff guide shows (`docs/panduan.md`, section 7.1), and the
//! tests that hold every kind and the guide to it.

/// Every code with what it means: the staff guide's table (the tests hold the guide and every
/// kind to this list).
const CODES: &[(&str, &str)] = &[
    (
        "berkas-baca",
        "sebuah berkas atau folder tidak dapat dibaca",
    ),
    ("berkas-tulis", "sebuah berkas tidak dapat ditulis"),
    (
        "berkas-buat",
        "sebuah berkas atau folder tidak dapat dibuat",
    ),
    ("berkas-kunci", "folder keluaran tidak dapat dikunci"),
    (
        "berkas-hapus",
        "sebuah berkas atau folder tidak dapat dihapus",
    ),
    (
        "berkas-pindah",
        "keluaran tidak dapat dipindahkan atau dipasang",
    ),
    ("layar", "hasil tidak dapat ditulis ke layar"),
    ("folder-sementara", "folder sementara tidak dapat dibuat"),
    ("json", "hasil JSON tidak dapat disusun"),
    (
        "bukan-proyek",
        "folder itu bukan proyek sopan (tidak ada `content/`)",
    ),
    ("proyek-tidak-ada", "folder proyek tidak ditemukan"),
    ("content-di-luar", "`content/` menunjuk ke luar proyek"),
    (
        "proyek-sudah-ada",
        "`sopan init` ke folder yang sudah berisi proyek",
    ),
    ("sudah-ada", "berkas yang akan dibuat sudah ada"),
    ("id-sop", "id SOP bukan <instansi>/<bidang>/<slug>"),
    ("slug", "nama tidak bisa menjadi bagian alamat (URL)"),
    ("bidang-tidak-ada", "bidang tidak ada di proyek"),
    ("instansi-tidak-ada", "instansi tidak ada di proyek"),
    ("jenis-skema", "jenis berkas skema tidak dikenal"),
    ("tanggal", "tanggal pada pilihan perintah tidak valid"),
    (
        "variabel-lingkungan",
        "variabel lingkungan berisi nilai yang salah",
    ),
    (
        "keluaran-asing",
        "folder keluaran berisi berkas yang bukan buatan sopan",
    ),
    ("keluaran-tautan", "folder keluaran adalah tautan simbolik"),
    (
        "keluaran-tempat",
        "folder keluaran berada di tempat yang merusak proyek",
    ),
    (
        "keluaran-terkunci",
        "pembangunan lain sedang menulis ke folder keluaran",
    ),
    (
        "cache-tempat",
        "folder cache berada di tempat yang merusak proyek atau keluaran",
    ),
    ("tema-nama", "`tema:` bukan nama folder"),
    (
        "tema-berkas",
        "berkas tema ditolak (tautan ke luar, terlalu besar, …)",
    ),
    ("tema-baca", "folder tema tidak dapat dibaca"),
    ("tema-fon", "tema tidak memuat fon"),
    ("templat-utf8", "templat Typst bukan teks UTF-8"),
    ("templat", "templat situs gagal"),
    ("git", "riwayat git tidak dapat dibaca"),
    ("git-revisi", "revisi git tidak ditemukan"),
    ("git-bukan-commit", "revisi git bukan commit"),
    ("git-berkas", "berkas tidak dapat dibaca dari git"),
    (
        "banding-sop",
        "SOP yang dibandingkan tidak ada di kedua versi",
    ),
    (
        "banding-galat",
        "salah satu versi yang dibandingkan berisi galat",
    ),
    (
        "banding-argumen",
        "argumen `sopan diff` bukan berkas, folder, atau revisi git",
    ),
    (
        "revisi-tanpa-isi",
        "revisi git tidak memuat `content/` proyek",
    ),
    (
        "portal-tempat",
        "folder portal bertumpang tindih dengan keluaran yang digabung",
    ),
    ("portal-versi", "keluaran dibangun oleh versi sopan lain"),
    ("portal-ganda", "satu instansi ada di dua keluaran"),
    (
        "portal-konfigurasi",
        "keluaran dibangun dengan konfigurasi proyek lain",
    ),
    (
        "portal-isi",
        "isi instansi di keluaran berbeda dengan proyek sekarang",
    ),
    ("portal-tidak-utuh", "keluaran yang digabung tidak utuh"),
    (
        "portal-bukan-keluaran",
        "folder itu bukan keluaran `sopan build --instansi`",
    ),
    ("portal-catatan", "catatan portal keluaran tidak terbaca"),
    (
        "server-port",
        "server tidak dapat dibuka di alamat dan port itu",
    ),
    ("server", "server HTTP tidak dapat dijalankan"),
    ("pantau", "perubahan berkas tidak dapat dipantau"),
    ("utas", "utas kerja tidak dapat dijalankan"),
    ("pdf-typst", "Typst gagal menyusun PDF"),
    ("pdf-standar", "standar PDF tidak didukung"),
    ("pdf-judul", "judul PDF tidak dapat ditandai"),
    ("buku", "buku keputusan tidak dapat disusun"),
    ("pekerja-pdf", "proses pekerja PDF gagal"),
    ("indeks-pencarian", "indeks pencarian tidak dapat dibangun"),
    ("internal", "galat di dalam sopan sendiri (laporkan)"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::error::*;
    use std::path::PathBuf;

    /// One of each kind (and each file-system act): every code is listed in [`CODES`] and every
    /// message is Indonesian text without leftovers of formatting.
    fn samples() -> Vec<ErrorKind> {
        use ErrorKind as K;
        let p = || PathBuf::from("a/b");
        let s = || "x".to_string();
        let mut all = vec![
            K::Stdout,
            K::TempDir,
            K::Json,
            K::NotAProject {
                dir: p(),
                looked_up: true,
                command: "build".into(),
            },
            K::ProjectMissing { dir: p() },
            K::ContentOutside { root: p() },
            K::ProjectExists {
                dir: p(),
                existing: s(),
            },
            K::FileExists { path: p() },
            K::BadSopId { id: s() },
            K::BadSlug {
                what: SlugOf::Sop,
                given: s(),
                suggestion: s(),
            },
            K::UnknownBidang {
                instansi: s(),
                bidang: s(),
                slug: s(),
                known: vec![],
            },
            K::UnknownInstansi {
                ids: vec![s()],
                near: Some(s()),
                known: vec![s()],
            },
            K::PortalOverlap {
                out: s(),
                input: s(),
            },
            K::PortalVersion {
                input: s(),
                theirs: s(),
            },
            K::PortalTwice {
                id: s(),
                first: s(),
                second: s(),
            },
            K::PortalConfig { input: s() },
            K::PortalContent {
                id: s(),
                input: s(),
            },
            K::PortalIncomplete {
                input: s(),
                top: s(),
            },
            K::PortalNotAnOutput {
                input: s(),
                exists: true,
            },
            K::PortalRecord {
                path: s(),
                format: None,
            },
            K::PortalSearch {
                id: s(),
                missing: true,
            },
            K::UnknownSchemaKind {
                given: s(),
                near: None,
                names: vec![s()],
            },
            K::BadDate {
                given: s(),
                why: s(),
            },
            K::BadEnvNumber {
                var: s(),
                value: s(),
                example: 3,
            },
            K::OutputNotOurs { dir: p() },
            K::OutputSymlink { dir: s() },
            K::OutputPlace {
                dir: s(),
                why: Place::ProjectOrAbove,
            },
            K::OutputBusy { dir: s() },
            K::CachePlace {
                dir: s(),
                why: Place::HoldsProject,
            },
            K::ThemeName { tema: s() },
            K::ThemeFile {
                rel: p(),
                message: s(),
                hint: "h",
            },
            K::ThemeRead { tema: s() },
            K::ThemeNoFonts,
            K::TemplateNotUtf8 { name: s() },
            K::Template {
                doing: TemplateAct::Load,
            },
            K::Git {
                doing: GitAct::Walk,
            },
            K::GitRevisionMissing { rev: s() },
            K::GitNotCommit { rev: s() },
            K::GitFileMissing {
                rel: s(),
                commit: s(),
            },
            K::DiffUnknownSop {
                unknown: vec![(s(), Some(s()))],
            },
            K::DiffSideInvalid {
                label: s(),
                revision: true,
            },
            K::DiffNotARevision {
                rev: s(),
                proyek: p(),
            },
            K::RevisionWithoutContent { label: s() },
            K::ServeBind { addr: s() },
            K::ServeRuntime,
            K::Watch {
                path: None,
                suggest_poll: true,
            },
            K::Thread {
                what: ThreadOf::Pdf,
            },
            K::PdfCompile { what: s() },
            K::PdfStandard { detail: s() },
            K::PdfTitle {
                what: s(),
                detail: s(),
            },
            K::Book { instansi: s() },
            K::Worker,
            K::WorkerIo {
                act: WorkerAct::BadJob,
            },
            K::SearchIndex,
            K::PdfBeforePage { pdf: s() },
            K::GuidePage { at: s() },
        ];
        use IoAct as A;
        for act in [
            A::Read,
            A::ReadDir,
            A::ReadProject,
            A::OpenProject,
            A::ReadLogo,
            A::Write,
            A::WriteMarker,
            A::Create,
            A::CreateDir,
            A::CreateCacheDir,
            A::CreateLock,
            A::Lock,
            A::Remove,
            A::RemoveOldOutput,
            A::Move,
            A::InstallOutput,
            A::Recover,
        ] {
            all.push(K::Io { act, path: p() });
        }
        all
    }

    #[test]
    fn every_kind_has_a_listed_code_and_an_indonesian_message() {
        let listed: std::collections::BTreeSet<&str> = CODES.iter().map(|(c, _)| *c).collect();
        assert_eq!(listed.len(), CODES.len(), "a code is listed twice");
        let mut used = std::collections::BTreeSet::new();
        for k in samples() {
            assert!(
                listed.contains(k.code()),
                "{:?} has the unlisted code {}",
                k,
                k.code()
            );
            used.insert(k.code());
            let m = k.message();
            assert!(
                !m.is_empty() && !m.contains("{") && !m.contains("Error"),
                "{m}"
            );
        }
        assert_eq!(used, listed, "a listed code no kind uses");
    }

    #[test]
    fn the_staff_guide_lists_every_code() {
        let guide = include_str!("../../../docs/panduan.md");
        for (code, _) in CODES {
            assert!(
                guide.contains(&format!("`{code}`")),
                "docs/panduan.md lacks `{code}`"
            );
        }
    }

    #[test]
    fn an_error_prints_its_code_message_causes_and_fix() {
        let e = crate::core::error::Error::io(
            IoAct::Write,
            "keluaran/a.pdf",
            std::io::Error::from_raw_os_error(28),
        );
        assert_eq!(
            e.kind,
            ErrorKind::Io {
                act: IoAct::Write,
                path: "keluaran/a.pdf".into()
            }
        );
        assert_eq!(
            e.to_string(),
            "galat[berkas-tulis]: gagal menulis `keluaran/a.pdf`\n  penyebab: ruang penyimpanan penuh"
        );
        let e = crate::core::error::Error::new(ErrorKind::OutputBusy {
            dir: "output".into(),
        });
        assert!(
            e.to_string().ends_with(
                "\n  = bantuan: tunggu sampai pembangunan itu selesai, lalu jalankan lagi"
            )
        );
    }
}
