//! The audit page (`/audit/`): every finding of the audit, grouped by SOP, linked to its page.

use std::collections::BTreeMap;

use serde::Serialize;
use tera::Context;

use super::{Ctx, crumbs};
use crate::core::error::Error;
use crate::pipeline::output::Output;

/// Renders `audit/index.html`.
pub(super) fn page(ctx: &Ctx, out: &mut Output) -> Result<(), Error> {
    #[derive(Serialize)]
    struct Item<'a> {
        judul: &'static str,
        pesan: &'a str,
        letak: &'a str,
    }
    #[derive(Serialize)]
    struct Group<'a> {
        id: &'a str,
        nama: &'a str,
        url: Option<String>,
        temuan: Vec<Item<'a>>,
    }
    #[derive(Serialize)]
    struct Count {
        judul: &'static str,
        jumlah: usize,
    }
    let a = &ctx.extras.audit;
    // Findings name SOPs (and instansi, for decrees) by id: their pages, looked up once.
    let pages: std::collections::HashMap<String, String> = ctx
        .site
        .sops()
        .map(|s| (s.id.to_string(), s.id.url()))
        .chain(
            ctx.site
                .instansi
                .iter()
                .map(|i| (i.id.clone(), format!("/{}/", i.id))),
        )
        .collect();
    let mut groups: Vec<Group> = Vec::new();
    let mut counts: BTreeMap<crate::audit::Jenis, usize> = BTreeMap::new();
    for t in &a.temuan {
        *counts.entry(t.jenis).or_default() += 1;
        if groups.last().is_none_or(|g| g.id != t.id) {
            let url = pages.get(&t.id).map(|u| ctx.url(u));
            groups.push(Group {
                id: &t.id,
                nama: &t.nama,
                url,
                temuan: Vec::new(),
            });
        }
        if let Some(g) = groups.last_mut() {
            g.temuan.push(Item {
                judul: t.jenis.judul(),
                pesan: &t.pesan,
                letak: &t.letak,
            });
        }
    }
    let ringkasan: Vec<Count> = counts
        .into_iter()
        .map(|(j, jumlah)| Count {
            judul: j.judul(),
            jumlah,
        })
        .collect();
    let mut c = Context::new();
    c.insert("per", &a.per.indonesia());
    c.insert("jumlah_sop", &a.jumlah_sop);
    c.insert("jumlah_temuan", &a.temuan.len());
    c.insert(
        "jumlah_sop_bertemuan",
        &groups
            .iter()
            .filter(|g| g.id.matches('/').count() == 2)
            .count(),
    );
    c.insert("ringkasan", &ringkasan);
    c.insert("kelompok", &groups);
    c.insert(
        "crumbs",
        &crumbs(ctx, &[("Laporan audit", "/audit/".to_string())]),
    );
    ctx.page("audit.html", c, out, "audit/index.html")
}
