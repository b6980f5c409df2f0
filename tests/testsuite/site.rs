//! The citizens' site: links resolve, content stays text, every SOP page is complete; and a real
//! browser (Debian chromium) searches, opens results and runs axe-core.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use crate::support::{Project, StaticServer, browser_script, repo_root, screenshots};

/// Every `href="…"` and `src="…"` value of an HTML text.
fn links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\""] {
        for part in html.split(attr).skip(1) {
            if let Some(end) = part.find('"') {
                out.push(part[..end].replace("&amp;", "&"));
            }
        }
    }
    out
}

/// An SOP whose every field tries to break out of HTML, a link, a template or a script.
const SERANGAN: &str = r#"nomor: "x\" onmouseover=\"alert(1)"
nama: "Serangan '><img src=x onerror=alert(1)> \"><svg onload=alert(2)>"
dasar_hukum:
  - "javascript:alert(3)"
  - "<a href=\"javascript:alert(4)\">klik</a>"
keterkaitan:
  - "SOP <iframe src=javascript:alert(5)>"
pelaksana: ["Staf \" autofocus onfocus=\"alert(6)", "Kasi"]
layanan:
  persyaratan: ["<b>KTP</b>", "javascript:alert(13)"]
  biaya: "Rp 0 <script>alert(14)</script>"
  tempat: "Loket '><img src=x onerror=alert(17)>"
  pengaduan:
    - "Lapor https://lapor.go.id/\"><script>alert(15)</script>"
    - "<a href=\"javascript:alert(16)\">klik</a> https://lapor.go.id/aduan"
langkah:
  - kegiatan: "{{ 7*7 }} {% raw %} ${7*7} #{7*7}"
    pelaksana: "Staf \" autofocus onfocus=\"alert(6)"
    waktu: 5 menit
    keterangan: "</script><script>alert(8)</script>"
  - kegiatan: Selesai
    pelaksana: Kasi
    waktu: 5 menit
    keterangan: "Kodenya &lt;b&gt; &amp; AT&T"
"#;

/// An instansi whose own fields, bidang and decree try the same in the instansi, bidang and
/// home pages and in the decree book, with Typst functions besides (`#read`, `#eval`, `#set`).
const SERANGAN_INSTANSI: &str = r#"pemerintah: "Pemerintah <b>Kabupaten</b> Uji"
nama: "Dinas \"><script>alert(9)</script>"
alamat: "Jalan '><img src=x onerror=alert(10)> No. 1"
telepon: "(0512) <i>123</i>"
email: dinsos@uji.go.id
kota: "Kota #set page(width: 1cm)"
kepala:
  jabatan: "Kepala #eval(\"1+1\") $x^2$"
  nama: "Budi <u>Santoso</u>"
  nip: 19700101 199503 1 001
"#;
const SERANGAN_BIDANG: &str =
    "nama: \"Bidang <svg onload=alert(11)> & #read(\\\"/etc/passwd\\\")\"\n";
const SERANGAN_KEPUTUSAN: &str = r#"nomor: "36</title><script>alert(12)</script>"
tahun: 2024
tanggal: 2024-07-01
tentang: "SOP #set text(size: 40pt) <u>garis</u>"
menimbang:
  - "bahwa #set page(width: 1cm) *tebal* _miring_ $x^2$ ]]] [[["
mengingat:
  - "UU #eval(\"1+1\") \\ @label <ref> `kode`"
diktum:
  - "Lampiran #read(\"/etc/passwd\") {{ 7*7 }}"
"#;
const SERANGAN_SOP: &str = "nomor: \"1/SOP\"\nnama: Layanan Uji\npelaksana: [Staf]\nlangkah:\n  - kegiatan: Mulai\n    pelaksana: Staf\n  - kegiatan: Selesai\n    pelaksana: Staf\n";

/// A copy of the example with an extra instansi whose SOP is full of markup-looking text.
fn example_with_injection() -> Project {
    let p = Project::example();
    let fixture = repo_root().join("tests/testsuite/fixtures/pdf/content/dinas");
    for f in ["_instansi.yaml", "umum/_bidang.yaml", "umum/simbol.yaml"] {
        p.write(
            &format!("content/uji-simbol/{f}"),
            &std::fs::read_to_string(fixture.join(f)).unwrap(),
        );
    }
    // Attribute breakers, `javascript:` links and template syntax: all of it must stay text.
    p.write("content/uji-simbol/umum/serangan.yaml", SERANGAN);
    p.write("content/uji-serangan/_instansi.yaml", SERANGAN_INSTANSI);
    p.write("content/uji-serangan/_keputusan.yaml", SERANGAN_KEPUTUSAN);
    p.write("content/uji-serangan/umum/_bidang.yaml", SERANGAN_BIDANG);
    p.write("content/uji-serangan/umum/layanan.yaml", SERANGAN_SOP);
    p.write(
        "content/halaman/tentang.md",
        "# Tentang portal\n\nPortal ini memuat SOP.\n\n<script>alert('md')</script>\n",
    );
    p
}

