//! Parsed SOP files kept between the loads of a `serve` session, so a save re-parses only the
//! files whose text changed (YAML parsing was most of the 0.2 s a save spent loading 1,000
//! SOPs). Keyed by path and compared by the whole text, never by time stamps.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::core::diag::Diagnostic;
use crate::core::kept::Kept;
use crate::load::keys::FileKind;
use crate::load::schema::RawSop;
use crate::load::yaml;

type Parsed = (Option<RawSop>, Vec<Diagnostic>);

/// SOP files parsed by earlier loads; entries the last load did not use are dropped.
#[derive(Default)]
pub(crate) struct ParseCache(Kept<PathBuf, (Arc<str>, Arc<Parsed>)>);

impl ParseCache {
    /// `yaml::parse` of an SOP file, from the cache when its text is unchanged.
    pub(crate) fn parse(&self, path: &Path, text: &str) -> Parsed {
        let key = path.to_path_buf();
        let parsed = match self.0.get(&key) {
            Some((kept, parsed)) if &*kept == text => parsed,
            _ => {
                let parsed = Arc::new(yaml::parse::<RawSop>(FileKind::Sop, path, text));
                self.0.put(key, (Arc::from(text), Arc::clone(&parsed)));
                parsed
            }
        };
        Parsed::clone(&parsed)
    }

    /// Drops what the last load did not read (a deleted SOP leaves nothing behind).
    pub(crate) fn finish_load(&self) {
        self.0.finish();
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
        assert_eq!(c.0.len(), 1);
        c.finish_load();
        assert!(c.0.is_empty(), "not read by the last load: dropped");
    }
}
