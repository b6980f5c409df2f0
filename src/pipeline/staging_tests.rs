//! Tests of the staging folder (`staging.rs`).

use super::*;

fn files(staging: &Staging, with: &[(&str, &[u8])]) -> BTreeMap<String, Arc<Blob>> {
    with.iter()
        .map(|(p, b)| (p.to_string(), staging.put(p, Blob::new(b.to_vec()))))
        .collect()
}

#[test]
fn unchanged_files_are_linked_and_edited_ones_written_afresh() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("output");
    let manifest = tmp.path().join("catatan");
    let first = Staging::begin(&out, Some(manifest.clone()), false).unwrap();
    let written = files(&first, &[("a/x.pdf", b"satu"), ("b.html", b"dua")]);
    crate::pipeline::output::swap_in(first.dir(), &out).unwrap();
    first.committed(&out, &written);
    assert_eq!(first.counts(), (0, 2));
    drop(first);

    // A user edits one file in place: same length, new bytes.
    std::fs::write(out.join("b.html"), b"DUA").unwrap();
    let ino = |p: &Path| manifest::inode(&std::fs::metadata(p).unwrap());
    let x_before = ino(&out.join("a/x.pdf"));
    let second = Staging::begin(&out, Some(manifest.clone()), false).unwrap();
    let written = files(&second, &[("a/x.pdf", b"satu"), ("b.html", b"dua")]);
    assert_eq!(second.counts(), (1, 1), "x linked, the edited file written");
    crate::pipeline::output::swap_in(second.dir(), &out).unwrap();
    second.committed(&out, &written);
    assert_eq!(ino(&out.join("a/x.pdf")), x_before);
    assert_eq!(std::fs::read(out.join("b.html")).unwrap(), b"dua");

    // `--bersih` trusts no record: the bytes are compared. A file edited in place since
    // (same length) is written; an unchanged one linked, after the writer thread too.
    std::fs::write(out.join("b.html"), b"DUA").unwrap();
    let third = Staging::begin(&out, Some(manifest), true).unwrap();
    files(&third, &[("a/x.pdf", b"satu"), ("b.html", b"dua")]);
    third.put_later("c.html", Blob::new(b"tiga".to_vec()));
    third.put_later("a/x.pdf", Blob::new(b"satu".to_vec()));
    third.flush();
    assert_eq!(third.counts(), (2, 2));
    assert_eq!(std::fs::read(third.dir().join("b.html")).unwrap(), b"dua");
    assert_eq!(ino(&third.dir().join("a/x.pdf")), x_before);
}

#[test]
fn a_dropped_staging_folder_is_deleted_and_the_output_stays() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("output");
    let staging = Staging::begin(&out, None, false).unwrap();
    let dir = staging.dir().to_path_buf();
    files(&staging, &[("a.html", b"x")]);
    assert!(dir.join("a.html").exists());
    drop(staging);
    assert!(!dir.exists());
    assert!(!out.exists());
}

/// A file written piece by piece into the staging folder (a decree book) is recorded with
/// the length and SHA-256 it was written with, and replaces what an earlier attempt left.
#[test]
fn a_file_written_in_pieces_is_recorded_as_written() {
    use sha2::{Digest, Sha256};
    use std::io::Write as _;
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("output");
    let staging = Staging::begin(&out, None, false).unwrap();
    std::fs::create_dir_all(staging.dir().join("a")).unwrap();
    std::fs::write(staging.dir().join("a/buku.pdf"), b"sisa percobaan lama").unwrap();
    let (path, mut file) = staging.create_file("a/buku.pdf").unwrap();
    assert_eq!(path, staging.dir().join("a/buku.pdf"));
    file.write_all(b"%PDF ").unwrap();
    file.write_all(b"buku").unwrap();
    drop(file);
    let blob = staging.created("a/buku.pdf", 9, Sha256::digest(b"%PDF buku").into());
    assert_eq!(blob.staged_path(), Some(path.as_path()));
    assert_eq!(blob.len(), 9);
    assert_eq!(blob.read().unwrap().as_ref(), b"%PDF buku");
    assert_eq!(
        blob.sha256(),
        <[u8; 32]>::from(Sha256::digest(b"%PDF buku"))
    );
    assert_eq!(staging.counts(), (0, 1));
}