fn built() -> Project {
    let p = example_with_injection();
    let r = p.run(&["build", "--quiet"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    p
}

#[test]
fn every_internal_link_and_asset_resolves() {
    let p = built();
    let out = p.path().join("output");
    let mut checked = 0;
    for entry in walkdir::WalkDir::new(&out) {
        let entry = entry.unwrap();
        if entry.path().extension().and_then(|e| e.to_str()) != Some("html") {
            continue;
        }
        let html = std::fs::read_to_string(entry.path()).unwrap();
        for link in links(&html) {
            if link.starts_with("http")
                || link.starts_with("mailto:")
                || link.starts_with("tel:")
                || link.starts_with("data:")
                || link.starts_with('#')
            {
                continue;
            }
            assert!(
                link.starts_with('/'),
                "relative link {link} in {}",
                entry.path().display()
            );
            let path = link.split(['#', '?']).next().unwrap();
            let target = out.join(path.trim_start_matches('/'));
            let target = if path.ends_with('/') {
                target.join("index.html")
            } else {
                target
            };
            assert!(
                target.is_file(),
                "{} links to missing {link}",
                entry.path().display()
            );
            checked += 1;
        }
    }
    assert!(checked > 100, "only {checked} links checked");
}

#[test]
fn every_page_has_lang_title_and_description() {
    let p = built();
    for entry in walkdir::WalkDir::new(p.path().join("output")) {
        let entry = entry.unwrap();
        if entry.path().extension().and_then(|e| e.to_str()) != Some("html") {
            continue;
        }
        let html = std::fs::read_to_string(entry.path()).unwrap();
        let name = entry.path().display();
        assert!(html.contains("<html lang=\"id\">"), "{name}");
        assert!(
            html.contains("<title>") && !html.contains("<title></title>"),
            "{name}"
        );
        assert!(
            html.contains("<meta name=\"description\" content=\""),
            "{name}"
        );
        assert!(html.contains("Content-Security-Policy"), "{name}");
        assert!(html.contains("<main id=\"isi\""), "{name}");
        assert!(
            !html.contains("https://cdn") && !html.contains("fonts.googleapis"),
            "{name}"
        );
    }
}

#[test]
fn markup_in_content_is_shown_as_text() {
    let p = built();
    let html = p.read("output/uji-simbol/umum/simbol/index.html");
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{html}"
    );
    assert!(!html.contains("<script>alert"));
    assert!(html.contains("Staf &lt;i&gt;"));
    let page = p.read("output/halaman/tentang/index.html");
    assert!(page.contains("<h1>Tentang portal</h1>"));
    // ammonia drops raw `<script>` elements with their content.
    assert!(!page.contains("<script>alert"), "{page}");
    assert!(!page.contains("alert('md')"), "{page}");
}

#[test]
fn markup_in_instansi_bidang_and_decree_is_text_in_pages_and_pdf() {
    let p = built();
    for page in [
        "uji-serangan/index.html",
        "uji-serangan/umum/index.html",
        "index.html",
    ] {
        let html = p.read(&format!("output/{page}"));
        assert!(!html.contains("<script>alert"), "{page}: {html}");
        assert!(!html.contains("<svg onload"), "{page}");
        assert!(!html.contains("<img src=x"), "{page}");
        assert!(
            html.contains("&lt;script&gt;alert(9)&lt;/script&gt;"),
            "{page}"
        );
    }
    let bidang = p.read("output/uji-serangan/umum/index.html");
    assert!(
        bidang.contains("Bidang &lt;svg onload=alert(11)&gt; &amp; #read("),
        "{bidang}"
    );
    // The decree book: Typst markup and functions print as written, nothing is read or run,
    // and every page keeps the F4 size (`#set page(width: 1cm)` stays text).
    let pdf = p.path().join("output/uji-serangan/keputusan.pdf");
    let text = crate::pdf::pdf_text(&pdf);
    // Table cells wrap anywhere, so texts are compared without white space.
    let squeezed: String = text.split_whitespace().collect();
    for lit in [
        "36</title><script>alert(12)</script>",
        // The form writes the title in capitals.
        "SOP #SET TEXT(SIZE: 40PT) <U>GARIS</U>",
        "#set page(width: 1cm) *tebal* _miring_ $x^2$ ]]] [[[",
        "UU #eval(\"1+1\") \\ @label <ref> `kode`",
        "Lampiran #read(\"/etc/passwd\") {{ 7*7 }}",
        "DINAS \"><SCRIPT>ALERT(9)</SCRIPT>",
        "Bidang <svg onload=alert(11)> & #read(\"/etc/passwd\")",
        "Budi <u>Santoso</u>",
    ] {
        let lit: String = lit.split_whitespace().collect();
        assert!(
            squeezed.contains(&lit),
            "decree text lacks {lit:?}:\n{text}"
        );
    }
    assert!(!text.contains("root:"), "a file was read into the PDF");
    let info = Command::new("pdfinfo")
        .args(["-f", "1", "-l", "100"])
        .arg(&pdf)
        .output()
        .expect("pdfinfo (poppler-utils)");
    let info = String::from_utf8_lossy(&info.stdout);
    let sizes: Vec<&str> = info
        .lines()
        .filter(|l| l.starts_with("Page") && l.contains("size:"))
        .collect();
    assert!(sizes.len() >= 3, "{info}");
    for l in &sizes {
        assert!(
            l.contains("609.4") || l.contains("935.4"),
            "a page left F4: {l}"
        );
    }
}

#[test]
fn every_sop_page_holds_its_steps_summary_and_pdf() {
    let p = built();
    let mut n = 0;
    for (id, sop) in p.built_sops() {
        let html = p.read(&format!("output/{id}/index.html"));
        let text = html
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&");
        for l in sop["langkah"].as_array().unwrap() {
            let k = l["kegiatan"].as_str().unwrap();
            assert!(text.contains(k), "{id}: step {k:?} missing");
        }
        assert!(
            html.contains(&format!("href=\"/{id}.pdf\"")),
            "{id}: no PDF link"
        );
        assert!(html.contains("SHA-256 PDF: <code>"), "{id}: no checksum");
        assert!(
            text.contains(sop["total_waktu_teks"].as_str().unwrap()),
            "{id}: no total time"
        );
        assert!(html.contains("alur-1.svg"), "{id}: no flowchart image");
        // A step without a time is unknown, never zero: the total says how many are missing.
        let untimed = sop["langkah"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|l| l["waktu"].is_null())
            .count();
        let total = sop["total_waktu_teks"].as_str().unwrap();
        if untimed > 0 {
            assert!(
                total.contains(&format!("({untimed} langkah tanpa waktu"))
                    && (total.starts_with("lebih dari ") || total.starts_with("tidak diketahui")),
                "{id}: {total}"
            );
        }
        n += 1;
    }
    assert!(n >= 25);
}

#[test]
fn search_index_is_built_in_indonesian() {
    let p = built();
    let entry: serde_json::Value =
        serde_json::from_str(&p.read("output/pagefind/pagefind-entry.json")).unwrap();
    assert!(entry["languages"]["id"].is_object(), "{entry}");
    assert!(entry["languages"]["id"]["page_count"].as_u64().unwrap() >= 25);
    assert!(p.path().join("output/pagefind/pagefind.js").is_file());
    // No `base_url` in the example: no sitemap (see the base_url tests below), robots still.
    assert!(!p.path().join("output/sitemap.xml").exists());
    assert!(p.read("output/robots.txt").contains("User-agent"));
    assert!(p.path().join("output/404.html").is_file());
}

/// Whether the browser tests must run (CI sets `SOPAN_BROWSER=wajib`).
pub(crate) fn browser_required() -> bool {
    std::env::var("SOPAN_BROWSER").as_deref() == Ok("wajib")
}

/// The chromium to drive, or `None` (and a note) when this machine cannot run browser tests;
/// fails instead when they are required.
pub(crate) fn browser() -> Option<String> {
    let browser_dir = repo_root().join("tests/browser");
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let ready =
        Path::new(&chromium).exists() && browser_dir.join("node_modules/playwright-core").is_dir();
    if !ready {
        assert!(
            !browser_required(),
            "browser tests required but chromium or tests/browser/node_modules is missing (run .ci/run)"
        );
        eprintln!(
            "browser test skipped: install Debian chromium and run `npm ci --prefix tests/browser`"
        );
        return None;
    }
    Some(chromium)
}

/// Serves `output` and runs `tests/browser/site.mjs` over it in chromium with `expectations`
/// (searches, literal texts, axe pages, screenshots); fails the test with the report when a check
/// fails. Returns the screenshot folder.
pub(crate) fn run_site_checks(
    chromium: &str,
    output: &Path,
    expectations: &serde_json::Value,
) -> std::path::PathBuf {
    run_site_checks_at(chromium, output, "", expectations)
}

/// [`run_site_checks`] with the site served from `root` at `site_path` ("/sop"), as a site
/// with a `base_url` path is.
pub(crate) fn run_site_checks_at(
    chromium: &str,
    root: &Path,
    site_path: &str,
    expectations: &serde_json::Value,
) -> std::path::PathBuf {
    let server = StaticServer::start(root);
    let base = format!("{}{site_path}", server.url);
    let shots = screenshots();
    let dir = tempfile::tempdir().unwrap();
    let exp_file = dir.path().join("harapan.json");
    std::fs::write(&exp_file, expectations.to_string()).unwrap();
    let report = browser_script(
        chromium,
        "site.mjs",
        &[base.as_ref(), shots.as_os_str(), exp_file.as_os_str()],
        String::new,
    );
    eprintln!("{report}");
    assert!(report.contains("\"axe\""), "axe ran: {report}");
    shots
}

/// The issue's four searches of the example, each with a word of the SOP that must come first.
fn the_four_searches() -> serde_json::Value {
    serde_json::json!([
        {"query": "pengangkatan anak", "expect": "Adopsi"},
        {"query": "adopsi", "expect": "Adopsi"},
        {"query": "BPJS", "expect": "BPJS"},
        {"query": "surat keterangan terdaftar", "expect": "Terdaftar"},
    ])
}

#[test]
fn a_real_browser_searches_opens_results_and_finds_no_serious_accessibility_issue() {
    let Some(chromium) = browser() else { return };
    let p = built();
    let expectations = serde_json::json!({
        "searches": the_four_searches(),
        "excerpts": [
            {"query": "onfocus", "expect": "Serangan", "texts": ["Staf \" autofocus onfocus=\"alert(6)"]},
            {"query": "onerror", "expect": "Serangan", "texts": ["'><img src=x onerror=alert(1)>"]},
            {"query": "kodenya", "expect": "Serangan", "texts": ["Kodenya &lt;b&gt; &amp; AT&T"]},
        ],
        "literal": [
            {
                "url": "/uji-simbol/umum/simbol/",
                "texts": ["<script>alert(1)</script>", "Staf <i>", "#set page(width: 1cm)"],
            },
            {
                "url": "/uji-serangan/",
                "texts": [
                    "Dinas \"><script>alert(9)</script>",
                    "Jalan '><img src=x onerror=alert(10)> No. 1",
                    "(0512) <i>123</i>",
                    "Bidang <svg onload=alert(11)> & #read(\"/etc/passwd\")",
                ],
            },
            {
                "url": "/uji-serangan/umum/",
                "texts": ["Bidang <svg onload=alert(11)> & #read(\"/etc/passwd\")", "Layanan Uji"],
            },
            {
                "url": "/",
                "texts": ["Dinas \"><script>alert(9)</script>"],
            },
            {
                "url": "/uji-simbol/umum/serangan/",
                "texts": [
                    "'><img src=x onerror=alert(1)>",
                    "\"><svg onload=alert(2)>",
                    "javascript:alert(3)",
                    "<a href=\"javascript:alert(4)\">klik</a>",
                    "{{ 7*7 }} {% raw %} ${7*7} #{7*7}",
                    "</script><script>alert(8)</script>",
                    "Staf \" autofocus onfocus=\"alert(6)",
                    "Kodenya &lt;b&gt; &amp; AT&T",
                    "<b>KTP</b>",
                    "Rp 0 <script>alert(14)</script>",
                    "Loket '><img src=x onerror=alert(17)>",
                    "Lapor https://lapor.go.id/\"><script>alert(15)</script>",
                    "<a href=\"javascript:alert(16)\">klik</a> https://lapor.go.id/aduan",
                ],
            },
        ],
        "axe": [
            "/",
            "/tanah-laut-dinsos/",
            "/tanah-laut-dinsos/sekretariat/",
            "/tanah-laut-dinsos/sekretariat/surat-masuk/",
            "/tanah-laut-dinsos/pemberdayaan-sosial/terdaftar-dtks/",
            "/tanah-laut-dinsos/rehabilitasi-jaminan-sosial/aktivasi-bpjs-apbd/",
        ],
        // What a citizen came for is on a phone's first screen, before any scrolling.
        "first_screen": [
            {
                "url": "/tanah-laut-dinsos/pemberdayaan-sosial/terdaftar-dtks/",
                "ids": ["persyaratan", "waktu", "biaya", "pengaduan"],
            },
            {
                "url": "/tanah-laut-dinsos/rehabilitasi-jaminan-sosial/aktivasi-bpjs-apbd/",
                "ids": ["persyaratan", "waktu", "biaya", "pengaduan"],
            },
        ],
        // A phone reads the flow as a vertical diagram whose decisions jump to their steps; a
        // wide screen shows the official pages.
        "alur": [
            {"url": "/tanah-laut-dinsos/pemberdayaan-sosial/tanda-daftar-lks/", "langkah": 9, "keputusan": 2, "shot": "alur"},
        ],
        "screens": {
            "beranda": "/",
            "sop": "/tanah-laut-dinsos/sekretariat/surat-masuk/",
            "layanan": "/tanah-laut-dinsos/pemberdayaan-sosial/terdaftar-dtks/",
            "bidang": "/tanah-laut-dinsos/sekretariat/",
        },
    });
    let shots = run_site_checks(&chromium, &p.path().join("output"), &expectations);
    let shots_made: BTreeSet<String> = std::fs::read_dir(&shots)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into())
        .collect();
    assert!(shots_made.contains("beranda-360.png") && shots_made.contains("sop-1280.png"));
    assert!(shots_made.contains("layanan-360.png") && shots_made.contains("layanan-320.png"));
    assert!(shots_made.contains("alur-360.png") && shots_made.contains("alur-1280.png"));
}

