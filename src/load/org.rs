//! Raw `sopan.yaml`, `_instansi.yaml`, `_bidang.yaml` and `_keputusan.yaml` → model values.

use std::path::Path;

use crate::core::diag::Diagnostic;
use crate::load::fields::Fields;
use crate::load::schema::{RawBidang, RawInstansi, RawKeputusan, RawSettings};
use crate::model::org::{Bidang, Instansi, Keputusan, Pejabat};
use crate::model::settings::{Kertas, Settings};
use crate::model::terbilang::terbilang;

/// `sopan.yaml` with defaults. `root` is the project root, to check the theme exists.
pub(crate) fn resolve_settings(f: &mut Fields, raw: RawSettings, root: &Path) -> Settings {
    let mut s = Settings::default();
    if let Some(j) = f.text(&raw.judul) {
        s.judul = j;
    }
    s.deskripsi = f.text(&raw.deskripsi);
    if let (Some(u), Some(at)) = (f.text(&raw.base_url), &raw.base_url) {
        if u.starts_with("https://") || u.starts_with("http://") {
            s.base_url = Some(u.trim_end_matches('/').to_string());
        } else {
            let span = f.span(&at.referenced, &u);
            f.error(
                Diagnostic::error(
                    span,
                    format!("`base_url` harus alamat lengkap, bukan `{u}`"),
                )
                .hint("mis. `base_url: https://sop.example.go.id`"),
            );
        }
    }
    if let (Some(t), Some(at)) = (f.text(&raw.tema), &raw.tema) {
        if !crate::pipeline::theme::is_theme_name(&t) {
            // A path (`/tmp/x`, `../../x`) would make the site publish a folder from outside
            // the project.
            let span = f.span(&at.referenced, &t);
            f.error(
                Diagnostic::error(
                    span,
                    format!("`tema` harus nama folder di `themes/`, bukan `{t}`"),
                )
                .hint(crate::pipeline::theme::THEME_NAME_HINT),
            );
        } else {
            let dir = root.join("themes").join(&t);
            if t != "default" && !dir.is_dir() {
                let span = f.span(&at.referenced, &t);
                f.error(
                    Diagnostic::error(span, format!("tema `{t}` tidak ditemukan")).hint(format!(
                        "buat folder `themes/{t}/`, atau hapus `tema:` untuk memakai tema bawaan"
                    )),
                );
            } else if dir.is_dir() && !theme_inside(root, &dir) {
                let span = f.span(&at.referenced, &t);
                f.error(
                    Diagnostic::error(
                        span,
                        format!("folder tema `themes/{t}` menunjuk ke luar folder proyek (tautan simbolik) dan tidak dibaca"),
                    )
                    .hint("salin tema ke `themes/` di dalam proyek, lalu hapus tautannya"),
                );
            }
            s.tema = t;
        }
    }
    if let (Some(k), Some(at)) = (f.text(&raw.kertas), &raw.kertas) {
        match Kertas::parse(&k) {
            Some(k) => s.kertas = k,
            None => {
                let span = f.span(&at.referenced, &k);
                f.error(
                    Diagnostic::error(span, format!("ukuran kertas `{k}` tidak dikenal"))
                        .hint("pilih `F4` (215 x 330 mm, bawaan) atau `A4`"),
                );
            }
        }
    }
    if let Some(m) = &raw.margin {
        let v = &m.value;
        for (key, raw_mm, slot) in [
            ("kiri", &v.kiri, &mut s.margin.kiri),
            ("kanan", &v.kanan, &mut s.margin.kanan),
            ("atas", &v.atas, &mut s.margin.atas),
            ("bawah", &v.bawah, &mut s.margin.bawah),
        ] {
            let (Some(t), Some(at)) = (f.text(raw_mm), raw_mm) else {
                continue;
            };
            match t.trim_end_matches("mm").trim().parse::<u32>() {
                // Wider than 80 mm leaves no text column on A4.
                Ok(mm) if mm <= 80 => *slot = mm,
                _ => {
                    let span = f.span(&at.referenced, &t);
                    f.error(
                        Diagnostic::error(
                            span,
                            format!("`margin.{key}` harus milimeter bulat 0–80, bukan `{t}`"),
                        )
                        .hint("mis. `margin: {kiri: 30, kanan: 25}` (tata naskah dinas)"),
                    );
                }
            }
        }
    }
    s
}

