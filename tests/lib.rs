//! Helpers for the book-level tests in this folder.

pub mod cdp;
pub mod site;

use std::path::PathBuf;

/// The workspace root (the folder holding `book.toml`), found at run time from
/// `CARGO_MANIFEST_DIR` (set by `cargo test`) or the current directory, never from the path
/// the tests were compiled in.
///
/// # Panics
/// When the tests run outside the book's checkout.
pub fn workspace_root() -> PathBuf {
    book_workspace::workspace_root().unwrap_or_else(|error| panic!("{error}"))
}

/// The longest line, in characters, that a code or output block shows without scrolling
/// sideways (how it was measured: [`bookkit::fmt::COLUMNS`]).
pub use bookkit::fmt::COLUMNS as CODE_COLUMNS;

/// Every markdown page under `book/`, as (file name, text), sorted by name.
pub fn pages() -> Vec<(String, String)> {
    let dir = workspace_root().join("book");
    let mut pages: Vec<(String, String)> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .flatten()
                .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
                .filter_map(|e| {
                    let text = std::fs::read_to_string(e.path()).ok()?;
                    Some((e.file_name().to_string_lossy().into_owned(), text))
                })
                .collect()
        })
        .unwrap_or_default();
    pages.sort();
    pages
}

/// The page with every `{{#…}}` directive removed, i.e. the text typed by hand.
pub fn hand_written_text(page: &str) -> String {
    let mut text = String::with_capacity(page.len());
    let mut copied = 0;
    for (start, end, _) in book_tools::find_directives(page) {
        text.push_str(&page[copied..start]);
        text.push_str(" DIRECTIVE ");
        copied = end;
    }
    text.push_str(&page[copied..]);
    text
}

/// Fenced code blocks of a markdown text, as (info string, body).
pub fn fenced_blocks(text: &str) -> Vec<(String, String)> {
    let mut blocks = Vec::new();
    let mut current: Option<(String, String)> = None;
    for line in text.lines() {
        let trimmed = line.trim_start();
        match current.as_mut() {
            None if trimmed.starts_with("```") => {
                current = Some((
                    trimmed.trim_start_matches('`').trim().to_string(),
                    String::new(),
                ));
            }
            Some(_) if trimmed.starts_with("```") => blocks.extend(current.take()),
            Some((_, body)) => {
                body.push_str(line);
                body.push('\n');
            }
            None => {}
        }
    }
    blocks
}

/// Literal numbers with three or more decimals, like `0.0200` (the kind of number that must
/// come from code, not from a keyboard).
pub fn long_decimals(text: &str) -> Vec<String> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let starts_number = bytes[i].is_ascii_digit()
            && (i == 0
                || !(bytes[i - 1].is_ascii_alphanumeric()
                    || bytes[i - 1] == b'.'
                    || bytes[i - 1] == b'_'));
        if !starts_number {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        if i + 1 < bytes.len() && bytes[i] == b'.' && bytes[i + 1].is_ascii_digit() {
            let point = i;
            i += 1;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            let decimals = i - point - 1;
            if decimals >= 3 {
                found.push(text[start..i].to_string());
            }
        }
    }
    found
}

/// Problems without duplicates, and without those of `print.html` while any chapter page has
/// problems of its own (the print page repeats every chapter, so it would only echo them).
pub fn without_print_page_echoes(problems: Vec<String>) -> Vec<String> {
    let (print, mut problems): (Vec<String>, Vec<String>) = problems
        .into_iter()
        .partition(|p| p.starts_with("print.html:"));
    if problems.is_empty() {
        problems = print;
    }
    let mut seen = std::collections::HashSet::new();
    problems.retain(|p| seen.insert(p.clone()));
    problems
}

/// The Rust examples in the doc comments of the `.rs` files under `dir`, as `file:line`: code
/// blocks in `///` or `//!` comments whose info string names no other language (rustdoc
/// compiles and runs those as doc tests).
pub fn doc_examples(dir: &std::path::Path) -> Vec<String> {
    const RUSTDOC_ATTRIBUTES: &[&str] = &[
        "",
        "rust",
        "ignore",
        "no_run",
        "should_panic",
        "compile_fail",
        "test_harness",
        "standalone_crate",
    ];
    let mut found = Vec::new();
    for file in site::files_with_extension(dir, &["rs"]) {
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        let mut in_block = false;
        for (number, line) in text.lines().enumerate() {
            let line = line.trim_start();
            let Some(doc) = line
                .strip_prefix("///")
                .or_else(|| line.strip_prefix("//!"))
            else {
                continue;
            };
            let Some(info) = doc.trim_start().strip_prefix("```") else {
                continue;
            };
            if in_block {
                in_block = false;
                continue;
            }
            in_block = true;
            let rust = info
                .split([',', ' '])
                .map(str::trim)
                .all(|word| RUSTDOC_ATTRIBUTES.contains(&word) || word.starts_with("edition"));
            if rust {
                found.push(format!("{}:{}", file.display(), number + 1));
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_decimals_are_found_and_short_ones_ignored() {
        assert_eq!(
            long_decimals("loss 0.0200 and 0.5, v1.2.345 x"),
            vec!["0.0200"]
        );
        assert_eq!(long_decimals("1e-15 and 2.30"), Vec::<String>::new());
    }

    #[test]
    fn fenced_blocks_are_split_by_info_string() {
        let text = "a\n```console\n$ cargo test\n```\n```rust\nfn main() {}\n```\n";
        assert_eq!(
            fenced_blocks(text),
            vec![
                ("console".to_string(), "$ cargo test\n".to_string()),
                ("rust".to_string(), "fn main() {}\n".to_string())
            ]
        );
    }

    /// A crate whose `[lib]` says `doctest = false` (to spare a rustdoc run per `cargo test`)
    /// must have no doc examples: they would never run.
    #[test]
    fn crates_without_doc_tests_have_no_doc_examples() {
        let root = workspace_root();
        let mut crates: Vec<std::path::PathBuf> = std::fs::read_dir(root.join("chapters-code"))
            .expect("chapters-code exists")
            .flatten()
            .map(|entry| entry.path())
            .collect();
        crates.push(root.join("tests"));
        let mut without = 0;
        let mut problems = Vec::new();
        for dir in crates {
            let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap_or_default();
            if !manifest
                .lines()
                .any(|l| l.replace(' ', "") == "doctest=false")
            {
                continue;
            }
            without += 1;
            let sources = if dir.ends_with("tests") {
                dir.clone()
            } else {
                dir.join("src")
            };
            for example in doc_examples(&sources) {
                problems.push(format!(
                    "{example}: a doc example, but {} says `doctest = false`: remove that line",
                    dir.join("Cargo.toml").display()
                ));
            }
        }
        assert!(without > 0, "no crate turns its doc tests off");
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    #[test]
    fn doc_examples_are_rust_code_blocks_in_doc_comments() {
        let dir = std::env::temp_dir().join(format!("doc-examples-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let text = "//! ```toml\n//! a = 1\n//! ```\n/// ```\n/// f();\n/// ```\n\
                    /// ```no_run,edition2021\n/// g();\n/// ```\n// ```\nfn f() {}\n";
        std::fs::write(dir.join("a.rs"), text).unwrap();
        let found = doc_examples(&dir);
        std::fs::remove_dir_all(&dir).unwrap();
        let file = dir.join("a.rs").display().to_string();
        assert_eq!(found, vec![format!("{file}:4"), format!("{file}:7")]);
    }
}
