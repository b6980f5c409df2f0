//! Command-line arguments (clap derive), with help written for a first-time user in Bahasa
//! Indonesia.

use std::path::PathBuf;

use clap::{ArgAction, Parser, Subcommand};

const HELP_TEMPLATE: &str = "\
{before-help}{name} {version}
{about-with-newline}
Penggunaan: {usage}

{all-args}{after-help}";

/// A command's help: what it does, then its usage (clap would head it `sopan-build`).
const SUB_HELP_TEMPLATE: &str = "\
{before-help}{about-with-newline}
Penggunaan: {usage}

{all-args}{after-help}";

/// sopan: Standar Operasional Prosedur dari YAML menjadi PDF resmi, situs, dan data terbuka.
#[derive(Debug, Parser)]
#[command(
    name = "sopan",
    version,
    about = "sopan — membangun SOP Administrasi Pemerintahan (Permenpan RB 35/2012) dari berkas YAML:\n\
             dokumen PDF resmi, buku keputusan, situs yang bisa dicari, dan data terbuka.",
    after_help = "Mulai cepat:\n  sopan init proyek-sop     membuat proyek contoh\n  cd proyek-sop\n  sopan check               memeriksa semua SOP\n  sopan build               membangun keluaran ke folder output/\n\nBantuan per perintah: sopan <PERINTAH> --help",
    help_template = HELP_TEMPLATE,
    disable_help_flag = true,
    disable_version_flag = true,
    disable_help_subcommand = true,
    subcommand_help_heading = "Perintah",
    next_help_heading = "Opsi"
)]
pub(crate) struct Cli {
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
    /// Help flag with an Indonesian description.
    #[arg(short = 'h', long = "help", action = ArgAction::Help, global = true, help = "Tampilkan bantuan ini")]
    help: Option<bool>,
    /// Version flag with an Indonesian description.
    #[arg(short = 'V', long = "version", action = ArgAction::Version, help = "Tampilkan versi sopan")]
    version: Option<bool>,
    /// Warna di terminal: auto (bawaan: hanya di terminal, dan tidak bila NO_COLOR diisi),
    /// always (selalu) atau never (tidak pernah)
    #[arg(
        long = "color",
        value_name = "KAPAN",
        global = true,
        default_value = "auto",
        value_parser = ["auto", "always", "never"],
        hide_default_value = true,
        hide_possible_values = true
    )]
    pub color: String,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Membuat proyek baru berisi satu instansi, satu bidang dan satu SOP contoh
    #[command(help_template = SUB_HELP_TEMPLATE, next_help_heading = "Opsi")]
    Init {
        /// Folder proyek yang akan dibuat (bawaan: folder saat ini)
        #[arg(value_name = "FOLDER", default_value = ".", hide_default_value = true)]
        dir: PathBuf,
    },
    /// Membuat kerangka SOP baru di proyek yang sudah ada
    #[command(help_template = SUB_HELP_TEMPLATE, next_help_heading = "Opsi")]
    New {
        /// Id SOP baru: <instansi>/<bidang>/<slug>, mis. dinsos/sekretariat/surat-masuk
        #[arg(value_name = "ID")]
        id: String,
        /// Nama SOP (bawaan: dari slug)
        #[arg(long, value_name = "NAMA")]
        nama: Option<String>,
        /// Folder proyek (bawaan: folder ini, atau folder di atasnya yang berisi `content/`)
        #[arg(
            long = "proyek",
            value_name = "FOLDER",
            default_value = ".",
            hide_default_value = true
        )]
        dir: PathBuf,
        /// Buat bidangnya dulu bila belum ada (`_bidang.yaml` di instansi yang sudah ada)
        #[arg(long = "bidang-baru")]
        bidang_baru: bool,
    },
    /// Memeriksa semua berkas: menampilkan setiap galat dan peringatan beserta letaknya
    #[command(help_template = SUB_HELP_TEMPLATE, next_help_heading = "Opsi")]
    #[command(
        after_help = "Bentuk json: satu objek {\"version\": 1, \"diagnostics\": [...], \"summary\": {...}} di layar (stdout);\nsetiap diagnostik berisi file, line, column, severity, message, hint, labels.\nRinciannya: README bagian \"check --format json\".\n\nKode keluar: 0 tanpa galat, 1 ada galat, 2 galat lain."
    )]
    Check {
        /// Folder proyek (bawaan: folder ini, atau folder di atasnya yang berisi `content/`)
        #[arg(value_name = "FOLDER", default_value = ".", hide_default_value = true)]
        dir: PathBuf,
        /// Bentuk keluaran: teks (bawaan) atau json (untuk editor dan CI)
        #[arg(long, value_name = "BENTUK", default_value = "teks", value_parser = ["teks", "json"], hide_default_value = true, hide_possible_values = true)]
        format: String,
        /// Periksa hanya instansi ini (id = nama foldernya di `content/`; pisahkan dengan koma
        /// atau ulangi)
        #[arg(long, value_name = "ID", value_delimiter = ',')]
        instansi: Vec<String>,
    },
    /// Memeriksa lalu membangun semua keluaran ke folder output
    #[command(help_template = SUB_HELP_TEMPLATE, next_help_heading = "Opsi")]
    Build {
        /// Folder proyek (bawaan: folder ini, atau folder di atasnya yang berisi `content/`)
        #[arg(value_name = "FOLDER", default_value = ".", hide_default_value = true)]
        dir: PathBuf,
        /// Folder keluaran (bawaan: FOLDER/output)
        #[arg(long, short, value_name = "OUT")]
        out: Option<PathBuf>,
        /// Jangan tampilkan waktu tiap tahap
        #[arg(long, short)]
        quiet: bool,
        /// Folder cache pembangunan (bawaan: FOLDER/.sopan/cache)
        #[arg(long, value_name = "DIR")]
        cache: Option<PathBuf>,
        /// Abaikan cache: susun semua PDF dari awal dan tulis ulang cachenya
        #[arg(long)]
        bersih: bool,
        /// Bangun hanya instansi ini (id = nama foldernya di `content/`; pisahkan dengan koma
        /// atau ulangi), untuk digabung kemudian dengan `sopan gabung`
        #[arg(long, value_name = "ID", value_delimiter = ',')]
        instansi: Vec<String>,
    },
    /// Menggabungkan keluaran `sopan build --instansi` beberapa instansi menjadi satu portal
    /// dengan beranda dan pencarian atas semuanya
    #[command(
        help_template = SUB_HELP_TEMPLATE,
        next_help_heading = "Opsi",
        after_help = "Contoh (satu job CI per instansi, lalu satu job penggabung):\n  sopan build --instansi dinsos-a --out keluaran/dinsos-a\n  sopan build --instansi dinsos-b --out keluaran/dinsos-b\n  sopan gabung keluaran/dinsos-a keluaran/dinsos-b --out portal\n\nSemua keluaran harus dibangun oleh versi sopan yang sama dari commit proyek yang sama.\nRinciannya: panduan staf, bagian \"Portal banyak instansi\"."
    )]
    Gabung {
        /// Folder keluaran `sopan build --instansi` yang digabung
        #[arg(value_name = "KELUARAN", required = true, num_args = 1..)]
        keluaran: Vec<PathBuf>,
        /// Folder portal (bawaan: FOLDER/portal)
        #[arg(long, short, value_name = "OUT")]
        out: Option<PathBuf>,
        /// Folder proyek (bawaan: folder ini, atau folder di atasnya yang berisi `content/`)
        #[arg(
            long = "proyek",
            value_name = "FOLDER",
            default_value = ".",
            hide_default_value = true
        )]
        dir: PathBuf,
        /// Jangan tampilkan waktu penggabungan
        #[arg(long, short)]
        quiet: bool,
    },
    /// Membandingkan dua versi SOP: berkas, folder proyek, atau revisi git (mis. `v2022 HEAD`)
    #[command(
        help_template = SUB_HELP_TEMPLATE,
        next_help_heading = "Opsi",
        after_help = "Contoh:\n  sopan diff lama.yaml baru.yaml          dua berkas SOP\n  sopan diff v2022 HEAD                   dua revisi git proyek ini\n  sopan diff HEAD~3                       revisi git dengan salinan kerja\n  sopan diff HEAD~3 HEAD -- surat-masuk   hanya SOP tertentu\n\nKode keluar: 0 tidak ada perbedaan, 1 ada perbedaan, 2 galat."
    )]
    Diff {
        /// Versi lama: berkas SOP, folder proyek, atau revisi git
        #[arg(value_name = "LAMA")]
        lama: String,
        /// Versi baru (bawaan: salinan kerja proyek)
        #[arg(value_name = "BARU")]
        baru: Option<String>,
        /// Hanya SOP ini (id, `bidang/slug`, slug, atau path berkas)
        #[arg(value_name = "SOP", last = true)]
        sop: Vec<String>,
        /// Bentuk keluaran: teks (bawaan), html (laporan berdampingan) atau json
        #[arg(long, value_name = "BENTUK", default_value = "teks", value_parser = ["teks", "html", "json"], hide_default_value = true, hide_possible_values = true)]
        format: String,
        /// Tulis laporan ke berkas ini (bawaan: teks dan json ke layar; html ke folder sementara
        /// sistem, `sopan-perbandingan/LAMA--BARU.html`)
        #[arg(long, short, value_name = "BERKAS")]
        out: Option<PathBuf>,
        /// Folder proyek untuk revisi git (bawaan: folder ini, atau folder di atasnya yang berisi `content/`)
        #[arg(
            long = "proyek",
            value_name = "FOLDER",
            default_value = ".",
            hide_default_value = true
        )]
        dir: PathBuf,
    },
    /// Mengaudit semua SOP: kotak kosong, langkah tanpa waktu/output, pelaksana menganggur,
    /// SOP lama, dan dasar hukum yang sudah dicabut
    #[command(
        help_template = SUB_HELP_TEMPLATE,
        next_help_heading = "Opsi",
        after_help = "Daftar peraturan yang dicabut dapat ditambah di `peraturan-dicabut.yaml` di folder proyek.\n\nKode keluar: 0 tanpa temuan, 1 ada temuan (atau galat isi), 2 galat lain."
    )]
    Audit {
        /// Folder proyek (bawaan: folder ini, atau folder di atasnya yang berisi `content/`)
        #[arg(value_name = "FOLDER", default_value = ".", hide_default_value = true)]
        dir: PathBuf,
        /// Tanggal acuan audit, YYYY-MM-DD (bawaan: hari ini, atau SOURCE_DATE_EPOCH)
        #[arg(long, value_name = "TANGGAL")]
        per: Option<String>,
        /// Bentuk keluaran: teks (bawaan) atau json
        #[arg(long, value_name = "BENTUK", default_value = "teks", value_parser = ["teks", "json"], hide_default_value = true, hide_possible_values = true)]
        format: String,
    },
    /// Mencetak JSON Schema berkas isi (untuk pelengkapan otomatis di VS Code), atau
    /// menuliskannya ke proyek
    #[command(
        help_template = SUB_HELP_TEMPLATE,
        next_help_heading = "Opsi",
        after_help = "Jenis: sop, instansi, bidang, keputusan, sopan, sinonim, peraturan-dicabut.\nTanpa JENIS: semua skema dalam satu objek JSON, berkunci nama berkasnya (sop.json, ...).\n\nContoh:\n  sopan skema sop > sop.json\n  sopan skema --tulis      perbarui .sopan/skema/ di proyek (setelah sopan diperbarui)"
    )]
    Skema {
        /// Jenis berkas (bawaan: semua)
        #[arg(value_name = "JENIS")]
        jenis: Option<String>,
        /// Tulis semua skema ke `.sopan/skema/` di proyek (dan `.vscode/settings.json` bila belum ada)
        #[arg(long, conflicts_with = "jenis")]
        tulis: bool,
        /// Folder proyek untuk --tulis (bawaan: folder ini, atau folder di atasnya yang berisi `content/`)
        #[arg(
            long = "proyek",
            value_name = "FOLDER",
            default_value = ".",
            hide_default_value = true
        )]
        dir: PathBuf,
    },
    /// Mencetak skrip pelengkapan perintah (tab) untuk shell: bash, zsh, fish atau powershell
    #[command(
        help_template = SUB_HELP_TEMPLATE,
        next_help_heading = "Opsi",
        after_help = "Contoh:\n  sopan completions bash > ~/.local/share/bash-completion/completions/sopan\n  sopan completions zsh > ~/.zfunc/_sopan\n  sopan completions fish > ~/.config/fish/completions/sopan.fish\n  sopan completions powershell >> $PROFILE"
    )]
    Completions {
        /// Shell: bash, zsh, fish atau powershell
        #[arg(value_name = "SHELL", value_parser = ["bash", "zsh", "fish", "powershell"], hide_possible_values = true)]
        shell: String,
    },
    /// Menyajikan situs di memori, memantau berkas, membangun ulang tiap kali disimpan dan
    /// memuat ulang peramban
    #[command(help_template = SUB_HELP_TEMPLATE, next_help_heading = "Opsi")]
    Serve {
        /// Folder proyek (bawaan: folder ini, atau folder di atasnya yang berisi `content/`)
        #[arg(value_name = "FOLDER", default_value = ".", hide_default_value = true)]
        dir: PathBuf,
        /// Port HTTP (bawaan: 8000; 0 = dipilih sistem)
        #[arg(
            long,
            short,
            value_name = "N",
            default_value_t = 8000,
            hide_default_value = true
        )]
        port: u16,
        /// Alamat yang didengarkan (bawaan: 127.0.0.1, hanya komputer ini)
        #[arg(
            long,
            value_name = "ALAMAT",
            default_value = "127.0.0.1",
            hide_default_value = true
        )]
        bind: String,
        /// Buka situs di peramban
        #[arg(long)]
        open: bool,
        /// Periksa berkas secara berkala (untuk sistem berkas tanpa pemberitahuan perubahan)
        #[arg(long)]
        poll: bool,
        /// Nama host lain yang dilayani selain alamat IP dan localhost, mis. nama komputer ini
        /// di jaringan (boleh diulang); nama lain ditolak demi keamanan (DNS rebinding)
        #[arg(long = "host", value_name = "NAMA")]
        hosts: Vec<String>,
        /// Sajikan hanya instansi ini (id = nama foldernya di `content/`; pisahkan dengan koma
        /// atau ulangi), seperti `sopan build --instansi`
        #[arg(long, value_name = "ID", value_delimiter = ',')]
        instansi: Vec<String>,
    },
}
