//! Parsed SOP files kept between the loads of a `serve` session, so a save re-parses only the
//! files whose text changed (YAML parsing was most of the 0.2 s a save spent loading 1,000
//! SOPs). Keyed by path and compared by the whole text, never by time stamps.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::diag::Diagnostic;
use crate::load::keys::FileKind;
use crate::load::schema::RawSop;
use crate::load::yaml;
use crate::sync::lock;

type Parsed = (Option<RawSop>, Vec<Diagnostic>);

/// SOP files parsed by earlier loads; entries the last load did not use are dropped.
#[derive(Default)]
pub struct ParseCache {
    entries: Mutex<HashMap<PathBuf, (String, Arc<Parsed>)>>,
    used: Mutex<HashSet<PathBuf>>,
}

impl ParseCache {
    /// `yaml::parse` of an SOP file, from the cache when its text is unchanged.
    pub(crate) fn parse(&self, path: &Path, text: &str) -> Parsed {
        let hit = lock(&self.entries)
            .get(path)
            .filter(|(kept, _)| kept == text)
            .map(|(_, parsed)| Arc::clone(parsed));
        let parsed = hit.unwrap_or_else(|| {
            let parsed = Arc::new(yaml::parse::<RawSop>(FileKind::Sop, path, text));
            lock(&self.entries).insert(path.to_path_buf(), (text.to_string(), Arc::clone(&parsed)));
            parsed
        });
        lock(&self.used).insert(path.to_path_buf());
        Parsed::clone(&parsed)
    }

    /// Drops what the last load did not read (a deleted SOP leaves nothing behind).
    pub fn finish_load(&self) {
        let used = std::mem::take(&mut *lock(&self.used));
        lock(&self.entries).retain(|p, _| used.contains(p));
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
        assert_eq!(lock(&c.entries).len(), 1);
        c.finish_load();
        assert!(
            lock(&c.entries).is_empty(),
            "not read by the last load: dropped"
        );
    }
}
