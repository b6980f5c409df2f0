//! The one place diagnostics are printed: `error:` / `warning:`, `--> file:line:col`, the source
//! line with a caret, then `bantuan:` lines.

use std::fmt::Write as _;
use std::io::IsTerminal;

use crate::core::diag::{Diagnostic, Diagnostics, Severity, Sources, display_path};

/// The `--color` choice of this run: 0 auto, 1 always, 2 never. A process runs one command,
/// so one setting made where the arguments are read serves every printer.
static COLOR: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(0);

/// When to colour: `--color auto|always|never`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ColorChoice {
    /// On a terminal, unless `NO_COLOR` is set (https://no-color.org).
    Auto,
    /// Always, even into a pipe (`less -R`, CI logs that show colours).
    Always,
    /// Never.
    Never,
}

impl ColorChoice {
    /// Reads `auto`, `always`, `never`; anything else is `Auto` (clap has checked it).
    pub(crate) fn parse(s: &str) -> Self {
        match s {
            "always" => ColorChoice::Always,
            "never" => ColorChoice::Never,
            _ => ColorChoice::Auto,
        }
    }
}

/// Sets the choice for the rest of the process.
pub(crate) fn set_color(choice: ColorChoice) {
    let v = match choice {
        ColorChoice::Auto => 0,
        ColorChoice::Always => 1,
        ColorChoice::Never => 2,
    };
    COLOR.store(v, std::sync::atomic::Ordering::Relaxed);
}

/// The one decision on colour: `--color`, else colour only on a terminal and never when
/// `NO_COLOR` is set (to any value). `terminal` says whether the stream written is one.
pub(crate) fn color_for(terminal: bool) -> bool {
    match COLOR.load(std::sync::atomic::Ordering::Relaxed) {
        1 => true,
        2 => false,
        _ => terminal && !crate::core::env::get().no_color,
    }
}

/// Whether to colour diagnostics, which go to stderr.
pub(crate) fn use_color() -> bool {
    color_for(std::io::stderr().is_terminal())
}

/// ANSI colouring that can be switched off.
pub(crate) struct Paint {
    /// Whether to colour at all.
    pub(crate) on: bool,
}

impl Paint {
    /// `s` in the SGR colour `code` (e.g. "31" red), or as is when off.
    pub(crate) fn wrap(&self, code: &str, s: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
}

/// `s` with every character a terminal would act on shown as a visible stand-in of the same
/// width: C0 controls (ESC starts colour and cursor sequences, BEL rings, CR rewrites the line)
/// as their Unicode control pictures (`␛`, `␇`, `␍`), DEL as `␡`, C1 controls and the
/// bidirectional overrides (which reorder what is shown, as in "Trojan Source") as `�`. File
/// names and values come from content anyone can write; printed raw they could forge or hide
/// lines of a report. A newline is kept only where `keep_newline` says so.
pub(crate) fn printable_with(s: &str, keep_newline: bool) -> std::borrow::Cow<'_, str> {
    let bad = |c: char| {
        (c.is_control() && !(keep_newline && c == '\n'))
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    if !s.chars().any(bad) {
        return std::borrow::Cow::Borrowed(s);
    }
    s.chars()
        .map(|c| match c {
            c if !bad(c) => c,
            '\u{7f}' => '\u{2421}',
            c if (c as u32) < 0x20 => char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}'),
            _ => '\u{fffd}',
        })
        .collect::<String>()
        .into()
}

/// [`printable_with`] for one line (a newline shown as `␊`).
pub(crate) fn printable(s: &str) -> std::borrow::Cow<'_, str> {
    printable_with(s, false)
}

/// Prints every diagnostic on stderr (coloured on a terminal): the one way commands show a
/// load's problems.
pub(crate) fn eprint_all(diags: &Diagnostics, sources: &Sources) {
    use std::io::Write as _;
    let text = render_all(diags, sources, use_color());
    let _ = std::io::stderr().write_all(text.as_bytes());
}

/// Renders every diagnostic, separated by blank lines.
pub fn render_all(diags: &Diagnostics, sources: &Sources, color: bool) -> String {
    let mut out = String::new();
    for d in diags.iter() {
        out.push_str(&render(d, sources, color));
        out.push('\n');
    }
    out
}

