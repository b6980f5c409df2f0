//! The bundled example content: the real Tanah Laut and Banjarbaru documents.

use crate::support::Project;

#[test]
fn example_content_has_no_errors() {
    let p = Project::example();
    let r = p.run(&["check"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("galat:"), "{}", r.stderr);
}

#[test]
fn example_content_holds_both_seed_documents() {
    let p = Project::example();
    assert_eq!(p.run(&["build"]).code, 0);
    let index: serde_json::Value = serde_json::from_str(&p.read("output/data.json")).unwrap();
    let count = index["jumlah_sop"].as_u64().unwrap();
    assert!(
        count >= 24,
        "expected the whole Tanah Laut decree plus Banjarbaru, got {count}"
    );
    let ids: Vec<&str> = index["instansi"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["banjarbaru-dinsos", "tanah-laut-dinsos"]);
    let tala = &index["instansi"][1]["bidang"];
    let names: Vec<&str> = tala
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "sekretariat",
            "rehabilitasi-jaminan-sosial",
            "pemberdayaan-sosial"
        ]
    );
}
