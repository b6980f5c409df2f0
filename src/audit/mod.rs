//! Audit: what an Inspektorat looks for across all SOPs: empty boxes, steps without time or
//! output, unreadable times, actors that never act, SOPs not revised for over two years, and
//! legal bases citing repealed regulations (from a data file the project can extend).

pub(crate) mod dicabut;
pub mod peraturan;

use rayon::prelude::*;
use serde::Serialize;

use crate::audit::dicabut::Pencabutan;
use crate::audit::peraturan::kutipan;
use crate::core::diag::{Sources, Span, display_path};
use crate::model::Site;
use crate::model::sop::Sop;
use crate::model::tanggal::Tanggal;

/// SOPs not revised for this many years are flagged.
pub(crate) const YEARS_STALE: u16 = 2;

/// What kind of finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Jenis {
    /// A legal basis cites a repealed regulation.
    DasarHukumDicabut,
    /// A box of the identity page is empty.
    KotakKosong,
    /// A step has no waktu.
    TanpaWaktu,
    /// A step's waktu cannot be read.
    WaktuTakTerbaca,
    /// A step has no output.
    TanpaOutput,
    /// A listed actor never acts.
    PelaksanaTidakBertugas,
    /// Not revised for over two years (or never dated).
    BelumDirevisi,
}

impl Jenis {
    /// The heading of this kind in reports.
    pub fn judul(self) -> &'static str {
        match self {
            Jenis::DasarHukumDicabut => "Dasar hukum sudah dicabut",
            Jenis::KotakKosong => "Kotak wajib kosong",
            Jenis::TanpaWaktu => "Langkah tanpa waktu",
            Jenis::WaktuTakTerbaca => "Waktu tidak terbaca",
            Jenis::TanpaOutput => "Langkah tanpa output",
            Jenis::PelaksanaTidakBertugas => "Pelaksana yang tidak pernah bertugas",
            Jenis::BelumDirevisi => "Belum direvisi lebih dari 2 tahun",
        }
    }
}

/// One finding.
#[derive(Clone, Debug, Serialize)]
pub struct Temuan {
    /// What kind.
    pub jenis: Jenis,
    /// The SOP's id, or the instansi's for its decree.
    pub id: String,
    /// The SOP's nama, or "Keputusan …".
    pub nama: String,
    /// What is wrong, in one sentence.
    pub pesan: String,
    /// Where (file, and the line when it can be found).
    #[serde(skip)]
    pub span: Span,
    /// `file:line` for reports and JSON.
    pub letak: String,
}

/// The audit of a whole site.
#[derive(Clone, Debug, Serialize)]
pub struct Audit {
    /// The date the audit is as of (for "not revised for two years").
    pub per: Tanggal,
    /// SOPs examined.
    pub jumlah_sop: usize,
    /// Findings, by SOP then kind.
    pub temuan: Vec<Temuan>,
}

/// Audits every SOP and decree of `site` as of `per`.
pub fn audit(site: &Site, sources: &Sources, dicabut: &[Pencabutan], per: Tanggal) -> Audit {
    // Each SOP on its own, on all cores (citations are parsed on every `serve` save), then
    // gathered in reading order.
    let sops: Vec<&Sop> = site.sops().collect();
    let mut per_sop = sops
        .par_iter()
        .map(|s| {
            let mut mine = Vec::new();
            sop(s, sources, dicabut, per, &mut mine);
            mine
        })
        .collect::<Vec<_>>()
        .into_iter();
    let mut temuan = Vec::new();
    for i in &site.instansi {
        if let Some(k) = &i.keputusan {
            let file = format!("content/{}/_keputusan.yaml", i.id);
            let nama = format!("Keputusan Nomor {} Tahun {}", k.nomor, k.tahun);
            for m in &k.mengingat {
                for (found, rule) in repealed(m, dicabut) {
                    temuan.push(finding(
                        sources,
                        Jenis::DasarHukumDicabut,
                        (&i.id, &nama),
                        &file,
                        m,
                        format!("Mengingat menyebut {found}, {}", rule.akibat()),
                    ));
                }
            }
        }
        for _ in i.sops() {
            temuan.extend(per_sop.next().unwrap_or_default());
        }
    }
    // Stable: within one SOP and kind, findings stay in reading order.
    temuan.sort_by(|a, b| a.id.cmp(&b.id).then(a.jenis.cmp(&b.jenis)));
    Audit {
        per,
        jumlah_sop: site.sops().count(),
        temuan,
    }
}

/// The repealed regulations `text` cites, each with its rule.
fn repealed<'a>(text: &str, dicabut: &'a [Pencabutan]) -> Vec<(String, &'a Pencabutan)> {
    let mut out: Vec<(String, &Pencabutan)> = Vec::new();
    for k in kutipan(text) {
        if let Some(rule) = dicabut.iter().find(|r| r.dicabut == k)
            && !out.iter().any(|(_, r)| std::ptr::eq(*r, rule))
        {
            out.push((k.to_string(), rule));
        }
    }
    out
}