/// Whether the theme folder `dir` (and `themes/` above it) stays inside the project.
fn theme_inside(root: &Path, dir: &Path) -> bool {
    crate::load::boundary::Boundary::new(root, &root.join("themes"))
        .is_some_and(|b| b.resolve(dir).is_ok())
}

/// `_instansi.yaml` of the instansi `id`; `dir` is its folder relative to the project `root`.
/// Its bidang and decree are filled in by the loader once they are read.
pub(crate) fn resolve_instansi(
    f: &mut Fields,
    raw: RawInstansi,
    id: &str,
    dir: &Path,
    root: &Path,
) -> Instansi {
    let pemerintah = f.required(&raw.pemerintah, "pemerintah", None, "instansi");
    let nama = f.required(&raw.nama, "nama", None, "instansi");
    let kepala = match &raw.kepala {
        Some(k) => f.pejabat(k, "kepala"),
        None => {
            let span = f.key_span("kepala");
            f.error(
                Diagnostic::error(
                    span,
                    "instansi: `kepala` wajib diisi (penandatangan bawaan setiap SOP)",
                )
                .hint("tambahkan `kepala:` dengan `jabatan`, `nama`, `pangkat`, `nip`"),
            );
            Pejabat {
                jabatan: String::new(),
                nama: String::new(),
                pangkat: None,
                nip: None,
            }
        }
    };
    let email = f.text(&raw.email);
    if let (Some(e), Some(at)) = (&email, &raw.email)
        && !e.contains('@')
    {
        let span = f.span(&at.referenced, e);
        f.error(
            Diagnostic::warning(
                span,
                format!("`email` `{e}` tidak tampak seperti alamat surel"),
            )
            .hint("mis. `dinsos@example.go.id`"),
        );
    }
    // `laman` becomes a link on the site: only a web address may, never `javascript:` or a path.
    let mut laman = f.text(&raw.laman);
    if let (Some(l), Some(at)) = (&laman, &raw.laman) {
        let lower = l.to_ascii_lowercase();
        let web = (lower.starts_with("https://") || lower.starts_with("http://"))
            && !l
                .chars()
                .any(|c| c.is_whitespace() || c == '"' || c == '<' || c == '>');
        if !web {
            let span = f.span(&at.referenced, l);
            f.error(
                Diagnostic::error(span, format!("`laman` `{l}` bukan alamat web"))
                    .hint("tulis alamat lengkap yang diawali `https://`, mis. `https://dinsos.tanahlautkab.go.id`"),
            );
            laman = None;
        }
    }
    let mut logo = None;
    if let (Some(l), Some(at)) = (f.text(&raw.logo), &raw.logo) {
        let span = f.span(&at.referenced, &l);
        let rel = Path::new(&l);
        let ext = rel
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        if rel.is_absolute()
            || rel
                .components()
                .any(|c| !matches!(c, std::path::Component::Normal(_)))
        {
            f.error(Diagnostic::error(span, format!("`logo` `{l}` harus berada di dalam folder instansi")).hint("letakkan berkas logo di samping `_instansi.yaml` dan tulis namanya saja, mis. `logo: logo.png`"));
        } else if !matches!(ext.as_deref(), Some("png" | "svg" | "jpg" | "jpeg")) {
            f.error(
                Diagnostic::error(
                    span,
                    format!("`logo` `{l}` bukan gambar PNG, SVG atau JPEG"),
                )
                .hint("gunakan berkas .png, .svg atau .jpg"),
            );
        } else if !root.join(dir).join(rel).is_file() {
            f.error(
                Diagnostic::error(span, format!("berkas logo `{l}` tidak ditemukan")).hint(
                    format!(
                        "letakkan `{l}` di folder `{}`",
                        crate::core::diag::display_path(dir)
                    ),
                ),
            );
        } else if let Some(why) = logo_problem(&root.join(dir).join(rel), root) {
            f.error(Diagnostic::error(span, format!("berkas logo `{l}` {why}")).hint(
                "simpan logo sebagai PNG, JPEG atau SVG sungguhan (paling besar 5 MB) di folder instansi",
            ));
        } else {
            logo = Some(dir.join(rel));
        }
    }
    Instansi {
        id: id.to_string(),
        pemerintah,
        nama,
        alamat: f.text(&raw.alamat),
        telepon: f.text(&raw.telepon),
        email,
        laman,
        kota: f.text(&raw.kota),
        logo,
        kepala,
        layanan: raw
            .layanan
            .as_ref()
            .map(|l| crate::load::layanan::resolve_bawaan(f, l)),
        keputusan: None,
        bidang: Vec::new(),
    }
}

