//! `sopan init` (a new project that passes `check`) and `sopan new` (an SOP skeleton).

use std::path::Path;

use crate::core::error::Error;
use crate::load::keys::FileKind;
use crate::load::skema;
use crate::model::id::{is_valid_slug, slugify};

const SOPAN_YAML: &str = "\
# Pengaturan situs. Semua kunci boleh dihapus: nilai bawaannya dipakai.
judul: Portal SOP Dinas Contoh
deskripsi: Standar Operasional Prosedur Dinas Contoh
# base_url: https://sop.example.go.id
kertas: F4            # F4 (215 x 330 mm) atau A4
";

const INSTANSI_YAML: &str = "\
pemerintah: Pemerintah Kabupaten Contoh
nama: Dinas Contoh
alamat: Jalan Merdeka No. 1, Kota Contoh 12345
telepon: (0123) 456789
email: dinas@contoh.go.id
kota: Kota Contoh
kepala:                       # penandatangan bawaan setiap SOP
  jabatan: Kepala Dinas
  nama: Nama Kepala, S.Sos
  pangkat: Pembina Tingkat I (IV/b)
  nip: 19700101 199503 1 001
";

const BIDANG_YAML: &str = "\
nama: Sekretariat
urutan: 1
";

/// The output folder, and beside it the build lock and the work folders of the atomic swap.
const GITIGNORE: &str = "/output/\n/.output.*\n";

/// Writes a new project into `dir` (created if needed); refuses to overwrite an existing one.
pub fn init(dir: &Path) -> Result<(), Error> {
    for existing in ["sopan.yaml", "content"] {
        if dir.join(existing).exists() {
            return Err(Error::new(format!(
                "`{}` sudah berisi proyek (`{existing}` ada)",
                dir.display()
            ))
            .hint("pilih folder lain: `sopan init FOLDER-BARU`"));
        }
    }
    let today = crate::cmd::audit::today();
    let sop = skeleton(
        "Surat Masuk",
        "surat-masuk",
        &format!("000.1/001/SEKR/{}", today.tahun),
        &today.iso(),
    );
    let files: [(&str, Option<FileKind>, &str); 5] = [
        ("sopan.yaml", Some(FileKind::Settings), SOPAN_YAML),
        (".gitignore", None, GITIGNORE),
        (
            "content/dinas-contoh/_instansi.yaml",
            Some(FileKind::Instansi),
            INSTANSI_YAML,
        ),
        (
            "content/dinas-contoh/sekretariat/_bidang.yaml",
            Some(FileKind::Bidang),
            BIDANG_YAML,
        ),
        (
            "content/dinas-contoh/sekretariat/surat-masuk.yaml",
            Some(FileKind::Sop),
            &sop,
        ),
    ];
    for (path, kind, text) in files {
        if path == ".gitignore" && dir.join(path).exists() {
            continue;
        }
        let text = match kind {
            Some(kind) => format!("{}{text}", skema::modeline(kind, path)),
            None => text.to_string(),
        };
        write_new(&dir.join(path), &text)?;
    }
    // Completion in VS Code: the schemas beside the content (they work offline and match this
    // sopan's loader) and the settings that map them to the files.
    skema::write_into(dir)?;
    skema::write_vscode_settings(dir)?;
    eprintln!("Proyek baru dibuat di {}", dir.display());
    eprintln!(
        "Langkah berikutnya: `sopan check {0}` lalu `sopan build {0}`",
        dir.display()
    );
    Ok(())
}

