//! Operational failures (not content problems): I/O, a folder that is not a project, a file that
//! would be overwritten. Each says what sopan was doing and why it failed, in Bahasa Indonesia.

use std::fmt;

/// An operational error with its cause chain and an optional fix.
#[derive(Debug)]
pub struct Error {
    /// What failed, e.g. "gagal menulis `output/data.json`".
    pub message: String,
    /// Underlying causes, outermost first.
    pub(crate) causes: Vec<String>,
    /// How to fix it.
    pub hint: Option<String>,
}

impl Error {
    /// An error saying what failed.
    pub fn new(message: impl Into<String>) -> Self {
        Error {
            message: message.into(),
            causes: Vec::new(),
            hint: None,
        }
    }

    /// Adds a cause ("Penyebab: …"). An I/O error is said in Indonesian by its kind, not in the
    /// operating system's English.
    pub(crate) fn cause(mut self, cause: impl fmt::Display) -> Self {
        self.causes.push(os_words(&cause.to_string()));
        self
    }

    /// Adds the fix.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Wraps an I/O error with what was being done.
    pub fn io(doing: impl Into<String>, e: std::io::Error) -> Self {
        Error::new(doing).cause(e)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Messages name files and quote values: shown, never obeyed by the terminal.
        use crate::core::report::printable;
        write!(f, "galat: {}", printable(&self.message))?;
        for c in &self.causes {
            write!(f, "\n  penyebab: {}", printable(c))?;
        }
        if let Some(h) = &self.hint {
            write!(f, "\n  = bantuan: {}", printable(h))?;
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
        let e = Error::new("gagal menulis `a`")
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
        assert_eq!(Error::new("x").cause("sebab lain").causes, ["sebab lain"]);
        // Formatted earlier into a chain's text, still recognised.
        assert_eq!(
            Error::new("x")
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
