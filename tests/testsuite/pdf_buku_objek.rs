//! The decree book's PDF objects: SOP PDFs written with cross-reference and object streams
//! (as a Typst upgrade or another tool may write them) join into the same book; the daftar
//! isi's links are tagged; the cover carries no page number.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::pdf::{page_count, page_text, pdf_text};
use crate::pdf_buku::{BOOK, built_example, links, objects};
use crate::support::Project;

fn qpdf_check(path: &Path) {
    let check = Command::new("qpdf")
        .arg("--check")
        .arg(path)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}: {}",
        path.display(),
        String::from_utf8_lossy(&check.stdout)
    );
}

#[test]
fn sop_pdfs_with_object_and_cross_reference_streams_join_into_the_same_book() {
    let p = built_example();
    let classic_book = p.path().join(BOOK);
    let site = sopan::load_and_validate(p.path()).unwrap().site;
    let i = site
        .instansi
        .iter()
        .find(|i| i.id == "tanah-laut-dinsos")
        .unwrap();
    // Every SOP PDF of the book rewritten by qpdf with object streams (which also makes its
    // cross-reference a stream).
    let tmp = tempfile::tempdir().unwrap();
    let mut out = sopan::pipeline::output::Output::new();
    for s in i.sops() {
        let from = p.path().join("output").join(format!("{}.pdf", s.id));
        let to = tmp.path().join("sop.pdf");
        let r = Command::new("qpdf")
            .arg("--object-streams=generate")
            .arg(&from)
            .arg(&to)
            .status()
            .unwrap();
        assert!(r.success(), "qpdf on {}", from.display());
        let bytes = std::fs::read(&to).unwrap();
        let has = |w: &[u8]| bytes.windows(w.len()).any(|x| x == w);
        assert!(
            has(b"/ObjStm") && has(b"/XRef") && !has(b"\ntrailer"),
            "qpdf wrote no object or cross-reference streams for {}",
            s.id
        );
        out.insert(format!("{}.pdf", s.id), bytes);
    }
    let renderer = sopan::pdf::renderer::PdfRenderer::new(
        &site,
        &sopan::pipeline::theme::Theme::embedded(),
        p.path(),
    )
    .unwrap();
    sopan::pdf::renderer::render_books(&site, &renderer, &mut out, None, &|| {}).unwrap();
    let book = tmp.path().join("buku.pdf");
    std::fs::write(&book, out.get("tanah-laut-dinsos/keputusan.pdf").unwrap()).unwrap();
    qpdf_check(&book);
    // The same pages, the same text on them, the same daftar isi links.
    assert_eq!(page_count(&book), page_count(&classic_book));
    let text = pdf_text(&book);
    assert!(text.contains("DAFTAR ISI") && text.contains("FLOWCHART SOP"));
    assert!(text == pdf_text(&classic_book), "the book's text differs");
    let toc = links(&book, 2);
    assert_eq!(toc.len(), 2 + i.bidang.len() + i.sops().count());
    assert_eq!(toc, links(&classic_book, 2));
}

