//! Docs as rustdoc reads them: a provider's Markdown made safe for `cargo doc -D warnings` and
//! `cargo test` (no doctests that are not Rust for this crate, no bare URLs, no stray HTML tags,
//! no brackets read as broken intra-doc links).

/// Rewrites doc text so rustdoc neither runs nor warns about what a provider wrote:
/// - a fenced block rustdoc would compile (no language, or only Rust attributes) becomes
///   ```` ```text ```` (or gains `ignore` when it says `rust`); a fence left open is closed;
/// - an indented code block (four spaces after a blank line, outside a list) becomes a
///   ```` ```text ```` block too;
/// - outside code, a bare URL becomes `<url>`, a `<` that starts no autolink is escaped, and a
///   `[` that starts no link (`[text](url)`, or the generator's own `` [`Item`] ``) is escaped.
pub fn markdown(text: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut fence: Option<(char, usize)> = None;
    let mut indented = false;
    let mut in_list = false;
    let mut after_blank = true;
    for line in text.lines() {
        // Indentation is counted in ASCII spaces, so slicing by it stays on character bounds.
        let trimmed = line.trim_start_matches(' ');
        let indent = &line[..line.len() - trimmed.len()];
        let trimmed = trimmed.trim_start();
        if let Some((c, n)) = fence {
            if fence_of(trimmed).is_some_and(|(c2, n2, info)| c2 == c && n2 >= n && info.is_empty()) {
                fence = None;
            }
            out.push(line.to_owned());
            continue;
        }
        if indented {
            if trimmed.is_empty() || indent.len() >= 4 {
                out.push(line.get(indent.len().min(4)..).unwrap_or_default().to_owned());
                continue;
            }
            close_indented(&mut out);
            indented = false;
        }
        if trimmed.is_empty() {
            after_blank = true;
            out.push(String::new());
            continue;
        }
        if indent.len() >= 4 && after_blank && !in_list {
            indented = true;
            out.push("```text".to_owned());
            out.push(line[4..].to_owned());
            continue;
        }
        if after_blank && indent.is_empty() {
            in_list = is_list_item(trimmed);
        }
        after_blank = false;
        if let Some((c, n, info)) = fence_of(trimmed).filter(|_| indent.len() < 4) {
            fence = Some((c, n));
            match doctest_info(info) {
                Some(info) => out.push(format!("{indent}{}{info}", c.to_string().repeat(n))),
                None => out.push(line.to_owned()),
            }
            continue;
        }
        out.push(inline(line));
    }
    if indented {
        close_indented(&mut out);
    }
    if let Some((c, n)) = fence {
        out.push(c.to_string().repeat(n));
    }
    out.join("\n")
}

/// Ends an indented block turned fence, before the blank lines that closed it.
fn close_indented(out: &mut Vec<String>) {
    let blanks = out.iter().rev().take_while(|l| l.is_empty()).count();
    out.truncate(out.len() - blanks);
    out.push("```".to_owned());
    out.extend(std::iter::repeat_n(String::new(), blanks));
}

/// A list item's first line: `- `, `* `, `+ ` or `1. `.
fn is_list_item(line: &str) -> bool {
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    line.starts_with("- ") || line.starts_with("* ") || line.starts_with("+ ") || (digits > 0 && line[digits..].starts_with(". "))
}

