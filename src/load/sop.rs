//! Raw SOP → model `Sop`: defaults (signer, jenis, decision targets) applied here and nowhere
//! else, and every per-file rule of the schema checked with its location.

use crate::core::diag::{Diagnostic, Span};
use crate::load::fields::Fields;
use crate::load::keys::nearest;
use crate::load::schema::{KetItem, RawIdentifikasi, RawLangkah, RawSop, S};
use crate::load::shape::{flow_list, split_actors};
use crate::model::id::SopId;
use crate::model::layanan::LayananBawaan;
use crate::model::org::Pejabat;
use crate::model::sop::{Identifikasi, Jenis, Keterkaitan, Langkah, Sop, Tahapan, Tujuan};
use crate::model::waktu::{self, TotalWaktu, Waktu};

/// Steps one SOP may have. Real SOPs have tens; thousands would only make a flowchart nobody can
/// read and a PDF that takes minutes, so more is an error rather than a slow build.
pub(crate) const MAX_LANGKAH: usize = 200;

/// A `sop:` link waiting for every SOP to be loaded before it can be checked.
#[derive(Clone, Debug)]
pub struct PendingLink {
    /// The SOP that links.
    pub from: SopId,
    /// The link as written.
    pub text: String,
    /// Where it was written.
    pub span: Span,
}

/// What `resolve_sop` gives besides the SOP: facts for the cross-file checks.
#[derive(Clone, Debug, Default)]
pub struct SopFacts {
    /// Where `nomor` was written.
    pub(crate) nomor_span: Option<Span>,
    /// `sop:` links to check.
    pub links: Vec<PendingLink>,
    /// Explicit order inside the bidang.
    pub(crate) urutan: Option<i64>,
}