/// Writes a skeleton SOP `instansi/bidang/slug` into the project at `dir`, dated today; with
/// `bidang_baru`, a missing bidang of an existing instansi is created first.
pub fn new_sop(dir: &Path, id: &str, nama: Option<&str>, bidang_baru: bool) -> Result<(), Error> {
    let content = dir.join("content");
    if !content.is_dir() {
        return Err(Error::new(format!(
            "`{}` bukan proyek sopan: folder `content/` tidak ada",
            dir.display()
        ))
        .hint(
            "jalankan `sopan init` dulu, atau sebutkan proyeknya: `sopan new ID --proyek FOLDER`",
        ));
    }
    let parts: Vec<&str> = id.trim_matches('/').split('/').collect();
    let [instansi, bidang, slug] = parts.as_slice() else {
        return Err(Error::new(format!(
            "id `{id}` harus berbentuk <instansi>/<bidang>/<slug>"
        ))
        .hint("mis. `sopan new dinas-contoh/sekretariat/surat-keluar`"));
    };
    if !is_valid_slug(slug) {
        return Err(Error::new(format!(
            "slug `{slug}` tidak bisa menjadi bagian alamat (URL)"
        ))
        .hint(format!(
            "gunakan huruf kecil, angka dan tanda hubung, mis. `{}`",
            slugify(slug)
        )));
    }
    let bidang_dir = content.join(instansi).join(bidang);
    if bidang_baru && !bidang_dir.join("_bidang.yaml").is_file() {
        new_bidang(&content, instansi, bidang)?;
    }
    if !bidang_dir.join("_bidang.yaml").is_file() {
        let known = known_bidang(&content);
        let hint = if known.is_empty() {
            "buat dulu folder bidang berisi `_bidang.yaml`".to_string()
        } else {
            format!("bidang yang ada: {}", known.join(", "))
        };
        let hint = format!(
            "{hint}; untuk membuat bidang baru: `sopan new {instansi}/{bidang}/{slug} --bidang-baru`"
        );
        return Err(Error::new(format!(
            "bidang `{instansi}/{bidang}` tidak ada di proyek ini"
        ))
        .hint(hint));
    }
    let nama = nama.map(str::to_string).unwrap_or_else(|| title_case(slug));
    let path = bidang_dir.join(format!("{slug}.yaml"));
    let today = crate::cmd::audit::today().iso();
    let rel = format!("content/{instansi}/{bidang}/{slug}.yaml");
    write_new(
        &path,
        &format!(
            "{}{}",
            skema::modeline(FileKind::Sop, &rel),
            skeleton(&nama, slug, "", &today)
        ),
    )?;
    eprintln!("SOP baru: {}", path.display());
    // The skeleton's first line names the schema files: a project made before they existed
    // gets them now (`sopan skema --tulis` refreshes them).
    if !dir.join(skema::PROJECT_DIR).is_dir() {
        skema::write_into(dir)?;
    }
    Ok(())
}

