//! `Kept`: what `serve` keeps from one build for the next (parsed files, compiled documents,
//! rendered pages). An entry lives while builds use it: whatever the last build did not ask
//! for is dropped when it finishes, so a deleted SOP leaves nothing behind.

use std::collections::{HashMap, HashSet};
use std::hash::Hash;
use std::sync::Mutex;

use crate::core::sync::lock;

/// A map shared by the threads of a build, emptied of what the last build did not use.
pub struct Kept<K, V> {
    entries: Mutex<HashMap<K, V>>,
    used: Mutex<HashSet<K>>,
}

impl<K, V> Default for Kept<K, V> {
    fn default() -> Self {
        Kept {
            entries: Mutex::new(HashMap::new()),
            used: Mutex::new(HashSet::new()),
        }
    }
}

impl<K: Eq + Hash + Clone, V: Clone> Kept<K, V> {
    /// The entry of `key`, marked used.
    pub fn get(&self, key: &K) -> Option<V> {
        let hit = lock(&self.entries).get(key).cloned();
        lock(&self.used).insert(key.clone());
        hit
    }

    /// Keeps `value` for `key`, marked used.
    pub fn put(&self, key: K, value: V) {
        lock(&self.entries).insert(key.clone(), value);
        lock(&self.used).insert(key);
    }

    /// Drops what was not used since the last call.
    pub fn finish(&self) {
        let used = std::mem::take(&mut *lock(&self.used));
        lock(&self.entries).retain(|k, _| used.contains(k));
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        lock(&self.entries).len()
    }

    /// Whether nothing is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_live_while_builds_use_them() {
        let k: Kept<&str, u32> = Kept::default();
        k.put("a", 1);
        k.put("b", 2);
        k.finish();
        assert_eq!(k.len(), 2, "both used by the first build");
        assert_eq!(k.get(&"a"), Some(1));
        assert_eq!(k.get(&"c"), None);
        k.finish();
        assert_eq!(k.len(), 1, "b was not used by the second build");
        assert_eq!(k.get(&"b"), None);
        k.finish();
        assert!(k.is_empty());
    }
}