/// `_bidang.yaml`; the folder name `id` is the default order key after `urutan`.
pub(crate) fn resolve_bidang(f: &mut Fields, raw: RawBidang, id: &str) -> Bidang {
    let nama = f.required(&raw.nama, "nama", None, "bidang");
    let urutan = match &raw.urutan {
        Some(u) => match u.value.0.trim().parse::<i64>() {
            Ok(n) => n,
            Err(_) => {
                let span = f.span(&u.referenced, &u.value.0);
                f.error(
                    Diagnostic::error(span, format!("`urutan` harus angka, bukan `{}`", u.value.0))
                        .hint("mis. `urutan: 2`"),
                );
                i64::MAX
            }
        },
        None => i64::MAX,
    };
    Bidang {
        id: id.to_string(),
        nama,
        urutan,
        sop: Vec::new(),
    }
}

/// `_keputusan.yaml`; needs the instansi's bidang (with their SOPs) for the customary diktum.
pub(crate) fn resolve_keputusan(
    f: &mut Fields,
    raw: RawKeputusan,
    kepala: &Pejabat,
    instansi_nama: &str,
    pemerintah: &str,
    bidang: &[Bidang],
) -> Keputusan {
    let nomor = f.required(&raw.nomor, "nomor", None, "keputusan");
    let tahun = f.required(&raw.tahun, "tahun", None, "keputusan");
    let four_digits = tahun.len() == 4 && tahun.chars().all(|c| c.is_ascii_digit());
    if !tahun.is_empty()
        && !four_digits
        && let Some(at) = &raw.tahun
    {
        let span = f.span(&at.referenced, &tahun);
        f.error(
            Diagnostic::error(
                span,
                format!("`tahun` harus tahun empat angka, bukan `{tahun}`"),
            )
            .hint("mis. `tahun: 2022`"),
        );
    }
    let tanggal = f.date(&raw.tanggal, "tanggal");
    let tentang = f.required(&raw.tentang, "tentang", None, "keputusan");
    let menimbang = f.list(&raw.menimbang);
    let mengingat = f.list(&raw.mengingat);
    for (key, list) in [("menimbang", &menimbang), ("mengingat", &mengingat)] {
        if list.is_empty() {
            let span = f.key_span(key);
            f.error(
                Diagnostic::error(
                    span,
                    format!("keputusan: `{key}` wajib berisi sedikitnya satu butir"),
                )
                .hint(format!("tambahkan `{key}:` dengan butir `- …`")),
            );
        }
    }
    let penandatangan = match &raw.penandatangan {
        Some(p) => f.pejabat(p, "penandatangan"),
        None => kepala.clone(),
    };
    let written = f.list_at(&raw.diktum);
    let diktum_bawaan = written.is_empty();
    let diktum = if diktum_bawaan {
        customary_diktum(instansi_nama, pemerintah, bidang)
    } else {
        let names: Vec<&str> = bidang.iter().map(|b| b.nama.as_str()).collect();
        let kedua = written
            .iter()
            .find(|(_, t)| crate::load::validate::is_kedua(t));
        if let Some((span, text)) = kedua {
            // A KEDUA typed by hand goes stale when a bidang is added, renamed or reordered.
            let problems = crate::load::validate::kedua_problems(text, &names);
            if !problems.is_empty() {
                let listed: Vec<String> = names
                    .iter()
                    .enumerate()
                    .map(|(k, n)| format!("{}. {n}", k + 1))
                    .collect();
                f.error(
                    Diagnostic::warning(
                        span.clone(),
                        format!(
                            "diktum KEDUA tidak sesuai dengan bidang di konten: {}",
                            problems.join("; ")
                        ),
                    )
                    .hint(format!(
                        "bidang di konten, urut seperti lampiran: {}; sesuaikan KEDUA, atau hapus butir KEDUA agar dibuat dari bidang",
                        listed.join("; ")
                    )),
                );
            }
        }
        let given = kedua.is_some();
        let mut diktum: Vec<String> = written.into_iter().map(|(_, t)| t).collect();
        if !given {
            // No diktum names the parts: KEDUA is written from the bidang, after KESATU.
            diktum.insert(1.min(diktum.len()), kedua_text(bidang));
        }
        diktum
    };
    Keputusan {
        nomor,
        tahun,
        tanggal,
        tentang,
        menimbang,
        mengingat,
        diktum,
        diktum_bawaan,
        penandatangan,
    }
}