/// Renders one diagnostic in the rustc-like layout users of cargo and typst know.
pub fn render(d: &Diagnostic, sources: &Sources, color: bool) -> String {
    let p = Paint { on: color };
    let mut out = String::new();
    let (label, code) = match d.severity {
        Severity::Error => ("galat", "1;31"),
        Severity::Warning => ("peringatan", "1;33"),
    };
    let _ = writeln!(
        out,
        "{}{}",
        p.wrap(code, &format!("{label}:")),
        p.wrap("1", &format!(" {}", printable(&d.message)))
    );
    let mut gutter = 1;
    if let Some(span) = &d.span {
        let path = display_path(&span.file);
        let path = printable(&path);
        let line_text = if span.line > 0 {
            sources.line(&span.file, span.line)
        } else {
            None
        };
        // Wide enough for every line number shown, the notes' included.
        let widest = d
            .notes
            .iter()
            .filter_map(|n| n.span.as_ref().map(|s| s.line))
            .fold(span.line, u32::max);
        gutter = widest.to_string().len();
        let pad = " ".repeat(gutter);
        if span.line > 0 {
            let _ = writeln!(
                out,
                "{pad}{} {path}:{}:{}",
                p.wrap("1;34", "-->"),
                span.line,
                span.col
            );
        } else {
            let _ = writeln!(out, "{pad}{} {path}", p.wrap("1;34", "-->"));
        }
        if let Some(text) = line_text {
            let bar = p.wrap("1;34", "|");
            let _ = writeln!(out, "{pad} {bar}");
            let (shown, start) = window(
                &printable(&text.replace('\t', " ")),
                span.col.saturating_sub(1) as usize,
            );
            let _ = writeln!(
                out,
                "{} {bar} {shown}",
                p.wrap("1;34", &format!("{:>gutter$}", span.line))
            );
            let avail = shown.chars().count().saturating_sub(start).max(1);
            let width = (span.len.max(1) as usize).min(avail);
            let caret = format!("{}{}", " ".repeat(start), "^".repeat(width));
            let _ = writeln!(out, "{pad} {bar} {}", p.wrap(code, &caret));
        }
    }
    for n in &d.notes {
        match &n.span {
            // Another place of a file: its `file:line:col` and its line, as rustc's `:::`.
            Some(at) if at.line > 0 => {
                let pad = " ".repeat(gutter);
                let _ = writeln!(
                    out,
                    "{pad}{} {}:{}:{}",
                    p.wrap("1;34", ":::"),
                    printable(&display_path(&at.file)),
                    at.line,
                    at.col
                );
                if let Some(text) = sources.line(&at.file, at.line) {
                    let bar = p.wrap("1;34", "|");
                    let (shown, start) = window(
                        &printable(&text.replace('\t', " ")),
                        at.col.saturating_sub(1) as usize,
                    );
                    let num = format!("{:>gutter$}", at.line);
                    let _ = writeln!(out, "{pad} {bar}");
                    let _ = writeln!(out, "{} {bar} {shown}", p.wrap("1;34", &num));
                    let avail = shown.chars().count().saturating_sub(start).max(1);
                    let width = (at.len.max(1) as usize).min(avail);
                    let _ = writeln!(
                        out,
                        "{pad} {bar} {}{} {}",
                        " ".repeat(start),
                        p.wrap("1;34", &"-".repeat(width)),
                        printable(&n.text)
                    );
                } else {
                    let _ = writeln!(
                        out,
                        "{pad} {} {}",
                        p.wrap("1;34", "= catatan:"),
                        printable(&n.text)
                    );
                }
            }
            _ => {
                let _ = writeln!(
                    out,
                    "{} {} {}",
                    " ".repeat(gutter),
                    p.wrap("1;34", "= catatan:"),
                    printable(&n.text)
                );
            }
        }
    }
    for h in &d.hints {
        let _ = writeln!(
            out,
            "{} {} {}",
            " ".repeat(gutter),
            p.wrap("1;36", "= bantuan:"),
            printable(h)
        );
    }
    out
}

/// Characters of a source line shown at most: a minified or hostile line (thousands of
/// brackets) must not flood the terminal.
const LINE_WINDOW: usize = 100;