/// Creates `content/instansi/bidang/_bidang.yaml`, ordered after the instansi's other bidang.
fn new_bidang(content: &Path, instansi: &str, bidang: &str) -> Result<(), Error> {
    let instansi_dir = content.join(instansi);
    if !instansi_dir.join("_instansi.yaml").is_file() {
        let known: Vec<String> = std::fs::read_dir(content)
            .into_iter()
            .flatten()
            .flatten()
            .filter(|e| e.path().join("_instansi.yaml").is_file())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        return Err(
            Error::new(format!("instansi `{instansi}` tidak ada di proyek ini")).hint(
                if known.is_empty() {
                    "buat dulu folder instansi berisi `_instansi.yaml`".to_string()
                } else {
                    format!("instansi yang ada: {}", sorted(known).join(", "))
                },
            ),
        );
    }
    if !is_valid_slug(bidang) {
        return Err(Error::new(format!(
            "nama folder bidang `{bidang}` tidak bisa menjadi bagian alamat (URL)"
        ))
        .hint(format!(
            "gunakan huruf kecil, angka dan tanda hubung, mis. `{}`",
            slugify(bidang)
        )));
    }
    let urutan = std::fs::read_dir(&instansi_dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.path().join("_bidang.yaml").is_file())
        .count()
        + 1;
    let nama = serde_json::to_string(&title_case(bidang)).unwrap_or_default();
    let path = instansi_dir.join(bidang).join("_bidang.yaml");
    let modeline = skema::modeline(
        FileKind::Bidang,
        &format!("content/{instansi}/{bidang}/_bidang.yaml"),
    );
    write_new(
        &path,
        &format!(
            "{modeline}nama: {nama}   # nama bidang seperti di struktur organisasi\nurutan: {urutan}\n"
        ),
    )?;
    eprintln!("Bidang baru: {}", path.display());
    Ok(())
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

fn known_bidang(content: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for i in std::fs::read_dir(content).into_iter().flatten().flatten() {
        for b in std::fs::read_dir(i.path()).into_iter().flatten().flatten() {
            if b.path().join("_bidang.yaml").is_file() {
                out.push(format!(
                    "{}/{}",
                    i.file_name().to_string_lossy(),
                    b.file_name().to_string_lossy()
                ));
            }
        }
    }
    out.sort();
    out
}

fn title_case(slug: &str) -> String {
    slug.split('-')
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn write_new(path: &Path, text: &str) -> Result<(), Error> {
    if path.exists() {
        return Err(Error::new(format!(
            "`{}` sudah ada; sopan tidak menimpanya",
            path.display()
        ))
        .hint("pilih nama lain"));
    }
    if let Some(p) = path.parent() {
        std::fs::create_dir_all(p)
            .map_err(|e| Error::io(format!("gagal membuat folder `{}`", p.display()), e))?;
    }
    std::fs::write(path, text)
        .map_err(|e| Error::io(format!("gagal menulis `{}`", path.display()), e))
}

/// A complete, valid SOP whose every field shows the user what goes there.
fn skeleton(nama: &str, slug: &str, nomor: &str, tanggal: &str) -> String {
    let nama_yaml = serde_json::to_string(nama).unwrap_or_else(|_| format!("\"{slug}\""));
    format!(
        "\
# SOP `{slug}`. Kunci dan bentuknya: docs/panduan.md di repositori sopan, juga di /panduan/ situs hasil `sopan build`.
nomor: \"{nomor}\"                 # sesuai tata naskah dinas; boleh kosong untuk draf
nama: {nama_yaml}
tanggal_pembuatan: {tanggal}   # TAHUN-BULAN-HARI
# tanggal_revisi: {tanggal}
# tanggal_efektif: {tanggal}
# disahkan_oleh: bawaan = kepala di _instansi.yaml
dasar_hukum:
  - Peraturan Menteri Pendayagunaan Aparatur Negara dan Reformasi Birokrasi Nomor 35 Tahun 2012 tentang Pedoman Penyusunan Standar Operasional Prosedur Administrasi Pemerintahan
kualifikasi_pelaksana:
  - Memahami tugas pokok dan fungsi
keterkaitan:
  - SOP Pengarsipan
peralatan_perlengkapan:
  - Komputer dan printer
peringatan:
  - Apabila SOP ini tidak dilaksanakan, layanan tidak dapat diberikan tepat waktu
pencatatan_pendataan:
  - Disimpan sebagai arsip elektronik dan manual
pelaksana:                      # kolom pelaksana, berurutan
  - Pemohon
  - Petugas
  - Kepala Dinas
langkah:
  - kegiatan: Mengajukan permohonan
    pelaksana: Pemohon
    kelengkapan: Surat permohonan
    waktu: 5 menit
    output: Berkas permohonan
  - kegiatan: Memeriksa kelengkapan berkas
    pelaksana: Petugas
    jenis: keputusan
    tidak: 1                    # berkas tidak lengkap: kembali ke langkah 1
    kelengkapan: Berkas permohonan
    waktu: 15 menit
    output: Berkas lengkap
  - kegiatan: Menandatangani surat
    pelaksana: Kepala Dinas
    kelengkapan: Konsep surat
    waktu: 1 hari
    output: Surat yang ditandatangani
"
    )
}
