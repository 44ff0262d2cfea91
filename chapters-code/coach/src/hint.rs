//! Hints come from the book: the `<details><summary>Hint…</summary> … </details>` blocks in the
//! exercise's section of its chapter page (the section whose heading starts with
//! `Exercise N.M`). One source for the reader and the coach.

/// The hints of exercise `id` (like `1.2`) in a chapter page, in order.
pub fn hints(page: &str, id: &str) -> Vec<String> {
    let Some(section) = exercise_section(page, id) else {
        return Vec::new();
    };
    let mut hints = Vec::new();
    let mut rest = section;
    while let Some(open) = rest.find("<details>") {
        let block = &rest[open + "<details>".len()..];
        let end = block.find("</details>").unwrap_or(block.len());
        let (summary, body) = split_summary(&block[..end]);
        if summary.to_lowercase().starts_with("hint") {
            hints.push(tidy(body));
        }
        rest = &block[end..];
    }
    hints
}

/// The text of the section whose heading is `Exercise <id>` followed by a non-digit.
fn exercise_section<'a>(page: &'a str, id: &str) -> Option<&'a str> {
    let marker = format!("Exercise {id}");
    let mut offset = 0;
    let mut start = None;
    let mut level = 0;
    for line in page.split_inclusive('\n') {
        let hashes = line.bytes().take_while(|b| *b == b'#').count();
        let is_heading = hashes > 0 && line[hashes..].starts_with(' ');
        if is_heading {
            if start.is_some() && hashes <= level {
                return Some(&page[start?..offset]);
            }
            let title = line[hashes..].trim();
            let names_it = title
                .strip_prefix(&marker)
                .is_some_and(|after| !after.starts_with(|c: char| c.is_ascii_digit() || c == '.'));
            if start.is_none() && names_it {
                start = Some(offset + line.len());
                level = hashes;
            }
        }
        offset += line.len();
    }
    start.map(|s| &page[s..])
}

fn split_summary(block: &str) -> (&str, &str) {
    match (block.find("<summary>"), block.find("</summary>")) {
        (Some(open), Some(close)) if open < close => (
            block[open + "<summary>".len()..close].trim(),
            &block[close + "</summary>".len()..],
        ),
        _ => ("", block),
    }
}

/// The hint as plain text: trimmed, book directives replaced by a pointer to the book.
fn tidy(body: &str) -> String {
    let mut text = String::new();
    let mut rest = body.trim();
    while let Some(start) = rest.find("{{#") {
        text.push_str(&rest[..start]);
        text.push_str("(shown in the book)");
        rest = rest[start..]
            .find("}}")
            .map_or("", |end| &rest[start + end + 2..]);
    }
    text.push_str(rest);
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "# 1. Loss\n\n## Exercise 1.1: MSE by hand\n\nDo it.\n\n<details>\n<summary>Hint</summary>\n\nSquare each error.\n</details>\n\n<details>\n<summary>Solution</summary>\n\n{{#code x/y.rs:solution}}\n</details>\n\n## Exercise 1.12: later\n\n<details><summary>Hint 1</summary>Twelve.</details>\n<details><summary>Hint 2</summary>See {{#fact c k}} here.</details>\n\n## Checkpoint\n";

    #[test]
    fn hints_are_the_hint_details_of_the_exercise_section() {
        assert_eq!(hints(PAGE, "1.1"), vec!["Square each error."]);
        assert_eq!(
            hints(PAGE, "1.12"),
            vec!["Twelve.", "See (shown in the book) here."]
        );
    }

    #[test]
    fn an_exercise_without_a_section_has_no_hints() {
        assert!(hints(PAGE, "1.2").is_empty());
        assert!(hints(PAGE, "2.1").is_empty());
    }

    #[test]
    fn the_section_ends_at_the_next_heading_of_the_same_level() {
        let page = "## Exercise 2.1: a\n### Part\n<details><summary>Hint</summary>in part</details>\n## Next\n<details><summary>Hint</summary>not ours</details>\n";
        assert_eq!(hints(page, "2.1"), vec!["in part"]);
    }
}
