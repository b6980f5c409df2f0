//! Operational failures (not content problems): I/O, a folder that is not a project, a file that
//! would be overwritten. Each says what sopan was doing and why it failed, in Bahasa Indonesia.

use std::fmt;

#[cfg(test)]
mod codes;
mod kind;
mod parts;

pub(crate) use kind::ErrorKind;
pub(crate) use parts::{GitAct, IoAct, Place, SlugOf, TemplateAct, ThreadOf, WorkerAct};

/// An operational error: what failed (a typed [`ErrorKind`], whose Indonesian message and fix
/// are written in one place, `kind.rs` and `parts.rs`) and its causes.
#[derive(Debug)]
pub struct Error {
    /// What failed, as data: callers and tests match on it.
    pub kind: ErrorKind,
    /// Underlying causes, outermost first.
    pub(crate) causes: Vec<String>,
}

impl Error {
    /// An error of this kind.
    pub fn new(kind: ErrorKind) -> Self {
        Error {
            kind,
            causes: Vec::new(),
        }
    }

    /// Adds a cause ("Penyebab: …"). An I/O error is said in Indonesian by its kind, not in the
    /// operating system's English.
    pub(crate) fn cause(mut self, cause: impl fmt::Display) -> Self {
        self.causes.push(os_words(&cause.to_string()));
        self
    }

    /// A file-system operation `act` on `path` failed with `e`.
    pub(crate) fn io(act: IoAct, path: impl AsRef<std::path::Path>, e: std::io::Error) -> Self {
        Error::new(ErrorKind::Io {
            act,
            path: path.as_ref().to_path_buf(),
        })
        .cause(e)
    }

    /// What failed, in Bahasa Indonesia.
    pub fn message(&self) -> String {
        self.kind.message()
    }

    /// How to fix it, if sopan knows.
    pub fn hint(&self) -> Option<String> {
        self.kind.hint()
    }
}

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Self {
        Error::new(kind)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Messages name files and quote values: shown, never obeyed by the terminal. The code
        // in brackets names the kind (the staff guide lists them), as compilers do.
        use crate::core::report::printable;
        write!(
            f,
            "galat[{}]: {}",
            self.kind.code(),
            printable(&self.kind.message())
        )?;
        for c in &self.causes {
            write!(f, "\n  penyebab: {}", printable(c))?;
        }
        if let Some(h) = self.kind.hint() {
            write!(f, "\n  = bantuan: {}", printable(&h))?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

/// A cause as said: an operating-system error (std's "No such file or directory (os error 2)",
/// wherever in the chain it was formatted) by its kind in Indonesian; anything else as is.
fn os_words(text: &str) -> String {
    let code = text
        .strip_suffix(')')
        .and_then(|t| t.rsplit_once(" (os error "))
        .and_then(|(_, n)| n.parse::<i32>().ok());
    match code {
        Some(code) if text.ends_with(&format!("(os error {code})")) => {
            io_words(&std::io::Error::from_raw_os_error(code))
        }
        _ => text.to_string(),
    }
}

/// An I/O error in Bahasa Indonesia, by its kind; the system's own code only where the kind
/// says nothing ("galat sistem operasi 28").
pub(crate) fn io_words(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    let words = match e.kind() {
        K::NotFound => "berkas atau folder itu tidak ada",
        K::PermissionDenied => "tidak ada izin untuk mengaksesnya",
        K::AlreadyExists => "sudah ada",
        K::IsADirectory => "yang ditunjuk adalah folder, bukan berkas",
        K::NotADirectory => "salah satu bagian jalurnya bukan folder",
        K::DirectoryNotEmpty => "folder itu tidak kosong",
        K::ReadOnlyFilesystem => "penyimpanannya hanya bisa dibaca",
        K::StorageFull => "ruang penyimpanan penuh",
        K::QuotaExceeded => "kuota penyimpanan habis",
        K::FileTooLarge => "berkas terlalu besar",
        K::ResourceBusy => "sedang dipakai program lain",
        K::ExecutableFileBusy => "berkas program itu sedang berjalan",
        K::CrossesDevices => "tidak bisa dipindah antarpenyimpanan",
        K::TooManyLinks => "terlalu banyak tautan",
        K::InvalidFilename => {
            "nama berkas tidak sah (terlalu panjang atau berisi karakter terlarang)"
        }
        K::InvalidData => "isinya tidak valid",
        K::InvalidInput => "masukan tidak valid",
        K::UnexpectedEof => "berkas berakhir sebelum waktunya",
        K::WriteZero => "penulisan terhenti (tidak ada yang tertulis)",
        K::TimedOut => "waktu habis",
        K::Interrupted => "terputus",
        K::WouldBlock => "belum siap, coba lagi",
        K::OutOfMemory => "memori tidak cukup",
        K::Unsupported => "tidak didukung sistem ini",
        K::AddrInUse => "alamat dan port itu sedang dipakai program lain",
        K::AddrNotAvailable => "alamat itu bukan milik komputer ini",
        K::ConnectionRefused => "sambungan ditolak",
        K::ConnectionReset | K::ConnectionAborted => "sambungan terputus",
        K::BrokenPipe => "pihak lain menutup sambungan",
        K::NotConnected => "tidak tersambung",
        K::HostUnreachable | K::NetworkUnreachable | K::NetworkDown => "jaringan tidak terjangkau",
        K::Deadlock => "saling menunggu (deadlock)",
        K::StaleNetworkFileHandle => "berkas jaringan sudah tidak berlaku",
        K::ArgumentListTooLong => "daftar argumen terlalu panjang",
        _ => "",
    };
    match (words, e.raw_os_error()) {
        ("", Some(code)) => format!("galat sistem operasi {code}"),
        ("", None) => format!("galat masukan/keluaran: {e}"),
        (w, _) => w.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn io_causes_are_said_in_indonesian() {
        let e = Error::new(ErrorKind::Stdout)
            .cause(std::io::Error::from_raw_os_error(2))
            .cause(std::io::Error::from_raw_os_error(13));
        assert_eq!(
            e.causes,
            [
                "berkas atau folder itu tidak ada",
                "tidak ada izin untuk mengaksesnya"
            ]
        );
        // Other causes are kept as given.
        assert_eq!(
            Error::new(ErrorKind::Json).cause("sebab lain").causes,
            ["sebab lain"]
        );
        // Formatted earlier into a chain's text, still recognised.
        assert_eq!(
            Error::new(ErrorKind::Json)
                .cause("No space left on device (os error 28)")
                .causes,
            [io_words(&std::io::Error::from_raw_os_error(28))]
        );
        assert_eq!(
            io_words(&std::io::Error::from_raw_os_error(28)),
            "ruang penyimpanan penuh"
        );
        assert!(!e.to_string().contains("os error"), "{e}");
    }
}
