//! Test harness: fixture projects copied into temp dirs, the real `sopan` binary run over them.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The first two numbers on the line of `text` that holds `marker`: a build stage's counts,
/// e.g. "PDF dan diagram SVG (Typst, N disusun, M dari cache): … ms".
pub(crate) fn stage_counts(text: &str, marker: &str) -> (usize, usize) {
    let line = text
        .lines()
        .find(|l| l.contains(marker))
        .unwrap_or_else(|| panic!("no line with {marker:?}:\n{text}"));
    let numbers: Vec<usize> = line
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|n| n.parse().ok())
        .collect();
    (numbers[0], numbers[1])
}

/// A project in a temporary folder.
pub struct Project {
    dir: tempfile::TempDir,
}

/// What one run of the binary printed and returned.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// The repository root (where `content/` with the example lives).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Where browser tests put their screenshots (`target/screenshots`), created.
pub fn screenshots() -> PathBuf {
    let shots = repo_root().join("target/screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    shots
}

/// Runs `tests/browser/<script>` in node with `args`, driving Debian's chromium at
/// `chromium`, and returns the report it printed. When the script fails, the test fails with
/// that report, the script's errors and `context` (the server's log, say).
pub fn browser_script(
    chromium: &str,
    script: &str,
    args: &[&std::ffi::OsStr],
    context: impl FnOnce() -> String,
) -> String {
    let out = Command::new("node")
        .arg(repo_root().join("tests/browser").join(script))
        .args(args)
        .env("CHROMIUM", chromium)
        .output()
        .expect("node is needed for the browser tests");
    let report = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "browser checks failed:\n{report}\n{}\n{}",
        String::from_utf8_lossy(&out.stderr),
        context()
    );
    report
}

