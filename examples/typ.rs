//! Developer aid: compile a standalone .typ file with the default theme's fonts to a PDF.
//! `cargo run --example typ -- in.typ out.pdf`
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let src = std::fs::read(&args[1]).unwrap();
    let mut theme = sopan::pipeline::theme::Theme::embedded();
    theme.insert("typst/scratch.typ", src);
    let today = typst::foundations::Datetime::from_ymd(2024, 1, 1).unwrap();
    let base = sopan::pdf::world::Base::new(&theme, vec![], today).unwrap();
    let world = base.world("/scratch.typ", b"{}".to_vec());
    let doc = typst::compile::<typst_layout::PagedDocument>(&world)
        .output
        .unwrap_or_else(|e| {
            panic!(
                "{:?}",
                e.iter().map(|d| d.message.clone()).collect::<Vec<_>>()
            )
        });
    let pdf = typst_pdf::pdf(&doc, &Default::default()).unwrap();
    std::fs::write(&args[2], pdf).unwrap();
}
