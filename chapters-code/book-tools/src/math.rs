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
/// # Errors
/// A [`MathError`] for a `$$` without its closing `$$`.
pub fn split_math(page: &str) -> Result<Vec<Piece<'_>>, MathError> {
    let bytes = page.as_bytes();
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
            b'`' => i = code_span_end(page, i),
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
            b'$' => match inline_end(page, i) {
                Some(close) => {
                    pieces.push(Piece::Text(&page[text_start..i]));
                    pieces.push(Piece::Inline(&page[i + 1..close]));
                    i = close + 1;
                    text_start = i;
                }
                None => i += 1,
            },
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

/// The offset just after the inline code span that opens at `start` (or after its backticks
/// when it is never closed).
fn code_span_end(page: &str, start: usize) -> usize {
    let ticks = page[start..].bytes().take_while(|b| *b == b'`').count();
    let fence = &page[start..start + ticks];
    let mut from = start + ticks;
    while let Some(found) = page[from..].find(fence) {
        let at = from + found;
        let run = page[at..].bytes().take_while(|b| *b == b'`').count();
        if run == ticks {
            return at + ticks;
        }
        from = at + run;
    }
    start + ticks
}

/// The offset of the `$` closing the inline formula opened at `open`, if there is one in the
/// same paragraph.
fn inline_end(page: &str, open: usize) -> Option<usize> {
    let bytes = page.as_bytes();
    let first = *bytes.get(open + 1)?;
    if first.is_ascii_whitespace() {
        return None;
    }
    let paragraph_end = page[open..].find("\n\n").map_or(page.len(), |n| open + n);
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
mod tests {
    use super::*;

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
}
