//! Allowed keys per table, the scan that reports every unknown key of a file at once, and the
//! nearest-key suggestion ("maksud Anda `dasar_hukum`?").
//!
//! The key lists are read from the raw structs' serde derive (see `fields_of`), so the schema is
//! written once, in `schema.rs`.

use std::borrow::Cow;

use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};
use serde_saphyr::granit_parser::{Event, Parser, ScalarStyle};

use crate::core::diag::{Diagnostic, Span};
use crate::load::schema::{
    RawBidang, RawIdentifikasi, RawInstansi, RawKeputusan, RawKontak, RawLangkah, RawLayanan,
    RawLayananBawaan, RawMargin, RawPejabat, RawPenanggungJawab, RawPencabutan, RawSettings,
    RawSop, RawTahapan,
};

/// Which of the content files a text is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FileKind {
    /// `sopan.yaml`.
    Settings,
    /// `_instansi.yaml`.
    Instansi,
    /// `_bidang.yaml`.
    Bidang,
    /// `_keputusan.yaml`.
    Keputusan,
    /// `<slug>.yaml`.
    Sop,
    /// `peraturan-dicabut.yaml` (audit data).
    Dicabut,
    /// `sinonim.yaml` (search synonyms).
    Sinonim,
}

/// The field names a derived `Deserialize` struct accepts, captured from the `fields` argument
/// serde passes to `deserialize_struct`.
pub(crate) fn fields_of<'de, T: Deserialize<'de>>() -> &'static [&'static str] {
    struct Probe<'a>(&'a mut &'static [&'static str]);
    #[derive(Debug)]
    struct Stop;
    impl std::fmt::Display for Stop {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("probe")
        }
    }
    impl std::error::Error for Stop {}
    impl de::Error for Stop {
        fn custom<M: std::fmt::Display>(_: M) -> Self {
            Stop
        }
    }
    impl<'de> Deserializer<'de> for Probe<'_> {
        type Error = Stop;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
            Err(Stop)
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Stop> {
            *self.0 = fields;
            Err(Stop)
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
            option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
            ignored_any
        }
    }
    let mut fields: &'static [&'static str] = &[];
    let _ = T::deserialize(Probe(&mut fields));
    fields
}

/// The keys allowed in the mapping at `path` (keys, `*` for list items) of a file of `kind`;
/// `None` where the schema has no mapping (then nothing is checked).
pub(crate) fn allowed(kind: FileKind, path: &[Cow<str>]) -> Option<&'static [&'static str]> {
    let p: Vec<&str> = path.iter().map(|s| s.as_ref()).collect();
    Some(match (kind, p.as_slice()) {
        (FileKind::Settings, []) => fields_of::<RawSettings>(),
        (FileKind::Settings, ["margin"]) => fields_of::<RawMargin>(),
        (FileKind::Instansi, []) => fields_of::<RawInstansi>(),
        (FileKind::Instansi, ["kepala"]) => fields_of::<RawPejabat>(),
        (FileKind::Instansi, ["layanan"]) => fields_of::<RawLayananBawaan>(),
        (FileKind::Instansi | FileKind::Sop, ["layanan", "kontak"]) => fields_of::<RawKontak>(),
        (FileKind::Bidang, []) => fields_of::<RawBidang>(),
        (FileKind::Keputusan, []) => fields_of::<RawKeputusan>(),
        (FileKind::Keputusan, ["penandatangan"]) => fields_of::<RawPejabat>(),
        (FileKind::Sop, []) => fields_of::<RawSop>(),
        (FileKind::Dicabut, ["*"]) => fields_of::<RawPencabutan>(),
        (FileKind::Sinonim, []) => fields_of::<crate::load::sinonim::RawSinonim>(),
        (FileKind::Sop, ["disahkan_oleh" | "disusun_oleh"]) => fields_of::<RawPejabat>(),
        (FileKind::Sop, ["langkah", "*"]) => fields_of::<RawLangkah>(),
        (FileKind::Sop, ["keterkaitan", "*"] | ["keterkaitan"]) => &["sop"],
        (FileKind::Sop, ["identifikasi"]) => fields_of::<RawIdentifikasi>(),
        (FileKind::Sop, ["layanan"]) => fields_of::<RawLayanan>(),
        (FileKind::Sop, ["identifikasi", "penanggung_jawab"]) => fields_of::<RawPenanggungJawab>(),
        (FileKind::Sop, ["identifikasi", "kegiatan" | "langkah"]) => fields_of::<RawTahapan>(),
        _ => return None,
    })
}