#[test]
fn an_index_in_parts_is_searched_as_one_in_a_real_browser() {
    // A large site's index comes in parts (one Pagefind index each, merged by the page's
    // script). Forced here on the example: the same searches must rank the same SOPs first.
    // The site lives under a path (`base_url`), so results must link below it.
    let p = example_with_injection();
    p.write(
        "sopan.yaml",
        &format!(
            "base_url: https://contoh.go.id/sop\n{}",
            p.read("sopan.yaml")
        ),
    );
    let r = p.run_env(&["build", "--quiet"], &[("SOPAN_HALAMAN_PER_INDEKS", "6")]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = p.path().join("output");
    let listed: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("pagefind/sopan-bagian.json")).unwrap(),
    )
    .unwrap();
    let parts: Vec<&str> = listed["bagian"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(parts.len() >= 4, "{listed}");
    for part in &parts {
        let dir = out.join("pagefind").join(part);
        assert!(dir.join("pagefind-entry.json").is_file(), "{part}");
        assert!(!dir.join("pagefind.js").exists(), "{part} carries scripts");
        assert!(
            dir.join("fragment").read_dir().unwrap().next().is_some(),
            "{part}"
        );
    }
    let Some(chromium) = browser() else { return };
    let expectations = serde_json::json!({
        "searches": the_four_searches(),
        "excerpts": [
            {"query": "kodenya", "expect": "Serangan", "texts": ["Kodenya &lt;b&gt; &amp; AT&T"]},
        ],
        "axe": ["/cari/"],
    });
    let root = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(&out, root.path().join("sop")).unwrap();
    run_site_checks_at(&chromium, root.path(), "/sop", &expectations);

    // Without the list of parts the index cannot load: the results box says so.
    std::fs::remove_file(out.join("pagefind/sopan-bagian.json")).unwrap();
    let broken = serde_json::json!({
        "broken": [{"query": "adopsi", "text": "Pencarian tidak dapat dimuat"}],
        "axe": ["/cari/"],
    });
    run_site_checks_at(&chromium, root.path(), "/sop", &broken);
}

