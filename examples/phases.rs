//! Developer aid: time the phases of compiling SOP documents on one thread (template data with
//! the column plan, Typst compile, flowchart drawing, PDF export, SVG export). `cargo run --release --example phases -- DIR [N] [data]`
use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let root = std::path::PathBuf::from(&args[1]);
    let n: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(50);
    // `data` as third argument: the template data only (the column plan's share), for a
    // profiler run that leaves Typst out.
    let data_only = args.get(3).is_some_and(|a| a == "data");
    let loaded = sopan::load_and_validate(&root).expect("loads");
    let site = &loaded.site;
    let theme = sopan::pipeline::theme::Theme::load(&root, &site.settings.tema).expect("theme");
    let r = sopan::pdf::renderer::PdfRenderer::new(site, &theme, &root).expect("renderer");
    let mut t = [Duration::ZERO; 5];
    let mut bytes = [0usize; 2];
    let mut k = 0;
    'all: for i in &site.instansi {
        for b in &i.bidang {
            for s in &b.sop {
                if k == n {
                    break 'all;
                }
                k += 1;
                let z = Instant::now();
                let data = r.sop_data(site, i, b, s);
                let a = Instant::now();
                t[4] += a - z;
                if data_only {
                    continue;
                }
                let doc = r.compile("/sop.typ", data, "x").expect("compiles");
                let b0 = Instant::now();
                let doc = sopan::pdf::flow::finish(doc, None);
                let c = Instant::now();
                let pdf = r
                    .export(
                        &doc,
                        "x",
                        typst::foundations::Datetime::from_ymd(2024, 1, 1).unwrap(),
                        "x",
                    )
                    .expect("exports");
                let d = Instant::now();
                let svgs = sopan::pdf::renderer::flow_svgs(&doc, &r.glyphs);
                let e = Instant::now();
                typst::comemo::evict(0);
                t[0] += b0 - a;
                t[1] += c - b0;
                t[2] += d - c;
                t[3] += e - d;
                bytes[0] += pdf.len();
                bytes[1] += svgs.iter().map(Vec::len).sum::<usize>();
            }
        }
    }
    let ms = |d: Duration| d.as_secs_f64() * 1000.0 / k as f64;
    println!(
        "{k} SOP, ms per SOP: data {:.2}, compile {:.2}, flow {:.2}, pdf {:.2}, svg {:.2}; KB per SOP: pdf {}, svg {}",
        ms(t[4]),
        ms(t[0]),
        ms(t[1]),
        ms(t[2]),
        ms(t[3]),
        bytes[0] / k / 1024,
        bytes[1] / k / 1024
    );
}

// The allocator of the `sopan` binary, so the figures are the binary's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
