//! The terminal report of a comparison, in Bahasa Indonesia: red for what went, green for what
//! came; without colour, `[-…-]` and `{+…+}` mark changed words as `git diff --word-diff` does.
//! Every value quoted from content goes through `printable` (shortened to `v`): an ESC in an
//! SOP is shown as `␛`, so only the report's own colours reach the terminal.

use std::fmt::Write as _;

use crate::core::report::{Paint, printable as v};
use crate::diff::project::ProjectDiff;
use crate::diff::words::{Potongan, Tanda};
use crate::diff::{Butir, Nasib, SopDiff, Ubah};

const RED: &str = "31";
const GREEN: &str = "32";
const YELLOW: &str = "33";
const BOLD: &str = "1";

/// Renders the whole comparison.
pub(crate) fn render(d: &ProjectDiff, color: bool) -> String {
    let p = Paint { on: color };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        p.wrap(
            BOLD,
            &format!("Perbandingan SOP: {} → {}", v(&d.lama), v(&d.baru))
        )
    );
    if d.is_empty() {
        let _ = writeln!(out, "Tidak ada perbedaan ({} SOP sama).", d.sama);
        return out;
    }
    let _ = writeln!(
        out,
        "{} SOP berubah, {} ditambah, {} dihapus, {} sama.",
        d.berubah.len(),
        d.ditambah.len(),
        d.dihapus.len(),
        d.sama
    );
    for s in &d.ditambah {
        let _ = writeln!(
            out,
            "\n{}",
            p.wrap(GREEN, &format!("+ SOP baru: {} — {}", s.id, v(&s.nama)))
        );
    }
    for s in &d.dihapus {
        let _ = writeln!(
            out,
            "\n{}",
            p.wrap(RED, &format!("- SOP dihapus: {} — {}", s.id, v(&s.nama)))
        );
    }
    for s in &d.berubah {
        out.push('\n');
        sop(&mut out, s, &p);
    }
    out
}

/// One SOP's changes.
fn sop(out: &mut String, d: &SopDiff, p: &Paint) {
    let _ = writeln!(
        out,
        "{}",
        p.wrap(YELLOW, &format!("~ {} — {}", d.id, v(&d.nama)))
    );
    if !d.identitas.is_empty() {
        let _ = writeln!(out, "  Identitas");
        for u in &d.identitas {
            let _ = writeln!(out, "    {}", field(u, p));
        }
    }
    for l in &d.daftar {
        let _ = writeln!(out, "  {}", l.kolom);
        for b in &l.butir {
            match b {
                Butir::Sama { .. } => {}
                Butir::Tambah { teks } => {
                    let _ = writeln!(out, "    {}", p.wrap(GREEN, &format!("+ {}", v(teks))));
                }
                Butir::Hapus { teks } => {
                    let _ = writeln!(out, "    {}", p.wrap(RED, &format!("- {}", v(teks))));
                }
                Butir::Ubah { kata, .. } => {
                    let _ = writeln!(out, "    ~ {}", inline(kata, p));
                }
            }
        }
    }
    let a = &d.pelaksana;
    if !a.is_empty() {
        let _ = writeln!(out, "  Pelaksana");
        for t in &a.tambah {
            let _ = writeln!(out, "    {}", p.wrap(GREEN, &format!("+ {}", v(t))));
        }
        for h in &a.hapus {
            let _ = writeln!(out, "    {}", p.wrap(RED, &format!("- {}", v(h))));
        }
        for g in &a.ganti_nama {
            let _ = writeln!(out, "    ~ {} → {} (ganti nama)", v(&g.lama), v(&g.baru));
        }
    }
    if let Some(steps) = &d.langkah {
        let _ = writeln!(out, "  Langkah");
        for l in steps {
            let n = |x: Option<usize>| x.map_or(String::new(), |v| v.to_string());
            let line = match (l.nasib, l.dipindah) {
                (Nasib::Tambah, _) => p.wrap(
                    GREEN,
                    &format!("+ langkah {} (baru): {}", n(l.nomor_baru), v(&l.kegiatan)),
                ),
                (Nasib::Hapus, _) => p.wrap(
                    RED,
                    &format!("- langkah {} (lama): {}", n(l.nomor_lama), v(&l.kegiatan)),
                ),
                (Nasib::Sama, false) => continue,
                (nasib, moved) => {
                    let mark = if nasib == Nasib::Ubah { "~" } else { "↕" };
                    let was = if l.nomor_lama == l.nomor_baru {
                        String::new()
                    } else {
                        format!(" (dulu {})", n(l.nomor_lama))
                    };
                    let moved = if moved { " dipindah" } else { "" };
                    format!(
                        "{mark} langkah {}{was}{moved}: {}",
                        n(l.nomor_baru),
                        v(&l.kegiatan)
                    )
                }
            };
            let _ = writeln!(out, "    {line}");
            for u in &l.kolom {
                let _ = writeln!(out, "        {}", field(u, p));
            }
        }
    }
    if let Some(t) = &d.total_waktu {
        let _ = writeln!(out, "  Total waktu: {} → {}", v(&t.lama), v(&t.baru));
    }
}

/// "Waktu: 5 menit → 10 menit", changed words coloured; "(kosong)" for a value that was absent.
fn field(u: &Ubah, p: &Paint) -> String {
    let side = |keep: Tanda, code: &str| {
        let text: String = u
            .kata
            .iter()
            .filter(|r| r.tanda == Tanda::Sama || r.tanda == keep)
            .map(|r| {
                if r.tanda == Tanda::Sama {
                    v(&r.teks).into_owned()
                } else {
                    p.wrap(code, &v(&r.teks))
                }
            })
            .collect();
        if text.trim().is_empty() {
            "(kosong)".to_string()
        } else {
            text
        }
    };
    format!(
        "{}: {} → {}",
        u.kolom,
        side(Tanda::Hapus, RED),
        side(Tanda::Tambah, GREEN)
    )
}

/// One text with its removed and added words marked inline.
fn inline(runs: &[Potongan], p: &Paint) -> String {
    runs.iter()
        .map(|r| match r.tanda {
            Tanda::Sama => v(&r.teks).into_owned(),
            Tanda::Hapus if p.on => p.wrap(RED, &v(&r.teks)),
            Tanda::Tambah if p.on => p.wrap(GREEN, &v(&r.teks)),
            Tanda::Hapus => format!("[-{}-]", v(&r.teks)),
            Tanda::Tambah => format!("{{+{}+}}", v(&r.teks)),
        })
        .collect()
}
