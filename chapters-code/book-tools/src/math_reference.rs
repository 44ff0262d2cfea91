//! The scanner as it was before it became linear (quadratic on long paragraphs with many `$`),
//! kept only as the reference the tests compare the linear one with.

use super::{MathError, Piece, fenced_block_end};

pub(super) fn split_math(page: &str) -> Result<Vec<Piece<'_>>, MathError> {
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