/// A file written in pieces with the bytes of the previous output's file of that path is
/// linked to it, vouched for by the record or compared (`--bersih`); other bytes stay written.
#[test]
fn a_file_written_in_pieces_like_the_previous_one_is_linked() {
    use sha2::{Digest, Sha256};
    use std::io::Write as _;
    use std::os::unix::fs::MetadataExt as _;
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("output");
    let manifest = tmp.path().join("catatan");
    let first = Staging::begin(&out, Some(manifest.clone()), false).unwrap();
    let written = files(
        &first,
        &[("a/buku.pdf", b"%PDF buku"), ("b.pdf", b"%PDF b")],
    );
    crate::pipeline::output::swap_in(first.dir(), &out).unwrap();
    first.committed(&out, &written);
    drop(first);
    let ino = |p: &Path| std::fs::metadata(p).unwrap().ino();
    let old = ino(&out.join("a/buku.pdf"));
    let write = |staging: &Staging, path: &str, bytes: &[u8]| {
        let (_, mut file) = staging.create_file(path).unwrap();
        file.write_all(bytes).unwrap();
        let sha: [u8; 32] = Sha256::digest(bytes).into();
        staging.created(path, bytes.len(), sha)
    };
    for fresh in [false, true] {
        let staging = Staging::begin(&out, Some(manifest.clone()), fresh).unwrap();
        let blob = write(&staging, "a/buku.pdf", b"%PDF buku");
        let other = write(&staging, "b.pdf", b"%PDF c");
        assert_eq!(staging.counts(), (1, 1), "bersih: {fresh}");
        assert_eq!(ino(blob.staged_path().unwrap()), old, "bersih: {fresh}");
        assert_eq!(blob.read().unwrap().as_ref(), b"%PDF buku");
        assert_eq!(other.read().unwrap().as_ref(), b"%PDF c");
        assert!(!staging.dir().join("a/buku.pdf.tautan").exists());
    }
}

/// Swaps `staging` in as `out` as `Output::commit` does, keeping the previous output when the
/// staging folder says so.
fn commit(staging: &Staging, out: &Path, files: &BTreeMap<String, Arc<Blob>>) {
    staging.ready(files).unwrap();
    let keep = staging.keep_previous_at();
    crate::pipeline::output::swap_in_keeping(staging.dir(), out, keep.as_deref()).unwrap();
    staging.committed(out, files);
}

/// Every file under `dir` with its bytes.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut found = BTreeMap::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(d).unwrap().flatten() {
            let p = e.path();
            let meta = std::fs::symlink_metadata(&p).unwrap();
            if meta.is_dir() {
                todo.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
                found.insert(rel, std::fs::read(&p).unwrap_or_default());
            }
        }
    }
    found
}