/// Builds the model SOP from its raw file. `kepala` is the instansi's head, the default signer;
/// `layanan` the instansi's defaults for public services.
pub(crate) fn resolve_sop(
    f: &mut Fields,
    id: SopId,
    raw: RawSop,
    kepala: &Pejabat,
    layanan: Option<&LayananBawaan>,
) -> (Sop, SopFacts) {
    let mut facts = SopFacts::default();
    let nomor = f.text(&raw.nomor).unwrap_or_default();
    facts.nomor_span = raw.nomor.as_ref().map(|n| f.span(&n.referenced, &nomor));
    if nomor.is_empty() {
        let span = facts
            .nomor_span
            .clone()
            .unwrap_or_else(|| f.key_span("nomor"));
        f.error(
            Diagnostic::warning(span, "nomor SOP kosong (boleh untuk draf)")
                .hint("isi `nomor:` sesuai tata naskah dinas sebelum SOP disahkan"),
        );
    }
    let nama = f.required(&raw.nama, "nama", None, "SOP");
    // The name heads the PDF, its footer and its title; Typst cannot set a line break there.
    if nama.contains('\n') {
        let span = f.key_span("nama");
        f.error(
            Diagnostic::error(span, "nama SOP harus satu baris").hint(
                "tulis nama dalam satu baris; `|` menyimpan baris baru, `>` menggabungkannya",
            ),
        );
    }
    if let Some(u) = &raw.urutan {
        match u.value.0.trim().parse::<i64>() {
            Ok(n) => facts.urutan = Some(n),
            Err(_) => {
                let span = f.span(&u.referenced, &u.value.0);
                f.error(
                    Diagnostic::error(span, format!("`urutan` harus angka, bukan `{}`", u.value.0))
                        .hint("mis. `urutan: 3`"),
                );
            }
        }
    }
    let tanggal_pembuatan = f.date(&raw.tanggal_pembuatan, "tanggal_pembuatan");
    let tanggal_revisi = f.date(&raw.tanggal_revisi, "tanggal_revisi");
    let tanggal_efektif = f.date(&raw.tanggal_efektif, "tanggal_efektif");
    if let (Some(p), Some(r), Some(rs)) = (tanggal_pembuatan, tanggal_revisi, &raw.tanggal_revisi)
        && r < p
    {
        let span = f.span(&rs.referenced, &r.iso());
        f.error(
            Diagnostic::warning(span, "tanggal revisi lebih awal dari tanggal pembuatan")
                .hint("periksa `tanggal_revisi` dan `tanggal_pembuatan`"),
        );
    }
    let disahkan_oleh = match &raw.disahkan_oleh {
        Some(p) => f.pejabat(p, "disahkan_oleh"),
        None => kepala.clone(),
    };
    let disusun_oleh = raw
        .disusun_oleh
        .as_ref()
        .map(|p| f.pejabat(p, "disusun_oleh"));

    let mut keterkaitan = Vec::new();
    if let Some(k) = &raw.keterkaitan {
        for (loc, item) in &k.value.items {
            let loc = loc.as_ref().unwrap_or(&k.referenced);
            match item {
                KetItem::Teks(t) if !t.trim().is_empty() => keterkaitan.push(Keterkaitan::Teks {
                    teks: t.trim().to_string(),
                }),
                KetItem::Teks(_) => {}
                KetItem::Sop(Some(link)) => {
                    let text = link.value.0.trim().to_string();
                    let span = f.span(&link.referenced, &text);
                    match SopId::resolve_link(&id.instansi, &text) {
                        Some(target) => {
                            facts.links.push(PendingLink { from: id.clone(), text, span });
                            keterkaitan.push(Keterkaitan::Sop { id: target, nama: String::new() });
                        }
                        None => f.error(
                            Diagnostic::error(span, format!("tautan `sop: {text}` tidak berbentuk `bidang/slug`"))
                                .hint("tulis id SOP relatif terhadap instansi, mis. `sop: sekretariat/surat-masuk`"),
                        ),
                    }
                }
                KetItem::Sop(None) => {
                    let span = f.span(loc, "sop");
                    f.error(
                        Diagnostic::error(
                            span,
                            "butir keterkaitan berbentuk pemetaan tanpa kunci `sop`",
                        )
                        .hint("tulis `- sop: bidang/slug` atau teks biasa"),
                    );
                }
            }
        }
    }

    let step_actors: Vec<String> = raw
        .langkah
        .iter()
        .flat_map(|l| l.value.iter())
        .flat_map(|s| f.list(&s.value.pelaksana))
        .collect();
    let pelaksana_at = joined_actors(f, f.list_at(&raw.pelaksana), &step_actors);
    let mut pelaksana: Vec<String> = Vec::new();
    for (span, a) in &pelaksana_at {
        if pelaksana.contains(a) {
            f.error(
                Diagnostic::warning(span.clone(), format!("pelaksana `{a}` tertulis dua kali"))
                    .hint("hapus salah satunya"),
            );
        } else {
            pelaksana.push(a.clone());
        }
    }

    let raw_steps: Vec<S<RawLangkah>> = raw.langkah.map(|l| l.value).unwrap_or_default();
    if raw_steps.is_empty() {
        f.error(
            Diagnostic::error(f.key_span("langkah"), "SOP tidak punya langkah")
                .hint("tambahkan `langkah:` dengan sedikitnya satu butir `- kegiatan: …`"),
        );
    }
    let n = raw_steps.len();
    if n > MAX_LANGKAH {
        let span = raw_steps[MAX_LANGKAH].referenced;
        f.error(
            Diagnostic::error(
                f.span(&span, "-"),
                format!("SOP ini punya {n} langkah; paling banyak {MAX_LANGKAH} langkah per SOP"),
            )
            .hint("pecah prosedur menjadi beberapa SOP dan hubungkan dengan `keterkaitan`"),
        );
    }
    let mut langkah = Vec::with_capacity(n);
    let mut acted = vec![false; pelaksana.len()];
    let mut total = TotalWaktu::default();
    for (i, step) in raw_steps.iter().enumerate() {
        let l = resolve_step(f, i, n, step, &pelaksana, &mut acted);
        total.add(l.waktu.as_ref());
        langkah.push(l);
    }
    if n > 0 {
        for ((span, a), acted) in pelaksana_at.iter().zip(&acted) {
            if !acted && pelaksana.contains(a) {
                f.error(
                    Diagnostic::warning(
                        span.clone(),
                        format!("pelaksana `{a}` tidak melakukan satu langkah pun"),
                    )
                    .hint("tetapkan dia sebagai pelaksana suatu langkah, atau hapus dari daftar"),
                );
            }
        }
    }
    let identifikasi = raw
        .identifikasi
        .as_ref()
        .map(|i| resolve_identifikasi(f, i));
    let layanan = raw
        .layanan
        .as_ref()
        .map(|l| crate::load::layanan::resolve_layanan(f, l, layanan));
    let sop = Sop {
        id,
        sumber: crate::core::diag::display_path(&f.file),
        nomor,
        nama,
        seksi: f.text(&raw.seksi),
        tanggal_pembuatan,
        tanggal_revisi,
        tanggal_efektif,
        disahkan_oleh,
        disusun_oleh,
        dasar_hukum: f.list(&raw.dasar_hukum),
        kualifikasi_pelaksana: f.list(&raw.kualifikasi_pelaksana),
        keterkaitan,
        peralatan_perlengkapan: f.list(&raw.peralatan_perlengkapan),
        peringatan: f.list(&raw.peringatan),
        pencatatan_pendataan: f.list(&raw.pencatatan_pendataan),
        pelaksana,
        langkah,
        total_waktu: total,
        identifikasi,
        layanan,
    };
    (sop, facts)
}

