//! History: each SOP's versions from the project's git repository (author date, message, tags,
//! and the SOP as it was), for the site's "Riwayat perubahan" and its diff pages. Without git, or
//! in a shallow clone, the site says that no history is available.
//!
//! A version bigger than the content limit, or committed as a symbolic link, is listed without
//! its content and never read (see [`crate::history::git`]); a warning naming the file and the commit is
//! printed on stderr each time the history is read.

pub(crate) mod git;

use std::collections::BTreeMap;
use std::path::Path;

use crate::history::git::{Commit, Repo};
use crate::load::sop_from_text;
use crate::model::Site;
use crate::model::id::SopId;
use crate::model::org::Pejabat;
use crate::model::sop::Sop;
use crate::model::tanggal::Tanggal;

/// The history of every SOP, or why there is none.
#[derive(Clone, Debug)]
pub enum History {
    /// No history: the reason, for the page ("proyek ini tidak berada di repositori git").
    Unavailable(String),
    /// Versions per SOP, newest first.
    Available(BTreeMap<SopId, Vec<Version>>),
}

/// One committed version of an SOP file.
#[derive(Clone, Debug)]
pub struct Version {
    /// The commit's full id.
    pub commit: String,
    /// Its first seven hex digits.
    pub short: String,
    /// The author date (the author's local date): when the change was written, not when it was
    /// last rebased or cherry-picked.
    pub date: Option<Tanggal>,
    /// The first line of the commit message.
    pub message: String,
    /// Tags naming the commit (e.g. one per decree).
    pub(crate) tags: Vec<String>,
    /// The SOP as it was; `None` when that version could not be read or was skipped (too big,
    /// a symbolic link).
    pub sop: Option<Sop>,
}

impl History {
    /// The versions of one SOP (empty when unknown).
    pub fn of(&self, id: &SopId) -> &[Version] {
        match self {
            History::Available(m) => m.get(id).map_or(&[], Vec::as_slice),
            History::Unavailable(_) => &[],
        }
    }
}

/// History kept between the rebuilds of `serve`: read again only when HEAD moves or the set of
/// SOP files changes, since saving a file changes neither (reading 51 commits of 1,000 SOPs takes
/// about 0.6 s).
#[derive(Default)]
pub struct HistoryCache {
    kept: std::sync::Mutex<Option<(String, History)>>,
}

/// The history of every SOP of `site` from `repo` (the repository holding the project, if any,
/// at `head`), through `cache` when there is one.
pub(crate) fn collect_cached(
    repo: Option<&Repo>,
    head: Option<&Commit>,
    site: &Site,
    cache: Option<&HistoryCache>,
) -> History {
    let Some(cache) = cache else {
        return collect(repo, site);
    };
    let head = head.map(|c| c.id.to_string()).unwrap_or_default();
    let files: Vec<&str> = site.sops().map(|s| s.sumber.as_str()).collect();
    let key = format!("{head}\n{}", files.join("\n"));
    let mut kept = crate::core::sync::lock(&cache.kept);
    if let Some((k, h)) = kept.as_ref()
        && *k == key
    {
        return h.clone();
    }
    let h = collect(repo, site);
    *kept = Some((key, h.clone()));
    h
}

/// Reads the history of every SOP of `site` from `repo`.
fn collect(repo: Option<&Repo>, site: &Site) -> History {
    let Some(repo) = repo else {
        return History::Unavailable("proyek ini tidak berada di repositori git".into());
    };
    if repo.is_shallow() {
        return History::Unavailable(
            "repositori ini klon dangkal (shallow clone), riwayatnya terpotong".into(),
        );
    }
    let mut skipped = crate::core::diag::Diagnostics::new();
    let found = versions(repo, site, &mut skipped);
    // The caller prints only the content's diagnostics, so skipped versions are reported here,
    // once per reading (`serve` reads again only when HEAD or the set of SOP files changes).
    if !skipped.is_empty() {
        // One `_instansi.yaml` link is met once per SOP version of its commit: say it once.
        let mut seen = std::collections::BTreeSet::new();
        let mut once = crate::core::diag::Diagnostics::new();
        once.extend(
            skipped
                .iter()
                .filter(|d| seen.insert(d.message.clone()))
                .cloned(),
        );
        let text = crate::core::report::render_all(
            &once,
            &crate::core::diag::Sources::default(),
            crate::core::report::use_color(),
        );
        eprint!("{text}");
    }
    match found {
        Ok(m) => History::Available(m),
        Err(e) => History::Unavailable(format!("riwayat git tidak terbaca: {}", e.message())),
    }
}

