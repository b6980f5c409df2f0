//! Parsed and resolved SOP files kept between the loads of a `serve` session, so a save
//! re-parses and re-resolves only the files whose text changed (YAML parsing was most of the
//! 0.2 s a save spent loading 1,000 SOPs; resolving the parsed files into the model then took
//! 26–33 ms of a 45–52 ms load). Keyed by path and compared by the whole text (and, for the
//! resolved SOP, by everything else it is resolved with), never by time stamps.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::core::diag::Diagnostic;
use crate::core::kept::Kept;
use crate::load::fields::PejabatAt;
use crate::load::keys::FileKind;
use crate::load::schema::RawSop;
use crate::load::sop::SopFacts;
use crate::load::yaml;
use crate::model::id::SopId;
use crate::model::layanan::LayananBawaan;
use crate::model::org::Pejabat;
use crate::model::sop::Sop;

type Parsed = (Option<RawSop>, Vec<Diagnostic>);

/// One SOP file loaded: the SOP with its facts for the cross-file checks and the signers it
/// names, and the file's diagnostics.
pub(crate) type Resolved = (
    Option<(SopId, Sop, SopFacts, Vec<PejabatAt>)>,
    Vec<Diagnostic>,
);

/// What an SOP file is resolved with besides its text: its id and its instansi's defaults.
#[derive(Clone, PartialEq)]
pub(crate) struct Context {
    pub(crate) id: SopId,
    pub(crate) kepala: Pejabat,
    pub(crate) layanan: Option<LayananBawaan>,
}

/// A resolved file as kept: the text and context it was resolved from, and the result.
type KeptResolved = (Arc<str>, Arc<Context>, Arc<Resolved>);

/// SOP files parsed and resolved by earlier loads; entries the last load did not use are
/// dropped.
#[derive(Default)]
pub(crate) struct ParseCache {
    parsed: Kept<PathBuf, (Arc<str>, Arc<Parsed>)>,
    resolved: Kept<PathBuf, KeptResolved>,
}

impl ParseCache {
    /// `yaml::parse` of an SOP file, from the cache when its text is unchanged.
    pub(crate) fn parse(&self, path: &Path, text: &str) -> Parsed {
        let key = path.to_path_buf();
        let parsed = match self.parsed.get(&key) {
            Some((kept, parsed)) if &*kept == text => parsed,
            _ => {
                let parsed = Arc::new(yaml::parse::<RawSop>(FileKind::Sop, path, text));
                self.parsed.put(key, (Arc::from(text), Arc::clone(&parsed)));
                parsed
            }
        };
        Parsed::clone(&parsed)
    }

    /// `resolve` of an SOP file (which parses it through [`ParseCache::parse`]), from the
    /// cache when its text and its context are unchanged.
    pub(crate) fn resolve(
        &self,
        path: &Path,
        text: &str,
        context: Context,
        resolve: impl FnOnce() -> Resolved,
    ) -> Resolved {
        let key = path.to_path_buf();
        if let Some((kept, was, resolved)) = self.resolved.get(&key)
            && &*kept == text
            && *was == context
        {
            return Resolved::clone(&resolved);
        }
        let resolved = resolve();
        self.resolved.put(
            key,
            (
                Arc::from(text),
                Arc::new(context),
                Arc::new(resolved.clone()),
            ),
        );
        resolved
    }

    /// Drops what the last load did not read (a deleted SOP leaves nothing behind).
    pub(crate) fn finish_load(&self) {
        self.parsed.finish();
        self.resolved.finish();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_text_is_parsed_again_and_unused_files_are_dropped() {
        let c = ParseCache::default();
        let p = Path::new("content/a/b/c.yaml");
        let (raw, _) = c.parse(p, "nama: Satu\n");
        assert_eq!(raw.unwrap().nama.unwrap().value.0, "Satu");
        let (raw, _) = c.parse(p, "nama: Dua\n");
        assert_eq!(raw.unwrap().nama.unwrap().value.0, "Dua");
        let (_, diags) = c.parse(p, "nama: Dua\nnamaa: x\n");
        assert_eq!(
            diags.len(),
            1,
            "the unknown key is reported from a fresh parse"
        );
        let (_, diags) = c.parse(p, "nama: Dua\nnamaa: x\n");
        assert_eq!(diags.len(), 1, "and from the cache");
        c.finish_load();
        assert_eq!(c.parsed.len(), 1);
        c.finish_load();
        assert!(c.parsed.is_empty(), "not read by the last load: dropped");
    }

    #[test]
    fn a_resolved_file_is_reused_only_with_the_same_text_and_context() {
        let c = ParseCache::default();
        let p = Path::new("content/a/b/c.yaml");
        let context = |nama: &str| Context {
            id: SopId::new("a", "b", "c"),
            kepala: Pejabat {
                nama: nama.into(),
                ..Pejabat::default()
            },
            layanan: None,
        };
        let calls = std::cell::Cell::new(0);
        let resolve = || {
            calls.set(calls.get() + 1);
            (None, Vec::new())
        };
        c.resolve(p, "nama: Satu\n", context("A"), resolve);
        c.resolve(p, "nama: Satu\n", context("A"), resolve);
        assert_eq!(calls.get(), 1, "unchanged: from the cache");
        c.resolve(p, "nama: Dua\n", context("A"), resolve);
        assert_eq!(calls.get(), 2, "another text");
        c.resolve(p, "nama: Dua\n", context("B"), resolve);
        assert_eq!(calls.get(), 3, "another kepala of the instansi");
        c.finish_load();
        c.finish_load();
        assert!(c.resolved.is_empty(), "not read by the last load: dropped");
    }
}