/// The nearest valid key to a misspelt one, if any is close enough to be a likely typo.
pub(crate) fn nearest<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let w = word.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&w, &c.to_lowercase()), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
}

/// A human name for where a key sits, for messages: "langkah", "disahkan_oleh", "berkas".
fn place(path: &[Cow<str>]) -> String {
    let named: Vec<&str> = path
        .iter()
        .map(|s| s.as_ref())
        .filter(|s| *s != "*")
        .collect();
    if named.is_empty() {
        "tingkat teratas".to_string()
    } else {
        format!("`{}`", named.join("."))
    }
}

enum Frame<'a> {
    Map {
        path: Vec<Cow<'a, str>>,
        key: Option<Cow<'a, str>>,
        /// Keys read so far, each with its line, column and width, to find one written twice.
        seen: Vec<(Cow<'a, str>, u32, u32, u32)>,
    },
    Seq {
        path: Vec<Cow<'a, str>>,
    },
}

/// The path of a value that starts now: its parent's path plus its key (or `*` in a list).
fn child_path<'a>(stack: &[Frame<'a>]) -> Vec<Cow<'a, str>> {
    match stack.last() {
        None => Vec::new(),
        Some(Frame::Map { path, key, .. }) => {
            let mut p = path.clone();
            p.push(key.clone().unwrap_or(Cow::Borrowed("?")));
            p
        }
        Some(Frame::Seq { path }) => {
            let mut p = path.clone();
            p.push(Cow::Borrowed("*"));
            p
        }
    }
}

