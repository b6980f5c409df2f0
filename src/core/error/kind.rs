//! Every kind of operational error, with its Indonesian message, its fix and its code, in one
//! place: callers build a kind from data, tests match on it, and the words are changed here
//! only. (Problems in the content are located diagnostics instead: `core::diag`.)

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::parts::{GitAct, IoAct, Place, SlugOf, TemplateAct, ThreadOf, WorkerAct};

/// What failed, as data. The code ([`ErrorKind::code`]) is printed with the message
/// (`galat[keluaran-asing]: …`) and listed in the staff guide.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A file-system operation on a path failed (the cause says why).
    Io { act: IoAct, path: PathBuf },
    /// Writing the result to the terminal failed.
    Stdout,
    /// A temporary folder could not be made.
    TempDir,
    /// Serialising JSON failed.
    Json,

    // The project and its files.
    /// `dir` holds no `content/` folder (`looked_up`: nor does any folder above it).
    NotAProject {
        dir: PathBuf,
        looked_up: bool,
        command: String,
    },
    /// The project folder given to `serve` does not exist.
    ProjectMissing { dir: PathBuf },
    /// `content/` is a link out of the project.
    ContentOutside { root: PathBuf },
    /// `sopan init` into a folder that already holds a project.
    ProjectExists { dir: PathBuf, existing: String },
    /// A file sopan would create exists already.
    FileExists { path: PathBuf },
    /// `sopan new` got an id that is not `instansi/bidang/slug`.
    BadSopId { id: String },
    /// A slug or bidang folder name that cannot be part of a URL (`suggestion` is one that can).
    BadSlug {
        what: SlugOf,
        given: String,
        suggestion: String,
    },
    /// `sopan new` into a bidang the project does not have.
    UnknownBidang {
        instansi: String,
        bidang: String,
        slug: String,
        known: Vec<String>,
    },
    /// Instansi the project does not have (`near`: the nearest of `known` to the first).
    UnknownInstansi {
        ids: Vec<String>,
        near: Option<String>,
        known: Vec<String>,
    },
    /// `sopan skema JENIS` with an unknown kind.
    UnknownSchemaKind {
        given: String,
        near: Option<String>,
        names: Vec<String>,
    },
    /// A date option that is not `YYYY-MM-DD`.
    BadDate { given: String, why: String },
    /// An environment variable that must be a positive whole number.
    BadEnvNumber {
        var: String,
        value: String,
        example: usize,
    },

    // The output folder and the build cache.
    /// The output folder holds files sopan did not write.
    OutputNotOurs { dir: PathBuf },
    /// The output folder is a symbolic link.
    OutputSymlink { dir: String },
    /// The output folder is somewhere a swap would harm the project.
    OutputPlace { dir: String, why: Place },
    /// Another build holds the output folder's lock.
    OutputBusy { dir: String },
    /// The cache folder is somewhere it would harm the project or the output.
    CachePlace { dir: String, why: Place },

    // The theme.
    /// `tema:` is not a folder name.
    ThemeName { tema: String },
    /// A theme file refused by the project boundary (the message and fix are the boundary's).
    ThemeFile {
        rel: PathBuf,
        message: String,
        hint: &'static str,
    },
    /// The theme folder could not be read.
    ThemeRead { tema: String },
    /// The theme has no font.
    ThemeNoFonts,
    /// A Typst template is not UTF-8.
    TemplateNotUtf8 { name: String },
    /// A site template failed.
    Template { doing: TemplateAct },

    // Git history and comparisons.
    /// A git operation failed.
    Git { doing: GitAct },
    /// A git revision that does not exist.
    GitRevisionMissing { rev: String },
    /// A git revision that is not a commit.
    GitNotCommit { rev: String },
    /// A file listed in a commit's tree could not be read.
    GitFileMissing { rel: String, commit: String },
    /// `sopan diff` names SOPs in neither version: each name with what it might have meant.
    DiffUnknownSop {
        unknown: Vec<(String, Option<String>)>,
    },
    /// A side of a comparison has content errors (`revision`: a version from git).
    DiffSideInvalid { label: String, revision: bool },
    /// A diff argument that is no file, no folder, and no git revision (no repository).
    DiffNotARevision { rev: String, proyek: PathBuf },
    /// A revision without the project's `content/`.
    RevisionWithoutContent { label: String },

    // A portal merged from separately built instansi (`sopan gabung`).
    /// The portal folder overlaps an output being merged.
    PortalOverlap { out: String, input: String },
    /// An output built by another sopan version.
    PortalVersion { input: String, theirs: String },
    /// An instansi in two outputs (or one output named twice).
    PortalTwice {
        id: String,
        first: String,
        second: String,
    },
    /// An output built from another project configuration.
    PortalConfig { input: String },
    /// An output whose instansi content differs from the project's now.
    PortalContent { id: String, input: String },
    /// An output without one of its folders.
    PortalIncomplete { input: String, top: String },
    /// A folder that is no `sopan build --instansi` output (`exists`: the folder is there).
    PortalNotAnOutput { input: String, exists: bool },
    /// An output's record unreadable, or (`format`: found, read) of another format.
    PortalRecord {
        path: String,
        format: Option<(u32, u32)>,
    },
    /// An output's search index unreadable (`missing`: absent).
    PortalSearch { id: String, missing: bool },

    // serve.
    /// The server could not listen on the address.
    ServeBind { addr: String },
    /// The HTTP server's runtime could not start.
    ServeRuntime,
    /// Watching files failed (`path`: the one that could not be watched).
    Watch {
        path: Option<PathBuf>,
        suggest_poll: bool,
    },
    /// A thread could not be started.
    Thread { what: ThreadOf },

    // PDF and search.
    /// Typst reported errors for a document (the causes are its diagnostics).
    PdfCompile { what: String },
    /// The PDF standard asked for is not supported.
    PdfStandard { detail: String },
    /// The PDF's title could not be marked.
    PdfTitle { what: String, detail: String },
    /// A decree book could not be composed.
    Book { instansi: String },
    /// A PDF worker process failed (the cause is what it said).
    Worker,
    /// Talking to a PDF worker process failed.
    WorkerIo { act: WorkerAct },
    /// The Pagefind index could not be built.
    SearchIndex,
    /// A page was made before its PDF (a defect in sopan).
    PdfBeforePage { pdf: String },
    /// The guide page was not made (a defect in sopan).
    GuidePage { at: String },
}

