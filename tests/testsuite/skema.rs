//! The JSON Schemas (`sopan skema`): valid schemas, every example file valid against them,
//! known-bad files rejected, and what `init` and `build` provide for editors.

use std::path::Path;

use serde_json::Value;

use crate::support::{GOOD_SOP, Project, repo_root};

/// Every kind's schema as printed by `sopan skema JENIS`.
fn schema(kind: &str) -> Value {
    let r = Project::empty().run(&["skema", kind]);
    assert_eq!(r.code, 0, "{r:?}");
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{kind}: {e}\n{}", r.stdout))
}

/// A YAML file read as JSON, the way an editor's language server sees it.
fn yaml(text: &str) -> Value {
    serde_saphyr::from_str::<Value>(text).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

/// The schema kind of a content file, by its name and place.
fn kind_of(rel: &str) -> Option<&'static str> {
    let name = rel.rsplit('/').next()?;
    Some(match name {
        "sopan.yaml" => "sopan",
        "sinonim.yaml" => "sinonim",
        "peraturan-dicabut.yaml" | "dicabut.yaml" => "peraturan-dicabut",
        "_instansi.yaml" => "instansi",
        "_bidang.yaml" => "bidang",
        "_keputusan.yaml" => "keputusan",
        n if n.ends_with(".yaml") && rel.contains("content/") => "sop",
        _ => return None,
    })
}

