//! HTML: the citizens' site rendered with Tera from the theme's templates (autoescaped), plus
//! the theme's static files, 404, sitemap (only with `base_url`) and robots. Content reaches HTML only through
//! escaping templates; Markdown pages are sanitised with ammonia.

use std::collections::HashMap;
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};
use tera::{Context, Tera};

use crate::core::error::TemplateAct;
use crate::core::error::{Error, ErrorKind};
use crate::core::hex::hex;
use crate::core::kept::Kept;
use crate::model::Site;
use crate::model::org::{Bidang, Instansi};
use crate::model::sop::Sop;
use crate::pipeline::Extras;
use crate::pipeline::output::{Blob, Output};
use crate::pipeline::theme::Theme;

mod audit;
mod halaman;
mod history;
mod index;
mod org;
mod sop;

pub(crate) use halaman::markdown_page;
use halaman::{halaman, sitemap};
pub(crate) use history::diff_report;
use index::index;
use org::{bidang, instansi};
use sop::sop;
pub(crate) use sop::{tujuan, waktu_catatan};

/// SHA-256 of the theme's templates (names and bytes) and of the sopan that renders them.
fn templates_hash(theme: &Theme) -> [u8; 32] {
    let mut h = Sha256::new();
    theme.digest_into(&["templates"], &mut h);
    h.update(crate::pipeline::disk_cache::build_stamp());
    h.finalize().into()
}

/// Loads every `templates/*.html` of the theme into Tera, once per process for the same
/// templates: a build renders the site and the staff guide (`markdown_page`) with them, and
/// parsing them was 67M instructions each time (callgrind, 200 generated SOPs). The templates
/// are compared byte for byte with those the parse was made from, so a theme edited under
/// `serve` is parsed again.
fn tera(theme: &Theme) -> Result<Arc<Tera>, Error> {
    type Parsed = (Vec<(String, Vec<u8>)>, Arc<Tera>);
    static LAST: std::sync::Mutex<Option<Parsed>> = std::sync::Mutex::new(None);
    // Held while parsing: a build asking again from another thread waits for this parse
    // rather than making its own.
    let mut last = LAST.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((sources, parsed)) = last.as_ref()
        && sources.len() == theme.under("templates").count()
        && sources
            .iter()
            .zip(theme.under("templates"))
            .all(|((n, b), (name, bytes))| n == name && b == bytes)
    {
        return Ok(Arc::clone(parsed));
    }
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
        .map_err(|e| template_error(TemplateAct::Load, e))?;
    t.autoescape_on(vec![".html", ".xml"]);
    t.set_escape_fn(escape_html);
    let t = Arc::new(t);
    let sources = theme
        .under("templates")
        .map(|(n, b)| (n.to_string(), b.to_vec()))
        .collect();
    *last = Some((sources, Arc::clone(&t)));
    Ok(t)
}

/// HTML escaping of text and attribute values. Unlike Tera 1's default it leaves `/` alone, so
/// URLs read as written; `&`, `<`, `>`, `"` and `'` are all a value can break out with. The
/// runs between them are copied whole (char by char it was 24M instructions per 200 SOPs);
/// the five are ASCII, so never inside a multi-byte character.
fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    escape_into(&mut out, s, true);
    out
}

/// `s` onto `out` with `&`, `<` and `>` escaped, and with `quotes` `"` and `'` too (a value in
/// an attribute); the runs between them copied whole.
pub(crate) fn escape_into(out: &mut String, s: &str, quotes: bool) {
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let with = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' if quotes => "&quot;",
            b'\'' if quotes => "&#39;",
            _ => continue,
        };
        out.push_str(&s[start..i]);
        out.push_str(with);
        start = i + 1;
    }
    out.push_str(&s[start..]);
}

