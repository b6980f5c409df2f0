//! HTML: the citizens' site rendered with Tera from the theme's templates (autoescaped), plus
//! the theme's static files, 404, sitemap (only with `base_url`) and robots. Content reaches HTML only through
//! escaping templates; Markdown pages are sanitised with ammonia.

use std::collections::HashMap;
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};
use tera::{Context, Tera};

use crate::error::Error;
use crate::history::History;
use crate::kept::Kept;
use crate::model::layanan::{Layanan, Potongan, potong_tautan, tel_url, wa_url};
use crate::model::org::{Bidang, Instansi, Pejabat};
use crate::model::sop::{Jenis, Keterkaitan, Langkah, Sop, Tujuan};
use crate::model::tanggal::Tanggal;
use crate::model::waktu::TotalWaktu;
use crate::model::{Halaman, Site};
use crate::output::{Blob, Output};
use crate::render::Extras;
use crate::theme::Theme;

mod audit;
mod history;
pub use history::diff_report;

/// SHA-256 of the theme's templates, names and bytes.
fn templates_hash(theme: &Theme) -> [u8; 32] {
    let mut h = Sha256::new();
    theme.digest_into(&["templates"], &mut h);
    h.finalize().into()
}

/// Loads every `templates/*.html` of the theme into Tera.
fn tera(theme: &Theme) -> Result<Tera, Error> {
    let mut t = Tera::default();
    let templates: Vec<(String, String)> = theme
        .under("templates")
        .map(|(name, bytes)| {
            (
                name.to_string(),
                String::from_utf8_lossy(bytes).into_owned(),
            )
        })
        .collect();
    t.add_raw_templates(templates)
        .map_err(|e| template_error("memuat templat situs", e))?;
    t.autoescape_on(vec![".html", ".xml"]);
    t.set_escape_fn(escape_html);
    Ok(t)
}

/// HTML escaping of text and attribute values. Unlike Tera 1's default it leaves `/` alone, so
/// URLs read as written; `&`, `<`, `>`, `"` and `'` are all a value can break out with.
fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

fn template_error(doing: &str, e: tera::Error) -> Error {
    let mut err = Error::new(format!("gagal {doing}"));
    let mut source: Option<&dyn std::error::Error> = Some(&e);
    while let Some(s) = source {
        err = err.cause(s);
        source = s.source();
    }
    err.hint("ini galat templat tema (folder `templates/`), bukan galat isi SOP")
}

#[derive(Serialize, Clone)]
struct Crumb {
    nama: String,
    url: String,
}

#[derive(Serialize)]
struct SiteCtx<'a> {
    judul: &'a str,
    deskripsi: Option<&'a str>,
    /// Whether `sitemap.xml` is written (only with `base_url`: it must list absolute URLs).
    sitemap: bool,
    /// The pinned date of this build ("6 Desember 2026"), for the print footer.
    per: String,
}

/// What every page knows of its own address.
#[derive(Serialize)]
struct PageCtx {
    /// Its absolute URL, when `base_url` is set (canonical link, Open Graph, print footer).
    kanonik: Option<String>,
    /// Its path from the site's root, `base` included ("/sop/dinas/"), for the print footer
    /// when there is no `base_url`.
    path: String,
}

#[derive(Serialize)]
struct FileRef {
    url: String,
    ukuran: String,
    sha256: String,
}

#[derive(Serialize)]
struct SopCard {
    nama: String,
    nomor: String,
    url: String,
    jumlah_langkah: usize,
    /// The total of the steps' times, never an unknown shown as zero.
    total_waktu: String,
    /// What a citizen is told: the promised `jangka_waktu`, else `total_waktu`.
    waktu: String,
    layanan_publik: bool,
    /// "Layanan publik" or "Prosedur internal".
    jenis: &'static str,
    /// "Dinas Sosial Kabupaten Tanah Laut", for lists that span instansi.
    instansi: String,
}

#[derive(Serialize)]
struct PageLink {
    judul: String,
    url: String,
}

/// Everything shared by the pages of one build.
struct Ctx<'a> {
    site: &'a Site,
    tera: Tera,
    base: String,
    /// Lower-cased SOP name (without a leading "SOP ") → page URL, per instansi.
    names: HashMap<(String, String), String>,
    /// History and audit.
    extras: &'a Extras,
    /// Pages of earlier builds (`serve`), with the hash of this build's templates.
    cache: Option<(&'a PageCache, [u8; 32])>,
}