/// The validation errors of `instance` against `schema`, as text.
fn errors(schema: &Value, instance: &Value) -> Vec<String> {
    let v = jsonschema::validator_for(schema).expect("schema compiles");
    v.iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

const KINDS: [&str; 7] = [
    "sop",
    "instansi",
    "bidang",
    "keputusan",
    "sopan",
    "sinonim",
    "peraturan-dicabut",
];

#[test]
fn every_schema_is_a_valid_draft7_schema_with_indonesian_descriptions() {
    for kind in KINDS {
        let s = schema(kind);
        jsonschema::meta::validate(&s).unwrap_or_else(|e| panic!("{kind}: {e}"));
        assert_eq!(
            s["$schema"], "http://json-schema.org/draft-07/schema#",
            "{kind}"
        );
        let text = s.to_string();
        assert!(text.contains("\"description\""), "{kind}: {text}");
        // Code comments of the raw structs are English; none may leak into an editor.
        for english in ["The ", "Order inside", "Present, even"] {
            assert!(!text.contains(english), "{kind}: `{english}` in {text}");
        }
    }
    let sop = schema("sop");
    let langkah = &sop["properties"]["langkah"];
    assert!(langkah.to_string().contains("Uraian kegiatan"), "{langkah}");
    // All kinds at once: one object keyed by file name.
    let r = Project::empty().run(&["skema"]);
    let all: Value = serde_json::from_str(&r.stdout).unwrap();
    let keys: Vec<&String> = all.as_object().unwrap().keys().collect();
    assert_eq!(keys.len(), 7, "{keys:?}");
    assert_eq!(all["sop.json"], sop);
    let r = Project::empty().run(&["skema", "bidan"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("maksud Anda `bidang`?"), "{}", r.stderr);
}

#[test]
fn all_example_content_validates_against_the_schemas() {
    let root = repo_root();
    let schemas: Vec<(&str, Value)> = KINDS.iter().map(|k| (*k, schema(k))).collect();
    let mut files = Vec::new();
    for dir in [
        root.join("content"),
        root.join("tests/testsuite/fixtures/schema-examples"),
        root.join("tests/testsuite/fixtures/pdf"),
    ] {
        for e in walkdir::WalkDir::new(&dir).sort_by_file_name() {
            let e = e.unwrap();
            if e.file_type().is_file() {
                files.push((dir.clone(), e.path().to_path_buf()));
            }
        }
    }
    files.push((root.clone(), root.join("sopan.yaml")));
    // The lists shipped in the binary have the same shape as a project's own.
    files.push((root.clone(), root.join("src/audit/dicabut.yaml")));
    files.push((root.clone(), root.join("src/site/sinonim.yaml")));
    let mut checked = std::collections::BTreeMap::<&str, usize>::new();
    for (base, path) in &files {
        let rel = path
            .strip_prefix(base.parent().unwrap_or(Path::new("/")))
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let Some(kind) = kind_of(&rel) else { continue };
        let text = std::fs::read_to_string(path).unwrap();
        let instance = yaml(&text);
        let s = &schemas.iter().find(|(k, _)| *k == kind).unwrap().1;
        let errs = errors(s, &instance);
        assert!(errs.is_empty(), "{rel} ({kind}): {errs:#?}");
        *checked.entry(kind).or_default() += 1;
    }
    // Every kind was met, most of them many times: the test ran over real files.
    assert!(checked["sop"] >= 25, "{checked:?}");
    for kind in KINDS {
        assert!(
            checked.get(kind).is_some_and(|n| *n > 0),
            "{kind}: {checked:?}"
        );
    }
}

#[test]
fn every_shape_the_loader_accepts_is_valid() {
    let sop = schema("sop");
    let text = "\
nomor: 36
nama: Surat
tanggal_pembuatan: 2024-01-05
dasar_hukum: Satu peraturan saja
pelaksana: [A, B]
keterkaitan:
  - SOP lain
  - sop: umum/surat-masuk
  - 12
layanan:
langkah:
  - kegiatan: a
    pelaksana: [A, B]
    kelengkapan: Berkas
    waktu: 15
    output: [Satu, Dua]
  - kegiatan: b
    pelaksana: B
    jenis: keputusan
    tidak: selesai
    ya: 1
";
    let errs = errors(&sop, &yaml(text));
    assert!(errs.is_empty(), "{errs:#?}");
    // And the loader agrees: the same file passes `check`'s shape checks.
    let p = Project::base();
    p.write("content/dinas/umum/x.yaml", text);
    let r = p.run(&["check"]);
    assert!(
        !r.stderr.contains("tidak dikenal") && !r.stderr.contains("tipe nilai salah"),
        "{}",
        r.stderr
    );
}

#[test]
fn known_bad_files_are_rejected_by_the_schema_and_by_check() {
    let sop = schema("sop");
    let good = GOOD_SOP;
    assert!(errors(&sop, &yaml(good)).is_empty());
    let bad_files = [
        (format!("{good}dasar_hokum: [a]\n"), "dasar_hokum"),
        (
            good.replacen("    pelaksana: Pelayanan", "    pelaksan: Pelayanan", 1),
            "pelaksan",
        ),
        (good.replace("nama: Surat Masuk", "nama: [a, b]"), "nama"),
        (
            "nomor: 1\nnama: x\npelaksana: [A]\nlangkah: satu langkah\n".to_string(),
            "langkah",
        ),
        (
            format!("{good}keterkaitan:\n  - sop: umum/surat-masuk\n    judul: c\n"),
            "judul",
        ),
        (format!("{good}layanan:\n  biayaa: 0\n"), "biayaa"),
        (format!("{good}disahkan_oleh: Kepala\n"), "disahkan_oleh"),
    ];
    for (bad, why) in &bad_files {
        let errs = errors(&sop, &yaml(bad));
        assert!(
            errs.iter().any(|e| e.contains(why)),
            "{bad}: {errs:#?} does not name `{why}`"
        );
        // The loader refuses the same file at the same key: the schema is not stricter than
        // `check` (the base project with the good SOP passes; see `Project::base`).
        let p = Project::base();
        p.write("content/dinas/umum/surat-masuk.yaml", bad);
        let r = p.run(&["check"]);
        assert_eq!(r.code, 1, "{bad}\n{}", r.stderr);
        assert!(r.stderr.contains(why), "{bad}\n{}", r.stderr);
    }
    let instansi = schema("instansi");
    let errs = errors(&instansi, &yaml("nama: x\nlayanan:\n  biaya: 0\n"));
    assert!(errs.iter().any(|e| e.contains("biaya")), "{errs:#?}");
    let bidang = schema("bidang");
    assert!(!errors(&bidang, &yaml("nama: x\nurutan: [1]\n")).is_empty());
}

#[test]
fn init_writes_schemas_editor_settings_and_first_lines() {
    let p = Project::empty();
    let r = p.run(&["init", "baru"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let root = p.path().join("baru");
    let settings: Value =
        serde_json::from_str(&std::fs::read_to_string(root.join(".vscode/settings.json")).unwrap())
            .unwrap();
    let map = settings["yaml.schemas"].as_object().unwrap();
    assert_eq!(map.len(), 7, "{map:?}");
    for (path, globs) in map {
        let file = root.join(path);
        assert!(file.is_file(), "{path} does not exist");
        let s: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        jsonschema::meta::validate(&s).unwrap();
        assert!(!globs.as_array().unwrap().is_empty());
    }
    // Each file init wrote starts with its schema, by a path that exists from the file, and
    // validates against it.
    for (rel, kind) in [
        ("sopan.yaml", "sopan"),
        ("content/dinas-contoh/_instansi.yaml", "instansi"),
        ("content/dinas-contoh/sekretariat/_bidang.yaml", "bidang"),
        ("content/dinas-contoh/sekretariat/surat-masuk.yaml", "sop"),
    ] {
        let text = std::fs::read_to_string(root.join(rel)).unwrap();
        let first = text.lines().next().unwrap();
        let target = first
            .strip_prefix("# yaml-language-server: $schema=")
            .unwrap_or_else(|| panic!("{rel}: {first}"));
        assert!(
            target.ends_with(&format!("/{kind}.json")),
            "{rel}: {target}"
        );
        let file = root.join(rel).parent().unwrap().join(target);
        let s: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        let errs = errors(&s, &yaml(&text));
        assert!(errs.is_empty(), "{rel}: {errs:#?}");
    }
    // The skeleton's guide comment points to the guide, not to a README section.
    let sop =
        std::fs::read_to_string(root.join("content/dinas-contoh/sekretariat/surat-masuk.yaml"))
            .unwrap();
    let second = sop.lines().nth(1).unwrap();
    assert!(second.contains("docs/panduan.md"), "{second}");
    assert!(!sop.contains("bagian \"Isi\""));
    let r = p.run(&["check", "baru"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn new_skeletons_carry_their_schema_and_bring_the_schemas() {
    let p = Project::base();
    let r = p.run(&["new", "dinas/layanan/surat-keluar", "--bidang-baru"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for (rel, kind) in [
        ("content/dinas/layanan/surat-keluar.yaml", "sop"),
        ("content/dinas/layanan/_bidang.yaml", "bidang"),
    ] {
        let text = p.read(rel);
        assert_eq!(
            text.lines().next().unwrap(),
            format!("# yaml-language-server: $schema=../../../.sopan/skema/{kind}.json"),
            "{rel}"
        );
    }
    // The project predates the schemas: `new` wrote them, so the first line points somewhere.
    assert!(p.path().join(".sopan/skema/sop.json").is_file());
    // `skema --tulis` refreshes them and adds the editor settings the project lacked.
    std::fs::write(p.path().join(".sopan/skema/sop.json"), "{}").unwrap();
    let r = p.run(&["skema", "--tulis"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        schema("sop"),
        serde_json::from_str::<Value>(&p.read(".sopan/skema/sop.json")).unwrap()
    );
    assert!(p.path().join(".vscode/settings.json").is_file());
}

#[test]
fn the_site_publishes_the_guide_and_the_schemas() {
    let p = Project::base();
    let r = p.run(&["build", "--quiet"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let guide = p.read("output/panduan/index.html");
    assert!(
        guide.contains("<h1>Panduan sopan untuk staf</h1>"),
        "{guide}"
    );
    assert!(guide.contains("Kesalahan yang sering terjadi"));
    // Rendered Markdown in the site's page template (with its header and breadcrumb).
    assert!(
        guide.contains("<table>") && guide.contains("<code>"),
        "{guide}"
    );
    assert!(guide.contains("aria-current=\"page\""));
    assert!(
        guide.contains("<title>Panduan sopan untuk staf — Uji</title>"),
        "{guide}"
    );
    for kind in KINDS {
        let published: Value =
            serde_json::from_str(&p.read(&format!("output/skema/{kind}.json"))).unwrap();
        assert_eq!(published, schema(kind), "{kind}");
    }
}