/// The part of `line` shown around character `col` (0-based), with `…` where it was cut, and
/// the column of `col` in what is shown.
fn window(line: &str, col: usize) -> (String, usize) {
    let chars: Vec<char> = line.chars().collect();
    if chars.len() <= LINE_WINDOW {
        return (line.to_string(), col);
    }
    let from = col
        .saturating_sub(LINE_WINDOW / 4)
        .min(chars.len().saturating_sub(LINE_WINDOW));
    let to = (from + LINE_WINDOW).min(chars.len());
    let mut shown: String = chars[from..to].iter().collect();
    let mut at = col - from.min(col);
    if from > 0 {
        shown.insert(0, '…');
        at += 1;
    }
    if to < chars.len() {
        shown.push('…');
    }
    (shown, at)
}

/// The closing line of `check` and `build`: "N SOP, N galat, N peringatan".
pub fn summary(sops: usize, diags: &Diagnostics) -> String {
    format!(
        "{sops} SOP, {} galat, {} peringatan",
        diags.errors(),
        diags.warnings()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::diag::Span;

    #[test]
    fn long_lines_are_cut_around_the_column() {
        let line = format!("nama: {}{}", "[".repeat(500), "]".repeat(500));
        let (shown, at) = window(&line, 6);
        assert_eq!(shown.chars().count(), LINE_WINDOW + 1);
        assert!(shown.starts_with("nama: [[") && shown.ends_with('…'));
        assert_eq!(at, 6);
        let (shown, at) = window(&line, 900);
        assert!(shown.starts_with('…') && shown.ends_with('…'));
        assert_eq!(shown.chars().nth(at), Some(']'));
        assert_eq!(window("pendek", 3), ("pendek".to_string(), 3));
    }

    #[test]
    fn control_characters_in_names_and_values_are_shown_not_obeyed() {
        let mut sources = Sources::default();
        let name = "a\x1b[2J\u{202e}.yaml";
        sources.insert(name.into(), "nama: \x1b]0;judul\x07x\ry\n".into());
        let d = Diagnostic::error(Span::at(name, 1, 7, 3), "nilai `\x1b[31mmerah` salah")
            .hint("ganti `\u{9b}2J`");
        let text = render(&d, &sources, false);
        assert!(
            !text.chars().any(|c| c.is_control() && c != '\n'),
            "{text:?}"
        );
        assert_eq!(
            text,
            "galat: nilai `\u{241b}[31mmerah` salah\n --> a\u{241b}[2J\u{fffd}.yaml:1:7\n  |\n1 | nama: \u{241b}]0;judul\u{2407}x\u{240d}y\n  |       ^^^\n  = bantuan: ganti `\u{fffd}2J`\n"
        );
        assert_eq!(printable_with("a\nb\x7f", true), "a\nb\u{2421}");
        assert_eq!(printable("biasa — saja"), "biasa — saja");
    }

    #[test]
    fn notes_show_the_other_place_under_the_same_gutter() {
        let mut sources = Sources::default();
        let text: String = (1..=10).map(|i| format!("k{i}: v\n")).collect();
        sources.insert("a.yaml".into(), text);
        let d = Diagnostic::error(
            Span::at("a.yaml", 10, 1, 3),
            "kunci `k10` tertulis dua kali",
        )
        .note(Some(Span::at("a.yaml", 2, 1, 2)), "pertama ditulis di sini")
        .note(None, "rincian")
        .hint("hapus salah satunya");
        assert_eq!(
            render(&d, &sources, false),
            "galat: kunci `k10` tertulis dua kali\n  --> a.yaml:10:1\n   |\n10 | k10: v\n   | ^^^\n  ::: a.yaml:2:1\n   |\n 2 | k2: v\n   | -- pertama ditulis di sini\n   = catatan: rincian\n   = bantuan: hapus salah satunya\n"
        );
    }

    #[test]
    fn renders_caret_under_the_column() {
        let mut sources = Sources::default();
        sources.insert("a.yaml".into(), "nama: x\npelaksan: y\n".into());
        let d = Diagnostic::error(
            Span::at("a.yaml", 2, 1, 8),
            "kunci `pelaksan` tidak dikenal",
        )
        .hint("maksud Anda `pelaksana`?");
        let text = render(&d, &sources, false);
        assert_eq!(
            text,
            "galat: kunci `pelaksan` tidak dikenal\n --> a.yaml:2:1\n  |\n2 | pelaksan: y\n  | ^^^^^^^^\n  = bantuan: maksud Anda `pelaksana`?\n"
        );
    }
}
