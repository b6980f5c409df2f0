//! Markdown pages (`halaman/*.md` and the staff guide), sanitised, and the sitemap.

use std::collections::HashMap;

use serde::Serialize;
use tera::Context;

use super::{Ctx, base_path, crumbs, page_url_path, tera, wilayah};
use crate::core::error::Error;
use crate::model::{Halaman, Site};
use crate::pipeline::Extras;
use crate::pipeline::output::Output;
use crate::pipeline::theme::Theme;

/// Markdown to sanitised HTML: raw HTML in the source is cleaned, links get `rel=noopener`.
pub(crate) fn markdown(text: &str) -> String {
    let parser = pulldown_cmark::Parser::new_ext(text, pulldown_cmark::Options::ENABLE_TABLES);
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, parser);
    ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer"))
        .clean(&html)
        .to_string()
}

pub(super) fn halaman(ctx: &Ctx, h: &Halaman, out: &mut Output) -> Result<(), Error> {
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
pub(super) fn sitemap(ctx: &Ctx, out: &mut Output) {
    let mut robots = String::from("User-agent: *\nAllow: /\n");
    if ctx.site.settings.base_url.is_none() {
        // `serve` renders again on every save: say it once per run.
        static ONCE: std::sync::Once = std::sync::Once::new();
        ONCE.call_once(|| eprintln!("{}", SITEMAP_WARNING));
        out.insert("robots.txt", robots.into_bytes());
        return;
    }
    let mut urls: Vec<String> = out
        .paths()
        .filter(|p| p.ends_with("index.html"))
        .filter_map(|p| ctx.absolute(&page_url_path(p)?))
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

pub(super) fn escape_xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A Markdown page that is not content (the staff guide, `site::panduan`): rendered by the
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
        // No earlier page is looked for: the output has no staging folder.
        templates: [0; 32],
    };
    let mut out = Output::new();
    halaman(&ctx, page, &mut out)?;
    Ok(out)
}