#[test]
fn every_sop_page_is_searchable_by_its_text_and_the_bundle_is_the_one_written() {
    // The index is written from search records (the content model), not read back from the
    // pages: each SOP's record must hold what its page says, escaped as text (the example
    // with the injection fixtures).
    let p = built();
    let loaded = sopan::load_and_validate(p.path()).unwrap();
    let site = &loaded.site;
    let records = sopan::site::search::record::records(site);
    assert_eq!(
        records.len(),
        site.sops().count() + site.halaman.len(),
        "one record per SOP page and free page"
    );
    let esc = |t: &str| {
        t.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    for (i, b, s) in site.sops_placed() {
        let r = records
            .iter()
            .find(|r| r.url.ends_with(&s.id.url()))
            .unwrap_or_else(|| panic!("{}: no record", s.id));
        assert_eq!(r.title, s.nama);
        assert_eq!(r.filters["bidang"], vec![b.nama.clone()]);
        assert!(r.filters["instansi"][0].starts_with(&i.nama), "{}", s.id);
        let mut wanted = vec![esc(&s.nama)];
        wanted.extend(s.dasar_hukum.iter().map(|d| esc(d)));
        wanted.extend(s.pelaksana.iter().map(|p| esc(p)));
        for l in &s.langkah {
            wanted.push(esc(&l.kegiatan));
            wanted.extend(l.kelengkapan.iter().map(|k| esc(k)));
            wanted.extend(l.output.iter().map(|o| esc(o)));
        }
        if !s.nomor.is_empty() {
            wanted.push(esc(&s.nomor));
        }
        for w in wanted {
            assert!(r.text.contains(&w), "{}: record lacks {w:?}", s.id);
        }
        assert!(!r.text.contains('<'), "{}: markup in the record", s.id);
    }
    let hal = records
        .iter()
        .find(|r| r.url.contains("/halaman/"))
        .expect("a free page record");
    assert!(!hal.text.is_empty() && !hal.title.is_empty());

    // What `build` wrote under pagefind/ is the bundle of these records.
    let mut bundle = sopan::site::search::index::index(records, None).unwrap();
    bundle.sort();
    assert!(bundle.len() > 10);
    for (path, bytes) in &bundle {
        let written = std::fs::read(p.path().join("output").join(path)).unwrap();
        assert!(written == *bytes, "{path} differs from the build's");
    }
}

#[test]
fn a_bare_number_of_minutes_shows_with_its_unit_on_the_sop_page() {
    let p = Project::base();
    p.write(
        "content/dinas/umum/surat-keluar.yaml",
        "nomor: \"2\"\nnama: Surat Keluar\npelaksana: [A]\nlangkah:\n  - kegiatan: Kirim\n    pelaksana: A\n    waktu: \"5\"\n  - kegiatan: Arsipkan\n    pelaksana: A\n    waktu: 1.Jam\n",
    );
    let r = p.run(&["build", "--quiet"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let html = p.read("output/dinas/umum/surat-keluar/index.html");
    assert!(html.contains("<dd>5 menit</dd>"), "{html}");
    assert!(html.contains("<dd>1 jam</dd>"), "{html}");
}

/// Every text file the build wrote (pages, open data, sitemap), by path.
fn text_files(out: &Path) -> Vec<(String, String)> {
    let mut v = Vec::new();
    for entry in walkdir::WalkDir::new(out) {
        let entry = entry.unwrap();
        let ext = entry.path().extension().and_then(|e| e.to_str());
        if matches!(ext, Some("html" | "json" | "xml"))
            && !entry.path().starts_with(out.join("pagefind"))
        {
            let rel = entry
                .path()
                .strip_prefix(out)
                .unwrap()
                .display()
                .to_string();
            v.push((rel, std::fs::read_to_string(entry.path()).unwrap()));
        }
    }
    v
}

/// The `content` of a page's `<meta name="description">`.
fn meta_description(html: &str) -> &str {
    html.split("<meta name=\"description\" content=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap_or("")
}

#[test]
fn a_step_without_waktu_never_shows_a_total_without_lebih_dari() {
    // Aktivasi BPJS APBD showed "51 menit" although two steps have no time. Here: an internal
    // procedure and a public service without a promised time, 7 + 6 minutes and one step with
    // no time; and a procedure none of whose steps has a time.
    let p = Project::base();
    let steps = "langkah:\n  - kegiatan: Terima\n    pelaksana: A\n    waktu: 7 menit\n  - kegiatan: Periksa\n    pelaksana: A\n  - kegiatan: Serahkan\n    pelaksana: A\n    waktu: 6 menit\n";
    p.write(
        "content/dinas/umum/internal.yaml",
        &format!("nomor: \"2\"\nnama: Prosedur Uji\npelaksana: [A]\n{steps}"),
    )
    .write(
        "content/dinas/umum/layanan.yaml",
        &format!("nomor: \"3\"\nnama: Layanan Uji\npelaksana: [A]\nlayanan:\n  persyaratan: KTP\n{steps}"),
    )
    .write(
        "content/dinas/umum/tanpa-waktu.yaml",
        "nomor: \"4\"\nnama: Tanpa Waktu\npelaksana: [A]\nlangkah:\n  - kegiatan: Terima\n    pelaksana: A\n  - kegiatan: Serahkan\n    pelaksana: A\n",
    );
    let r = p.run(&["build", "--quiet"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let wanted = "lebih dari 13 menit (1 langkah tanpa waktu)";
    let out = p.path().join("output");
    let files = text_files(&out);
    let mut shown = 0;
    for (path, text) in &files {
        // Every "13 menit" anywhere is part of the lower bound, never a bare total.
        let bare = text.matches("13 menit").count();
        let bounded = text.matches(wanted).count();
        assert_eq!(
            bare, bounded,
            "{path}: a total without \"lebih dari\":\n{text}"
        );
        shown += bounded;
        // No unknown time ever reads as zero.
        let zero = text
            .match_indices("0 menit")
            .any(|(k, _)| k == 0 || !text.as_bytes()[k - 1].is_ascii_digit());
        assert!(!zero, "{path} shows a zero time");
    }
    for (page, times) in [
        ("dinas/umum/internal/index.html", 1),
        ("dinas/umum/layanan/index.html", 1),
        ("dinas/umum/index.html", 2),
        ("dinas/index.html", 1),
        ("index.html", 1),
    ] {
        let html = p.read(&format!("output/{page}"));
        assert!(
            html.matches(wanted).count() >= times,
            "{page} shows the total fewer than {times} times"
        );
    }
    for page in ["internal", "layanan"] {
        let html = p.read(&format!("output/dinas/umum/{page}/index.html"));
        assert!(
            meta_description(&html).contains(wanted),
            "{page}: {}",
            meta_description(&html)
        );
    }
    for id in ["internal", "layanan"] {
        let json: serde_json::Value =
            serde_json::from_str(&p.read(&format!("output/dinas/umum/{id}.json"))).unwrap();
        assert_eq!(json["total_waktu_teks"], wanted, "{id}");
        assert_eq!(json["waktu_teks"], wanted, "{id}");
        assert_eq!(json["total_waktu"]["langkah_tanpa_waktu"], 1, "{id}");
    }
    assert!(p.read("output/data.json").matches(wanted).count() >= 4);
    // Pages (SOP, meta, bidang cards, instansi, home) and open data all say it.
    assert!(shown >= 12, "the total was shown only {shown} times");
    let none: serde_json::Value =
        serde_json::from_str(&p.read("output/dinas/umum/tanpa-waktu.json")).unwrap();
    assert_eq!(
        none["total_waktu_teks"],
        "tidak diketahui (2 langkah tanpa waktu)"
    );
}

#[test]
fn public_services_come_first_and_every_card_and_page_says_which_it_is() {
    let p = built();
    let sops = p.built_sops();
    let publik: Vec<&String> = sops
        .iter()
        .filter(|(_, s)| s["jenis_prosedur"] == "layanan_publik")
        .map(|(id, _)| id)
        .collect();
    assert!(publik.len() >= 10, "{publik:?}");
    assert!(publik.len() < sops.len());
    // The home page lists every public service before the instansi.
    let home = p.read("output/index.html");
    let before = home.split_once("id=\"judul-instansi\"").unwrap().0;
    let section = before
        .split_once("id=\"judul-layanan\"")
        .expect("a Layanan publik section")
        .1;
    for id in &publik {
        assert!(
            section.contains(&format!("href=\"/{id}/\"")),
            "home lacks {id}"
        );
    }
    assert_eq!(
        section.matches("<li class=\"kartu\">").count(),
        publik.len()
    );
    // The instansi page: its public services before its contact and bidang.
    let tala = p.read("output/tanah-laut-dinsos/index.html");
    let layanan_at = tala.find("id=\"judul-layanan\"").unwrap();
    assert!(layanan_at < tala.find("id=\"judul-kontak\"").unwrap());
    assert!(layanan_at < tala.find("id=\"judul-bidang\"").unwrap());
    // Bidang pages: public services first, each card labelled.
    for b in [
        "sekretariat",
        "rehabilitasi-jaminan-sosial",
        "pemberdayaan-sosial",
    ] {
        let html = p.read(&format!("output/tanah-laut-dinsos/{b}/index.html"));
        let cards = html.matches("<li class=\"kartu\">").count();
        let labels = html.matches("class=\"label jenis").count();
        assert_eq!(cards, labels, "{b}: a card without its label");
        let last_public = html.rfind(">Layanan publik</span>");
        let first_internal = html.find(">Prosedur internal</span>");
        if let (Some(lp), Some(fi)) = (last_public, first_internal) {
            assert!(
                lp < fi,
                "{b}: an internal procedure before a public service"
            );
        }
    }
    // SOP pages: a public service opens with the Ringkasan layanan, the document identity
    // after it; an internal procedure says so and has none.
    for (id, sop) in &sops {
        let html = p.read(&format!("output/{id}/index.html"));
        if sop["jenis_prosedur"] == "layanan_publik" {
            let ringkasan = html
                .find("Ringkasan layanan")
                .unwrap_or_else(|| panic!("{id}"));
            assert!(ringkasan < html.find("Nomor SOP").unwrap(), "{id}");
            assert!(
                ringkasan < html.find("id=\"judul-langkah\"").unwrap(),
                "{id}"
            );
            assert!(html.contains(">Layanan publik</span>"), "{id}");
            assert!(
                meta_description(&html).starts_with("Layanan publik"),
                "{id}"
            );
        } else {
            assert!(!html.contains("Ringkasan layanan"), "{id}");
            assert!(html.contains(">Prosedur internal</span>"), "{id}");
        }
    }
    // What the citizen brings is the service's persyaratan, never step 1's kelengkapan: the
    // report that starts Layanan Anak Terlantar is not asked of anyone.
    let anak =
        p.read("output/tanah-laut-dinsos/rehabilitasi-jaminan-sosial/anak-terlantar/index.html");
    let persyaratan = anak
        .split_once("id=\"persyaratan\"")
        .unwrap()
        .1
        .split("</div>")
        .next()
        .unwrap();
    assert!(persyaratan.contains("Tidak disebutkan"), "{persyaratan}");
    assert!(!persyaratan.contains("Laporan"), "{persyaratan}");
}

/// Every `<loc>` of a sitemap.
fn locs(xml: &str) -> Vec<String> {
    xml.split("<loc>")
        .skip(1)
        .filter_map(|s| s.split("</loc>").next())
        .map(str::to_string)
        .collect()
}

/// The `content` of a page's `<meta property="…">`.
fn meta_property<'a>(html: &'a str, property: &str) -> Option<&'a str> {
    let start = html.find(&format!("<meta property=\"{property}\" content=\""))?;
    let rest = &html[start..];
    let value = rest.split("content=\"").nth(1)?;
    value.split('"').next()
}

const LKS: &str = "tanah-laut-dinsos/pemberdayaan-sosial/tanda-daftar-lks";

#[test]
fn without_base_url_no_sitemap_canonical_or_open_graph_and_a_warning_says_why() {
    let p = Project::example();
    let r = p.run(&["build"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("peringatan: sitemap.xml tidak dibuat karena `base_url` belum diisi"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("bantuan: tambahkan mis. `base_url:"));
    assert!(!p.path().join("output/sitemap.xml").exists());
    let robots = p.read("output/robots.txt");
    assert!(
        robots.contains("User-agent: *") && !robots.contains("Sitemap:"),
        "{robots}"
    );
    for (path, html) in text_files(&p.path().join("output")) {
        if !path.ends_with(".html") {
            continue;
        }
        assert!(!html.contains("rel=\"canonical\""), "{path}");
        assert!(!html.contains("og:"), "{path}");
        assert!(
            !html.contains("sitemap.xml"),
            "{path} links a sitemap that is not there"
        );
    }
    // The print footer names the page by its path instead.
    let page = p.read(&format!("output/{LKS}/index.html"));
    assert!(
        page.contains(&format!("Dicetak dari /{LKS}/ · keadaan situs per ")),
        "{page}"
    );
}

#[test]
fn with_base_url_the_sitemap_lists_absolute_urls_and_pages_carry_canonical_and_open_graph() {
    let p = Project::example();
    let yaml = p.read("sopan.yaml");
    p.write(
        "sopan.yaml",
        &format!("{yaml}\nbase_url: https://sop.contoh.go.id/portal/\n"),
    );
    let r = p.run(&["build"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        !r.stderr.contains("sitemap.xml tidak dibuat"),
        "{}",
        r.stderr
    );
    let out = p.path().join("output");
    let xml = p.read("output/sitemap.xml");
    let urls = locs(&xml);
    let pages = text_files(&out)
        .iter()
        .filter(|(path, _)| path.ends_with("index.html"))
        .count();
    assert_eq!(urls.len(), pages, "one <loc> per page");
    for u in &urls {
        assert!(u.starts_with("https://sop.contoh.go.id/portal/"), "{u}");
        assert!(u.ends_with('/') && !u.contains("index.html"), "{u}");
    }
    assert!(urls.contains(&format!("https://sop.contoh.go.id/portal/{LKS}/")));
    assert!(
        p.read("output/robots.txt")
            .contains("Sitemap: https://sop.contoh.go.id/portal/sitemap.xml\n")
    );

    let page = p.read(&format!("output/{LKS}/index.html"));
    let kanonik = format!("https://sop.contoh.go.id/portal/{LKS}/");
    assert!(
        page.contains(&format!("<link rel=\"canonical\" href=\"{kanonik}\">")),
        "{page}"
    );
    assert_eq!(meta_property(&page, "og:url"), Some(kanonik.as_str()));
    let title = page
        .split("<title>")
        .nth(1)
        .and_then(|t| t.split("</title>").next())
        .unwrap();
    assert_eq!(meta_property(&page, "og:title"), Some(title));
    assert!(title.starts_with("Tanda Daftar dan Ijin Operasional LKS"));
    assert_eq!(
        meta_property(&page, "og:description"),
        Some(meta_description(&page))
    );
    assert!(!meta_description(&page).is_empty());
    assert_eq!(
        meta_property(&page, "og:site_name"),
        Some("Portal SOP Dinas Sosial")
    );
    // Sharing and printing use the same absolute address.
    assert!(
        page.contains(
            "https://wa.me/?text=Tanda%20Daftar%20dan%20Ijin%20Operasional%20LKS%20%E2%80%94%20https%3A%2F%2Fsop.contoh.go.id%2Fportal%2Ftanah-laut-dinsos%2Fpemberdayaan-sosial%2Ftanda-daftar-lks%2F"
        ),
        "{page}"
    );
    assert!(page.contains(&format!("data-url=\"{kanonik}\"")));
    assert!(page.contains(&format!("Dicetak dari {kanonik} · keadaan situs per ")));
    // The home page's canonical address is the site's root; the 404 page has none.
    let home = p.read("output/index.html");
    assert!(home.contains("<link rel=\"canonical\" href=\"https://sop.contoh.go.id/portal/\">"));
    assert_eq!(
        meta_property(&home, "og:title"),
        Some("Portal SOP Dinas Sosial")
    );
    assert!(!p.read("output/404.html").contains("rel=\"canonical\""));
    // Markup in a title stays escaped in Open Graph too.
    let p2 = example_with_injection();
    let yaml = p2.read("sopan.yaml");
    p2.write(
        "sopan.yaml",
        &format!("{yaml}\nbase_url: https://sop.contoh.go.id\n"),
    );
    assert_eq!(p2.run(&["build", "--quiet"]).code, 0);
    let attack = p2.read("output/uji-simbol/umum/serangan/index.html");
    let og = meta_property(&attack, "og:title").unwrap();
    assert!(og.contains("&lt;img src=x onerror=alert(1)&gt;"), "{og}");
    assert!(!og.contains('<') && !og.contains('>'), "{og}");
}

#[test]
fn open_data_csv_has_one_row_per_sop_and_quotes_commas_quotes_and_line_breaks() {
    let p = Project::example();
    // A line break in a name cannot reach the PDF (Typst draws no "\n"), so the CSV writer's
    // quoting of one is a unit test of `render::data`; here `,` and `"` go end to end.
    let tricky = "Surat \"Khusus\", satu, dua";
    p.write(
        "content/tanah-laut-dinsos/sekretariat/surat-khusus.yaml",
        &format!(
            "nomor: \"800/9, A\"\nnama: {}\npelaksana: [Staf]\nlangkah:\n  - kegiatan: Mulai\n    pelaksana: Staf\n    waktu: 5 menit\n  - kegiatan: Selesai\n    pelaksana: Staf\n    waktu: 5 menit\n",
            serde_json::to_string(tricky).unwrap()
        ),
    );
    let r = p.run(&["build"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let bytes = std::fs::read(p.path().join("output/data.csv")).unwrap();
    assert!(
        !bytes.starts_with(&[0xEF, 0xBB, 0xBF]),
        "no byte-order mark"
    );
    let text = String::from_utf8(bytes.clone()).unwrap();
    assert!(text.starts_with("id,nama,instansi,pemerintah,bidang,jenis,nomor,"));
    assert!(
        text.contains(",\"Surat \"\"Khusus\"\", satu, dua\","),
        "RFC 4180 quoting: {text}"
    );
    assert!(text.contains(",\"800/9, A\","));
    assert!(text.ends_with("\r\n"));

    let index: serde_json::Value = serde_json::from_str(&p.read("output/data.json")).unwrap();
    let jumlah = index["jumlah_sop"].as_u64().unwrap() as usize;
    let mut reader = csv::Reader::from_reader(bytes.as_slice());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    assert_eq!(header.len(), 15);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), jumlah, "one row per SOP");
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let row = rows
        .iter()
        .find(|r| &r[col("id")] == "tanah-laut-dinsos/sekretariat/surat-khusus")
        .expect("the new SOP's row");
    assert_eq!(&row[col("nama")], tricky);
    assert_eq!(&row[col("nomor")], "800/9, A");
    assert_eq!(&row[col("jenis")], "prosedur_internal");
    assert_eq!(&row[col("jumlah_langkah")], "2");
    assert_eq!(&row[col("waktu_teks")], "10 menit");
    assert_eq!(
        &row[col("url")],
        "/tanah-laut-dinsos/sekretariat/surat-khusus/"
    );
    let lks = rows
        .iter()
        .find(|r| &r[col("id")] == LKS)
        .expect("tanda-daftar-lks");
    assert_eq!(&lks[col("jenis")], "layanan_publik");
    assert_eq!(&lks[col("tanggal_pembuatan")], "2022-07-01");
    assert_eq!(&lks[col("instansi")], "Dinas Sosial");
    // Every page says where the open data is and that its licence is not set.
    let home = p.read("output/index.html");
    assert!(home.contains("href=\"/data.csv\""));
    assert!(home.contains("Lisensi belum ditetapkan di sopan.yaml"));
}

/// `pdftotext` of one page of a PDF.
fn pdf_page_text(pdf: &Path, page: usize) -> String {
    let n = page.to_string();
    let out = Command::new("pdftotext")
        .args(["-f", &n, "-l", &n, "-layout"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn pdf_page_count(pdf: &Path) -> usize {
    let out = Command::new("pdfinfo")
        .arg(pdf)
        .output()
        .expect("pdfinfo runs");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("a page count")
}

#[test]
fn flow_captions_number_the_pages_as_the_pdf_does() {
    let p = Project::example();
    assert_eq!(p.run(&["build", "--quiet"]).code, 0);
    let out = p.path().join("output");
    let mut checked = 0;
    let mut after_flow = 0;
    for (path, html) in text_files(&out) {
        let Some(dir) = path.strip_suffix("/index.html") else {
            continue;
        };
        let pdf = out.join(format!("{dir}.pdf"));
        if !html.contains("class=\"alur-resmi\"") || !pdf.is_file() {
            continue;
        }
        let total = pdf_page_count(&pdf);
        // The captions, in order: "Halaman 2 dari 3 dokumen resmi."
        let captioned: Vec<(usize, usize)> = html
            .split("<figcaption>Halaman ")
            .skip(1)
            .map(|c| {
                let (k, rest) = c.split_once(" dari ").unwrap();
                let n = rest.split(' ').next().unwrap();
                (k.parse().unwrap(), n.parse().unwrap())
            })
            .collect();
        assert!(!captioned.is_empty(), "{path}");
        // The PDF's flow pages are those whose table has the Mutu Baku columns.
        let flow_pages: Vec<usize> = (1..=total)
            .filter(|&k| pdf_page_text(&pdf, k).contains("Mutu Baku"))
            .collect();
        assert_eq!(
            captioned.iter().map(|c| c.0).collect::<Vec<_>>(),
            flow_pages,
            "{path}: captions against the PDF's flow pages"
        );
        for (k, n) in &captioned {
            assert_eq!(*n, total, "{path}: page total");
            let text = pdf_page_text(&pdf, *k);
            assert!(
                text.contains(&format!("halaman {k} dari {total}")),
                "{path}: page {k}'s own footer: {text}"
            );
            // The same numbers in the image's alternative text, link and phone link.
            assert!(html.contains(&format!("halaman {k} dari {total} dokumen resmi;")));
            assert!(html.contains(&format!(">halaman {k} dari {total}</a>")));
        }
        if flow_pages.last() < Some(&total) {
            after_flow += 1;
        }
        checked += 1;
    }
    assert!(checked >= 20, "only {checked} SOP pages checked");
    assert!(
        after_flow >= 1,
        "an SOP with pages after its flow (identifikasi) was checked"
    );
}

#[test]
fn the_vertical_flow_has_one_symbol_per_step_and_decisions_link_their_targets() {
    let p = Project::example();
    assert_eq!(p.run(&["build", "--quiet"]).code, 0);
    let page = p.read(&format!("output/{LKS}/index.html"));
    let list = page
        .split("<ol class=\"alur-v\">")
        .nth(1)
        .and_then(|s| s.split("</ol>").next())
        .expect("the vertical flow");
    let steps = page.matches("<li id=\"langkah-").count();
    assert_eq!(list.matches("class=\"alur-v-langkah ").count(), steps);
    assert!(list.contains("<li class=\"alur-v-langkah terminator\" id=\"alur-1\">"));
    assert_eq!(list.matches("alur-v-langkah keputusan").count(), 2);
    // Step 2 (FO SLRT): Ya to step 3, Tidak back to step 1; step 4: Ya 5, Tidak back to 3.
    assert!(
        list.contains(
            "<span class=\"label\">Ya</span> <a href=\"#langkah-3\">lanjut ke langkah 3</a>"
        ),
        "{list}"
    );
    assert!(list.contains(
        "<span class=\"label\">Tidak</span> <a href=\"#langkah-1\">kembali ke langkah 1</a>"
    ));
    assert!(list.contains("<a href=\"#langkah-5\">lanjut ke langkah 5</a>"));
    assert!(list.contains("<a href=\"#langkah-3\">kembali ke langkah 3</a>"));
    assert!(list.contains("Pelaksana: FO SLRT"));
    for target in list.split("href=\"#").skip(1) {
        let id = target.split('"').next().unwrap();
        assert!(
            page.contains(&format!("<li id=\"{id}\">")),
            "#{id} is a step"
        );
    }
    // The official pages stay one tap away, full size.
    assert!(page.contains(&format!(
        "<a href=\"/{LKS}/alur-1.svg\">halaman 2 dari 3</a>"
    )));
    assert!(page.contains(&format!("href=\"/{LKS}.pdf#page=2\"")));
}