/// Reads a `ya`/`tidak` target: a step number in `1..=n` other than the step itself, or `selesai`.
fn target(
    f: &mut Fields,
    v: &Option<S<crate::load::schema::Text>>,
    key: &str,
    nomor: usize,
    n: usize,
) -> Option<Tujuan> {
    let s = v.as_ref()?;
    let text = s.value.0.trim();
    let span = f.span(&s.referenced, text);
    if text.eq_ignore_ascii_case("selesai") {
        return Some(Tujuan::Selesai);
    }
    match text.parse::<usize>() {
        Ok(t) if (1..=n).contains(&t) && t != nomor => Some(Tujuan::Langkah(t)),
        Ok(t) if t == nomor => {
            f.error(
                Diagnostic::error(
                    span,
                    format!("langkah {nomor}: `{key}` menuju langkah itu sendiri"),
                )
                .hint("arahkan ke langkah lain atau `selesai`"),
            );
            None
        }
        _ => {
            f.error(
                Diagnostic::error(
                    span,
                    format!("langkah {nomor}: `{key}: {text}` tidak menunjuk langkah yang ada"),
                )
                .hint(format!("tulis nomor langkah 1 sampai {n}, atau `selesai`")),
            );
            None
        }
    }
}

fn resolve_step(
    f: &mut Fields,
    i: usize,
    n: usize,
    step: &S<RawLangkah>,
    pelaksana: &[String],
    acted: &mut [bool],
) -> Langkah {
    let nomor = i + 1;
    let r = &step.value;
    let what = format!("langkah {nomor}");
    let kegiatan = f.required(&r.kegiatan, "kegiatan", Some(&step.referenced), &what);
    let actors = f.list_at(&r.pelaksana);
    if actors.is_empty() {
        let span = f.span(&step.referenced, "-");
        f.error(
            Diagnostic::error(span, format!("{what}: `pelaksana` wajib diisi")).hint(format!(
                "pilih dari daftar pelaksana: {}",
                listed(pelaksana)
            )),
        );
    }
    for (span, a) in &actors {
        // `pelaksana: Pemohon, Petugas` in a step: one text to YAML, two listed actors.
        let parts = split_actors(a).filter(|parts| parts.iter().all(|p| pelaksana.contains(p)));
        match (pelaksana.iter().position(|p| p == a), parts) {
            (Some(k), _) => acted[k] = true,
            (None, Some(parts)) => {
                for p in &parts {
                    if let Some(k) = pelaksana.iter().position(|x| x == p) {
                        acted[k] = true;
                    }
                }
                f.error(
                    Diagnostic::error(
                        span.clone(),
                        format!(
                            "{what}: `{a}` adalah {} pelaksana yang ditulis sebagai satu teks",
                            parts.len()
                        ),
                    )
                    .hint(format!("tulis `pelaksana: {}`", flow_list(&parts))),
                );
            }
            (None, None) => {
                let d = Diagnostic::error(
                    span.clone(),
                    format!("{what}: pelaksana `{a}` tidak ada di daftar `pelaksana`"),
                );
                let d = match nearest(a, pelaksana.iter().map(String::as_str)) {
                    Some(near) => d.hint(format!("maksud Anda `{near}`?")),
                    None => d.hint(format!(
                        "tambahkan `{a}` ke daftar `pelaksana` di atas, atau pilih dari: {}",
                        listed(pelaksana)
                    )),
                };
                f.error(d);
            }
        }
    }
    let ya = target(f, &r.ya, "ya", nomor, n);
    let tidak = target(f, &r.tidak, "tidak", nomor, n);
    let written = r
        .jenis
        .as_ref()
        .map(|j| (j, j.value.0.trim().to_lowercase()));
    let mut jenis_invalid = false;
    let jenis = match &written {
        Some((s, j)) => match Jenis::parse(j) {
            Some(j) => Some(j),
            None => {
                let span = f.span(&s.referenced, j);
                let d = Diagnostic::error(span, format!("{what}: jenis `{j}` tidak dikenal"));
                let d = match nearest(j, Jenis::NAMES) {
                    Some(near) => d.hint(format!("maksud Anda `{near}`?")),
                    None => d.hint(format!("pilih salah satu: {}", Jenis::NAMES.join(", "))),
                };
                f.error(d);
                jenis_invalid = true;
                None
            }
        },
        None => None,
    };
    // A step with a `tidak` branch and no (valid) jenis is a decision: saying it twice is noise.
    let jenis = jenis.unwrap_or(
        if r.tidak.is_some() && (r.jenis.is_none() || jenis_invalid) {
            Jenis::Keputusan
        } else if nomor == 1 {
            Jenis::Mulai
        } else if nomor == n {
            Jenis::Selesai
        } else {
            Jenis::Proses
        },
    );
    let (ya, tidak) = if jenis == Jenis::Keputusan {
        if r.tidak.is_none() {
            let span = f.span(&step.referenced, "-");
            f.error(
                Diagnostic::error(span, format!("{what}: keputusan tanpa cabang `tidak`"))
                    .hint("tambahkan `tidak: <nomor langkah>` (atau `tidak: selesai`)"),
            );
        }
        let next = if nomor < n {
            Tujuan::Langkah(nomor + 1)
        } else {
            Tujuan::Selesai
        };
        (Some(ya.unwrap_or(next)), tidak)
    } else {
        for (key, v) in [("ya", &r.ya), ("tidak", &r.tidak)] {
            if let Some(s) = v {
                let span = f.span(&s.referenced, &s.value.0);
                f.error(
                    Diagnostic::warning(
                        span,
                        format!("{what}: `{key}` diabaikan karena langkah ini bukan keputusan"),
                    )
                    .hint("tambahkan `jenis: keputusan`, atau hapus kunci ini"),
                );
            }
        }
        (None, None)
    };
    let waktu = r.waktu.as_ref().and_then(|w| {
        let teks = w.value.0.trim().to_string();
        if teks.is_empty() {
            return None;
        }
        let durasi = match waktu::parse(&teks) {
            Ok(d) => {
                // The form's column is headed "Waktu" without a unit, so a bare number
                // prints with the unit it was read in; the author should know which.
                if waktu::tanpa_satuan(&teks) {
                    let span = f.span(&w.referenced, &teks);
                    f.error(
                        Diagnostic::warning(
                            span,
                            format!("{what}: waktu `{teks}` tanpa satuan dibaca sebagai menit (dicetak \"{}\")", waktu::tampil(&teks)),
                        )
                        .hint(format!("tulis satuannya, mis. `waktu: {teks} menit`, `{teks} jam` atau `{teks} hari`")),
                    );
                }
                d
            }
            Err(why) => {
                let span = f.span(&w.referenced, &teks);
                f.error(
                    Diagnostic::warning(span, format!("{what}: waktu `{teks}` tidak terbaca ({why}); dihitung \"tidak diketahui\""))
                        .hint(why.hint().unwrap_or_else(|| format!("bentuk yang dikenal: {}", waktu::ACCEPTED_FORMS))),
                );
                None
            }
        };
        Some(Waktu { teks, durasi })
    });
    Langkah {
        nomor,
        kegiatan,
        pelaksana: actors.into_iter().map(|(_, a)| a).collect(),
        jenis,
        ya,
        tidak,
        kelengkapan: f.list(&r.kelengkapan),
        waktu,
        output: f.list(&r.output),
        keterangan: f.text(&r.keterangan),
    }
}