/// One line of text outside code blocks, with its code spans kept as they are.
fn inline(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        if c == '`' {
            let ticks = rest.chars().take_while(|x| *x == '`').count();
            let closing = "`".repeat(ticks);
            match rest[ticks..].find(&closing) {
                Some(end) => {
                    let span = ticks + end + ticks;
                    out.push_str(&rest[..span]);
                    rest = &rest[span..];
                }
                None => {
                    out.push_str(&rest[..ticks]);
                    rest = &rest[ticks..];
                }
            }
            continue;
        }
        if rest.starts_with("https://") || rest.starts_with("http://") {
            let len = rest.find(|x: char| x.is_whitespace() || x == '>' || x == ')').unwrap_or(rest.len());
            let url = rest[..len].trim_end_matches(['.', ',', ';', ':', '!', '?', '\'', '"']);
            let linked = out.ends_with("](") || out.ends_with('<');
            if linked {
                out.push_str(url);
            } else {
                out.push('<');
                out.push_str(url);
                out.push('>');
            }
            rest = &rest[url.len()..];
            continue;
        }
        match c {
            '<' if !(rest.starts_with("<https://") || rest.starts_with("<http://")) => out.push_str("\\<"),
            '[' if !starts_link(rest) => out.push_str("\\["),
            _ => out.push(c),
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// True when `rest` (starting at a `[`) is a link rustdoc should read: `[text](target)` or
/// `` [`Item`] `` naming an item.
fn starts_link(rest: &str) -> bool {
    let Some(close) = rest.find(']') else { return false };
    let label = &rest[1..close];
    rest[close + 1..].starts_with('(') || (label.len() > 2 && label.starts_with('`') && label.ends_with('`'))
}

/// A code fence: its character, its length and its info string.
fn fence_of(line: &str) -> Option<(char, usize, &str)> {
    let c = line.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let n = line.chars().take_while(|x| *x == c).count();
    let info = line[n..].trim();
    (n >= 3 && !(c == '`' && info.contains('`'))).then_some((c, n, info))
}

/// The info string to write instead of `info` when rustdoc would run the block as a doctest.
fn doctest_info(info: &str) -> Option<String> {
    const RUST_ATTRS: &[&str] = &["rust", "should_panic", "no_run", "compile_fail", "test_harness", "standalone_crate"];
    let tokens: Vec<&str> = info.split([',', ' ', '\t']).filter(|t| !t.is_empty()).collect();
    let rustish = tokens.iter().all(|t| RUST_ATTRS.contains(t) || t.starts_with("edition"));
    if tokens.is_empty() {
        Some("text".to_owned())
    } else if rustish {
        Some(format!("{info},ignore"))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::markdown;

    #[test]
    fn fences_rustdoc_would_run_become_text() {
        let doc = "A.\n\n```\n{}\n```\n\n```json\n{}\n```\n\n~~~rust\nx\n~~~\n\n```\nopen";
        assert_eq!(markdown(doc), "A.\n\n```text\n{}\n```\n\n```json\n{}\n```\n\n~~~rust,ignore\nx\n~~~\n\n```text\nopen\n```");
    }

    #[test]
    fn indented_code_outside_lists_becomes_text() {
        assert_eq!(markdown("Call:\n\n    POST /a\n    {}\n\nDone."), "Call:\n\n```text\nPOST /a\n{}\n```\n\nDone.");
        assert_eq!(markdown("- item\n\n    more of the item"), "- item\n\n    more of the item");
        assert_eq!(markdown("text\n    continued"), "text\n    continued");
    }

    #[test]
    fn odd_whitespace_does_not_split_characters() {
        assert_eq!(markdown("a\n\n\u{3000}\u{3000}x\n\n      \u{3000}y"), "a\n\n\u{3000}\u{3000}x\n\n```text\n  \u{3000}y\n```");
    }

    #[test]
    fn bare_urls_tags_and_brackets_are_made_plain() {
        assert_eq!(markdown("See https://plaid.com/docs."), "See <https://plaid.com/docs>.");
        assert_eq!(markdown("See <https://a.example> and [docs](https://b.example)."), "See <https://a.example> and [docs](https://b.example).");
        assert_eq!(markdown("The host `https://auth.<region>` is auth.<region>/<envID>."), "The host `https://auth.<region>` is auth.\\<region>/\\<envID>.");
        assert_eq!(markdown("[DEPRECATED] Use [`Client::x`] or [`Error::Api`](crate::runtime::Error::Api)."), "\\[DEPRECATED] Use [`Client::x`] or [`Error::Api`](crate::runtime::Error::Api).");
    }
}
