//! Search records: what the search index holds of each searchable page (every SOP page and
//! every free page), written from the content model rather than read back out of the HTML.
//!
//! Why not let Pagefind read the pages: it parses HTML on one thread while holding its index
//! lock (1,000 SOPs: adding the pages took 0.67–0.71 s, adding their records 0.35–0.5 s).
//! Records are written here on all cores and handed over whole; their text is the page's text
//! in reading order, so excerpts read like the page, except an SOP's identity (instansi,
//! bidang, number, dates, signer), which comes last (see `sop`).

use std::collections::BTreeMap;

use rayon::prelude::*;

use crate::model::org::{Bidang, Instansi};
use crate::model::sop::{Jenis, Keterkaitan, Sop};
use crate::model::{Halaman, Site};
use crate::site::html;
use crate::site::search::index as search;
use crate::site::sinonim::Sinonim;

/// One searchable page.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SearchRecord {
    /// The page's URL from the site's root ("/dinsos/umum/surat-masuk/"), without the path of
    /// `base_url`: the page's script gives Pagefind the folder the site is served from.
    pub url: String,
    /// The result's title.
    pub title: String,
    /// The page's text in reading order, sentences ended with a full stop. HTML-escaped:
    /// Pagefind's excerpts are HTML (hits wrapped in `<mark>`) cut from this text, and its
    /// script escapes `<` and `>` but not `&`, so "&lt;" written in content would show as "<".
    pub text: String,
    /// Filters: what the search page offers to narrow results by ([`FILTERS`]) and what it
    /// shows beside a result (`bidang`), and the record's [`search::KIND`].
    pub filters: BTreeMap<String, Vec<String>>,
    /// Data shown with a result besides its title ([`META_PERSYARATAN`], [`META_WAKTU`]) and
    /// the words of synonyms it lacks ([`META_SINONIM`]). Plain text, not escaped: the page's
    /// script shows it as text. Pagefind searches these words too but never cuts an excerpt
    /// from them.
    pub meta: BTreeMap<String, String>,
}

/// The filters the search page offers, each a key of a record's `filters`, with its label;
/// sopan.js builds one selector per entry and needs no other change: instansi, and public
/// service or internal procedure (an SOP with `layanan:` is a public service).
pub(crate) const FILTERS: &[(&str, &str)] = &[("instansi", "Instansi"), ("layanan", "Jenis SOP")];

/// Meta key of an SOP's requirements (what a citizen brings), one per line.
pub(crate) const META_PERSYARATAN: &str = "persyaratan";
/// Meta key of an SOP's total time, as its page says it.
pub(crate) const META_WAKTU: &str = "waktu";
/// Meta key of the synonym forms a page lacks of the groups its text holds a form of.
pub(crate) const META_SINONIM: &str = "sinonim";
/// [`META_SINONIM`] for the groups its title holds a form of: weighted like the title by the
/// page's script ("bansos" ranks "Bantuan Sosial bagi Korban Bencana" above a page that
/// mentions bantuan sosial once).
pub(crate) const META_SINONIM_JUDUL: &str = "sinonim_judul";

/// Every searchable page of `site`, in URL order, URLs from the site's root.
pub fn records(site: &Site) -> Vec<SearchRecord> {
    let mut all: Vec<SearchRecord> = site
        .sops_placed()
        .par_iter()
        .map(|&(i, b, s)| sop(i, b, s))
        .collect();
    all.extend(site.halaman.iter().map(|h| halaman(site, h)));
    let sinonim = Sinonim::with_project(&site.settings.sinonim);
    let matcher = sinonim.matcher();
    all.par_iter_mut().for_each(|r| {
        // Forms for the title's words rank like the title; the rest like the text.
        let in_title = matcher.extra_terms(&r.title);
        let in_text: Vec<String> = matcher
            .extra_terms(&r.text)
            .into_iter()
            .filter(|f| !in_title.contains(f))
            .collect();
        for (key, forms) in [(META_SINONIM_JUDUL, in_title), (META_SINONIM, in_text)] {
            if !forms.is_empty() {
                r.meta.insert(key.to_string(), forms.join(" "));
            }
        }
    });
    all.sort_by(|a, b| a.url.cmp(&b.url));
    all
}

/// The filters of an SOP's record. Each entry of [`FILTERS`] must have its key here.
fn sop_filters(i: &Instansi, b: &Bidang, s: &Sop) -> BTreeMap<String, Vec<String>> {
    [
        ("instansi", instansi_name(i)),
        ("bidang", b.nama.clone()),
        (search::KIND, search::KIND_SOP.to_string()),
        ("layanan", s.jenis_label().to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), vec![v]))
    .collect()
}

