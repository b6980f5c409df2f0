//! The project boundary: every file sopan reads lies inside the project, in the part it belongs
//! to. A symbolic link may lead elsewhere inside that part (content to content, theme to
//! themes); one that leads out, or into a hidden folder (`.git/config` holds remote URLs with
//! tokens, `.env` holds secrets), is refused and never followed, so a link to
//! `/proc/self/environ` or `/etc/passwd` cannot publish what it points at. Only regular files are
//! read (a FIFO would block the build for ever, `/dev/zero` never ends), and never more than the
//! caller's limit, whatever size the file claims (`/proc` files claim 0 bytes).
//!
//! The refusal never names the link's target: it is printed in terminals, CI logs and `serve`'s
//! status, which is exactly where a secret path should not appear.
//!
//! A link swapped between the check and the read (a local race) is out of scope: the threat is
//! content someone commits or copies in, not another process on the machine.

use std::io::Read as _;
use std::path::{Component, Path, PathBuf};

/// Why a path is not read.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// Absent (and not a link).
    Missing,
    /// A link whose target does not exist.
    Dangling,
    /// It leads out of its part of the project (or into a hidden folder).
    Outside,
    /// A folder, FIFO, socket or device where a file was expected.
    NotAFile,
    /// Larger than the limit (its real size, or more than the limit once read).
    TooLarge(u64),
    /// The system refused (permissions and the like).
    Io(String),
}

impl Refusal {
    /// The refusal as the message of a diagnostic about `what` (a file or folder), in Bahasa
    /// Indonesia, with its fix.
    pub(crate) fn message(&self, limit: u64) -> (String, &'static str) {
        match self {
            Refusal::Missing => (
                "berkas tidak ada".into(),
                "periksa nama berkasnya",
            ),
            Refusal::Dangling => (
                "tautan simbolik ini menunjuk ke berkas yang tidak ada".into(),
                "hapus tautannya, atau salin berkas yang dimaksud ke tempat ini",
            ),
            Refusal::Outside => (
                "tautan simbolik ini menunjuk ke luar folder proyek (atau ke folder tersembunyi) dan tidak diikuti".into(),
                "salin berkas atau folder yang dimaksud ke dalam proyek, lalu hapus tautannya",
            ),
            Refusal::NotAFile => (
                "bukan berkas biasa (folder, pipa atau perangkat) dan tidak dibaca".into(),
                "ganti dengan berkas teks biasa",
            ),
            Refusal::TooLarge(n) => (
                format!(
                    "berkas terlalu besar ({:.1} MB); batasnya {} MB per berkas",
                    *n as f64 / 1_048_576.0,
                    limit.div_ceil(1_048_576)
                ),
                "satu SOP biasanya beberapa kB; pecah isinya, atau periksa apakah berkas ini memang berkas SOP",
            ),
            Refusal::Io(e) => (
                format!("berkas tidak dapat dibaca: {e}"),
                "periksa izin berkasnya",
            ),
        }
    }
}

/// One part of the project (`content/`, `themes/`, the project folder) that what is read
/// through it must stay in.
#[derive(Clone, Debug)]
pub(crate) struct Boundary {
    /// The part, canonical.
    area: PathBuf,
    /// The project folder, canonical: hidden folders are judged below it.
    root: PathBuf,
}

impl Boundary {
    /// The part `area` of the project at `root`; `None` when either cannot be resolved or
    /// `area` itself leads out of the project (a `content` link to a folder elsewhere).
    pub(crate) fn new(root: &Path, area: &Path) -> Option<Boundary> {
        let root = root.canonicalize().ok()?;
        let area = area.canonicalize().ok()?;
        let b = Boundary {
            area: root.clone(),
            root,
        };
        b.holds(&area).then_some(Boundary { area, ..b })
    }

    /// Whether the canonical path `real` lies in the part and in no hidden folder of the
    /// project.
    fn holds(&self, real: &Path) -> bool {
        let Ok(below) = real.strip_prefix(&self.area) else {
            return false;
        };
        let Ok(in_project) = real.strip_prefix(&self.root) else {
            return false;
        };
        debug_assert!(in_project.ends_with(below));
        !in_project.components().any(|c| match c {
            Component::Normal(n) => n.to_string_lossy().starts_with('.'),
            _ => true,
        })
    }