/// The previous output is kept beside the output and filled again by the next build: its
/// files that are the live output's stay (same inode), the rest is replaced, and what the new
/// output lacks (old pages, files planted in the kept folder, a link) is gone before the swap.
#[test]
fn the_kept_previous_output_is_filled_again_to_exactly_the_new_output() {
    use std::os::unix::fs::MetadataExt as _;
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("output");
    let kept = crate::pipeline::output::kept_path(&out);
    let manifest = tmp.path().join("catatan");
    let ino = |p: &Path| std::fs::metadata(p).unwrap().ino();
    let build = |with: &[(&str, &[u8])]| {
        let staging = Staging::begin(&out, Some(manifest.clone()), false).unwrap();
        let mut made = files(&staging, &with[..1]);
        for (p, b) in &with[1..] {
            made.insert(p.to_string(), staging.put_later(p, Blob::new(b.to_vec())));
        }
        commit(&staging, &out, &made);
        staging.counts()
    };
    let first: &[(&str, &[u8])] = &[
        ("a/x.pdf", b"x"),
        ("a/y.pdf", b"y"),
        ("b/lama.html", b"lama"),
        ("c.html", b"c1"),
    ];
    assert_eq!(build(first), (0, 4));
    assert!(!kept.exists(), "nothing before the first output");
    let second: &[(&str, &[u8])] = &[
        ("a/x.pdf", b"x"),
        ("a/y.pdf", b"y"),
        ("b/lama.html", b"lama"),
        ("c.html", b"c2"),
    ];
    assert_eq!(build(second), (3, 1));
    assert!(kept.join(MARKER).exists(), "the first output is kept");
    assert_eq!(std::fs::read(kept.join("c.html")).unwrap(), b"c1");

    // Planted in the kept folder: a stray file, a link, a file where a folder will be.
    std::fs::write(kept.join("a/asing.html"), b"?").unwrap();
    std::os::unix::fs::symlink("/etc", kept.join("a/etc")).unwrap();
    std::fs::write(kept.join("d"), b"berkas, bukan folder").unwrap();
    let x = ino(&out.join("a/x.pdf"));
    let third: &[(&str, &[u8])] = &[
        ("a/x.pdf", b"x"),
        ("c.html", b"c2"),
        ("d/baru.html", b"baru"),
        // A folder of the kept output becomes a file.
        ("b", b"berkas"),
    ];
    let (linked, written) = build(third);
    assert_eq!((linked, written), (2, 2));
    let expected: BTreeMap<String, Vec<u8>> = third
        .iter()
        .map(|(p, b)| (p.to_string(), b.to_vec()))
        .chain([(MARKER.to_string(), std::fs::read(out.join(MARKER)).unwrap())])
        .collect();
    assert_eq!(tree(&out), expected);
    assert_eq!(
        ino(&out.join("a/x.pdf")),
        x,
        "the unchanged file stayed itself"
    );
    assert!(out.join("b").is_file(), "a folder of old pages is gone");
    // The second output is kept in turn: it still has what it had.
    assert_eq!(std::fs::read(kept.join("b/lama.html")).unwrap(), b"lama");
}

/// A build that writes more files than it links (a new theme) deletes the previous output
/// rather than keep a second copy of the site.
#[test]
fn a_mostly_rewritten_output_does_not_keep_the_previous_one() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("output");
    let manifest = tmp.path().join("catatan");
    for bytes in [&b"satu"[..], b"dua"] {
        let staging = Staging::begin(&out, Some(manifest.clone()), false).unwrap();
        let made = files(&staging, &[("a.pdf", bytes), ("b.pdf", bytes)]);
        commit(&staging, &out, &made);
    }
    assert!(!crate::pipeline::output::kept_path(&out).exists());
    assert_eq!(std::fs::read(out.join("a.pdf")).unwrap(), b"dua");
}

/// A page is linked from the previous output only under the key it was rendered with, and
/// only while that file is still the one the build left.
#[test]
fn a_page_is_linked_only_under_the_key_it_was_rendered_with() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("output");
    let manifest = tmp.path().join("catatan");
    let (key, other) = ([1u8; 32], [2u8; 32]);
    let first = Staging::begin(&out, Some(manifest.clone()), false).unwrap();
    let made = files(&first, &[("a/index.html", b"<p>a</p>"), ("b.pdf", b"b")]);
    first.rendered_page("a/index.html", key);
    commit(&first, &out, &made);
    drop(first);

    let second = Staging::begin(&out, Some(manifest.clone()), false).unwrap();
    assert!(
        second.link_page("a/index.html", other).is_none(),
        "another key"
    );
    assert!(second.link_page("b.pdf", key).is_none(), "not a page");
    let blob = second.link_page("a/index.html", key).expect("same key");
    assert_eq!(blob.read().unwrap().as_ref(), b"<p>a</p>");
    assert_eq!(second.counts(), (1, 0));
    let mut made = BTreeMap::from([("a/index.html".to_string(), blob)]);
    made.extend(files(&second, &[("b.pdf", b"b")]));
    commit(&second, &out, &made);
    drop(second);

    // The key is recorded again for the build after; an edited file is not vouched for.
    let again = Staging::begin(&out, Some(manifest.clone()), false).unwrap();
    assert!(again.link_page("a/index.html", key).is_some());
    drop(again);
    std::fs::write(out.join("a/index.html"), b"<p>diubah</p>").unwrap();
    let third = Staging::begin(&out, Some(manifest), false).unwrap();
    assert!(third.link_page("a/index.html", key).is_none());
}