/// What a citizen brings: the public service's `persyaratan`. An internal procedure has none to
/// show (its first step's kelengkapan are the office's papers, not the citizen's).
fn persyaratan(s: &Sop) -> Vec<String> {
    s.layanan
        .as_ref()
        .map(|l| l.persyaratan.clone())
        .unwrap_or_default()
}

/// The meta of an SOP's record: its requirements and its total time, as the page shows them.
fn sop_meta(s: &Sop) -> BTreeMap<String, String> {
    let mut meta = BTreeMap::new();
    let items: Vec<String> = persyaratan(s)
        .iter()
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect();
    if !items.is_empty() {
        meta.insert(META_PERSYARATAN.to_string(), items.join("\n"));
    }
    meta.insert(META_WAKTU.to_string(), s.waktu_teks());
    meta
}

fn instansi_name(i: &Instansi) -> String {
    format!("{} {}", i.nama, html::wilayah(i))
}

fn sop(i: &Instansi, b: &Bidang, s: &Sop) -> SearchRecord {
    let mut t = Text::default();
    t.sentence(&s.nama);
    t.sentence(s.jenis_label());
    // A public service's summary first, as its page shows it: what a citizen searches for.
    if let Some(l) = &s.layanan {
        t.list("Persyaratan", &l.persyaratan);
        t.labelled("Waktu", &s.waktu_teks());
        for (label, value) in [
            ("Biaya", &l.biaya),
            ("Produk", &l.produk),
            ("Tempat", &l.tempat),
            ("Jam", &l.jam),
        ] {
            if let Some(v) = value {
                t.labelled(label, v);
            }
        }
        t.list("Pengaduan", &l.pengaduan);
    }
    t.labelled("Perkiraan waktu", &s.total_waktu.teks());
    t.labelled("Jumlah langkah", &s.langkah.len().to_string());
    t.list("Yang terlibat", &s.pelaksana);
    if let Some(last) = s.langkah.last() {
        t.list("Hasil akhir", &last.output);
    }
    if let Some(note) = html::waktu_catatan(&s.total_waktu) {
        t.sentence(&note);
    }

    for l in &s.langkah {
        t.labelled(&format!("Langkah {}", l.nomor), &l.kegiatan);
        t.labelled("Pelaksana", &l.pelaksana.join(" bersama "));
        t.list("Kelengkapan", &l.kelengkapan);
        if let Some(w) = &l.waktu {
            t.labelled("Waktu", &w.teks);
        }
        t.list("Output", &l.output);
        if let Some(k) = &l.keterangan {
            t.labelled("Keterangan", k);
        }
        if l.jenis == Jenis::Keputusan {
            t.labelled("Jika ya", &html::tujuan(l.ya, l.nomor));
            t.labelled("Jika tidak", &html::tujuan(l.tidak, l.nomor));
        }
    }

    t.items("Dasar hukum", &s.dasar_hukum);
    t.items("Kualifikasi pelaksana", &s.kualifikasi_pelaksana);
    let keterkaitan: Vec<String> = s
        .keterkaitan
        .iter()
        .map(|k| match k {
            Keterkaitan::Teks { teks } => teks.clone(),
            Keterkaitan::Sop { nama, .. } => format!("SOP {nama}"),
        })
        .collect();
    t.items("Keterkaitan", &keterkaitan);
    t.items("Peralatan/perlengkapan", &s.peralatan_perlengkapan);
    t.items("Peringatan", &s.peringatan);
    t.items("Pencatatan dan pendataan", &s.pencatatan_pendataan);

    // The identity last: a result already shows the instansi, bidang and name, so an excerpt
    // cut around a hit in the name shows the summary that follows it, not the letterhead.
    t.sentence(&instansi_name(i));
    match &s.seksi {
        Some(seksi) => t.sentence(&format!("{} · {seksi}", b.nama)),
        None => t.sentence(&b.nama),
    }
    t.labelled(
        "Nomor SOP",
        if s.nomor.is_empty() {
            "belum bernomor"
        } else {
            &s.nomor
        },
    );
    for (label, tanggal) in [
        ("Tanggal pembuatan", s.tanggal_pembuatan),
        ("Tanggal revisi", s.tanggal_revisi),
        ("Tanggal efektif", s.tanggal_efektif),
    ] {
        if let Some(tanggal) = tanggal {
            t.labelled(label, &tanggal.indonesia());
        }
    }
    let p = &s.disahkan_oleh;
    let mut signer = p.jabatan.clone();
    if !p.nama.is_empty() {
        signer.push_str(&format!(" — {}", p.nama));
    }
    if let Some(nip) = &p.nip {
        signer.push_str(&format!(" (NIP {})", nip.grouped()));
    }
    t.labelled("Disahkan oleh", &signer);

    SearchRecord {
        url: s.id.url(),
        title: s.nama.clone(),
        text: t.0,
        filters: sop_filters(i, b, s),
        meta: sop_meta(s),
    }
}

