//! Reading raw fields of one file into model values: trimming, required keys, dates, lists,
//! signers. Every problem is recorded against the file with its location.

use std::path::{Path, PathBuf};

use serde_saphyr::Location;

use crate::core::diag::{Diagnostic, Span};
use crate::load::schema::{List, RawPejabat, S, Text};
use crate::load::yaml::span_of;
use crate::model::nip::Nip;
use crate::model::org::Pejabat;
use crate::model::pangkat;
use crate::model::tanggal::Tanggal;

/// A signer block read with where its parts were written, for cross-file checks.
#[derive(Clone, Debug)]
pub(crate) struct PejabatAt {
    /// The signer.
    pub(crate) pejabat: Pejabat,
    /// Where the NIP was written (or the block, when there is no NIP).
    pub span: Span,
}

/// The reader for one file: its path and the problems found in it.
pub(crate) struct Fields<'a> {
    /// Path relative to the project root.
    pub file: PathBuf,
    /// Problems, appended in reading order.
    pub diags: &'a mut Vec<Diagnostic>,
    /// Signer blocks written in this file.
    pub(crate) pejabat: Vec<PejabatAt>,
    /// The file's text, when at hand: places a key (not only its value).
    text: Option<&'a str>,
}

impl<'a> Fields<'a> {
    /// A reader for `file`.
    pub(crate) fn new(file: &Path, diags: &'a mut Vec<Diagnostic>) -> Self {
        Fields {
            file: file.to_path_buf(),
            diags,
            pejabat: Vec::new(),
            text: None,
        }
    }

    /// The reader, knowing the file's text (see [`Fields::key_span`]).
    pub(crate) fn with_text(mut self, text: &'a str) -> Self {
        self.text = Some(text);
        self
    }

    /// Where top-level `key` is written: its own line when the text is at hand and the key is
    /// there (`langkah:` with nothing after it, `langkah: []`), else the start of the file, so
    /// every report has a line to show.
    pub(crate) fn key_span(&self, key: &str) -> Span {
        let found = self.text.and_then(|t| {
            t.split('\n').position(|l| {
                l.strip_prefix(key)
                    .is_some_and(|r| r.trim_start_matches(' ').starts_with(':'))
            })
        });
        match found {
            Some(i) => Span::at(&self.file, i as u32 + 1, 1, key.chars().count() as u32),
            None => Span::at(&self.file, 1, 1, 1),
        }
    }

    /// The span of a located value whose text is `text`.
    pub(crate) fn span(&self, loc: &Location, text: &str) -> Span {
        span_of(&self.file, loc, text.chars().count().max(1))
    }

    /// The whole-file span.
    pub(crate) fn file_span(&self) -> Span {
        Span::file(&self.file)
    }

    /// A span for a located value, or the file when there is none.
    pub(crate) fn span_or_file(&self, loc: Option<&Location>, text: &str) -> Span {
        match loc {
            Some(l) if l.line() > 0 => self.span(l, text),
            _ => self.file_span(),
        }
    }

    /// Records an error.
    pub(crate) fn error(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    /// Trimmed text, `None` when absent or empty.
    pub(crate) fn text(&self, v: &Option<S<Text>>) -> Option<String> {
        v.as_ref()
            .map(|s| s.value.0.trim().to_string())
            .filter(|s| !s.is_empty())
    }

    /// A required text: an error at `parent` (or the file) naming `key` when absent or empty.
    pub(crate) fn required(
        &mut self,
        v: &Option<S<Text>>,
        key: &str,
        parent: Option<&Location>,
        what: &str,
    ) -> String {
        if let Some(t) = self.text(v) {
            return t;
        }
        let span = match (v, parent) {
            (Some(s), _) => self.span(&s.referenced, key),
            (None, Some(p)) => self.span_or_file(Some(p), key),
            // A top-level key: the start of the file (no line is worse than line 1).
            (None, None) => self.key_span(key),
        };
        self.error(
            Diagnostic::error(span, format!("{what}: `{key}` wajib diisi"))
                .hint(format!("tambahkan baris `{key}: …`")),
        );
        String::new()
    }

    /// A list of non-empty trimmed items (a lone string is a list of one).
    pub(crate) fn list(&self, v: &Option<S<List>>) -> Vec<String> {
        self.list_at(v).into_iter().map(|(_, t)| t).collect()
    }

    /// Like `list`, with each item's span (the field's when the item has none).
    pub(crate) fn list_at(&self, v: &Option<S<List>>) -> Vec<(Span, String)> {
        let Some(list) = v else { return Vec::new() };
        list.value
            .items
            .iter()
            .filter(|(_, t)| !t.0.trim().is_empty())
            .map(|(loc, t)| {
                let text = t.0.trim().to_string();
                let span = self.span(loc.as_ref().unwrap_or(&list.referenced), &text);
                (span, text)
            })
            .collect()
    }

    /// An optional ISO date; an error for a date that is malformed or does not exist.
    pub(crate) fn date(&mut self, v: &Option<S<Text>>, key: &str) -> Option<Tanggal> {
        let s = v.as_ref()?;
        let text = s.value.0.trim();
        if text.is_empty() {
            return None;
        }
        match Tanggal::parse_iso(text) {
            Ok(t) => Some(t),
            Err(why) => {
                let span = self.span(&s.referenced, text);
                self.error(
                    Diagnostic::error(span, format!("`{key}` tidak valid: `{text}` {why}"))
                        .hint("tulis tanggal sebagai TAHUN-BULAN-HARI, mis. `2022-07-01`; kosongkan bila belum ada"),
                );
                None
            }
        }
    }

    /// A signer block; `what` names it in messages ("disahkan_oleh").
    pub(crate) fn pejabat(&mut self, raw: &S<RawPejabat>, what: &str) -> Pejabat {
        let loc = Some(&raw.referenced);
        let r = &raw.value;
        let jabatan = self.required(&r.jabatan, "jabatan", loc, what);
        let nama = self.required(&r.nama, "nama", loc, what);
        let pangkat = self.text(&r.pangkat);
        if let (Some(p), Some(s)) = (&pangkat, &r.pangkat)
            && let Some((gol, expected)) = pangkat::mismatch(p)
        {
            let span = self.span(&s.referenced, p);
            self.error(
                Diagnostic::warning(span, format!("pangkat `{p}` tidak sesuai golongan {gol}"))
                    .hint(format!("golongan {gol} berpangkat {expected}")),
            );
        }
        let mut span = self.span(&raw.referenced, what);
        let nip = match (&r.nip, self.text(&r.nip)) {
            (Some(s), Some(t)) => {
                span = self.span(&s.referenced, &t);
                match Nip::parse(&t) {
                    Ok(n) => Some(n),
                    Err(why) => {
                        self.error(Diagnostic::error(span.clone(), format!("NIP `{t}` tidak valid: {why}")).hint(
                            "NIP terdiri dari 18 angka: tanggal lahir (8), TMT CPNS (6), jenis kelamin (1), nomor urut (3), mis. `19670601 199401 1 002`",
                        ));
                        None
                    }
                }
            }
            _ => None,
        };
        let p = Pejabat {
            jabatan,
            nama,
            pangkat,
            nip,
        };
        self.pejabat.push(PejabatAt {
            pejabat: p.clone(),
            span,
        });
        p
    }
}