fn shown(p: &Path) -> String {
    p.display().to_string()
}

impl ErrorKind {
    /// The kind's short, stable name, printed as `galat[code]` and listed in the guide.
    pub fn code(&self) -> &'static str {
        use ErrorKind as K;
        match self {
            K::Io { act, .. } => act.code(),
            K::Stdout => "layar",
            K::TempDir => "folder-sementara",
            K::Json => "json",
            K::NotAProject { .. } => "bukan-proyek",
            K::ProjectMissing { .. } => "proyek-tidak-ada",
            K::ContentOutside { .. } => "content-di-luar",
            K::ProjectExists { .. } => "proyek-sudah-ada",
            K::FileExists { .. } => "sudah-ada",
            K::BadSopId { .. } => "id-sop",
            K::BadSlug { .. } => "slug",
            K::UnknownBidang { .. } => "bidang-tidak-ada",
            K::UnknownInstansi { .. } => "instansi-tidak-ada",
            K::UnknownSchemaKind { .. } => "jenis-skema",
            K::BadDate { .. } => "tanggal",
            K::BadEnvNumber { .. } => "variabel-lingkungan",
            K::OutputNotOurs { .. } => "keluaran-asing",
            K::OutputSymlink { .. } => "keluaran-tautan",
            K::OutputPlace { .. } => "keluaran-tempat",
            K::OutputBusy { .. } => "keluaran-terkunci",
            K::CachePlace { .. } => "cache-tempat",
            K::ThemeName { .. } => "tema-nama",
            K::ThemeFile { .. } => "tema-berkas",
            K::ThemeRead { .. } => "tema-baca",
            K::ThemeNoFonts => "tema-fon",
            K::TemplateNotUtf8 { .. } => "templat-utf8",
            K::Template { .. } => "templat",
            K::Git { .. } => "git",
            K::GitRevisionMissing { .. } => "git-revisi",
            K::GitNotCommit { .. } => "git-bukan-commit",
            K::GitFileMissing { .. } => "git-berkas",
            K::DiffUnknownSop { .. } => "banding-sop",
            K::DiffSideInvalid { .. } => "banding-galat",
            K::DiffNotARevision { .. } => "banding-argumen",
            K::RevisionWithoutContent { .. } => "revisi-tanpa-isi",
            K::PortalOverlap { .. } => "portal-tempat",
            K::PortalVersion { .. } => "portal-versi",
            K::PortalTwice { .. } => "portal-ganda",
            K::PortalConfig { .. } => "portal-konfigurasi",
            K::PortalContent { .. } => "portal-isi",
            K::PortalIncomplete { .. } | K::PortalSearch { .. } => "portal-tidak-utuh",
            K::PortalNotAnOutput { .. } => "portal-bukan-keluaran",
            K::PortalRecord { .. } => "portal-catatan",
            K::ServeBind { .. } => "server-port",
            K::ServeRuntime => "server",
            K::Watch { .. } => "pantau",
            K::Thread { .. } => "utas",
            K::PdfCompile { .. } => "pdf-typst",
            K::PdfStandard { .. } => "pdf-standar",
            K::PdfTitle { .. } => "pdf-judul",
            K::Book { .. } => "buku",
            K::Worker | K::WorkerIo { .. } => "pekerja-pdf",
            K::SearchIndex => "indeks-pencarian",
            K::PdfBeforePage { .. } | K::GuidePage { .. } => "internal",
        }
    }

    /// What failed, in Bahasa Indonesia.
    pub fn message(&self) -> String {
        use ErrorKind as K;
        match self {
            K::Io { act, path } => act.message(path),
            K::Stdout => "gagal menulis ke layar".into(),
            K::TempDir => "gagal membuat folder sementara".into(),
            K::Json => "gagal menyusun JSON".into(),
            K::NotAProject { dir, looked_up, .. } => format!(
                "`{}` bukan proyek sopan: folder `content/` tidak ada{}",
                shown(dir),
                if *looked_up {
                    " di sini atau di atasnya"
                } else {
                    ""
                }
            ),
            K::ProjectMissing { dir } => {
                format!("folder proyek `{}` tidak ditemukan", shown(dir))
            }
            K::ContentOutside { root } => format!(
                "folder `content/` di `{}` menunjuk ke luar folder proyek (tautan simbolik) dan tidak dibaca",
                shown(root)
            ),
            K::ProjectExists { dir, existing } => {
                format!("`{}` sudah berisi proyek (`{existing}` ada)", shown(dir))
            }
            K::FileExists { path } => {
                format!("`{}` sudah ada; sopan tidak menimpanya", shown(path))
            }
            K::BadSopId { id } => format!("id `{id}` harus berbentuk <instansi>/<bidang>/<slug>"),
            K::BadSlug { what, given, .. } => match what {
                SlugOf::Sop => format!("slug `{given}` tidak bisa menjadi bagian alamat (URL)"),
                SlugOf::Bidang => {
                    format!("nama folder bidang `{given}` tidak bisa menjadi bagian alamat (URL)")
                }
            },
            K::UnknownBidang {
                instansi, bidang, ..
            } => format!("bidang `{instansi}/{bidang}` tidak ada di proyek ini"),
            K::UnknownInstansi { ids, .. } => match ids.as_slice() {
                [one] => format!(
                    "instansi `{one}` tidak ada di proyek ini (tidak ada folder `content/{one}/`)"
                ),
                many => format!("instansi `{}` tidak ada di proyek ini", many.join("`, `")),
            },
            K::UnknownSchemaKind { given, .. } => {
                format!("jenis berkas `{given}` tidak dikenal")
            }
            K::BadDate { given, why } => format!("tanggal acuan `{given}` tidak valid: {why}"),
            K::BadEnvNumber { var, value, .. } => {
                format!("{var}={value:?} bukan bilangan bulat positif")
            }
            K::OutputNotOurs { dir } => format!(
                "folder keluaran `{}` sudah berisi berkas lain yang bukan buatan sopan",
                shown(dir)
            ),
            K::OutputSymlink { dir } => format!(
                "folder keluaran `{dir}` adalah tautan simbolik; sopan tidak menulis melalui tautan"
            ),
            K::OutputPlace { dir, why } => format!("folder keluaran `{dir}` {}", why.words()),
            K::OutputBusy { dir } => format!("pembangunan lain sedang menulis ke `{dir}`"),
            K::CachePlace { dir, why } => format!("folder cache `{dir}` {}", why.words()),
            K::ThemeName { tema } => format!("tema `{tema}` bukan nama folder di `themes/`"),
            K::ThemeFile { rel, message, .. } => format!(
                "berkas tema `{}`: {message}",
                crate::core::diag::display_path(rel)
            ),
            K::ThemeRead { tema } => format!("gagal membaca tema `{tema}`"),
            K::ThemeNoFonts => "tema tidak memuat satu pun fon (folder `fonts/`)".into(),
            K::TemplateNotUtf8 { name } => format!("templat `typst/{name}` bukan teks UTF-8"),
            K::Template { doing } => match doing {
                TemplateAct::Load => "gagal memuat templat situs".into(),
                TemplateAct::Page(path) => format!("gagal menyusun `{path}`"),
                TemplateAct::DiffReport => "gagal menyusun laporan perbandingan".into(),
            },
            K::Git { doing } => match doing {
                GitAct::ReadRevision(rev) => format!("gagal membaca revisi `{rev}`"),
                GitAct::ReadCommit(short) => format!("gagal membaca commit {short}"),
                GitAct::Walk => "gagal menelusuri riwayat git".into(),
            },
            K::GitRevisionMissing { rev } => format!("revisi git `{rev}` tidak ditemukan"),
            K::GitNotCommit { rev } => format!("revisi git `{rev}` bukan commit"),
            K::GitFileMissing { rel, commit } => {
                format!("gagal membaca `{rel}` dari git (revisi {commit})")
            }
            K::DiffUnknownSop { unknown } => {
                let names: Vec<&str> = unknown.iter().map(|(w, _)| w.as_str()).collect();
                format!("SOP `{}` tidak ada di kedua versi", names.join("`, `"))
            }
            K::DiffSideInvalid { label, revision } => format!(
                "{}`{label}` berisi galat, jadi tidak dapat dibandingkan",
                if *revision { "versi " } else { "" }
            ),
            K::DiffNotARevision { rev, proyek } => format!(
                "`{rev}` bukan berkas, bukan folder, dan folder proyek `{}` tidak berada di repositori git",
                shown(proyek)
            ),
            K::RevisionWithoutContent { label } => {
                format!("revisi `{label}` tidak memuat folder `content/` proyek ini")
            }
            K::PortalOverlap { out, input } => format!(
                "folder portal `{out}` tumpang tindih dengan keluaran yang digabung `{input}`"
            ),
            K::PortalVersion { input, theirs } => format!(
                "`{input}` dibangun oleh sopan {theirs}, sedangkan penggabung ini sopan {}",
                env!("CARGO_PKG_VERSION")
            ),
            K::PortalTwice { first, second, .. } if first == second => {
                format!("keluaran `{first}` disebut dua kali")
            }
            K::PortalTwice { id, first, second } => {
                format!("instansi `{id}` ada di dua keluaran: `{first}` dan `{second}`")
            }
            K::PortalConfig { input } => format!(
                "`{input}` dibangun dengan konfigurasi proyek yang berbeda (sopan.yaml, sinonim.yaml, peraturan-dicabut.yaml, content/halaman/ atau tema)"
            ),
            K::PortalContent { id, input } => format!(
                "isi instansi `{id}` di `{input}` berbeda dengan `content/{id}/` di proyek ini"
            ),
            K::PortalIncomplete { input, top } => {
                format!("`{input}` tidak berisi folder `{top}/`")
            }
            K::PortalNotAnOutput {
                input,
                exists: true,
            } => format!(
                "`{input}` bukan keluaran `sopan build --instansi`: berkas `{}` tidak ada",
                crate::site::portal::manifest::FILE
            ),
            K::PortalNotAnOutput { input, .. } => format!("folder keluaran `{input}` tidak ada"),
            K::PortalRecord { path, format: None } => format!("`{path}` tidak terbaca"),
            K::PortalRecord {
                path,
                format: Some((found, read)),
            } => format!("`{path}` berformat {found} (sopan ini membaca format {read})"),
            K::PortalSearch { id, missing: false } => {
                format!("indeks pencarian `{id}` tidak terbaca")
            }
            K::PortalSearch { id, missing: true } => format!(
                "keluaran instansi `{id}` tidak berisi indeks pencarian (`{}`)",
                crate::site::search::index::PARTS_FILE
            ),
            K::ServeBind { addr } => format!("gagal membuka server di `{addr}`"),
            K::ServeRuntime => "gagal menjalankan server HTTP".into(),
            K::Watch { path: None, .. } => "gagal memantau berkas".into(),
            K::Watch { path: Some(p), .. } => format!("gagal memantau `{}`", shown(p)),
            K::Thread { what } => match what {
                ThreadOf::Search => "gagal menjalankan utas indeks pencarian".into(),
                ThreadOf::Pdf => "gagal menyiapkan utas penyusun PDF".into(),
            },
            K::PdfCompile { what } => format!("gagal menyusun PDF {what}"),
            K::PdfStandard { detail } => format!("standar PDF tidak didukung: {detail}"),
            K::PdfTitle { what, detail } => format!("gagal menandai judul PDF {what}: {detail}"),
            K::Book { instansi } => format!("gagal menyusun buku keputusan `{instansi}`"),
            K::Worker => "proses pekerja PDF gagal".into(),
            K::WorkerIo { act } => match act {
                WorkerAct::FindExe => "gagal menemukan program sopan untuk proses pekerja",
                WorkerAct::Spawn => "gagal menjalankan proses pekerja PDF",
                WorkerAct::Wait => "gagal menunggu proses pekerja PDF",
                WorkerAct::Read => "pekerja PDF: gagal membaca",
                WorkerAct::Write => "pekerja PDF: gagal menulis",
                WorkerAct::NoHeader => "pekerja PDF: tidak ada kepala",
                WorkerAct::BadHeader => "pekerja PDF: kepala tidak valid",
                WorkerAct::BadJob => "pekerja PDF: tugas tidak valid",
            }
            .into(),
            K::SearchIndex => "gagal membangun indeks pencarian (Pagefind)".into(),
            K::PdfBeforePage { pdf } => format!("PDF `{pdf}` belum dibuat sebelum halaman SOP"),
            K::GuidePage { at } => format!("halaman panduan tidak terbentuk (`{at}`)"),
        }
    }

    /// How to fix it, if sopan knows.
    pub fn hint(&self) -> Option<String> {
        use ErrorKind as K;
        let fixed = |s: &str| Some(s.to_string());
        match self {
            K::NotAProject { command, .. } if command == "new" => fixed(
                "jalankan `sopan init` dulu, atau sebutkan proyeknya: `sopan new ID --proyek FOLDER`",
            ),
            K::NotAProject { command, .. } => Some(format!(
                "jalankan `sopan init` untuk membuat proyek baru, atau sebutkan folder proyek: `sopan {command} FOLDER`"
            )),
            K::ContentOutside { .. } => {
                fixed("salin isi folder itu ke `content/` di dalam proyek, lalu hapus tautannya")
            }
            K::ProjectExists { .. } => fixed("pilih folder lain: `sopan init FOLDER-BARU`"),
            K::PdfCompile { .. } => fixed(
                "ini galat templat Typst tema, bukan galat isi SOP; periksa berkas tema yang ditimpa di `themes/`",
            ),
            K::FileExists { .. } => fixed("pilih nama lain"),
            K::BadSopId { .. } => fixed("mis. `sopan new dinas-contoh/sekretariat/surat-keluar`"),
            K::BadSlug { suggestion, .. } => Some(format!(
                "gunakan huruf kecil, angka dan tanda hubung, mis. `{suggestion}`"
            )),
            K::UnknownBidang {
                instansi,
                bidang,
                slug,
                known,
            } => {
                let mut h = if known.is_empty() {
                    "buat dulu folder bidang berisi `_bidang.yaml`".to_string()
                } else {
                    format!("bidang yang ada: {}", known.join(", "))
                };
                let _ = write!(
                    h,
                    "; untuk membuat bidang baru: `sopan new {instansi}/{bidang}/{slug} --bidang-baru`"
                );
                Some(h)
            }
            K::UnknownInstansi { near, known, .. } => {
                let listed = if known.is_empty() {
                    "buat dulu folder instansi berisi `_instansi.yaml`".to_string()
                } else {
                    format!("instansi yang ada: {}", known.join(", "))
                };
                Some(match near {
                    Some(n) => format!("maksud Anda `{n}`? {listed}"),
                    None => listed,
                })
            }
            K::UnknownSchemaKind { near: Some(n), .. } => Some(format!("maksud Anda `{n}`?")),
            K::UnknownSchemaKind { names, .. } => {
                Some(format!("pilih salah satu: {}", names.join(", ")))
            }
            K::BadDate { .. } => fixed("tulis `--per YYYY-MM-DD`, mis. `--per 2026-01-31`"),
            K::BadEnvNumber { var, example, .. } => Some(format!(
                "isi dengan jumlah halaman per bagian indeks, misalnya {var}={example}"
            )),
            K::OutputNotOurs { .. } => {
                fixed("pilih folder lain dengan `--out`, atau kosongkan folder itu")
            }
            K::OutputSymlink { .. } => fixed("sebutkan folder yang sebenarnya dengan `--out`"),
            K::OutputPlace { .. } => {
                fixed("pilih folder lain dengan `--out`, mis. `--out output` (bawaan)")
            }
            K::OutputBusy { .. } => {
                fixed("tunggu sampai pembangunan itu selesai, lalu jalankan lagi")
            }
            K::CachePlace { .. } => {
                fixed("pilih folder lain dengan `--cache`, mis. `--cache .sopan/cache` (bawaan)")
            }
            K::ThemeName { .. } => fixed(crate::pipeline::theme::THEME_NAME_HINT),
            K::ThemeFile { hint, .. } => fixed(hint),
            K::Template { .. } => {
                fixed("ini galat templat tema (folder `templates/`), bukan galat isi SOP")
            }
            K::GitRevisionMissing { .. } => fixed(
                "sebutkan tag, cabang atau commit yang ada, mis. `HEAD~1`, `v2022`; lihat `git log --oneline`",
            ),
            K::DiffUnknownSop { unknown } => {
                let near: Vec<String> = unknown
                    .iter()
                    .filter_map(|(wanted, n)| {
                        let n = n.as_ref()?;
                        Some(if unknown.len() == 1 {
                            format!("`{n}`")
                        } else {
                            format!("`{n}` (untuk `{wanted}`)")
                        })
                    })
                    .collect();
                Some(if near.is_empty() {
                    "sebutkan id SOP (`instansi/bidang/slug`), `bidang/slug`, slug, atau path berkasnya"
                        .to_string()
                } else {
                    format!("maksud Anda {}?", near.join(", "))
                })
            }
            K::DiffSideInvalid { .. } => {
                fixed("perbaiki galat di atas (atau jalankan `sopan check`), lalu bandingkan lagi")
            }
            K::DiffNotARevision { .. } => fixed(
                "sebutkan berkas SOP, folder proyek, atau revisi git (jalankan di dalam repositori, atau pakai `--proyek FOLDER`)",
            ),
            K::RevisionWithoutContent { .. } => fixed(
                "pilih revisi setelah proyek SOP dibuat; lihat `git log --oneline -- content`",
            ),
            K::PortalOverlap { .. } => {
                fixed("tulis portal ke folder tersendiri, mis. `--out portal`")
            }
            K::PortalVersion { .. } => fixed(
                "bangun semua instansi dan gabungkan dengan versi sopan yang sama (di CI: sematkan satu versi untuk semua job)",
            ),
            K::PortalTwice { .. } => fixed(
                "sebutkan setiap instansi sekali: satu keluaran `sopan build --instansi` per instansi",
            ),
            K::PortalConfig { .. } => {
                fixed("bangun semua instansi dan gabungkan dari commit proyek yang sama")
            }
            K::PortalContent { .. } => fixed(
                "bangun ulang instansi itu, atau gabungkan dari commit proyek yang sama dengan pembangunannya",
            ),
            K::PortalIncomplete { .. } => fixed(
                "keluaran itu tidak utuh: bangun ulang dengan `sopan build --instansi`, lalu gabungkan lagi",
            ),
            K::PortalSearch { .. } => {
                fixed("bangun ulang keluaran instansi itu dengan `sopan build --instansi`")
            }
            K::PortalNotAnOutput { .. } => fixed(
                "bangun tiap instansi dengan `sopan build --instansi ID --out FOLDER`, lalu gabungkan folder-folder itu",
            ),
            K::PortalRecord { format: None, .. } => fixed(
                "bangun ulang keluaran itu dengan `sopan build --instansi`; jangan ubah berkas ini",
            ),
            K::PortalRecord { .. } => {
                fixed("bangun ulang keluaran itu dengan sopan yang sama dengan yang menggabungkan")
            }
            K::ServeBind { .. } => {
                fixed("port itu mungkin sedang dipakai; pilih yang lain dengan `--port`")
            }
            K::Watch {
                suggest_poll: true, ..
            } => fixed("coba `sopan serve --poll`"),
            K::PdfBeforePage { .. } | K::GuidePage { .. } => {
                fixed("ini galat sopan, bukan galat isi SOP")
            }
            _ => None,
        }
    }
}