/// A free page: its Markdown as plain text (raw HTML in it is left out, as the page's
/// sanitiser leaves out what it does not trust).
fn halaman(site: &Site, h: &Halaman) -> SearchRecord {
    use pulldown_cmark::{Event, Parser, TagEnd};
    let mut t = Text::default();
    let mut block = String::new();
    for event in Parser::new_ext(&h.teks, pulldown_cmark::Options::ENABLE_TABLES) {
        match event {
            Event::Text(s) | Event::Code(s) => block.push_str(&s),
            Event::SoftBreak | Event::HardBreak => block.push(' '),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::TableCell
                | TagEnd::CodeBlock
                | TagEnd::BlockQuote(_),
            ) => t.sentence(&std::mem::take(&mut block)),
            _ => {}
        }
    }
    t.sentence(&block);
    let mut filters = BTreeMap::from([(
        search::KIND.to_string(),
        vec![search::KIND_HALAMAN.to_string()],
    )]);
    if let Some(i) = h
        .instansi
        .as_ref()
        .and_then(|id| site.instansi.iter().find(|i| &i.id == id))
    {
        filters.insert("instansi".to_string(), vec![instansi_name(i)]);
    }
    SearchRecord {
        url: h.url(),
        title: h.judul(),
        text: t.0,
        filters,
        meta: BTreeMap::new(),
    }
}

/// A page's text being written: sentences separated by a space, each ending in punctuation so
/// that excerpts do not run one field into the next.
#[derive(Default)]
struct Text(String);

impl Text {
    /// Appends `s` (whitespace collapsed, HTML-escaped) as a sentence; nothing when blank.
    fn sentence(&mut self, s: &str) {
        let mut words = s.split_whitespace().peekable();
        if words.peek().is_none() {
            return;
        }
        if !self.0.is_empty() {
            self.0.push(' ');
        }
        let start = self.0.len();
        for (k, w) in words.enumerate() {
            if k > 0 {
                self.0.push(' ');
            }
            crate::site::html::escape_into(&mut self.0, w, false);
        }
        if self.0[start..]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || ")'\"$*".contains(c))
        {
            self.0.push('.');
        }
    }

    /// "Label: value."; nothing when the value is blank. (Joined with `push_str`: `format!`
    /// was a third of this, 15,554 calls per 200 SOPs.)
    fn labelled(&mut self, label: &str, value: &str) {
        if !value.trim().is_empty() {
            let mut s = String::with_capacity(label.len() + 2 + value.len());
            s.push_str(label);
            s.push_str(": ");
            s.push_str(value);
            self.sentence(&s);
        }
    }

    /// "Label: a, b, c."; nothing when there are none.
    fn list(&mut self, label: &str, values: &[String]) {
        self.labelled(label, &values.join(", "));
    }

    /// "Label:" followed by each item as its own sentence; nothing when there are none.
    fn items(&mut self, label: &str, values: &[String]) {
        if values.iter().all(|v| v.trim().is_empty()) {
            return;
        }
        if !self.0.is_empty() {
            self.0.push(' ');
        }
        self.0.push_str(label);
        self.0.push(':');
        for v in values {
            self.sentence(v);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_end_in_punctuation_and_markup_stays_text() {
        let mut t = Text::default();
        t.sentence("  Surat   masuk ");
        t.labelled("Waktu", "1 hari");
        t.labelled("Kosong", " ");
        t.list(
            "Output",
            &["Surat".into(), "<script>alert(1)</script>".into()],
        );
        t.items(
            "Dasar hukum",
            &["UU 1/2020;".into(), "Perda & Perbup?".into()],
        );
        assert_eq!(
            t.0,
            "Surat masuk. Waktu: 1 hari. Output: Surat, &lt;script&gt;alert(1)&lt;/script&gt; \
             Dasar hukum: UU 1/2020; Perda &amp; Perbup?"
        );
    }
}