fn sop(s: &Sop, sources: &Sources, dicabut: &[Pencabutan], per: Tanggal, out: &mut Vec<Temuan>) {
    let id = s.id.to_string();
    let who = (id.as_str(), s.nama.as_str());
    let file = s.sumber.as_str();
    let mut push = |jenis, needle: &str, pesan: String| {
        out.push(finding(sources, jenis, who, file, needle, pesan));
    };
    for d in &s.dasar_hukum {
        for (found, rule) in repealed(d, dicabut) {
            push(
                Jenis::DasarHukumDicabut,
                d,
                format!("dasar hukum menyebut {found}, {}", rule.akibat()),
            );
        }
    }
    let empty: Vec<&str> = [
        ("Dasar Hukum", s.dasar_hukum.len()),
        ("Kualifikasi Pelaksana", s.kualifikasi_pelaksana.len()),
        ("Keterkaitan", s.keterkaitan.len()),
        ("Peralatan/Perlengkapan", s.peralatan_perlengkapan.len()),
        ("Peringatan", s.peringatan.len()),
        ("Pencatatan dan Pendataan", s.pencatatan_pendataan.len()),
    ]
    .into_iter()
    .filter(|(_, n)| *n == 0)
    .map(|(kolom, _)| kolom)
    .collect();
    // One finding per SOP naming every empty box: six lines saying "kosong" help nobody.
    if !empty.is_empty() {
        push(
            Jenis::KotakKosong,
            "nama:",
            format!("kotak kosong: {}", empty.join(", ")),
        );
    }
    for l in &s.langkah {
        let at = l.kegiatan.as_str();
        match &l.waktu {
            Some(w) if w.durasi.is_none() && !w.teks.trim().is_empty() => push(
                Jenis::WaktuTakTerbaca,
                at,
                format!(
                    "langkah {}: waktu `{}` tidak terbaca sebagai lama waktu",
                    l.nomor,
                    w.teks.trim()
                ),
            ),
            Some(w) if !w.teks.trim().is_empty() => {}
            _ => push(
                Jenis::TanpaWaktu,
                at,
                format!("langkah {} tidak punya waktu", l.nomor),
            ),
        }
        if l.output.is_empty() {
            push(
                Jenis::TanpaOutput,
                at,
                format!("langkah {} tidak punya output", l.nomor),
            );
        }
    }
    for p in &s.pelaksana {
        if !s.langkah.iter().any(|l| l.pelaksana.contains(p)) {
            push(
                Jenis::PelaksanaTidakBertugas,
                p,
                format!("pelaksana `{p}` tercantum tetapi tidak pernah melakukan langkah"),
            );
        }
    }
    let latest = [s.tanggal_revisi, s.tanggal_efektif, s.tanggal_pembuatan]
        .into_iter()
        .flatten()
        .max();
    match latest {
        None => push(
            Jenis::BelumDirevisi,
            "nama:",
            "SOP tidak bertanggal (pembuatan, revisi, efektif kosong), jadi tidak diketahui kapan terakhir ditinjau".into(),
        ),
        Some(t) if t < per.years_before(YEARS_STALE) => push(
            Jenis::BelumDirevisi,
            &t.iso(),
            format!("terakhir bertanggal {} (per {} lebih dari {YEARS_STALE} tahun)", t.indonesia(), per.indonesia()),
        ),
        Some(_) => {}
    }
}

/// A finding located at the first line of `file` that holds `needle` (the file itself when none
/// does).
fn finding(
    sources: &Sources,
    jenis: Jenis,
    who: (&str, &str),
    file: &str,
    needle: &str,
    pesan: String,
) -> Temuan {
    let path = std::path::Path::new(file);
    let needle: String = needle.trim().chars().take(40).collect();
    let span = sources
        .get(path)
        .and_then(|text| {
            text.lines().enumerate().find_map(|(n, line)| {
                line.find(needle.as_str()).map(|byte| {
                    let col = line[..byte].chars().count() as u32 + 1;
                    Span::at(path, n as u32 + 1, col, needle.chars().count() as u32)
                })
            })
        })
        .unwrap_or_else(|| Span::file(path));
    let letak = if span.line > 0 {
        format!("{}:{}:{}", display_path(&span.file), span.line, span.col)
    } else {
        display_path(&span.file)
    };
    Temuan {
        jenis,
        id: who.0.to_string(),
        nama: who.1.to_string(),
        pesan,
        span,
        letak,
    }
}

/// The audit as a terminal report in Bahasa Indonesia, grouped by SOP.
pub(crate) fn render_text(a: &Audit) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let sops: std::collections::BTreeSet<&str> = a.temuan.iter().map(|t| t.id.as_str()).collect();
    let _ = writeln!(
        out,
        "Audit SOP per {}: {} temuan pada {} dari {} SOP.",
        a.per.indonesia(),
        a.temuan.len(),
        sops.len(),
        a.jumlah_sop
    );
    let mut last = "";
    for t in &a.temuan {
        if t.id != last {
            let _ = writeln!(out, "\n{} — {}", t.id, t.nama);
            last = &t.id;
        }
        let _ = writeln!(
            out,
            "  [{}] {}\n    --> {}",
            t.jenis.judul(),
            t.pesan,
            t.letak
        );
    }
    out
}
