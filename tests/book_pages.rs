//! Book-level checks: the pages show only what the code produced.
//!
//! - every `{{#…}}` directive resolves (file, anchor, snapshot, fact, figure);
//! - no page types an output by hand: no Rust code, no output-like blocks, and no literal
//!   number with three or more decimals outside directives;
//! - every page is in `SUMMARY.md` and every `SUMMARY.md` entry exists;
//! - the built HTML book contains no unexpanded directive.

use book_tests::{fenced_blocks, hand_written_text, long_decimals, pages, workspace_root};
use book_tools::{Workspace, expand_page};

#[test]
fn every_directive_resolves() {
    let workspace = Workspace::new(&workspace_root());
    let mut problems = Vec::new();
    for (name, text) in pages() {
        if let Err(errors) = expand_page(&workspace, &text) {
            problems.extend(errors.into_iter().map(|e| format!("book/{name}: {e}")));
        }
    }
    assert!(
        problems.is_empty(),
        "unresolved directives:\n{}",
        problems.join("\n")
    );
}

#[test]
fn no_output_or_number_is_typed_by_hand() {
    let mut problems = Vec::new();
    for (name, text) in pages() {
        let typed = hand_written_text(&text);
        for number in long_decimals(&typed) {
            problems.push(format!(
                "book/{name}: literal number {number}: use a {{{{#fact …}}}}"
            ));
        }
        for (info, body) in fenced_blocks(&typed) {
            match info.as_str() {
                "rust" => problems.push(format!(
                    "book/{name}: a Rust block typed into the page: include it with {{{{#code …}}}}"
                )),
                "console" => {
                    for line in body.lines().filter(|l| !l.starts_with("$ ")) {
                        problems.push(format!(
                            "book/{name}: console block shows output `{line}`: use {{{{#run …}}}}"
                        ));
                    }
                }
                "text" => {}
                other => problems.push(format!(
                    "book/{name}: code block `{other}`: only `text` (formulas) and `console` (commands) may be typed"
                )),
            }
        }
    }
    assert!(
        problems.is_empty(),
        "hand-typed output:\n{}",
        problems.join("\n")
    );
}

#[test]
fn summary_lists_exactly_the_pages() {
    let pages = pages();
    let summary = &pages
        .iter()
        .find(|(name, _)| name == "SUMMARY.md")
        .expect("book/SUMMARY.md exists")
        .1;
    let linked: Vec<&str> = summary
        .split("](")
        .skip(1)
        .filter_map(|rest| rest.split(')').next())
        .collect();
    for (name, _) in &pages {
        if name != "SUMMARY.md" {
            assert!(
                linked.contains(&name.as_str()),
                "book/{name} is not in SUMMARY.md"
            );
        }
    }
    for link in linked {
        assert!(
            pages.iter().any(|(name, _)| name == link),
            "SUMMARY.md links to missing {link}"
        );
    }
}

#[test]
fn built_book_has_every_directive_expanded() {
    let output = book_tools::build(&workspace_root()).expect("the book builds");
    let mut html_pages = 0;
    for entry in std::fs::read_dir(&output)
        .expect("the book has an output folder")
        .flatten()
    {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "html") {
            html_pages += 1;
            let html = std::fs::read_to_string(&path).expect("HTML pages are UTF-8");
            assert!(
                !html.contains("{{#"),
                "{} shows a raw directive",
                path.display()
            );
        }
    }
    assert!(
        html_pages >= 10,
        "expected every chapter as a page, found {html_pages}"
    );
    let chapter_one = std::fs::read_to_string(output.join("ch01-loss-functions.html"))
        .expect("chapter 1 is built");
    assert!(
        chapter_one.contains("data:image/svg+xml;base64,"),
        "chapter 1 shows its figures"
    );
    assert!(
        chapter_one.contains("MSE loss:    0.0200"),
        "chapter 1 shows the MSE output"
    );
}
