//! Limits on the Markdown pages (`halaman/*.md`) before they reach the sanitiser: nesting is
//! capped, because ammonia's HTML tree work grows much faster than the input with depth (20,000
//! nested `>` took 0.95 s in the HTML stage, a 200 KB page of them more than 40 s, while
//! pulldown-cmark alone reads either in about 2 ms). The check itself is one pass of
//! pulldown-cmark over the text.

use pulldown_cmark::{Event, Options, Parser};

/// The deepest nesting accepted: Markdown containers and emphasis, plus the HTML elements
/// written inside the page. A real page rarely passes 6 (a list in a list in a quote).
pub(crate) const MAX_DEPTH: usize = 32;

/// Where the nesting of `text` first passes [`MAX_DEPTH`]: the 1-based line and column (in
/// characters) of the element that does, or `None` when it stays within.
pub(crate) fn too_deep(text: &str) -> Option<(u32, u32)> {
    let mut depth = 0usize;
    for (event, range) in Parser::new_ext(text, Options::ENABLE_TABLES).into_offset_iter() {
        match event {
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            Event::Html(html) | Event::InlineHtml(html) => {
                // Raw HTML nests too (`<div><div>…`): its open tags less its closed ones,
                // counted as it comes.
                for step in html_steps(&html) {
                    depth = depth.saturating_add_signed(step);
                    if depth > MAX_DEPTH {
                        return Some(line_col(text, range.start));
                    }
                }
                continue;
            }
            _ => continue,
        }
        if depth > MAX_DEPTH {
            return Some(line_col(text, range.start));
        }
    }
    None
}

/// +1 for each opening tag and -1 for each closing one in a fragment of HTML; void elements
/// (`<br>`), self-closed tags, comments and declarations count nothing.
fn html_steps(html: &str) -> impl Iterator<Item = isize> + '_ {
    const VOID: &[&str] = &[
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr",
    ];
    html.split('<').skip(1).filter_map(|tag| {
        let end = tag.find('>')?;
        let inner = &tag[..end];
        if let Some(name) = inner.strip_prefix('/') {
            return name
                .starts_with(|c: char| c.is_ascii_alphabetic())
                .then_some(-1);
        }
        let name: String = inner
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        (!name.is_empty() && !inner.ends_with('/') && !VOID.contains(&name.as_str())).then_some(1)
    })
}

/// The 1-based line and character column of byte `at` of `text`.
fn line_col(text: &str, at: usize) -> (u32, u32) {
    let before = &text[..at.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line as u32, col as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_pages_pass_and_deep_ones_are_found_where_they_pass_the_limit() {
        let page = "# Judul\n\n> kutipan\n>\n> - butir *miring* dan **tebal**\n>   - anak\n\n<div><p>html</p><br></div>\n";
        assert_eq!(too_deep(page), None);
        let quotes = format!("Pembuka\n\n{}x\n", ">".repeat(20_000));
        // The quote that passes the limit is the one after the first MAX_DEPTH.
        assert_eq!(too_deep(&quotes), Some((3, MAX_DEPTH as u32 + 1)));
        let lists: String = (0..40)
            .map(|i| format!("{}- a\n", "  ".repeat(i)))
            .collect();
        let (line, _) = too_deep(&lists).unwrap();
        assert!(line > 10 && line <= 33, "{line}");
        let divs = format!("a\n\n{}\n", "<div>".repeat(5_000));
        assert_eq!(too_deep(&divs), Some((3, 1)));
        let balanced = "<div></div>".repeat(5_000);
        assert_eq!(too_deep(&balanced), None);
    }
}
