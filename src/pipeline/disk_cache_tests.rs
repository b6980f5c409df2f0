//! Tests of the build cache (`disk_cache.rs`).

use super::*;

fn files() -> Shared {
    vec![
        ("a/b.pdf".into(), Blob::new(b"%PDF-1.7 isi".to_vec())),
        ("a/b/alur-1.svg".into(), Blob::new(b"<svg/>".to_vec())),
    ]
}

fn cache(tmp: &Path, fresh: bool) -> DiskCache {
    DiskCache::open(tmp, &tmp.join("output"), &tmp.join("cache"), fresh).unwrap()
}

#[test]
fn an_entry_reads_back_as_written() {
    let tmp = tempfile::tempdir().unwrap();
    let key = [7u8; 32];
    cache(tmp.path(), false).store(&key, &files());
    assert_eq!(cache(tmp.path(), false).load(&key).unwrap(), Some(files()));
    assert_eq!(cache(tmp.path(), false).load(&[8u8; 32]).unwrap(), None);
    assert_eq!(
        cache(tmp.path(), true).fetch(&key),
        None,
        "--bersih reads nothing"
    );
    assert!(cache(tmp.path(), false).contains(&key));
    assert!(!cache(tmp.path(), false).contains(&[8u8; 32]));
    assert!(
        !cache(tmp.path(), true).contains(&key),
        "--bersih plans no hit"
    );
}

#[test]
fn damaged_entries_and_blobs_are_refused_with_the_reason() {
    let tmp = tempfile::tempdir().unwrap();
    let key = [7u8; 32];
    let c = cache(tmp.path(), false);
    c.store(&key, &files());
    let entry = c.path(&key);
    let good = std::fs::read(&entry).unwrap();
    let why = |bytes: &[u8]| {
        std::fs::write(&entry, bytes).unwrap();
        c.load(&key).unwrap_err()
    };
    assert!(why(b"halo").contains("penanda awal"));
    assert!(why(&good[..MAGIC.len() + 6]).contains("terpotong"));
    assert!(why(&[&good[..], b"x"].concat()).contains("panjangnya salah"));
    // A byte of a path in the header: the header checksum catches it.
    let mut flipped = good.clone();
    let at = good.windows(7).position(|w| w == b"a/b.pdf").unwrap();
    flipped[at] = b'x';
    assert!(why(&flipped).contains("checksum kepala"));
    std::fs::write(&entry, &good).unwrap();
    assert!(c.load(&key).is_ok());
    // The blobs: a flipped byte, a missing tail.
    let svg = c.blob_path(&files()[1].1.sha256());
    std::fs::write(&svg, b"<svG/>").unwrap();
    let e = c.load(&key).unwrap_err();
    assert!(
        e.contains("`a/b/alur-1.svg`") && e.contains("checksum tidak cocok"),
        "{e}"
    );
    assert!(!svg.exists(), "a damaged blob is deleted");
    std::fs::write(&svg, b"<svg").unwrap();
    assert!(c.load(&key).unwrap_err().contains("panjangnya salah"));
    assert!(c.load(&key).unwrap_err().contains("tidak terbaca"));
    // Stored again, the entry is whole.
    c.store(&key, &files());
    assert_eq!(c.load(&key).unwrap(), Some(files()));
}

#[test]
fn storing_an_entry_again_keeps_its_files() {
    use std::os::unix::fs::MetadataExt as _;
    let tmp = tempfile::tempdir().unwrap();
    let key = [5u8; 32];
    let c = cache(tmp.path(), true);
    c.store(&key, &files());
    let ino = |p: &Path| std::fs::metadata(p).unwrap().ino();
    let (entry, pdf) = (c.path(&key), c.blob_path(&files()[0].1.sha256()));
    let before = (ino(&entry), ino(&pdf));
    c.store(&key, &files());
    assert_eq!((ino(&entry), ino(&pdf)), before);
}

#[test]
fn another_stamp_or_key_is_foreign() {
    let key = [1u8; 32];
    let mut bytes = header(&key, &files());
    assert!(
        parse_header(&bytes, &[2u8; 32])
            .unwrap_err()
            .contains("kuncinya")
    );
    let at = MAGIC.len() + 4;
    bytes[at + 6] = b'X'; // "sopan X…"
    assert!(
        parse_header(&bytes, &key)
            .unwrap_err()
            .contains("versi lain")
    );
}

#[test]
fn staged_files_are_linked_into_the_cache_and_back_never_copied() {
    use std::os::unix::fs::MetadataExt as _;
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("output");
    let ino = |p: &Path| std::fs::metadata(p).unwrap().ino();
    let key = [3u8; 32];
    let c = cache(tmp.path(), false);
    let first = Staging::begin(&out, None, true).unwrap();
    let staged: Shared = files()
        .into_iter()
        .map(|(p, b)| {
            let b = first.put(&p, b);
            (p, b)
        })
        .collect();
    c.put(&key, &staged);
    let pdf = first.dir().join("a/b.pdf");
    assert_eq!(
        ino(&c.blob_path(&staged[0].1.sha256())),
        ino(&pdf),
        "one file, two names"
    );
    drop(first);
    // Another build whose output lost the files: the blobs are linked into its staging
    // folder after their SHA-256 is checked.
    let c = cache(tmp.path(), false);
    let second = Staging::begin(&out, None, false).unwrap();
    let got = c.get_staged(&key, &second, &|_| false).unwrap();
    assert_eq!(got, files());
    let pdf = second.dir().join("a/b.pdf");
    assert_eq!(ino(&c.blob_path(&got[0].1.sha256())), ino(&pdf));
    assert_eq!(std::fs::read(&pdf).unwrap(), b"%PDF-1.7 isi");
    // A blob damaged since is never staged.
    let third = Staging::begin(&out, None, false).unwrap();
    std::fs::write(c.blob_path(&got[1].1.sha256()), b"<svG/>").unwrap();
    assert_eq!(c.get_staged(&key, &third, &|_| false), None);
}

#[test]
fn finish_keeps_only_what_the_build_used() {
    let tmp = tempfile::tempdir().unwrap();
    let c = cache(tmp.path(), false);
    c.store(&[1u8; 32], &files());
    c.store(
        &[2u8; 32],
        &vec![("x.html".into(), Blob::new(b"x".to_vec()))],
    );
    std::fs::write(c.blobs.join(".9.9.tmp"), b"sisa").unwrap();
    let c = cache(tmp.path(), false);
    assert!(c.fetch(&[1u8; 32]).is_some());
    c.finish();
    let names = |d: &Path| std::fs::read_dir(d).unwrap().count();
    assert_eq!(names(&c.dir), 1);
    assert_eq!(names(&c.blobs), 2, "the two blobs of the entry used");
}
