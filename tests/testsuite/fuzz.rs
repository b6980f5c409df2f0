//! Property tests of everything that reads user text: arbitrary bytes and mutated valid SOPs
//! through the loader, the report printer, the diff, the audit's citation reader and the waktu
//! parser. None may panic or hang. `SOPAN_FUZZ_CASES=N` runs more cases (CI runs the default).

use std::path::Path;

use proptest::prelude::*;
use sopan::core::diag::{Diagnostics, Sources};
use sopan::model::id::SopId;
use sopan::model::org::Pejabat;

/// A valid SOP to mutate: every kind of field, a decision, a worksheet.
const SEED: &str = include_str!(
    "../../content/banjarbaru-dinsos/perlindungan-jaminan-sosial/rujukan-anak-terlantar.yaml"
);

fn cases() -> u32 {
    std::env::var("SOPAN_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300)
}

/// Reads `text` as an SOP and runs what follows a read: the report of its problems, the diff
/// against the seed, the audit's citation reader and the waktu parser over its lines.
fn exercise(text: &str) {
    let path = Path::new("content/i/b/x.yaml");
    let (sop, diags) =
        sopan::load::sop_from_text(path, text, SopId::new("i", "b", "x"), &Pejabat::default());
    let mut sources = Sources::default();
    sources.insert(path.to_path_buf(), text.to_string());
    let mut all = Diagnostics::new();
    all.extend(diags);
    let _ = sopan::core::report::render_all(&all, &sources, true);
    let (seed, _) =
        sopan::load::sop_from_text(path, SEED, SopId::new("i", "b", "x"), &Pejabat::default());
    if let (Some(a), Some(b)) = (seed, sop) {
        let d = sopan::diff::diff_sop(&a, &b);
        let back = sopan::diff::diff_sop(&b, &a);
        assert_eq!(d.is_empty(), back.is_empty());
        let _ = serde_json::to_string(&d).unwrap();
    }
    for line in text.lines().take(200) {
        let _ = sopan::audit::peraturan::kutipan(line);
        let _ = sopan::model::waktu::parse(line);
    }
}

/// The whole pipeline up to rendering: the text as an SOP of a project beside a valid one, then
/// load, the cross-file validator and the audit.
fn in_a_project(text: &str) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let write = |rel: &str, t: &str| {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, t).unwrap();
    };
    write(
        "content/i/_instansi.yaml",
        "pemerintah: P\nnama: D\nkepala:\n  jabatan: K\n  nama: N\n",
    );
    write("content/i/b/_bidang.yaml", "nama: B\nurutan: 1\n");
    write("content/i/b/x.yaml", text);
    write("content/i/b/y.yaml", SEED);
    let loaded = sopan::load_and_validate(root).unwrap();
    let _ = sopan::core::report::render_all(&loaded.diags, &loaded.sources, false);
    let _ = sopan::extras(root, &loaded, None);
}

/// One edit of a text: at a position (taken modulo the length), delete, insert or replace with
/// characters YAML and the schema care about.
#[derive(Clone, Debug)]
enum Edit {
    Delete(usize, usize),
    Insert(usize, String),
    Replace(usize, String),
}

fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            ":",
            "-",
            " ",
            "  ",
            "\n",
            "\t",
            "[",
            "]",
            "{",
            "}",
            "&a",
            "*a",
            "!",
            "|",
            ">",
            "#",
            "'",
            "\"",
            ",",
            "?",
            "%",
            "@",
            "`",
            "\u{feff}",
            "é",
            "中",
            "\r\n",
            "- ",
            ": ",
            "langkah:",
            "tidak: 99",
            "ya: 0",
            "jenis: keputusan",
            "pelaksana: [X]",
            "waktu: 1 s.d. 2 hari",
            "null",
            "~",
            "0x10",
            "1e9",
            "-1",
            "99999999999999999999",
            "<script>",
            "#set page()",
        ])
        .prop_map(str::to_string),
        "[ -~]{1,8}",
    ]
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), 1usize..40).prop_map(|(at, n)| Edit::Delete(at, n)),
        (any::<usize>(), piece()).prop_map(|(at, s)| Edit::Insert(at, s)),
        (any::<usize>(), piece()).prop_map(|(at, s)| Edit::Replace(at, s)),
    ]
}

fn apply(text: &str, edits: &[Edit]) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for e in edits {
        let len = chars.len().max(1);
        match e {
            Edit::Delete(at, n) => {
                let at = at % len;
                let end = (at + n).min(chars.len());
                if at < end {
                    chars.drain(at..end);
                }
            }
            Edit::Insert(at, s) => {
                let at = at % (chars.len() + 1);
                chars.splice(at..at, s.chars());
            }
            Edit::Replace(at, s) => {
                let at = at % len;
                let end = (at + s.chars().count()).min(chars.len());
                chars.splice(at.min(chars.len())..end, s.chars());
            }
        }
    }
    chars.into_iter().collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mutated_valid_sops_never_panic(edits in prop::collection::vec(edit(), 1..12)) {
        let text = apply(SEED, &edits);
        exercise(&text);
        in_a_project(&text);
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,400}") {
        exercise(&text);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        exercise(&String::from_utf8_lossy(&bytes));
    }
}

#[test]
fn the_seed_reads_without_errors() {
    let (sop, diags) = sopan::load::sop_from_text(
        Path::new("x.yaml"),
        SEED,
        SopId::new("i", "b", "x"),
        &Pejabat::default(),
    );
    assert!(sop.is_some());
    assert!(
        diags
            .iter()
            .all(|d| d.severity != sopan::core::diag::Severity::Error),
        "{diags:?}"
    );
}
