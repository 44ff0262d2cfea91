//! Formulas rendered at build time with KaTeX, so the book needs no script and no CDN to show
//! them.
//!
//! - `$$ … $$` is a display formula (a block of its own, centred). It may span lines.
//! - `$ … $` is an inline formula. The opening `$` must be followed, and the closing `$`
//!   preceded, by a non-space, and the closing `$` must not be followed by a digit, so prices
//!   like "$5 or $6" stay text. Write `\$` for a literal dollar sign.
//! - Nothing inside code (fenced blocks, `inline code`) is touched.
//!
//! A formula KaTeX cannot parse, or a `$$` that is never closed, is an error naming the page
//! and the formula: the build fails rather than showing raw LaTeX.

use std::fmt;

/// A formula that could not be rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MathError {
    /// The formula as written in the page (without its delimiters).
    pub formula: String,
    /// What went wrong.
    pub problem: String,
}

impl fmt::Display for MathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "formula `{}`: {}", self.formula, self.problem)
    }
}

/// One piece of a page: text to keep, or a formula to render.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Piece<'a> {
    /// Markdown kept as it is.
    Text(&'a str),
    /// An inline formula (between `$`).
    Inline(&'a str),
    /// A display formula (between `$$`).
    Display(&'a str),
}

/// Splits a page into text and formulas, skipping code. An unclosed `$$` is an error.
///
/// The scan is linear in the page's length (up to a logarithmic factor for code spans): every
/// byte is looked at a bounded number of times, whatever the page holds (a 1 MB paragraph of
/// dollar signs included).
///
/// # Errors
/// A [`MathError`] for a `$$` without its closing `$$`.
pub fn split_math(page: &str) -> Result<Vec<Piece<'_>>, MathError> {
    let bytes = page.as_bytes();
    let code_spans = CodeSpans::new(page);
    // The offset of the next blank line ("\n\n") at or after the scan position: found once per
    // paragraph, not once per `$`.
    let mut paragraph_end = 0;
    let mut pieces = Vec::new();
    let mut text_start = 0;
    let mut i = 0;
    let mut line_start = true;
    while i < bytes.len() {
        if line_start && let Some(end) = fenced_block_end(page, i) {
            i = end;
            continue;
        }
        line_start = false;
        match bytes[i] {
            b'\n' => {
                line_start = true;
                i += 1;
            }
            b'\\' => i += 2,
            b'`' => i = code_spans.end(page, i),
            b'$' if bytes.get(i + 1) == Some(&b'$') => {
                let Some(close) = page[i + 2..].find("$$") else {
                    let formula: String = page[i + 2..].chars().take(60).collect();
                    return Err(MathError {
                        formula,
                        problem: "this `$$` is never closed: end the formula with `$$`".to_string(),
                    });
                };
                pieces.push(Piece::Text(&page[text_start..i]));
                pieces.push(Piece::Display(page[i + 2..i + 2 + close].trim()));
                i += close + 4;
                text_start = i;
            }
            b'$' => {
                if paragraph_end <= i {
                    paragraph_end = page[i..].find("\n\n").map_or(page.len(), |n| i + n);
                }
                match inline_end(page, i, paragraph_end) {
                    Some(close) => {
                        pieces.push(Piece::Text(&page[text_start..i]));
                        pieces.push(Piece::Inline(&page[i + 1..close]));
                        i = close + 1;
                        text_start = i;
                    }
                    None => i += 1,
                }
            }
            _ => i += 1,
        }
    }
    if text_start < page.len() {
        pieces.push(Piece::Text(&page[text_start..]));
    }
    pieces.retain(|p| *p != Piece::Text(""));
    Ok(pieces)
}

/// If a fenced code block (```` ``` ```` or `~~~`) opens at `line`, the offset just after it.
fn fenced_block_end(page: &str, line: usize) -> Option<usize> {
    let rest = &page[line..];
    let indented = rest.trim_start_matches(' ');
    if rest.len() - indented.len() > 3 {
        return None;
    }
    let fence_char = indented.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let fence_len = indented.chars().take_while(|c| *c == fence_char).count();
    if fence_len < 3 {
        return None;
    }
    let mut offset = line + rest.find('\n').map_or(rest.len(), |n| n + 1);
    while offset < page.len() {
        let line_text = &page[offset..];
        let line_len = line_text.find('\n').map_or(line_text.len(), |n| n + 1);
        let trimmed = line_text[..line_len].trim();
        offset += line_len;
        if trimmed.len() >= fence_len && trimmed.chars().all(|c| c == fence_char) {
            return Some(offset);
        }
    }
    Some(page.len())
}

/// Every run of backticks of a page, by length, so that finding where an inline code span
/// closes is a binary search instead of a scan of the rest of the page.
struct CodeSpans {
    /// Run length → the offsets where runs of exactly that many backticks start, ascending.
    runs: std::collections::HashMap<usize, Vec<usize>>,
}

impl CodeSpans {
    fn new(page: &str) -> Self {
        let mut runs: std::collections::HashMap<usize, Vec<usize>> = Default::default();
        let bytes = page.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'`' {
                let start = i;
                while bytes.get(i) == Some(&b'`') {
                    i += 1;
                }
                runs.entry(i - start).or_default().push(start);
            } else {
                i += 1;
            }
        }
        Self { runs }
    }

    /// The offset just after the inline code span that opens at `start` (a run of backticks,
    /// closed by the next whole run of exactly as many), or just after its backticks when it is
    /// never closed.
    fn end(&self, page: &str, start: usize) -> usize {
        // Counted from `start`, which may be inside a run (after a `\` that escapes its first
        // backtick); each backtick is counted once, as the scan then moves past it.
        let ticks = page[start..].bytes().take_while(|b| *b == b'`').count();
        let Some(starts) = self.runs.get(&ticks) else {
            return start + ticks;
        };
        let next = starts.partition_point(|&at| at <= start);
        starts
            .get(next)
            .map_or(start + ticks, |&close| close + ticks)
    }
}

