//! The parts of an [`ErrorKind`](super::kind::ErrorKind) that say what sopan was doing or
//! where a folder must not be, with their Indonesian words.

use std::path::Path;

/// A file-system operation, as said in "gagal … `path`".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IoAct {
    /// Reading a file.
    Read,
    /// Listing a folder.
    ReadDir,
    /// Resolving the project folder.
    ReadProject,
    /// Opening the project folder.
    OpenProject,
    /// Reading a logo.
    ReadLogo,
    /// Writing a file.
    Write,
    /// Writing the marker that says the output folder is sopan's.
    WriteMarker,
    /// Creating a file or folder.
    Create,
    /// Creating a folder.
    CreateDir,
    /// Creating the cache folder.
    CreateCacheDir,
    /// Creating a lock file.
    CreateLock,
    /// Taking a lock.
    Lock,
    /// Removing a file or folder.
    Remove,
    /// Removing the previous output.
    RemoveOldOutput,
    /// Moving a folder aside.
    Move,
    /// Putting the new output in place.
    InstallOutput,
    /// Restoring an output a crashed build left aside.
    Recover,
}

/// Where a folder must not be (output or cache).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// The project folder itself or above it.
    ProjectOrAbove,
    /// Inside `content/` or `themes/`.
    Inside(String),
    /// Overlapping the output folder.
    OverlapsOutput(String),
    /// Holding the project folder.
    HoldsProject,
}

/// Whose name must be a slug.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlugOf {
    /// An SOP's slug.
    Sop,
    /// A bidang folder.
    Bidang,
}

/// What a site template was doing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateAct {
    /// Loading the site's templates.
    Load,
    /// Rendering one page.
    Page(String),
    /// Rendering the comparison report.
    DiffReport,
}

/// What a git operation was doing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GitAct {
    /// Reading a revision.
    ReadRevision(String),
    /// Reading a commit (short id).
    ReadCommit(String),
    /// Walking the history.
    Walk,
}

/// Which thread could not start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThreadOf {
    /// serve's search index thread.
    Search,
    /// The PDF compiling threads.
    Pdf,
}

/// What talking to a PDF worker was doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkerAct {
    /// Finding sopan's own executable to start it.
    FindExe,
    /// Starting it.
    Spawn,
    /// Waiting for it to end.
    Wait,
    /// The worker reading its input.
    Read,
    /// The worker writing its output.
    Write,
    /// The worker's input had no header.
    NoHeader,
    /// The worker's header was not valid.
    BadHeader,
    /// A job was not valid.
    BadJob,
}

impl IoAct {
    pub(super) fn code(self) -> &'static str {
        use IoAct as A;
        match self {
            A::Read | A::ReadDir | A::ReadProject | A::OpenProject | A::ReadLogo => "berkas-baca",
            A::Write | A::WriteMarker => "berkas-tulis",
            A::Create | A::CreateDir | A::CreateCacheDir | A::CreateLock => "berkas-buat",
            A::Lock => "berkas-kunci",
            A::Remove | A::RemoveOldOutput => "berkas-hapus",
            A::Move | A::InstallOutput | A::Recover => "berkas-pindah",
        }
    }

    pub(super) fn message(self, path: &Path) -> String {
        use IoAct as A;
        let p = path.display();
        match self {
            A::Read => format!("gagal membaca `{p}`"),
            A::ReadDir => format!("gagal membaca folder `{p}`"),
            A::ReadProject => format!("gagal membaca folder proyek `{p}`"),
            A::OpenProject => format!("gagal membuka folder proyek `{p}`"),
            A::ReadLogo => format!("gagal membaca logo `{p}`"),
            A::Write => format!("gagal menulis `{p}`"),
            A::WriteMarker => format!("gagal menulis penanda keluaran `{p}`"),
            A::Create => format!("gagal membuat `{p}`"),
            A::CreateDir => format!("gagal membuat folder `{p}`"),
            A::CreateCacheDir => format!("gagal membuat folder cache `{p}`"),
            A::CreateLock => format!("gagal membuat berkas kunci `{p}`"),
            A::Lock => format!("gagal mengunci `{p}`"),
            A::Remove => format!("gagal menghapus `{p}`"),
            A::RemoveOldOutput => format!("gagal menghapus keluaran lama `{p}`"),
            A::Move => format!("gagal memindahkan `{p}`"),
            A::InstallOutput => format!("gagal memasang keluaran baru di `{p}`"),
            A::Recover => format!("gagal memulihkan `{p}`"),
        }
    }
}

impl Place {
    pub(super) fn words(&self) -> String {
        match self {
            Place::ProjectOrAbove => "adalah folder proyek itu sendiri atau folder di atasnya; menggantinya akan memindahkan proyek".into(),
            Place::Inside(part) => format!(
                "berada di dalam `{part}/`; pembangunan berikutnya akan membacanya sebagai isi proyek"
            ),
            Place::OverlapsOutput(out) => format!(
                "bertumpang tindih dengan folder keluaran `{out}`; salah satunya akan menghapus yang lain"
            ),
            Place::HoldsProject => "berisi folder proyek".into(),
        }
    }
}