    /// Where `path` really is, when it may be read: inside the part (through any links), or
    /// why not. Folders resolve too; [`Boundary::read`] refuses them.
    pub(crate) fn resolve(&self, path: &Path) -> Result<PathBuf, Refusal> {
        let link = match std::fs::symlink_metadata(path) {
            Ok(m) => m.file_type().is_symlink(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(Refusal::Missing),
            Err(e) => return Err(Refusal::Io(crate::core::error::io_words(&e))),
        };
        let real = match path.canonicalize() {
            Ok(r) => r,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && link => {
                return Err(Refusal::Dangling);
            }
            Err(e) => return Err(Refusal::Io(crate::core::error::io_words(&e))),
        };
        if self.holds(&real) {
            Ok(real)
        } else {
            Err(Refusal::Outside)
        }
    }

    /// Reads the regular file at `path` (through links inside the part), at most `limit`
    /// bytes.
    pub(crate) fn read(&self, path: &Path, limit: u64) -> Result<Vec<u8>, Refusal> {
        let real = self.resolve(path)?;
        let meta =
            std::fs::metadata(&real).map_err(|e| Refusal::Io(crate::core::error::io_words(&e)))?;
        if !meta.is_file() {
            return Err(Refusal::NotAFile);
        }
        if meta.len() > limit {
            return Err(Refusal::TooLarge(meta.len()));
        }
        let file = std::fs::File::open(&real)
            .map_err(|e| Refusal::Io(crate::core::error::io_words(&e)))?;
        let mut bytes = Vec::with_capacity(meta.len() as usize);
        // One byte past the limit tells a file that grew (or lied about its size) from one
        // that fits.
        file.take(limit + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| Refusal::Io(crate::core::error::io_words(&e)))?;
        if bytes.len() as u64 > limit {
            return Err(Refusal::TooLarge(bytes.len() as u64));
        }
        Ok(bytes)
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    fn project() -> (tempfile::TempDir, Boundary) {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(tmp.path().join("content/a")).unwrap();
        std::fs::create_dir_all(tmp.path().join(".git")).unwrap();
        std::fs::write(tmp.path().join("content/a/sop.yaml"), "nama: x\n").unwrap();
        std::fs::write(tmp.path().join(".git/config"), "token").unwrap();
        std::fs::write(tmp.path().join("sopan.yaml"), "judul: x\n").unwrap();
        let b = Boundary::new(tmp.path(), &tmp.path().join("content")).unwrap();
        (tmp, b)
    }

    #[test]
    fn links_inside_the_part_are_followed_and_links_out_refused() {
        let (tmp, b) = project();
        let c = tmp.path().join("content");
        symlink("a/sop.yaml", c.join("salin.yaml")).unwrap();
        symlink("/etc/passwd", c.join("passwd.yaml")).unwrap();
        symlink("/proc/self/environ", c.join("env.md")).unwrap();
        symlink("../sopan.yaml", c.join("setelan.yaml")).unwrap();
        symlink("../.git/config", c.join("git.md")).unwrap();
        symlink("/usr", c.join("usr")).unwrap();
        symlink("tidak-ada", c.join("rusak.yaml")).unwrap();
        assert_eq!(b.read(&c.join("salin.yaml"), 100).unwrap(), b"nama: x\n");
        for name in ["passwd.yaml", "env.md", "setelan.yaml", "git.md", "usr"] {
            assert_eq!(b.read(&c.join(name), 100), Err(Refusal::Outside), "{name}");
        }
        assert_eq!(b.read(&c.join("rusak.yaml"), 100), Err(Refusal::Dangling));
        assert_eq!(b.read(&c.join("hilang.yaml"), 100), Err(Refusal::Missing));
        assert_eq!(b.read(&c.join("a"), 100), Err(Refusal::NotAFile));
        assert_eq!(b.read(&c.join("a/sop.yaml"), 3), Err(Refusal::TooLarge(8)));
    }

    #[test]
    fn a_part_that_leads_out_is_no_boundary() {
        let (tmp, _) = project();
        let elsewhere = tempfile::tempdir().unwrap();
        symlink(elsewhere.path(), tmp.path().join("themes")).unwrap();
        assert!(Boundary::new(tmp.path(), &tmp.path().join("themes")).is_none());
        assert!(Boundary::new(tmp.path(), &tmp.path().join(".git")).is_none());
        assert!(Boundary::new(tmp.path(), tmp.path()).is_some());
    }

    #[test]
    fn a_fifo_is_not_read() {
        let (tmp, b) = project();
        let fifo = tmp.path().join("content/pipa.yaml");
        let status = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(status.success());
        assert_eq!(b.read(&fifo, 100), Err(Refusal::NotAFile));
    }
}