impl Ctx<'_> {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The absolute URL of a path below the site's root ("/dinas/"), when `base_url` is set.
    fn absolute(&self, path: &str) -> Option<String> {
        let base = self.site.settings.base_url.as_deref()?;
        Some(format!("{}{path}", base.trim_end_matches('/')))
    }

    fn page(
        &self,
        template: &str,
        mut ctx: Context,
        out: &mut Output,
        path: &str,
    ) -> Result<(), Error> {
        ctx.insert(
            "site",
            &SiteCtx {
                judul: &self.site.settings.judul,
                deskripsi: self.site.settings.deskripsi.as_deref(),
                sitemap: self.site.settings.base_url.is_some(),
                per: self.extras.audit.per.indonesia(),
            },
        );
        ctx.insert("base", &self.base);
        let url_path = page_url_path(path);
        ctx.insert(
            "halaman_ini",
            &PageCtx {
                // The 404 page is served at every missing address: it has no address of its own.
                kanonik: url_path.as_deref().and_then(|u| self.absolute(u)),
                path: self.url(url_path.as_deref().unwrap_or("/")),
            },
        );
        let umum: Vec<PageLink> = self
            .site
            .halaman
            .iter()
            .filter(|h| h.instansi.is_none())
            .map(|h| PageLink {
                judul: h.judul(),
                url: h.url(),
            })
            .collect();
        ctx.insert("halaman_umum", &umum);
        let key = self.cache.map(|(cache, templates)| {
            let mut h = Sha256::new();
            h.update(templates);
            h.update(template.as_bytes());
            h.update([0]);
            // Tera's context is a sorted map of JSON values: the same data, the same bytes.
            let data = serde_json::to_vec(&ctx.clone().into_json()).unwrap_or_default();
            h.update(&data);
            (cache, <[u8; 32]>::from(h.finalize()))
        });
        if let Some((cache, key)) = &key
            && let Some(blob) = cache.get(key)
        {
            out.insert_blob(path, blob);
            return Ok(());
        }
        let html = self
            .tera
            .render(template, &ctx)
            .map_err(|e| template_error(&format!("menyusun `{path}`"), e))?;
        let html = open_graph_text(html);
        let blob = Blob::new(html.into_bytes());
        if let Some((cache, key)) = key {
            cache.put(key, Arc::clone(&blob));
        }
        out.insert_blob(path, blob);
        Ok(())
    }

    /// The URL of the SOP a free text names ("SOP Surat Masuk"), inside the same instansi.
    fn named_link(&self, instansi: &str, text: &str) -> Option<String> {
        self.names
            .get(&(instansi.to_string(), name_key(text)))
            .cloned()
    }
}

/// The URL path of an output page: "a/b/index.html" is "/a/b/"; `None` for a page that is not
/// an `index.html` (the 404 page).
fn page_url_path(path: &str) -> Option<String> {
    let dir = path.strip_suffix("index.html")?;
    Some(format!("/{dir}"))
}

/// Fills the Open Graph title and description a page's head asks for (an empty
/// `<meta property="og:title" content="">`, written only with `base_url`) from its `<title>` and
/// its description, already escaped by the template: a theme writes each once, for its blocks.
fn open_graph_text(html: String) -> String {
    let between = |from: &str, to: &str| -> Option<String> {
        let start = html.find(from)? + from.len();
        let len = html[start..].find(to)?;
        Some(html[start..start + len].to_string())
    };
    let head_end = html.find("</head>").unwrap_or(0);
    let empty_title = "<meta property=\"og:title\" content=\"\">";
    let empty_desc = "<meta property=\"og:description\" content=\"\">";
    if !html[..head_end].contains(empty_title) && !html[..head_end].contains(empty_desc) {
        return html;
    }
    let title = between("<title>", "</title>").unwrap_or_default();
    let desc = between("<meta name=\"description\" content=\"", "\"").unwrap_or_default();
    // Escaped text of an element is also a safe attribute value: the escape covers `"` and `'`.
    html.replacen(
        empty_title,
        &format!("<meta property=\"og:title\" content=\"{}\">", title.trim()),
        1,
    )
    .replacen(
        empty_desc,
        &format!(
            "<meta property=\"og:description\" content=\"{}\">",
            desc.trim()
        ),
        1,
    )
}