/// Every version of every SOP of `site`; versions skipped unread are recorded in `skipped`.
fn versions(
    repo: &Repo,
    site: &Site,
    skipped: &mut crate::core::diag::Diagnostics,
) -> Result<BTreeMap<SopId, Vec<Version>>, crate::core::error::Error> {
    let limit = crate::load::MAX_FILE_BYTES;
    let log = repo.log()?;
    let tags = repo.tags();
    let wanted: BTreeMap<String, SopId> = site
        .sops()
        .map(|s| (s.sumber.clone(), s.id.clone()))
        .collect();
    let by_id: BTreeMap<_, &Commit> = log.iter().map(|c| (c.id, c)).collect();
    let mut kepala_cache: BTreeMap<gix::ObjectId, Pejabat> = BTreeMap::new();
    let mut out: BTreeMap<SopId, Vec<Version>> = BTreeMap::new();
    for c in &log {
        // As `git log` does: a commit changed a file when it differs from every parent.
        let parents: Vec<&Commit> = c
            .parents
            .iter()
            .filter_map(|p| by_id.get(p).copied())
            .collect();
        let mut changed = if parents.is_empty() {
            repo.changed(c, None, "content")
        } else {
            repo.changed(c, Some(parents[0]), "content")
        };
        for p in parents.iter().skip(1) {
            let other = repo.changed(c, Some(p), "content");
            changed.retain(|f| other.contains(f));
        }
        for path in changed {
            let Some(id) = wanted.get(&path) else {
                continue;
            };
            let bytes = match repo.file(c, &path, limit) {
                Ok(Some(bytes)) => Some(bytes),
                Ok(None) => continue, // deleted in this commit, re-added later
                // Still listed: the commit did change the SOP, only its content is not shown.
                Err(why) => {
                    skipped.push(why.warning(&path, c));
                    None
                }
            };
            let sop = bytes.and_then(|bytes| {
                let kepala = kepala_at(repo, c, &id.instansi, &mut kepala_cache, skipped);
                let text = String::from_utf8(bytes).ok()?;
                sop_from_text(Path::new(&path), &text, id.clone(), &kepala).0
            });
            out.entry(id.clone()).or_default().push(Version {
                commit: c.id.to_string(),
                short: c.short(),
                date: Tanggal::from_unix(c.author_local_secs),
                message: c.summary.clone(),
                tags: tags.get(&c.id).cloned().unwrap_or_default(),
                sop,
            });
        }
    }
    Ok(out)
}

/// The default signer of `instansi` in commit `c`, read once per version of its
/// `_instansi.yaml`; nobody when that file is absent or skipped.
fn kepala_at(
    repo: &Repo,
    c: &Commit,
    instansi: &str,
    cache: &mut BTreeMap<gix::ObjectId, Pejabat>,
    skipped: &mut crate::core::diag::Diagnostics,
) -> Pejabat {
    let path = format!("content/{instansi}/_instansi.yaml");
    let kid = match repo.file_id(c, &path) {
        Ok(Some(kid)) => kid,
        Ok(None) => return Pejabat::default(),
        Err(why) => {
            skipped.push(why.warning(&path, c));
            return Pejabat::default();
        }
    };
    if let Some(k) = cache.get(&kid) {
        return k.clone();
    }
    let kepala = match repo.blob(kid, crate::load::MAX_FILE_BYTES) {
        Ok(text) => {
            crate::load::kepala_from_text(&String::from_utf8_lossy(&text.unwrap_or_default()))
        }
        Err(why) => {
            skipped.push(why.warning(&path, c));
            Pejabat::default()
        }
    };
    cache.insert(kid, kepala.clone());
    kepala
}