/// The offset of the `$` closing the inline formula opened at `open`, if there is one before
/// `paragraph_end` (the end of the paragraph `open` is in).
fn inline_end(page: &str, open: usize, paragraph_end: usize) -> Option<usize> {
    let bytes = page.as_bytes();
    let first = *bytes.get(open + 1)?;
    if first.is_ascii_whitespace() {
        return None;
    }
    let mut i = open + 1;
    while i < paragraph_end {
        match bytes[i] {
            b'\\' => i += 2,
            b'$' => {
                let closes = !bytes[i - 1].is_ascii_whitespace()
                    && !bytes.get(i + 1).is_some_and(u8::is_ascii_digit);
                return closes.then_some(i);
            }
            _ => i += 1,
        }
    }
    None
}

/// Renders one formula to HTML with KaTeX.
///
/// # Errors
/// A [`MathError`] with KaTeX's message when the formula does not parse.
pub fn render_formula(formula: &str, display: bool) -> Result<String, MathError> {
    let error = |problem: String| MathError {
        formula: formula.to_string(),
        problem,
    };
    let opts = katex::Opts::builder()
        .display_mode(display)
        .throw_on_error(true)
        .build()
        .map_err(|e| error(e.to_string()))?;
    let html = katex::render_with_opts(formula, &opts).map_err(|e| {
        let message = e.to_string();
        let message = message
            .split("KaTeX parse error: ")
            .nth(1)
            .map_or(message.as_str(), |m| m.trim_end_matches(['"', ')']));
        error(format!("KaTeX cannot parse it: {message}"))
    })?;
    Ok(protect_from_markdown(&html.replace('\n', " ")))
}

/// Replaces, in the text between tags, the characters Markdown would interpret (KaTeX keeps
/// the LaTeX source in an annotation, where `w_1 … w_2` would otherwise become emphasis).
fn protect_from_markdown(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ => {}
        }
        let entity = match c {
            '\\' => "&#92;",
            '_' => "&#95;",
            '*' => "&#42;",
            '`' => "&#96;",
            '[' => "&#91;",
            ']' => "&#93;",
            '$' => "&#36;",
            '~' => "&#126;",
            '{' => "&#123;",
            '}' => "&#125;",
            _ => "",
        };
        if in_tag || entity.is_empty() {
            out.push(c);
        } else {
            out.push_str(entity);
        }
    }
    out
}

