//! Developer aid: where Typst spends its time in the SOP templates, by template line. Compiles
//! N SOPs of a project on one thread with Typst's timing spans on, then prints the spans'
//! inclusive and self time summed per kind and template line, the largest first.
//! `cargo run --profile quick --example timings -- DIR [N] [ROWS] [UNDER]`: with UNDER, the spans
//! directly under those whose name contains it (e.g. `identitas.typ:136`). Run it with
//! `RAYON_NUM_THREADS=1`: Typst lays pages out on its pool's threads, and a span that waits for
//! them counts the wait as its own time.
//! Figures are per SOP compiled (fewer than N when the project has fewer). With `--buku`, per
//! decree part of a book (`keputusan.typ`) instead.
use std::collections::HashMap;
use std::num::NonZeroU64;

use typst::syntax::{FileId, Source, Span};

fn main() {
    // `--buku`, anywhere: the decree parts (`keputusan.typ`) of the first N books instead.
    let all: Vec<String> = std::env::args().collect();
    let books = all.iter().any(|a| a == "--buku");
    let args: Vec<String> = all.into_iter().filter(|a| a != "--buku").collect();
    let root = std::path::PathBuf::from(&args[1]);
    let n: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(50);
    let rows: usize = args.get(3).and_then(|a| a.parse().ok()).unwrap_or(40);
    let loaded = sopan::load_and_validate(&root).expect("loads");
    let site = &loaded.site;
    let theme = sopan::pipeline::theme::Theme::load(&root, &site.settings.tema).expect("theme");
    let r = sopan::pdf::renderer::PdfRenderer::new(site, &theme, &root).expect("renderer");
    let (main, datas): (&str, Vec<Vec<u8>>) = if books {
        let heads = site
            .instansi
            .iter()
            .filter_map(|i| r.book_head_data(site, i).expect("SOPs compile"));
        ("/keputusan.typ", heads.take(n).collect())
    } else {
        let sops = site.instansi.iter().flat_map(|i| {
            i.bidang
                .iter()
                .flat_map(move |b| b.sop.iter().map(move |s| (i, b, s)))
        });
        let datas = sops.take(n).map(|(i, b, s)| r.sop_data(site, i, b, s));
        ("/sop.typ", datas.collect())
    };
    typst::comemo::evict(0);
    // Per document compiled, below.
    let n = datas.len().max(1);
    let per = if books { "buku" } else { "SOP" };
    typst_timing::enable();
    for data in datas {
        let doc = r.compile(main, data, "x").expect("compiles");
        drop(doc);
        typst::comemo::evict(0);
    }
    typst_timing::disable();
    // Span numbers are resolved by numbering the theme's sources again, as Typst does.
    let mut sources: HashMap<FileId, Option<Source>> = HashMap::new();
    let dir = root.join("themes").join(&site.settings.tema).join("typst");
    let default = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/typst");
    let mut locate = |raw: NonZeroU64| -> (String, u32) {
        let span = Span::from_raw(raw);
        let Some(id) = span.id() else {
            return ("?".into(), 0);
        };
        let source = sources.entry(id).or_insert_with(|| {
            let rel = id.vpath().get_without_slash();
            let text = std::fs::read_to_string(dir.join(rel))
                .or_else(|_| std::fs::read_to_string(default.join(rel)))
                .ok()?;
            Some(Source::new(id, text))
        });
        let name = id.vpath().get_without_slash().to_string();
        let line = source
            .as_ref()
            .and_then(|s| {
                s.find(span)
                    .and_then(|node| s.lines().byte_to_line(node.range().start))
            })
            .map_or(0, |l| l as u32 + 1);
        (name, line)
    };
    let mut json = Vec::new();
    typst_timing::export_json(&mut json, &mut locate).expect("exports");
    let events: Vec<serde_json::Value> = serde_json::from_slice(&json).expect("json");
    // Inclusive and self time per (name, file:line), from the begin/end pairs.
    let mut total: HashMap<String, (f64, f64, usize)> = HashMap::new();
    // One stack per thread: Typst lays out on several, and their events interleave.
    let mut stacks: HashMap<u64, Vec<(String, f64, f64)>> = HashMap::new();
    // With a fourth argument, the spans directly under the spans whose name contains it.
    let under = args.get(4).cloned();
    let mut children: HashMap<String, (f64, usize)> = HashMap::new();
    for e in &events {
        let ts = e["ts"].as_f64().unwrap_or(0.0);
        let key = match e["args"].as_object() {
            Some(a) => format!(
                "{} {}:{}",
                e["name"].as_str().unwrap_or(""),
                a["file"].as_str().unwrap_or(""),
                a["line"]
            ),
            None => e["name"].as_str().unwrap_or("").to_string(),
        };
        let stack = stacks.entry(e["tid"].as_u64().unwrap_or(0)).or_default();
        if e["ph"] == "B" {
            stack.push((key, ts, 0.0));
        } else if let Some((key, start, child)) = stack.pop() {
            let took = ts - start;
            let t = total.entry(key.clone()).or_default();
            t.0 += took;
            t.1 += took - child;
            t.2 += 1;
            if let Some(parent) = stack.last_mut() {
                parent.2 += took;
                if under
                    .as_ref()
                    .is_some_and(|u| parent.0.contains(u.as_str()))
                {
                    let c = children.entry(key.clone()).or_default();
                    c.0 += took;
                    c.1 += 1;
                }
            }
        }
    }
    if let Some(u) = &under {
        let mut list: Vec<_> = children.into_iter().collect();
        list.sort_by(|a, b| b.1.0.total_cmp(&a.1.0));
        println!(
            "directly under spans named like `{u}` (inclusive µs per {per}, count per {per}):"
        );
        for (key, (incl, count)) in list.into_iter().take(rows) {
            println!("{:>10.1} {:>8}  {key}", incl / n as f64, count / n);
        }
        return;
    }
    let mut list: Vec<_> = total.into_iter().collect();
    list.sort_by(|a, b| b.1.1.total_cmp(&a.1.1));
    println!(
        "{:>10} {:>10} {:>8}  span (µs per {per}; self time first)",
        "self", "incl", "count"
    );
    for (key, (incl, own, count)) in list.into_iter().take(rows) {
        println!(
            "{:>10.1} {:>10.1} {:>8}  {key}",
            own / n as f64,
            incl / n as f64,
            count / n
        );
    }
}

// The allocator of the `sopan` binary, so the figures are the binary's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