fn template_error(doing: TemplateAct, e: tera::Error) -> Error {
    let mut err = Error::new(ErrorKind::Template { doing });
    let mut source: Option<&dyn std::error::Error> = Some(&e);
    while let Some(s) = source {
        err = err.cause(s);
        source = s.source();
    }
    err
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
    tera: Arc<Tera>,
    base: String,
    /// Lower-cased SOP name (without a leading "SOP ") → page URL, per instansi.
    names: HashMap<(String, String), String>,
    /// History and audit.
    extras: &'a Extras,
    /// Pages of earlier builds (`serve`); without it, `sopan build` links the previous
    /// output's page whose key is unchanged (`Staging::link_page`).
    cache: Option<&'a PageCache>,
    /// The hash of this build's templates (and of sopan's own build: a page written by
    /// another sopan is rendered again), part of every page's key.
    templates: [u8; 32],
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
        // The page's key: what it is rendered from. Computed only where an earlier page may
        // be taken instead (`serve`'s cache, or `sopan build`'s previous output).
        let staging = out.staging().cloned();
        let key = (self.cache.is_some() || staging.is_some()).then(|| {
            let mut h = Sha256::new();
            h.update(self.templates);
            h.update(template.as_bytes());
            h.update([0]);
            // Tera's context is a sorted map of JSON values: the same data, the same bytes.
            let data = serde_json::to_vec(&ctx.clone().into_json()).unwrap_or_default();
            h.update(&data);
            <[u8; 32]>::from(h.finalize())
        });
        if let Some(key) = key {
            let earlier = match (self.cache, &staging) {
                (Some(cache), _) => cache.get(&key),
                (None, Some(staging)) => staging.link_page(path, key),
                (None, None) => None,
            };
            if let Some(blob) = earlier {
                out.insert_blob(path, blob);
                return Ok(());
            }
        }
        let html = self
            .tera
            .render(template, &ctx)
            .map_err(|e| template_error(TemplateAct::Page(path.to_string()), e))?;
        let html = open_graph_text(html);
        let blob = Blob::new(html.into_bytes());
        if let Some(key) = key {
            match (self.cache, &staging) {
                (Some(cache), _) => cache.put(key, Arc::clone(&blob)),
                (None, Some(staging)) => staging.rendered_page(path, key),
                (None, None) => {}
            }
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
        ukuran: size(blob.len()),
        sha256: hex(&blob.sha256()),
    })
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
pub(crate) fn base_path(base_url: Option<&str>) -> String {
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
pub(crate) type PageCache = Kept<[u8; 32], Arc<Blob>>;

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

/// Renders every page into `out`. Needs the PDFs, flowchart SVGs and decree books already in
/// `out`.
pub fn render(
    site: &Site,
    theme: &Theme,
    extras: &Extras,
    out: &mut Output,
    cache: Option<&PageCache>,
) -> Result<(), Error> {
    let pages = Pages::new(site, theme, extras, cache)?;
    for p in pages.sops(out)? {
        out.extend(p);
    }
    pages.rest(theme, out)
}

/// The site's pages in two steps, for the pipeline: an SOP's pages need only that SOP's own
/// files, so they are made while the decree books are joined (`sops`); the pages that link the
/// books and the sitemap come after (`rest`).
pub(crate) struct Pages<'a> {
    ctx: Ctx<'a>,
}

impl<'a> Pages<'a> {
    /// Parses the theme's templates.
    pub(crate) fn new(
        site: &'a Site,
        theme: &Theme,
        extras: &'a Extras,
        cache: Option<&'a PageCache>,
    ) -> Result<Self, Error> {
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
            cache,
            templates: templates_hash(theme),
        };
        Ok(Self { ctx })
    }

    /// Every SOP's page and revision pages, each into an output of its own. `files` holds
    /// the SOPs' PDFs and flowchart SVGs. SOP pages are most of the site: made on all cores.
    pub(crate) fn sops(&self, files: &Output) -> Result<Vec<Output>, Error> {
        let ctx = &self.ctx;
        ctx.site
            .sops_placed()
            .par_iter()
            .map(|&(i, b, s)| {
                let mut mine = files.empty_like();
                sop(ctx, i, b, s, files, &mut mine)?;
                history::diff_pages(ctx, i, b, s, &mut mine)?;
                Ok(mine)
            })
            .collect()
    }

    /// Every other page, the theme's static files and the sitemap, into `out`, which holds
    /// every other file of the site already (the sitemap lists its pages).
    pub(crate) fn rest(&self, theme: &Theme, out: &mut Output) -> Result<(), Error> {
        let ctx = &self.ctx;
        for (name, bytes) in theme.under("static") {
            out.insert(format!("static/{name}"), bytes.to_vec());
        }
        index(ctx, out)?;
        for i in &ctx.site.instansi {
            instansi(ctx, i, out)?;
            for b in &i.bidang {
                bidang(ctx, i, b, out)?;
            }
        }
        for h in &ctx.site.halaman {
            halaman(ctx, h, out)?;
        }
        ctx.page("cari.html", Context::new(), out, "cari/index.html")?;
        audit::page(ctx, out)?;
        ctx.page("404.html", Context::new(), out, "404.html")?;
        sitemap(ctx, out);
        Ok(())
    }
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

#[cfg(test)]
mod tests {
    use super::halaman::markdown;
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
    fn escaping_covers_the_five_and_keeps_the_rest() {
        assert_eq!(
            escape_html("a&b <c> \"d\" 'e' /f/ é—ü"),
            "a&amp;b &lt;c&gt; &quot;d&quot; &#39;e&#39; /f/ é—ü"
        );
        assert_eq!(escape_html(""), "");
        assert_eq!(escape_html("<<&"), "&lt;&lt;&amp;");
    }

    #[test]
    fn templates_parsed_before_are_not_used_for_other_templates() {
        let plain = Theme::embedded();
        let mut edited = Theme::embedded();
        edited.insert("templates/uji.html", b"diubah {{ base }}".to_vec());
        let mut c = Context::new();
        c.insert("base", "/x");
        let has = |t: &Theme| {
            tera(t)
                .unwrap()
                .get_template_names()
                .any(|n| n == "uji.html")
        };
        assert!(!has(&plain));
        assert_eq!(
            tera(&edited).unwrap().render("uji.html", &c).unwrap(),
            "diubah /x"
        );
        assert!(!has(&plain));
        assert!(has(&edited));
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