/// KEDUA as the seed has it, from the bidang in Lampiran order with their SOP counts: "… terdiri
/// dari 3 (tiga) bagian, yaitu: 1. Sekretariat (11 SOP); 2. …" (the template sets the list one
/// item a line).
fn kedua_text(bidang: &[Bidang]) -> String {
    let n = bidang.len() as u32;
    let parts: Vec<String> = bidang
        .iter()
        .enumerate()
        .map(|(i, b)| format!("{}. {} ({} SOP)", i + 1, b.nama, b.sop.len()))
        .collect();
    format!(
        "Standar Operasional Prosedur (SOP) sebagaimana dimaksud dalam Diktum KESATU terdiri dari {n} ({}) bagian, yaitu: {}.",
        terbilang(n),
        parts.join("; ")
    )
}

/// The diktum a decree adopting SOPs customarily has (as in the Tanah Laut decree of 2022).
fn customary_diktum(instansi: &str, pemerintah: &str, bidang: &[Bidang]) -> Vec<String> {
    let wilayah = pemerintah.strip_prefix("Pemerintah ").unwrap_or(pemerintah);
    let org = format!("{instansi} {wilayah}");
    vec![
        format!("Standar Operasional Prosedur (SOP) Administrasi Pemerintahan pada {org} sebagaimana tercantum dalam Lampiran Keputusan ini."),
        kedua_text(bidang),
        format!("Setiap bidang dan sub bagian di lingkungan {org} wajib melaksanakan Standar Operasional Prosedur (SOP) sebagaimana dimaksud dalam Diktum KESATU."),
        "Standar Operasional Prosedur (SOP) sebagaimana dimaksud dalam Diktum KESATU bersifat dinamis sehingga perlu dilakukan monitoring dan evaluasi secara berkala.".to_string(),
        "Keputusan ini mulai berlaku pada tanggal ditetapkan.".to_string(),
    ]
}

/// Why the logo at `path` cannot be used, if it cannot: it must lie inside the project (a
/// symbolic link may not lead out), be at most 5 MB, and really be a PNG, JPEG or SVG; Typst
/// would otherwise fail mid-build with a message about the theme.
fn logo_problem(path: &Path, root: &Path) -> Option<String> {
    use crate::load::boundary::{Boundary, Refusal};
    const MAX: u64 = crate::load::MAX_LOGO_BYTES;
    let bytes = match Boundary::new(root, root).map(|b| b.read(path, MAX)) {
        Some(Ok(bytes)) => bytes,
        Some(Err(Refusal::Outside)) => {
            return Some("menunjuk ke luar folder proyek (tautan simbolik)".into());
        }
        Some(Err(Refusal::TooLarge(n))) => {
            return Some(format!("terlalu besar ({:.1} MB)", n as f64 / 1_048_576.0));
        }
        _ => return Some("tidak dapat dibaca".into()),
    };
    let head = &bytes[..bytes.len().min(4096)];
    let png = head.starts_with(b"\x89PNG\r\n\x1a\n");
    let jpeg = head.starts_with(&[0xFF, 0xD8, 0xFF]);
    let svg = String::from_utf8_lossy(head).contains("<svg");
    (!(png || jpeg || svg)).then(|| "bukan gambar PNG, JPEG atau SVG".into())
}
