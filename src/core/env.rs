//! The environment: every variable sopan reads (`SOPAN_*`, `SOURCE_DATE_EPOCH`, `NO_COLOR`,
//! mimalloc's purge delay), read and parsed here once per process; the rest of the crate takes
//! the values from [`get`].
//!
//! A value that does not parse is kept as the text that was set, so the stage that needs it
//! can say what is wrong with it (a bad `SOPAN_HALAMAN_PER_INDEKS` fails the build before the
//! PDFs, as it did when it was read there).

use std::sync::OnceLock;

use crate::core::error::{Error, ErrorKind};

/// `SOURCE_DATE_EPOCH`: the reproducible-builds convention for "the time of this build".
pub(crate) const SOURCE_DATE_EPOCH: &str = "SOURCE_DATE_EPOCH";
/// `SOPAN_PEKERJA=N`: how many PDF worker processes `sopan build` starts (0: none).
pub(crate) const PEKERJA: &str = "SOPAN_PEKERJA";
/// `SOPAN_HALAMAN_PER_INDEKS=N`: search records per part of the index (tests, very large sites).
pub(crate) const HALAMAN_PER_INDEKS: &str = "SOPAN_HALAMAN_PER_INDEKS";
/// `SOPAN_WAKTU`: `serve` prints each stage's time, as `build` does (benchmarks).
pub(crate) const WAKTU: &str = "SOPAN_WAKTU";
/// `NO_COLOR` (any non-empty value): no colour on a terminal (https://no-color.org).
pub(crate) const NO_COLOR: &str = "NO_COLOR";

/// Records per part of the search index unless `SOPAN_HALAMAN_PER_INDEKS` says otherwise.
/// Below it a site is indexed whole: each part costs a browser a few more requests per search.
pub(crate) const RECORDS_PER_PART: usize = 500;

/// The values of the environment this process started with.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Env {
    /// `SOURCE_DATE_EPOCH` in seconds, when set to a number.
    pub(crate) source_date_epoch: Option<i64>,
    /// `SOPAN_PEKERJA`, when set to a number.
    pub(crate) pekerja: Option<usize>,
    /// `SOPAN_HALAMAN_PER_INDEKS` as set (checked by [`Env::records_per_part`]).
    pub(crate) halaman_per_indeks: Option<String>,
    /// `SOPAN_WAKTU` is set.
    pub(crate) waktu: bool,
    /// `NO_COLOR` is set to a non-empty value.
    pub(crate) no_color: bool,
}

impl Env {
    /// Reads the variables through `var` (the process environment, or a table in tests).
    pub(crate) fn read(var: impl Fn(&str) -> Option<String>) -> Self {
        let trimmed = |name: &str| var(name).map(|v| v.trim().to_string());
        Env {
            source_date_epoch: trimmed(SOURCE_DATE_EPOCH).and_then(|v| v.parse().ok()),
            pekerja: trimmed(PEKERJA).and_then(|v| v.parse().ok()),
            halaman_per_indeks: var(HALAMAN_PER_INDEKS),
            waktu: var(WAKTU).is_some(),
            no_color: var(NO_COLOR).is_some_and(|v| !v.is_empty()),
        }
    }

    /// Search records per part of the index: `SOPAN_HALAMAN_PER_INDEKS` if set, else
    /// [`RECORDS_PER_PART`]; a value that is not a positive whole number is an error.
    pub(crate) fn records_per_part(&self) -> Result<usize, Error> {
        let Some(v) = &self.halaman_per_indeks else {
            return Ok(RECORDS_PER_PART);
        };
        match v.trim().parse::<usize>() {
            Ok(n) if n > 0 => Ok(n),
            _ => Err(Error::new(ErrorKind::BadEnvNumber {
                var: HALAMAN_PER_INDEKS.into(),
                value: v.clone(),
                example: RECORDS_PER_PART,
            })),
        }
    }
}

/// The environment of this process, read on first use. A process runs one command, and
/// nothing in sopan sets variables for itself (worker processes get theirs at spawn).
pub(crate) fn get() -> &'static Env {
    static ENV: OnceLock<Env> = OnceLock::new();
    ENV.get_or_init(|| {
        // A value that is not Unicode counts as unset, as `std::env::var` made it before.
        Env::read(|name| std::env::var(name).ok())
    })
}

#[cfg(test)]
mod tests {
    use super::{Env, RECORDS_PER_PART};
    use crate::core::error::ErrorKind;

    fn env(vars: &[(&str, &str)]) -> Env {
        Env::read(|name| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (*v).to_string())
        })
    }

    #[test]
    fn reads_numbers_and_ignores_what_does_not_parse() {
        let e = env(&[
            ("SOURCE_DATE_EPOCH", " 1700000000 "),
            ("SOPAN_PEKERJA", "x"),
        ]);
        assert_eq!(e.source_date_epoch, Some(1_700_000_000));
        assert_eq!(e.pekerja, None);
        assert_eq!(env(&[("SOPAN_PEKERJA", "3")]).pekerja, Some(3));
        assert_eq!(env(&[]), Env::default());
    }

    #[test]
    fn an_empty_no_color_is_unset() {
        assert!(!env(&[("NO_COLOR", "")]).no_color);
        assert!(env(&[("NO_COLOR", "1")]).no_color);
    }

    #[test]
    fn records_per_part_defaults_and_rejects_zero_and_text() {
        assert_eq!(env(&[]).records_per_part().unwrap(), RECORDS_PER_PART);
        let e = env(&[("SOPAN_HALAMAN_PER_INDEKS", "7")]);
        assert_eq!(e.records_per_part().unwrap(), 7);
        for bad in ["0", "tujuh", "-1"] {
            let e = env(&[("SOPAN_HALAMAN_PER_INDEKS", bad)]);
            let e = e.records_per_part().unwrap_err();
            assert_eq!(
                e.kind,
                ErrorKind::BadEnvNumber {
                    var: "SOPAN_HALAMAN_PER_INDEKS".into(),
                    value: bad.into(),
                    example: RECORDS_PER_PART
                },
                "{e}"
            );
        }
    }
}
