//! `sopan init`: a new project that passes `check`, with the schemas and editor settings.

use std::path::Path;

use crate::core::error::{Error, ErrorKind, IoAct};
use crate::load::keys::FileKind;
use crate::load::skema;

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
const GITIGNORE: &str = "/output/\n/.output.*\n/.sopan/cache/\n";

/// Writes a new project into `dir` (created if needed); refuses to overwrite an existing one.
pub(crate) fn run(dir: &Path) -> Result<i32, Error> {
    for existing in ["sopan.yaml", "content"] {
        if dir.join(existing).exists() {
            return Err(Error::new(ErrorKind::ProjectExists {
                dir: dir.to_path_buf(),
                existing: existing.into(),
            }));
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
    Ok(0)
}

pub(crate) fn write_new(path: &Path, text: &str) -> Result<(), Error> {
    if path.exists() {
        return Err(Error::new(ErrorKind::FileExists {
            path: path.to_path_buf(),
        }));
    }
    if let Some(p) = path.parent() {
        std::fs::create_dir_all(p).map_err(|e| Error::io(IoAct::CreateDir, p, e))?;
    }
    std::fs::write(path, text).map_err(|e| Error::io(IoAct::Write, path, e))
}

/// A complete, valid SOP whose every field shows the user what goes there.
pub(crate) fn skeleton(nama: &str, slug: &str, nomor: &str, tanggal: &str) -> String {
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