/// Reports every key that the schema does not know, with the nearest valid one, and every key
/// written twice in one mapping, with both places. Syntax errors end the scan silently: the
/// deserialiser reports them with their location.
pub(crate) fn check_keys(kind: FileKind, file: &std::path::Path, text: &str) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    // A finished value in a mapping makes the next scalar a key again.
    fn value_done(stack: &mut [Frame<'_>]) {
        if let Some(Frame::Map { key, .. }) = stack.last_mut() {
            *key = None;
        }
    }
    for ev in Parser::new_from_str(text) {
        let Ok((event, span)) = ev else { break };
        match event {
            Event::MappingStart(..) => {
                let path = child_path(&stack);
                stack.push(Frame::Map {
                    path,
                    key: None,
                    seen: Vec::new(),
                });
            }
            Event::SequenceStart(..) => {
                let path = child_path(&stack);
                stack.push(Frame::Seq { path });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                stack.pop();
                value_done(&mut stack);
            }
            Event::Scalar(value, style, ..) => {
                if style == ScalarStyle::Plain
                    && let Some(d) = crate::load::shape::folded_item(
                        file,
                        text,
                        (span.start.line() as u32, span.start.col() as u32 + 1),
                        span.end.line() as u32,
                        &value,
                    )
                {
                    out.push(d);
                }
                match stack.last_mut() {
                    Some(Frame::Map { path, key, seen }) if key.is_none() => {
                        let line = span.start.line() as u32;
                        let col = span.start.col() as u32 + 1;
                        let len = value.chars().count() as u32;
                        if let Some((_, l1, c1, n1)) = seen.iter().find(|(k, ..)| *k == value) {
                            out.push(
                            Diagnostic::error(
                                Span::at(file, line, col, len),
                                format!("kunci `{value}` tertulis dua kali di {}", place(path)),
                            )
                            .note(
                                Some(Span::at(file, *l1, *c1, *n1)),
                                format!("pertama ditulis di sini (baris {l1}, kolom {c1}); yang ini diabaikan"),
                            )
                            .hint(format!(
                                "hapus salah satu `{value}:`, atau gabungkan isinya di bawah satu kunci"
                            )),
                        );
                        } else {
                            seen.push((value.clone(), line, col, len));
                        }
                        if let Some(keys) = allowed(kind, path)
                            && !keys.contains(&value.as_ref())
                        {
                            let d = Diagnostic::error(
                                Span::at(file, line, col, len),
                                format!("kunci `{value}` tidak dikenal di {}", place(path)),
                            );
                            let d = match nearest(&value, keys.iter().copied()) {
                                Some(k) => d.hint(format!("maksud Anda `{k}`?")),
                                None => d.hint(format!("kunci yang dikenal: {}", keys.join(", "))),
                            };
                            out.push(d);
                        }
                        *key = Some(value);
                    }
                    _ => value_done(&mut stack),
                }
            }
            Event::Alias(_) => value_done(&mut stack),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_lists_come_from_the_structs() {
        assert!(fields_of::<RawSop>().contains(&"dasar_hukum"));
        assert!(fields_of::<RawLangkah>().contains(&"kegiatan"));
        assert_eq!(fields_of::<RawBidang>(), &["nama", "urutan"]);
    }

    #[test]
    fn layanan_keys_are_checked_in_the_sop_and_the_instansi() {
        let sop = "nama: x\nlayanan:\n  biayaa: 0\n  kontak:\n    wa: 1\n  tempat: t\n";
        let d = check_keys(FileKind::Sop, std::path::Path::new("a.yaml"), sop);
        let msgs: Vec<&str> = d.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            msgs,
            [
                "kunci `biayaa` tidak dikenal di `layanan`",
                "kunci `wa` tidak dikenal di `layanan.kontak`"
            ]
        );
        assert_eq!(d[0].hints, vec!["maksud Anda `biaya`?".to_string()]);
        // The instansi gives defaults only: a promised time or a cost belongs to each SOP.
        let instansi = "layanan:\n  tempat: t\n  biaya: 0\n  kontak:\n    email: a@b.c\n";
        let d = check_keys(FileKind::Instansi, std::path::Path::new("i.yaml"), instansi);
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].message.contains("`biaya`"));
    }

    #[test]
    fn suggests_the_nearest_key() {
        let keys = fields_of::<RawSop>();
        assert_eq!(
            nearest("dasar_hokum", keys.iter().copied()),
            Some("dasar_hukum")
        );
        assert_eq!(
            nearest("dasarhukum", keys.iter().copied()),
            Some("dasar_hukum")
        );
        assert_eq!(nearest("pelaksan", keys.iter().copied()), Some("pelaksana"));
        assert_eq!(nearest("zzz", keys.iter().copied()), None);
    }

    #[test]
    fn reports_every_unknown_key_with_its_place() {
        let text =
            "nama: x\nnamaa: y\nlangkah:\n  - kegiatan: a\n    pelaksan: b\n    waktu: 1 jam\n";
        let d = check_keys(FileKind::Sop, std::path::Path::new("a.yaml"), text);
        assert_eq!(d.len(), 2, "{d:?}");
        assert_eq!(d[0].span.as_ref().unwrap().line, 2);
        assert_eq!(
            (
                d[1].span.as_ref().unwrap().line,
                d[1].span.as_ref().unwrap().col
            ),
            (5, 5)
        );
        assert_eq!(d[1].hints, vec!["maksud Anda `pelaksana`?".to_string()]);
        assert!(d[1].message.contains("`langkah`"));
    }
}