/// Every file under `dir` with its bytes, sorted by path: two outputs compare equal only when
/// they hold the same files, byte for byte.
pub fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().display().to_string(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

/// A minimal valid SOP used by the base project.
pub const GOOD_SOP: &str = "\
nomor: 800/01/2024
nama: Surat Masuk
pelaksana: [Pelayanan, Kasubbag]
langkah:
  - kegiatan: Menerima surat
    pelaksana: Pelayanan
    waktu: 5 menit
  - kegiatan: Mengagendakan surat
    pelaksana: Kasubbag
    waktu: 10 menit
";

impl Project {
    /// A copy of `tests/testsuite/fixtures/<name>`.
    pub fn fixture(name: &str) -> Project {
        let p = Project {
            dir: tempfile::tempdir().unwrap(),
        };
        copy_tree(
            &repo_root().join("tests/testsuite/fixtures").join(name),
            p.path(),
        );
        p
    }

    /// A copy of the repository's own example project (`sopan.yaml` + `content/`).
    pub fn example() -> Project {
        let p = Project {
            dir: tempfile::tempdir().unwrap(),
        };
        copy_tree(&repo_root().join("content"), &p.path().join("content"));
        std::fs::copy(repo_root().join("sopan.yaml"), p.path().join("sopan.yaml")).unwrap();
        p
    }

    /// A valid project: one instansi `dinas`, one bidang `umum`, one SOP `umum/surat-masuk`.
    pub fn base() -> Project {
        let p = Project {
            dir: tempfile::tempdir().unwrap(),
        };
        p.write("sopan.yaml", "judul: Uji\n")
            .write(
                "content/dinas/_instansi.yaml",
                "pemerintah: Pemerintah Kota Uji\nnama: Dinas Uji\nkota: Uji\nkepala:\n  jabatan: Kepala Dinas\n  nama: Budi, S.Sos\n  nip: 19700101 199503 1 001\n",
            )
            .write("content/dinas/umum/_bidang.yaml", "nama: Bagian Umum\nurutan: 1\n")
            .write("content/dinas/umum/surat-masuk.yaml", GOOD_SOP);
        p
    }

    /// An empty folder.
    pub fn empty() -> Project {
        Project {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    /// The project folder.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes (or overwrites) a file.
    pub fn write(&self, rel: &str, text: &str) -> &Self {
        let path = self.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
        self
    }

    /// Reads a file.
    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    /// Every built SOP as (id, its open-data JSON), in `data.json` order; needs a finished build.
    pub fn built_sops(&self) -> Vec<(String, serde_json::Value)> {
        let index: serde_json::Value =
            serde_json::from_str(&self.read("output/data.json")).unwrap();
        let mut out = Vec::new();
        for i in index["instansi"].as_array().unwrap() {
            for b in i["bidang"].as_array().unwrap() {
                for s in b["sop"].as_array().unwrap() {
                    let id = s["id"].as_str().unwrap().to_string();
                    let sop =
                        serde_json::from_str(&self.read(&format!("output/{id}.json"))).unwrap();
                    out.push((id, sop));
                }
            }
        }
        out
    }

    /// `check` and `build` both fail on content (exit 1) and the build writes no output;
    /// returns the check report.
    pub fn refused(&self) -> String {
        let r = self.run(&["check"]);
        assert_eq!(r.code, 1, "{r:?}");
        let b = self.run(&["build"]);
        assert_eq!(b.code, 1, "{b:?}");
        assert!(
            !self.path().join("output").exists(),
            "a refused build writes nothing"
        );
        r.stderr
    }

    /// Runs `sopan ARGS` inside the project folder.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_env(args, &[])
    }

    /// Runs the CLI with extra environment variables.
    pub fn run_env(&self, args: &[&str], envs: &[(&str, &str)]) -> Run {
        run_at(self.path(), args, envs)
    }

    /// Runs `sopan ARGS` inside another folder.
    pub fn run_in(dir: &Path, args: &[&str]) -> Run {
        run_at(dir, args, &[])
    }
}

fn run_at(dir: &Path, args: &[&str], envs: &[(&str, &str)]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_sopan"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .envs(envs.iter().copied())
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

/// A minimal static file server on 127.0.0.1 for browser tests of a built output folder:
/// `/x/` serves `x/index.html`, unknown paths serve `404.html` with status 404.
pub struct StaticServer {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
}

impl StaticServer {
    /// Serves `dir` on a free port from a background thread for the rest of the test process.
    pub fn start(dir: &Path) -> StaticServer {
        use std::io::{BufRead, BufReader, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let dir = dir.to_path_buf();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let dir = dir.clone();
                std::thread::spawn(move || {
                    let mut reader = BufReader::new(stream.try_clone().unwrap());
                    let mut line = String::new();
                    if reader.read_line(&mut line).is_err() {
                        return;
                    }
                    loop {
                        let mut h = String::new();
                        if reader.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
                            break;
                        }
                    }
                    let path = line
                        .split_whitespace()
                        .nth(1)
                        .unwrap_or("/")
                        .split('?')
                        .next()
                        .unwrap_or("/");
                    let rel = path.trim_start_matches('/');
                    let mut file = dir.join(rel);
                    if rel.is_empty() || rel.ends_with('/') {
                        file = file.join("index.html");
                    }
                    let (status, file) = if !rel.contains("..") && file.is_file() {
                        ("200 OK", file)
                    } else {
                        ("404 Not Found", dir.join("404.html"))
                    };
                    let body = std::fs::read(&file).unwrap_or_default();
                    let mime = match file.extension().and_then(|e| e.to_str()) {
                        Some("html") => "text/html; charset=utf-8",
                        Some("css") => "text/css",
                        Some("js") => "text/javascript",
                        Some("json") => "application/json",
                        Some("svg") => "image/svg+xml",
                        Some("pdf") => "application/pdf",
                        Some("wasm") => "application/wasm",
                        Some("xml") => "application/xml",
                        _ => "application/octet-stream",
                    };
                    let head = format!(
                        "HTTP/1.1 {status}\r\nContent-Type: {mime}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        body.len()
                    );
                    let _ = stream.write_all(head.as_bytes());
                    let _ = stream.write_all(&body);
                });
            }
        });
        StaticServer { url }
    }
}