fn name_key(text: &str) -> String {
    let t = text.trim().to_lowercase();
    let t = t.strip_prefix("sop ").unwrap_or(&t);
    t.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// "1,2 MB", "54 kB".
fn size(bytes: usize) -> String {
    if bytes >= 1_000_000 {
        format!("{:.1} MB", bytes as f64 / 1_000_000.0).replace('.', ",")
    } else {
        format!("{} kB", bytes.div_ceil(1000))
    }
}

fn file_ref(out: &Output, base: &str, path: &str) -> Option<FileRef> {
    let blob = out.blob(path)?;
    Some(FileRef {
        url: format!("{base}/{path}"),
        ukuran: size(blob.bytes().len()),
        sha256: hex(&blob.sha256()),
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The region of an instansi: its pemerintah without "Pemerintah " ("Kabupaten Tanah Laut").
pub(crate) fn wilayah(i: &Instansi) -> String {
    i.pemerintah
        .strip_prefix("Pemerintah ")
        .unwrap_or(&i.pemerintah)
        .to_string()
}

/// The path part of `base_url` ("/sop" for "https://example.go.id/sop"), so the site also works
/// below a sub-path.
pub fn base_path(base_url: Option<&str>) -> String {
    let Some(u) = base_url else {
        return String::new();
    };
    let after_scheme = u.split_once("://").map(|(_, r)| r).unwrap_or(u);
    match after_scheme.find('/') {
        Some(i) => after_scheme[i..].trim_end_matches('/').to_string(),
        None => String::new(),
    }
}

/// Pages rendered by earlier builds of `serve`, by a SHA-256 of the theme's templates, the
/// template and the page's whole context: a page whose data did not change is not rendered
/// again (Tera was two thirds of the 0.1 s a save spent on the pages of 1,000 SOPs).
pub type PageCache = Kept<[u8; 32], Arc<Blob>>;

/// Renders every page into `out`. Needs the PDFs and flowchart SVGs already in `out`.
pub fn render(
    site: &Site,
    theme: &Theme,
    extras: &Extras,
    out: &mut Output,
    cache: Option<&PageCache>,
) -> Result<(), Error> {
    let mut names = HashMap::new();
    for s in site.sops() {
        names.insert((s.id.instansi.clone(), name_key(&s.nama)), s.id.url());
    }
    let ctx = Ctx {
        site,
        tera: tera(theme)?,
        base: base_path(site.settings.base_url.as_deref()),
        names,
        extras,
        cache: cache.map(|c| (c, templates_hash(theme))),
    };
    for (name, bytes) in theme.under("static") {
        out.insert(format!("static/{name}"), bytes.to_vec());
    }
    index(&ctx, out)?;
    let all = site.sops_placed();
    // SOP pages are most of the site and each depends only on its SOP and its files: rendered
    // on all cores, each into its own output, then gathered.
    let files: &Output = out;
    let pages: Vec<Result<Output, Error>> = all
        .par_iter()
        .map(|&(i, b, s)| {
            let mut mine = Output::new();
            sop(&ctx, i, b, s, files, &mut mine)?;
            history::diff_pages(&ctx, i, b, s, &mut mine)?;
            Ok(mine)
        })
        .collect();
    for p in pages {
        out.extend(p?);
    }
    for i in &site.instansi {
        instansi(&ctx, i, out)?;
        for b in &i.bidang {
            bidang(&ctx, i, b, out)?;
        }
    }
    for h in &site.halaman {
        halaman(&ctx, h, out)?;
    }
    ctx.page("cari.html", Context::new(), out, "cari/index.html")?;
    audit::page(&ctx, out)?;
    ctx.page("404.html", Context::new(), out, "404.html")?;
    sitemap(&ctx, out);
    Ok(())
}

fn card(ctx: &Ctx, i: &Instansi, s: &Sop) -> SopCard {
    SopCard {
        nama: s.nama.clone(),
        nomor: s.nomor.clone(),
        url: ctx.url(&s.id.url()),
        jumlah_langkah: s.langkah.len(),
        total_waktu: s.total_waktu.teks(),
        waktu: s.waktu_teks(),
        layanan_publik: s.layanan_publik(),
        jenis: s.jenis_label(),
        instansi: format!("{} {}", i.nama, wilayah(i)),
    }
}

fn index(ctx: &Ctx, out: &mut Output) -> Result<(), Error> {
    #[derive(Serialize)]
    struct I {
        nama: String,
        pemerintah: String,
        url: String,
        jumlah_sop: usize,
        jumlah_layanan: usize,
        jumlah_bidang: usize,
    }
    #[derive(Serialize)]
    struct Recent {
        nama: String,
        url: String,
        instansi: String,
        tanggal: String,
        tanggal_label: &'static str,
        jenis: &'static str,
        #[serde(skip)]
        key: (Tanggal, String),
    }
    let list: Vec<I> = ctx
        .site
        .instansi
        .iter()
        .map(|i| I {
            nama: format!("{} {}", i.nama, wilayah(i)),
            pemerintah: i.pemerintah.clone(),
            url: ctx.url(&format!("/{}/", i.id)),
            jumlah_sop: i.sops().count(),
            jumlah_layanan: i.sops().filter(|s| s.layanan_publik()).count(),
            jumlah_bidang: i.bidang.len(),
        })
        .collect();
    // What citizens come for first: every public service of the site, instansi by instansi.
    let layanan: Vec<SopCard> = ctx
        .site
        .instansi
        .iter()
        .flat_map(|i| i.sops().filter(|s| s.layanan_publik()).map(move |s| (i, s)))
        .map(|(i, s)| card(ctx, i, s))
        .collect();
    // With git history, what changed last is what was committed last (by author date); else
    // the dates written in the content.
    let from_git = matches!(ctx.extras.history, History::Available(_))
        && ctx
            .site
            .sops()
            .any(|s| !ctx.extras.history.of(&s.id).is_empty());
    let mut recent: Vec<Recent> = ctx
        .site
        .instansi
        .iter()
        .flat_map(|i| i.sops().map(move |s| (i, s)))
        .filter_map(|(i, s)| {
            let (t, label) = if from_git {
                (latest_commit(ctx, s)?, "diubah")
            } else {
                match (s.tanggal_revisi, s.tanggal_efektif) {
                    (Some(t), _) => (t, "direvisi"),
                    (None, Some(t)) => (t, "berlaku"),
                    _ => return None,
                }
            };
            Some(Recent {
                nama: s.nama.clone(),
                url: ctx.url(&s.id.url()),
                instansi: format!("{} {}", i.nama, wilayah(i)),
                tanggal: t.indonesia(),
                tanggal_label: label,
                jenis: s.jenis_label(),
                key: (t, s.id.to_string()),
            })
        })
        .collect();
    recent.sort_by(|a, b| b.key.0.cmp(&a.key.0).then_with(|| a.key.1.cmp(&b.key.1)));
    recent.truncate(8);
    let mut c = Context::new();
    c.insert("instansi", &list);
    c.insert("layanan", &layanan);
    c.insert("terbaru", &recent);
    ctx.page("index.html", c, out, "index.html")
}

/// The author date of the newest committed version of `s`, if git knows it.
fn latest_commit(ctx: &Ctx, s: &Sop) -> Option<Tanggal> {
    ctx.extras
        .history
        .of(&s.id)
        .iter()
        .filter_map(|v| v.date)
        .max()
}

/// When `s` last changed: the latest of its written dates and of its commits' author dates.
/// Both are fixed by the content and its history, so two builds agree.
fn terakhir_diperbarui(ctx: &Ctx, s: &Sop) -> Option<Tanggal> {
    [
        s.tanggal_pembuatan,
        s.tanggal_revisi,
        s.tanggal_efektif,
        latest_commit(ctx, s),
    ]
    .into_iter()
    .flatten()
    .max()
}

fn crumbs(ctx: &Ctx, parts: &[(&str, String)]) -> Vec<Crumb> {
    let mut v = vec![Crumb {
        nama: "Beranda".into(),
        url: ctx.url("/"),
    }];
    v.extend(parts.iter().map(|(n, u)| Crumb {
        nama: n.to_string(),
        url: ctx.url(u),
    }));
    v
}

/// The crumbs of an SOP's page (instansi, bidang, SOP), then `more` for pages below it.
fn sop_crumbs(ctx: &Ctx, i: &Instansi, b: &Bidang, s: &Sop, more: &[(&str, String)]) -> Vec<Crumb> {
    let instansi = format!("{} {}", i.nama, wilayah(i));
    let mut parts: Vec<(&str, String)> = vec![
        (&instansi, format!("/{}/", i.id)),
        (&b.nama, format!("/{}/{}/", i.id, b.id)),
        (&s.nama, s.id.url()),
    ];
    parts.extend(more.iter().cloned());
    crumbs(ctx, &parts)
}

fn instansi(ctx: &Ctx, i: &Instansi, out: &mut Output) -> Result<(), Error> {
    #[derive(Serialize)]
    struct B {
        nama: String,
        url: String,
        jumlah_sop: usize,
        jumlah_layanan: usize,
    }
    #[derive(Serialize)]
    struct K {
        judul: String,
        pdf: FileRef,
    }
    #[derive(Serialize)]
    struct I<'a> {
        nama: &'a str,
        pemerintah: &'a str,
        wilayah: String,
        alamat: Option<&'a str>,
        telepon: Option<&'a str>,
        email: Option<&'a str>,
        laman: Option<&'a str>,
        kepala: &'a Pejabat,
        jumlah_sop: usize,
        /// Its public services, listed before the bidang.
        layanan: Vec<SopCard>,
        bidang: Vec<B>,
        keputusan: Option<K>,
    }
    let keputusan = i.keputusan.as_ref().and_then(|k| {
        let pdf = file_ref(out, &ctx.base, &format!("{}/keputusan.pdf", i.id))?;
        let judul = format!(
            "Keputusan Kepala {} {} Nomor {} Tahun {} tentang {}",
            i.nama,
            wilayah(i),
            k.nomor,
            k.tahun,
            k.tentang
        );
        Some(K { judul, pdf })
    });
    let data = I {
        nama: &i.nama,
        pemerintah: &i.pemerintah,
        wilayah: wilayah(i),
        alamat: i.alamat.as_deref(),
        telepon: i.telepon.as_deref(),
        email: i.email.as_deref(),
        laman: i.laman.as_deref(),
        kepala: &i.kepala,
        jumlah_sop: i.sops().count(),
        layanan: i
            .sops()
            .filter(|s| s.layanan_publik())
            .map(|s| card(ctx, i, s))
            .collect(),
        bidang: i
            .bidang
            .iter()
            .map(|b| B {
                nama: b.nama.clone(),
                url: ctx.url(&format!("/{}/{}/", i.id, b.id)),
                jumlah_sop: b.sop.len(),
                jumlah_layanan: b.sop.iter().filter(|s| s.layanan_publik()).count(),
            })
            .collect(),
        keputusan,
    };
    let pages: Vec<PageLink> = ctx
        .site
        .halaman
        .iter()
        .filter(|h| h.instansi.as_deref() == Some(&i.id))
        .map(|h| PageLink {
            judul: h.judul(),
            url: ctx.url(&h.url()),
        })
        .collect();
    let mut c = Context::new();
    c.insert("i", &data);
    c.insert("halaman", &pages);
    c.insert(
        "crumbs",
        &crumbs(
            ctx,
            &[(&format!("{} {}", i.nama, wilayah(i)), format!("/{}/", i.id))],
        ),
    );
    ctx.page("instansi.html", c, out, &format!("{}/index.html", i.id))
}

#[derive(Serialize)]
struct IRef {
    nama: String,
    wilayah: String,
}

impl IRef {
    /// An instansi as page headings name it: "Dinas Sosial" and "Kabupaten Tanah Laut".
    fn of(i: &Instansi) -> Self {
        IRef {
            nama: i.nama.clone(),
            wilayah: wilayah(i),
        }
    }
}

fn bidang(ctx: &Ctx, i: &Instansi, b: &Bidang, out: &mut Output) -> Result<(), Error> {
    #[derive(Serialize)]
    struct B {
        nama: String,
        jumlah_sop: usize,
        /// Public services, listed first.
        layanan: Vec<SopCard>,
        /// Internal procedures.
        internal: Vec<SopCard>,
        /// All of them, public services first (what themes written before the split use).
        sop: Vec<SopCard>,
    }
    let (layanan, internal): (Vec<SopCard>, Vec<SopCard>) = b
        .sop
        .iter()
        .map(|s| card(ctx, i, s))
        .partition(|c| c.layanan_publik);
    let sop = b
        .sop
        .iter()
        .filter(|s| s.layanan_publik())
        .chain(b.sop.iter().filter(|s| !s.layanan_publik()))
        .map(|s| card(ctx, i, s))
        .collect();
    let mut c = Context::new();
    c.insert("i", &IRef::of(i));
    c.insert(
        "b",
        &B {
            nama: b.nama.clone(),
            jumlah_sop: b.sop.len(),
            layanan,
            internal,
            sop,
        },
    );
    c.insert(
        "crumbs",
        &crumbs(
            ctx,
            &[
                (&format!("{} {}", i.nama, wilayah(i)), format!("/{}/", i.id)),
                (&b.nama, format!("/{}/{}/", i.id, b.id)),
            ],
        ),
    );
    ctx.page(
        "bidang.html",
        c,
        out,
        &format!("{}/{}/index.html", i.id, b.id),
    )
}

#[derive(Serialize)]
struct Alur {
    url: String,
    alt: String,
    lebar: u32,
    tinggi: u32,
    /// Its page in the SOP's PDF (the identity page is page 1).
    halaman: usize,
    /// The PDF's page count.
    total: usize,
    /// The PDF opened at that page.
    pdf_url: String,
}

/// The page count of a PDF, from its page tree's `/Count` (typst writes the tree root
/// uncompressed, `<</Type/Pages/Count 3/Kids[…]>>`).
fn pdf_pages(pdf: &[u8]) -> Option<usize> {
    let at = pdf.windows(11).position(|w| w == b"/Type/Pages")?;
    let dict = &pdf[at..pdf.len().min(at + 200)];
    let end = dict
        .windows(2)
        .position(|w| w == b">>")
        .unwrap_or(dict.len());
    let dict = &dict[..end];
    let count = dict.windows(6).position(|w| w == b"/Count")? + 6;
    let digits: String = dict[count..]
        .iter()
        .skip_while(|b| b.is_ascii_whitespace())
        .take_while(|b| b.is_ascii_digit())
        .map(|&b| char::from(b))
        .collect();
    digits.parse().ok()
}

/// One step of the vertical flow a phone shows: the symbol the PDF draws for it, who does it,
/// and where a decision leads.
#[derive(Serialize)]
struct AlurLangkah {
    nomor: usize,
    kegiatan: String,
    pelaksana: String,
    /// `terminator`, `proses` or `keputusan`: the shape.
    simbol: &'static str,
    /// "Mulai", "Proses", "Keputusan", "Selesai": the shape in words.
    jenis: &'static str,
    /// A decision's answers, Ya first.
    cabang: Vec<Cabang>,
}

#[derive(Serialize)]
struct Cabang {
    /// "Ya" or "Tidak".
    label: &'static str,
    /// "lanjut ke langkah 3", "kembali ke langkah 1", "prosedur selesai".
    teks: String,
    /// The step it leads to on this page ("#langkah-3"); none for the end.
    url: Option<String>,
}

/// The vertical flow of `s`, read as the PDF's flow reads it: a decision's missing Ya goes on to
/// the next step (or ends the last one), a missing Tidak ends the procedure.
fn alur_langkah(s: &Sop) -> Vec<AlurLangkah> {
    let last = s.langkah.len();
    let cabang = |label, t: Tujuan, l: &Langkah| Cabang {
        label,
        teks: tujuan(Some(t), l.nomor),
        url: match t {
            Tujuan::Langkah(n) => Some(format!("#langkah-{n}")),
            Tujuan::Selesai => None,
        },
    };
    s.langkah
        .iter()
        .map(|l| {
            let (simbol, jenis) = match l.jenis {
                Jenis::Mulai => ("terminator", "Mulai"),
                Jenis::Selesai => ("terminator", "Selesai"),
                Jenis::Proses => ("proses", "Proses"),
                Jenis::Keputusan => ("keputusan", "Keputusan"),
            };
            let cabang = if l.jenis == Jenis::Keputusan {
                let next = if l.nomor < last {
                    Tujuan::Langkah(l.nomor + 1)
                } else {
                    Tujuan::Selesai
                };
                vec![
                    cabang("Ya", l.ya.unwrap_or(next), l),
                    cabang("Tidak", l.tidak.unwrap_or(Tujuan::Selesai), l),
                ]
            } else {
                Vec::new()
            };
            AlurLangkah {
                nomor: l.nomor,
                kegiatan: l.kegiatan.clone(),
                pelaksana: l.pelaksana.join(" bersama "),
                simbol,
                jenis,
                cabang,
            }
        })
        .collect()
}

/// Sharing a page: a WhatsApp message and the address to copy.
#[derive(Serialize)]
struct Bagikan {
    /// `https://wa.me/?text=…`: the SOP's name and its address.
    whatsapp: String,
    /// The address shared: absolute with `base_url`, else the path (the copy button's script
    /// uses the address the reader sees then).
    url: String,
    /// Whether `url` is absolute.
    lengkap: bool,
}

/// Percent-encoding of a URL query value (RFC 3986 unreserved characters kept).
fn encode_query(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn bagikan(ctx: &Ctx, s: &Sop) -> Bagikan {
    let (url, lengkap) = match ctx.absolute(&s.id.url()) {
        Some(u) => (u, true),
        None => (ctx.url(&s.id.url()), false),
    };
    Bagikan {
        whatsapp: format!(
            "https://wa.me/?text={}",
            encode_query(&format!("{} — {url}", s.nama))
        ),
        url,
        lengkap,
    }
}

/// Width and height from an SVG's `viewBox`, for the `<img>` size attributes.
fn svg_size(svg: &[u8]) -> (u32, u32) {
    let head = String::from_utf8_lossy(&svg[..svg.len().min(600)]);
    let dims = head
        .split("viewBox=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .map(|v| {
            v.split_whitespace()
                .filter_map(|n| n.parse::<f64>().ok())
                .collect::<Vec<_>>()
        });
    match dims.as_deref() {
        Some([_, _, w, h]) => (w.round() as u32, h.round() as u32),
        _ => (1000, 650),
    }
}

/// Where a decision's answer leads, as the steps list says it.
pub(crate) fn tujuan(t: Option<Tujuan>, nomor: usize) -> String {
    match t {
        Some(Tujuan::Langkah(n)) if n < nomor => format!("kembali ke langkah {n}"),
        Some(Tujuan::Langkah(n)) => format!("lanjut ke langkah {n}"),
        Some(Tujuan::Selesai) | None => "prosedur selesai".to_string(),
    }
}

/// The page of `s`; its PDF and flowcharts are read from `files`.
fn sop(
    ctx: &Ctx,
    i: &Instansi,
    b: &Bidang,
    s: &Sop,
    files: &Output,
    out: &mut Output,
) -> Result<(), Error> {
    #[derive(Serialize)]
    struct Tgl {
        label: &'static str,
        teks: String,
    }
    #[derive(Serialize)]
    struct Kep {
        ya: String,
        tidak: String,
    }
    #[derive(Serialize)]
    struct L {
        nomor: usize,
        kegiatan: String,
        pelaksana: String,
        kelengkapan: Vec<String>,
        waktu: Option<String>,
        output: Vec<String>,
        keterangan: Option<String>,
        keterangan_url: Option<String>,
        keputusan: Option<Kep>,
    }
    #[derive(Serialize)]
    struct Ket {
        teks: String,
        url: Option<String>,
    }
    #[derive(Serialize)]
    struct S<'a> {
        nama: &'a str,
        nomor: &'a str,
        seksi: Option<&'a str>,
        tanggal: Vec<Tgl>,
        disahkan_oleh: &'a Pejabat,
        total_waktu: String,
        waktu_catatan: Option<String>,
        jumlah_langkah: usize,
        pelaksana: &'a [String],
        hasil_akhir: Vec<String>,
        /// "Layanan publik" or "Prosedur internal".
        jenis: &'static str,
        /// The Ringkasan layanan of a public service.
        layanan: Option<RingkasanLayanan>,
        /// What the applicant brings: the service's persyaratan (never step 1's kelengkapan),
        /// empty for an internal procedure; kept for themes written before `layanan`.
        persyaratan: Vec<String>,
        langkah: Vec<L>,
        alur: Vec<Alur>,
        dasar_hukum: &'a [String],
        kualifikasi_pelaksana: &'a [String],
        keterkaitan: Vec<Ket>,
        peralatan_perlengkapan: &'a [String],
        peringatan: &'a [String],
        pencatatan_pendataan: &'a [String],
        pdf: FileRef,
        json_url: String,
        riwayat: history::Riwayat,
        /// The flow as a phone shows it, one symbol per step.
        alur_langkah: Vec<AlurLangkah>,
        /// "Terakhir diperbarui": the date in words and as ISO.
        diperbarui: Option<Tgl>,
        diperbarui_iso: Option<String>,
        bagikan: Bagikan,
    }
    let tanggal = [
        ("Tanggal pembuatan", s.tanggal_pembuatan),
        ("Tanggal revisi", s.tanggal_revisi),
        ("Tanggal efektif", s.tanggal_efektif),
    ]
    .into_iter()
    .filter_map(|(label, t)| {
        t.map(|t| Tgl {
            label,
            teks: t.indonesia(),
        })
    })
    .collect();
    let waktu_catatan = waktu_catatan(&s.total_waktu);
    let langkah = s
        .langkah
        .iter()
        .map(|l| {
            let keterangan_url = l
                .keterangan
                .as_deref()
                .and_then(|k| ctx.named_link(&i.id, k))
                .map(|u| ctx.url(&u));
            L {
                nomor: l.nomor,
                kegiatan: l.kegiatan.clone(),
                pelaksana: l.pelaksana.join(" bersama "),
                kelengkapan: l.kelengkapan.clone(),
                waktu: l.waktu.as_ref().map(|w| w.tampil()),
                output: l.output.clone(),
                keterangan: l.keterangan.clone(),
                keterangan_url,
                keputusan: (l.jenis == Jenis::Keputusan).then(|| Kep {
                    ya: tujuan(l.ya, l.nomor),
                    tidak: tujuan(l.tidak, l.nomor),
                }),
            }
        })
        .collect();
    let pdf_url = ctx.url(&format!("/{}", s.id.pdf_path()));
    let mut alur = Vec::new();
    for k in 1.. {
        let path = format!("{}/alur-{k}.svg", s.id);
        let Some(svg) = files.get(&path) else { break };
        let (lebar, tinggi) = svg_size(svg);
        // The PDF page the PDF stage recorded in the SVG (the identity section may take more
        // than one page); the caption counts as the PDF's own footer does.
        let halaman = crate::pdf::renderer::flow_svg_page(svg).unwrap_or(k + 1);
        alur.push(Alur {
            url: ctx.url(&format!("/{path}")),
            alt: String::new(),
            lebar,
            tinggi,
            halaman,
            total: 0,
            pdf_url: format!("{pdf_url}#page={halaman}"),
        });
    }
    let total = files
        .get(&s.id.pdf_path())
        .and_then(pdf_pages)
        .unwrap_or(alur.len() + 1)
        .max(alur.iter().map(|a| a.halaman).max().unwrap_or(0));
    for a in &mut alur {
        a.total = total;
        a.alt = format!(
            "Diagram alir SOP {}, halaman {} dari {total} dokumen resmi; isi langkahnya tertulis lengkap di daftar langkah.",
            s.nama, a.halaman
        );
    }
    let keterkaitan = s
        .keterkaitan
        .iter()
        .map(|k| match k {
            Keterkaitan::Teks { teks } => Ket {
                teks: teks.clone(),
                url: ctx.named_link(&i.id, teks).map(|u| ctx.url(&u)),
            },
            Keterkaitan::Sop { id, nama } => Ket {
                teks: format!("SOP {nama}"),
                url: Some(ctx.url(&id.url())),
            },
        })
        .collect();
    let pdf = file_ref(files, &ctx.base, &s.id.pdf_path()).ok_or_else(|| {
        Error::new(format!(
            "PDF `{}` belum dibuat sebelum halaman SOP",
            s.id.pdf_path()
        ))
    })?;
    let data = S {
        nama: &s.nama,
        nomor: &s.nomor,
        seksi: s.seksi.as_deref(),
        tanggal,
        disahkan_oleh: &s.disahkan_oleh,
        total_waktu: s.total_waktu.teks(),
        waktu_catatan,
        jumlah_langkah: s.langkah.len(),
        pelaksana: &s.pelaksana,
        hasil_akhir: s
            .langkah
            .last()
            .map(|l| l.output.clone())
            .unwrap_or_default(),
        jenis: s.jenis_label(),
        layanan: s.layanan.as_ref().map(|l| ringkasan_layanan(s, l)),
        persyaratan: s
            .layanan
            .as_ref()
            .map(|l| l.persyaratan.clone())
            .unwrap_or_default(),
        langkah,
        alur,
        dasar_hukum: &s.dasar_hukum,
        kualifikasi_pelaksana: &s.kualifikasi_pelaksana,
        keterkaitan,
        peralatan_perlengkapan: &s.peralatan_perlengkapan,
        peringatan: &s.peringatan,
        pencatatan_pendataan: &s.pencatatan_pendataan,
        pdf,
        json_url: ctx.url(&format!("/{}", s.id.json_path())),
        riwayat: history::riwayat(ctx, s),
        alur_langkah: alur_langkah(s),
        diperbarui: terakhir_diperbarui(ctx, s).map(|t| Tgl {
            label: "Terakhir diperbarui",
            teks: t.indonesia(),
        }),
        diperbarui_iso: terakhir_diperbarui(ctx, s).map(|t| t.iso()),
        bagikan: bagikan(ctx, s),
    };
    let mut c = Context::new();
    c.insert("i", &IRef::of(i));
    c.insert(
        "b",
        &IRef {
            nama: b.nama.clone(),
            wilayah: String::new(),
        },
    );
    c.insert("s", &data);
    c.insert("crumbs", &sop_crumbs(ctx, i, b, s, &[]));
    ctx.page("sop.html", c, out, &format!("{}/index.html", s.id))
}

/// What a citizen came for, first on a public service's page.
#[derive(Serialize)]
struct RingkasanLayanan {
    persyaratan: Vec<String>,
    /// The promised `jangka_waktu`, else the computed total in words.
    waktu: String,
    /// Whether `waktu` is the promise rather than the sum of the steps.
    waktu_janji: bool,
    biaya: Option<String>,
    produk: Option<String>,
    tempat: Option<String>,
    jam: Option<String>,
    kontak: Vec<KontakLink>,
    /// Each channel cut into text and linkable web addresses.
    pengaduan: Vec<Vec<Potongan>>,
}

/// One way to reach a service, with its link.
#[derive(Serialize)]
struct KontakLink {
    jenis: &'static str,
    teks: String,
    url: Option<String>,
}

fn ringkasan_layanan(s: &Sop, l: &Layanan) -> RingkasanLayanan {
    let k = &l.kontak;
    let kontak = [
        ("Telepon", &k.telepon, tel_url as fn(&str) -> Option<String>),
        ("WhatsApp", &k.whatsapp, wa_url),
        ("Surel", &k.email, |e: &str| Some(format!("mailto:{e}"))),
    ]
    .into_iter()
    .filter_map(|(jenis, v, url)| {
        v.as_ref().map(|t| KontakLink {
            jenis,
            teks: t.clone(),
            url: url(t),
        })
    })
    .collect();
    RingkasanLayanan {
        persyaratan: l.persyaratan.clone(),
        waktu: s.waktu_teks(),
        waktu_janji: l.jangka_waktu.is_some(),
        biaya: l.biaya.clone(),
        produk: l.produk.clone(),
        tempat: l.tempat.clone(),
        jam: l.jam.clone(),
        kontak,
        pengaduan: l.pengaduan.iter().map(|p| potong_tautan(p)).collect(),
    }
}

/// How the total time was summed, when some steps' times could not be counted.
pub(crate) fn waktu_catatan(t: &TotalWaktu) -> Option<String> {
    match (t.langkah_tidak_terbaca, t.langkah_tanpa_waktu) {
        (0, 0) => None,
        (u, n) => Some(format!(
            "Perkiraan dijumlahkan dari waktu tiap langkah{}{}.",
            if u > 0 {
                format!("; {u} langkah waktunya tidak terbaca")
            } else {
                String::new()
            },
            if n > 0 {
                format!("; {n} langkah tanpa waktu")
            } else {
                String::new()
            },
        )),
    }
}

/// Markdown to sanitised HTML: raw HTML in the source is cleaned, links get `rel=noopener`.
pub fn markdown(text: &str) -> String {
    let parser = pulldown_cmark::Parser::new_ext(text, pulldown_cmark::Options::ENABLE_TABLES);
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, parser);
    ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer"))
        .clean(&html)
        .to_string()
}

fn halaman(ctx: &Ctx, h: &Halaman, out: &mut Output) -> Result<(), Error> {
    #[derive(Serialize)]
    struct H {
        judul: String,
        ringkasan: String,
        html: String,
    }
    let ringkasan: String = h
        .teks
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .unwrap_or("")
        .chars()
        .take(160)
        .collect();
    let mut parts = Vec::new();
    if let Some(iid) = &h.instansi
        && let Some(i) = ctx.site.instansi.iter().find(|i| &i.id == iid)
    {
        parts.push((format!("{} {}", i.nama, wilayah(i)), format!("/{}/", i.id)));
    }
    parts.push((h.judul(), h.url()));
    let parts: Vec<(&str, String)> = parts.iter().map(|(n, u)| (n.as_str(), u.clone())).collect();
    let mut c = Context::new();
    c.insert(
        "h",
        &H {
            judul: h.judul(),
            ringkasan,
            html: markdown(&h.teks),
        },
    );
    c.insert("crumbs", &crumbs(ctx, &parts));
    ctx.page(
        "halaman.html",
        c,
        out,
        &format!("{}index.html", h.url().trim_start_matches('/')),
    )
}

/// `sitemap.xml` (absolute URLs only, as the protocol requires) and `robots.txt` naming it,
/// when `base_url` is set; without it only `robots.txt`, and a warning saying what to fill in.
fn sitemap(ctx: &Ctx, out: &mut Output) {
    let mut robots = String::from("User-agent: *\nAllow: /\n");
    if ctx.site.settings.base_url.is_none() {
        // `serve` renders again on every save: say it once per run.
        static ONCE: std::sync::Once = std::sync::Once::new();
        ONCE.call_once(|| eprintln!("{}", SITEMAP_WARNING));
        out.insert("robots.txt", robots.into_bytes());
        return;
    }
    let mut urls: Vec<String> = out
        .iter()
        .filter(|(p, _)| p.ends_with("index.html"))
        .filter_map(|(p, _)| ctx.absolute(&page_url_path(p)?))
        .collect();
    urls.sort();
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for u in urls {
        xml.push_str(&format!("  <url><loc>{}</loc></url>\n", escape_xml(&u)));
    }
    xml.push_str("</urlset>\n");
    out.insert("sitemap.xml", xml.into_bytes());
    if let Some(map) = ctx.absolute("/sitemap.xml") {
        robots.push_str(&format!("Sitemap: {map}\n"));
    }
    out.insert("robots.txt", robots.into_bytes());
}

/// Printed when a build leaves `sitemap.xml` out.
pub(crate) const SITEMAP_WARNING: &str = "peringatan: sitemap.xml tidak dibuat karena `base_url` belum diisi di sopan.yaml (peta situs hanya boleh berisi alamat lengkap)\n  = bantuan: tambahkan mis. `base_url: https://sop.contoh.go.id` ke sopan.yaml; tanpa itu tautan kanonik dan Open Graph juga tidak dibuat";

fn escape_xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A Markdown page that is not content (the staff guide, `render::panduan`): rendered by the
/// same pipeline and template as the `halaman/*.md` pages, into an output of its own.
pub(crate) fn markdown_page(
    site: &Site,
    theme: &Theme,
    extras: &Extras,
    page: &Halaman,
) -> Result<Output, Error> {
    let ctx = Ctx {
        site,
        tera: tera(theme)?,
        base: base_path(site.settings.base_url.as_deref()),
        names: HashMap::new(),
        extras,
        cache: None,
    };
    let mut out = Output::new();
    halaman(&ctx, page, &mut out)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_raw_html_is_sanitised() {
        let html = markdown(
            "# Judul\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1)) <img src=x onerror=alert(1)>",
        );
        assert!(html.contains("<h1>Judul</h1>"));
        assert!(!html.contains("<script"));
        assert!(!html.contains("javascript:"));
        assert!(!html.contains("onerror"));
    }

    #[test]
    fn base_path_comes_from_base_url() {
        assert_eq!(base_path(Some("https://sop.example.go.id")), "");
        assert_eq!(base_path(Some("https://example.go.id/sop/")), "/sop");
        assert_eq!(base_path(None), "");
    }

    #[test]
    fn sizes_read_the_indonesian_way() {
        assert_eq!(size(54_321), "55 kB");
        assert_eq!(size(1_234_567), "1,2 MB");
    }
}