#[test]
fn the_books_links_are_tagged_link_elements_and_the_cover_is_not_numbered() {
    // The example with a site address and one Keterkaitan `sop:` item, which the SOP's
    // identity page prints as a link.
    let p = Project::example();
    let yaml = p.read("sopan.yaml");
    p.write(
        "sopan.yaml",
        &format!("{yaml}base_url: https://sop.example.go.id\n"),
    );
    let sop = "content/tanah-laut-dinsos/sekretariat/e-lapor.yaml";
    let text = p.read(sop);
    assert!(text.contains("keterkaitan:\n"));
    p.write(
        sop,
        &text.replacen(
            "keterkaitan:\n",
            "keterkaitan:\n  - sop: sekretariat/laporan-tahunan\n",
            1,
        ),
    );
    let r = p.run(&["build", "--quiet"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let path = p.path().join(BOOK);
    qpdf_check(&path);
    let (objects, pages) = objects(&path);
    // A reference's object; a direct object as it is.
    let obj = |r: &Value| match r.as_str() {
        Some(r) if r.ends_with(" R") => objects[r].clone(),
        _ => r.clone(),
    };
    let trailer = &objects["trailer"];
    let root = obj(&trailer["/Root"]);
    let tree = obj(&root["/StructTreeRoot"]);
    let nums = obj(&tree["/ParentTree"]);
    let nums = nums["/Nums"].as_array().expect("one flat parent tree");
    let parent_of = |key: i64| -> Value {
        let at = nums
            .iter()
            .step_by(2)
            .position(|k| k.as_i64() == Some(key))
            .unwrap_or_else(|| panic!("no parent tree entry {key}"));
        nums[2 * at + 1].clone()
    };
    // Every link of the book, with the page it is on: the daftar isi's and the Keterkaitan's.
    let mut all = Vec::new();
    for page in &pages {
        let d = obj(&Value::String(page.clone()));
        for a in d["/Annots"].as_array().into_iter().flatten() {
            if obj(a)["/Subtype"] == "/Link" {
                all.push((a.clone(), page.clone()));
            }
        }
    }
    let toc: Vec<&Value> = all
        .iter()
        .filter(|(_, pg)| *pg == pages[1])
        .map(|(a, _)| a)
        .collect();
    assert!(toc.len() > 20, "{}", toc.len());
    for a in &toc {
        let annot = obj(a);
        assert!(
            annot.get("/A").is_none(),
            "a placeholder URI is left: {annot}"
        );
        assert!(
            annot["/Contents"]
                .as_str()
                .is_some_and(|t| t.contains("Ke halaman")),
            "{annot}"
        );
    }
    let uri: Vec<&(Value, String)> = all
        .iter()
        .filter(|(a, _)| obj(a)["/A"]["/S"] == "/URI")
        .collect();
    assert_eq!(uri.len(), 1, "the Keterkaitan link");
    assert!(
        obj(&uri[0].0)["/A"]["/URI"]
            .as_str()
            .unwrap()
            .ends_with("sop.example.go.id/tanah-laut-dinsos/sekretariat/laporan-tahunan/")
    );
    for (a, page) in &all {
        let annot = obj(a);
        let key = annot["/StructParent"]
            .as_i64()
            .unwrap_or_else(|| panic!("link {a} has no StructParent"));
        let elem_ref = parent_of(key);
        let elem = obj(&elem_ref);
        assert_eq!(elem["/S"], "/Link", "{elem}");
        // The element holds the annotation (OBJR) and the link's text ...
        let kids = elem["/K"].as_array().unwrap();
        assert!(
            kids.iter()
                .any(|k| k["/Type"] == "/OBJR" && k["/Obj"] == *a && k["/Pg"] == *page),
            "{elem}"
        );
        assert!(
            kids.iter().any(|k| k.get("/Type").is_none()),
            "the link element has no content: {elem}"
        );
        // ... and is in the tree: its parent lists it, and the parents lead to the root.
        let parent = obj(&elem["/P"]);
        let listed = match &parent["/K"] {
            Value::Array(k) => k.contains(&elem_ref),
            k => *k == elem_ref,
        };
        assert!(listed, "the parent does not list {elem_ref}");
        let mut up = elem["/P"].clone();
        let mut steps = 0;
        while obj(&up)["/Type"] != "/StructTreeRoot" {
            up = obj(&up)["/P"].clone();
            steps += 1;
            assert!(steps < 40, "{elem_ref} is not under the structure root");
        }
    }
    // The keys are unique and below ParentTreeNextKey.
    let next = tree["/ParentTreeNextKey"].as_i64().unwrap();
    let keys: Vec<i64> = nums
        .iter()
        .step_by(2)
        .map(|k| k.as_i64().unwrap())
        .collect();
    assert!(keys.windows(2).all(|w| w[0] < w[1]) && keys.iter().all(|&k| k < next));

    // The cover counts as page 1 but prints no number; the daftar isi is page 2 of all.
    let total = page_count(&path);
    let cover = page_text(&path, 1);
    assert!(
        cover.contains("STANDAR OPERASIONAL PROSEDUR") && !cover.contains("Halaman"),
        "{cover}"
    );
    let toc_text = page_text(&path, 2);
    assert!(
        toc_text.contains(&format!("Halaman 2 dari {total}")),
        "{toc_text}"
    );
}