/// The actors as a reader tells them apart: each in backticks (a name may hold a comma).
fn listed(pelaksana: &[String]) -> String {
    pelaksana
        .iter()
        .map(|p| format!("`{p}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The SOP's `pelaksana` list with every item that joins names the steps use
/// (`pelaksana: Pemohon, Petugas` when steps say `Pemohon`) taken apart, each such item
/// reported with the list as it should be written. An item the steps use whole ("Kepala
/// Bagian Umum dan Keuangan") is a name and stays.
fn joined_actors(
    f: &mut Fields,
    items: Vec<(Span, String)>,
    step_actors: &[String],
) -> Vec<(Span, String)> {
    let used = |n: &String| step_actors.contains(n);
    let split: Vec<Option<Vec<String>>> = items
        .iter()
        .map(|(_, a)| {
            split_actors(a).filter(|parts| {
                !used(a)
                    && parts
                        .iter()
                        .any(|p| used(p) && !items.iter().any(|(_, x)| x == p))
            })
        })
        .collect();
    if split.iter().all(Option::is_none) {
        return items;
    }
    let mut out = Vec::new();
    for ((span, a), parts) in items.iter().zip(&split) {
        match parts {
            Some(parts) => out.extend(parts.iter().map(|p| (span.clone(), p.clone()))),
            None => out.push((span.clone(), a.clone())),
        }
    }
    let all: Vec<String> = out.iter().map(|(_, a)| a.clone()).collect();
    for ((span, a), parts) in items.iter().zip(&split) {
        if let Some(parts) = parts {
            f.error(
                Diagnostic::error(
                    span.clone(),
                    format!(
                        "`{a}` adalah {} pelaksana yang ditulis sebagai satu teks, sedangkan langkah menyebut mereka satu per satu",
                        parts.len()
                    ),
                )
                .hint(format!("tulis `pelaksana: {}`", flow_list(&all))),
            );
        }
    }
    out
}

const JENIS_KEGIATAN: [&str; 3] = ["Rutin", "Pelayanan", "Penugasan"];

fn resolve_identifikasi(f: &mut Fields, raw: &S<RawIdentifikasi>) -> Identifikasi {
    let r = &raw.value;
    let jenis_kegiatan = f.text(&r.jenis_kegiatan);
    if let (Some(j), Some(s)) = (&jenis_kegiatan, &r.jenis_kegiatan)
        && !JENIS_KEGIATAN.iter().any(|k| k.eq_ignore_ascii_case(j))
    {
        let span = f.span(&s.referenced, j);
        f.error(
                Diagnostic::warning(span, format!("jenis kegiatan `{j}` bukan salah satu dari Rutin, Pelayanan, Penugasan"))
                    .hint("Lembar Kerja Identifikasi Kegiatan mengenal tiga jenis: Rutin, Pelayanan, Penugasan"),
            );
    }
    let tahapan = |f: &Fields, t: &Option<S<crate::load::schema::RawTahapan>>| match t {
        Some(t) => Tahapan {
            awal: f.list(&t.value.awal),
            utama: f.list(&t.value.utama),
            akhir: f.list(&t.value.akhir),
        },
        None => Tahapan::default(),
    };
    let pj = r.penanggung_jawab.as_ref();
    Identifikasi {
        tugas: f.text(&r.tugas),
        fungsi: f.text(&r.fungsi),
        sub_fungsi: f.text(&r.sub_fungsi),
        output: f.text(&r.output),
        aspek: f.text(&r.aspek),
        jenis_kegiatan,
        penanggung_jawab_produk: pj.and_then(|p| f.text(&p.value.produk)),
        penanggung_jawab_kegiatan: pj.and_then(|p| f.text(&p.value.kegiatan)),
        ruang_lingkup: f.text(&r.ruang_lingkup),
        kegiatan: tahapan(f, &r.kegiatan),
        langkah: tahapan(f, &r.langkah),
    }
}