/// Renders every formula of a page; returns every formula that failed.
///
/// # Errors
/// One [`MathError`] per formula that does not render (or for an unclosed `$$`).
pub fn render_page(page: &str) -> Result<String, Vec<MathError>> {
    let pieces = split_math(page).map_err(|e| vec![e])?;
    let mut html = String::with_capacity(page.len());
    let mut errors = Vec::new();
    for piece in pieces {
        match piece {
            Piece::Text(text) => html.push_str(text),
            Piece::Inline(formula) => match render_formula(formula, false) {
                Ok(rendered) => html.push_str(&rendered),
                Err(error) => errors.push(error),
            },
            Piece::Display(formula) => match render_formula(formula, true) {
                // A <div> on its own lines is an HTML block: Markdown leaves it alone.
                Ok(rendered) => {
                    html.push_str("\n\n<div class=\"math-display\">");
                    html.push_str(&rendered);
                    html.push_str("</div>\n\n");
                }
                Err(error) => errors.push(error),
            },
        }
    }
    if errors.is_empty() {
        Ok(html)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
#[path = "math_reference.rs"]
mod reference;

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn inline_and_display_formulas_are_found() {
        let page = "Loss $L = x^2$ here.\n\n$$\n\\frac{a}{b}\n$$\nafter";
        assert_eq!(
            split_math(page).unwrap(),
            vec![
                Piece::Text("Loss "),
                Piece::Inline("L = x^2"),
                Piece::Text(" here.\n\n"),
                Piece::Display("\\frac{a}{b}"),
                Piece::Text("\nafter"),
            ]
        );
    }

    #[test]
    fn code_is_never_math() {
        let page = "```console\n$ cargo test\n$ cargo run\n```\nrun `$ cargo $x$` now";
        assert_eq!(split_math(page).unwrap(), vec![Piece::Text(page)]);
        let tilde = "~~~\n$a$\n~~~\n";
        assert_eq!(split_math(tilde).unwrap(), vec![Piece::Text(tilde)]);
    }

    #[test]
    fn dollars_that_are_not_math_stay_text() {
        for text in [
            "it costs $5 or $6",
            "a $ b $ c",
            "escaped \\$x\\$ here",
            "one $dollar\n\nand another$",
        ] {
            assert_eq!(split_math(text).unwrap(), vec![Piece::Text(text)], "{text}");
        }
    }

    #[test]
    fn an_unclosed_display_formula_is_an_error() {
        let error = split_math("text $$x = 1\nno end").unwrap_err();
        assert_eq!(error.formula, "x = 1\nno end");
        assert!(error.problem.contains("never closed"));
    }

    #[test]
    fn formulas_render_to_katex_html() {
        let html = render_page("the loss $w_1 + w_2$ is").unwrap();
        assert!(
            html.starts_with("the loss <span class=\"katex\">"),
            "{html}"
        );
        assert!(
            !html.contains('_'),
            "underscores would become emphasis: {html}"
        );
        let display = render_page("$$\\frac{\\partial L}{\\partial w}$$").unwrap();
        assert!(display.contains("<div class=\"math-display\"><span class=\"katex-display\">"));
        assert!(!display.contains("\n<span"), "one line per formula");
    }

    #[test]
    fn a_formula_katex_rejects_names_the_problem() {
        let errors = render_page("ok $x$ and $\\frac{a$ and $\\nosuchmacro$").unwrap_err();
        assert_eq!(errors.len(), 2);
        assert_eq!(errors[0].formula, "\\frac{a");
        assert!(
            errors[1].to_string().contains("Undefined control sequence"),
            "{}",
            errors[1]
        );
    }

    #[test]
    fn a_long_paragraph_of_dollars_is_scanned_in_linear_time() {
        // 1 MB in one paragraph: prices, unclosed code spans of many lengths, escapes. The old
        // scanner took 42 s on such a paragraph; a linear one takes milliseconds.
        let mut page = String::new();
        let mut ticks = 1;
        while page.len() < 1_000_000 {
            page.push_str("$x $5 \\$6 $ b ");
            if page.len().is_multiple_of(7) {
                page.push_str(&"`".repeat(ticks));
                ticks += 1;
            }
        }
        let started = std::time::Instant::now();
        let pieces = split_math(&page).unwrap();
        let elapsed = started.elapsed();
        assert!(pieces.iter().all(|p| matches!(p, Piece::Text(_))));
        assert!(
            elapsed < std::time::Duration::from_secs(5),
            "scanning 1 MB took {elapsed:?}: the scanner is no longer linear"
        );
    }

    /// Text made of the characters the scanner treats specially, plus multi-byte ones.
    fn tricky() -> impl Strategy<Value = String> {
        "[$`~\\\\\n {}#:a1\u{a0}\u{3000}é😀]{0,120}"
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]

        #[test]
        fn any_unicode_page_is_split_without_panic(page in any::<String>()) {
            let _ = split_math(&page);
        }

        #[test]
        fn the_linear_scanner_finds_what_the_old_one_found(page in tricky()) {
            prop_assert_eq!(split_math(&page), reference::split_math(&page));
        }

        #[test]
        fn pieces_cover_the_page_in_order(page in tricky()) {
            if let Ok(pieces) = split_math(&page) {
                let mut at = 0;
                for piece in pieces {
                    let (Piece::Text(text) | Piece::Inline(text) | Piece::Display(text)) = piece;
                    let offset = text.as_ptr() as usize - page.as_ptr() as usize;
                    prop_assert!(offset >= at);
                    at = offset + text.len();
                }
            }
        }
    }

    proptest! {
        // KaTeX runs in an embedded JavaScript engine: fewer cases.
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn any_unicode_page_renders_or_errs_without_panic(page in tricky()) {
            let _ = render_page(&page);
        }
    }
}
