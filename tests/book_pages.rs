//! Book-level checks: the pages show only what the code produced.
//!
//! - every `{{#…}}` directive resolves (file, anchor, snapshot, fact, figure);
//! - the code right above an output is the code that prints it, or a helper the page names as
//!   one; an anchor named like a listing shows that listing (one name per listing);
//! - no page types an output by hand: no Rust code, no output-like blocks, and no literal
//!   number with three or more decimals outside directives;
//! - every page is in `SUMMARY.md` and every `SUMMARY.md` entry exists;
//! - every `{{#guide-differs …}}` note is well-formed and used once, shows different numbers on
//!   its two sides, and quotes the guide verbatim;
//! - the built HTML book contains no unexpanded directive;
//! - no line of a code or output block is wider than the page's column (`CODE_COLUMNS`);
//! - every internal link of the built book points to a page that exists and to an anchor that
//!   page has (a glossary entry pointing at a renamed heading fails here, naming the link);
//! - the built book loads no script, stylesheet or font from the network (it works offline).

use book_tests::site::{
    attribute_values, built_book, check_link, code_blocks, files_with_extension, is_external,
    remote_resources_in_css, remote_resources_in_html, remote_resources_in_js,
};
use book_tests::{
    CODE_COLUMNS, fenced_blocks, hand_written_text, long_decimals, pages, workspace_root,
};
use book_tools::{Workspace, expand_pages};

#[test]
fn every_directive_resolves() {
    let workspace = Workspace::new(&workspace_root());
    let mut problems = Vec::new();
    let pages = book_tools::index::book_pages(&workspace_root()).expect("the pages are readable");
    assert!(pages.len() >= 10, "SUMMARY.md lists {} pages", pages.len());
    for ((name, _), expanded) in pages.iter().zip(expand_pages(&workspace, &pages)) {
        if let Err(errors) = expanded {
            problems.extend(errors.into_iter().map(|e| format!("book/{name}: {e}")));
        }
    }
    assert!(
        problems.is_empty(),
        "unresolved directives:\n{}",
        problems.join("\n")
    );
}

/// One name per listing, and no output under code that is not its own: see
/// `book_tools::pairing` for the rules (an output is under its listing's own code, or under a
/// `{{#code … helper-of <listing>}}` block, or under no code of its section).
#[test]
fn every_output_is_under_its_own_code_or_a_named_helper() {
    let problems =
        book_tools::pairing::problems(&workspace_root()).expect("the pages are readable");
    assert!(
        problems.is_empty(),
        "code and output do not pair up:\n{}",
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

/// The guide (the Python/numpy tutorial the book follows): `BOOK_GUIDE` if set, else
/// `../shared/guide/training-and-backprop.md` beside the checkout. It is not part of the
/// repository; without it the quotes are not checked, and the test says so.
fn guide_text() -> Option<String> {
    let path = std::env::var_os("BOOK_GUIDE").map_or_else(
        || workspace_root().join("../shared/guide/training-and-backprop.md"),
        std::path::PathBuf::from,
    );
    let text = std::fs::read_to_string(&path).ok();
    if text.is_none() {
        use std::io::Write as _;
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED the guide quotes of book/guide-differences.toml: no guide at {} (set \
             BOOK_GUIDE=/path/to/training-and-backprop.md)",
            path.display()
        );
    }
    text
}

/// Every side note where the book's number differs from the guide's printed one is
/// well-formed: it names a note of `book/guide-differences.toml`, each note is placed exactly
/// once, its book side resolves from a snapshot or a fact and shows other numbers than its
/// guide side, its reason types no long number, and (when the guide is at hand) every quote
/// occurs in the guide verbatim.
#[test]
fn every_guide_difference_note_is_well_formed_and_quotes_the_guide() {
    let root = workspace_root();
    let workspace = Workspace::new(&root);
    let pages = book_tools::index::book_pages(&root).expect("the pages are readable");
    let uses: usize = pages
        .iter()
        .map(|(_, text)| text.matches("{{#guide-differs ").count())
        .sum();
    assert!(uses >= 15, "only {uses} guide-difference notes in the book");
    let problems = book_tools::guide::problems(&workspace, &pages, guide_text().as_deref());
    assert!(
        problems.is_empty(),
        "guide-difference notes:\n{}",
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
    let output = built_book();
    let mut html_pages = 0;
    for entry in std::fs::read_dir(output)
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

/// No line of a code or output block of the built book is longer than [`CODE_COLUMNS`]
/// characters, the width the content column shows without scrolling sideways (a longer line
/// is cut off at the column's edge until the reader scrolls the block).
#[test]
fn no_code_or_output_line_is_wider_than_the_column() {
    let book = built_book();
    let mut problems = Vec::new();
    let mut lines = 0;
    for file in files_with_extension(book, &["html"]) {
        let page = file
            .strip_prefix(book)
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        let html = std::fs::read_to_string(&file).expect("HTML pages are UTF-8");
        for block in code_blocks(&html) {
            for line in block.lines() {
                lines += 1;
                let width = line.chars().count();
                if width > CODE_COLUMNS {
                    problems.push(format!(
                        "{page}: {width} characters (at most {CODE_COLUMNS}): {line}"
                    ));
                }
            }
        }
    }
    assert!(lines > 1000, "only {lines} lines of code and output found");
    let problems = book_tests::without_print_page_echoes(problems);
    assert!(
        problems.is_empty(),
        "{} lines run past the column: wrap the comment, or print a shorter line (and \
         review the snapshot):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// Every code and output block of a built chapter carries "Listing N-M" and the file it comes
/// from (relative to the repository), and the numbers of a page count up one by one.
#[test]
fn built_chapters_carry_numbered_captions_with_file_paths() {
    let output = built_book();
    let mut numbered = 0;
    for entry in std::fs::read_dir(output)
        .expect("the book has an output folder")
        .flatten()
    {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !(name.starts_with("ch") && name.ends_with(".html")) {
            continue;
        }
        let html = std::fs::read_to_string(entry.path()).expect("HTML pages are UTF-8");
        let captions: Vec<&str> = html
            .split("<p class=\"listing-caption\"")
            .skip(1)
            .filter_map(|rest| rest.split("</p>").next())
            .collect();
        let blocks = html.matches("<pre><code").count();
        for caption in &captions {
            assert!(
                caption.contains(">Listing ") && caption.contains("chapters-code/"),
                "{name}: a caption without a number or a file path: {caption}"
            );
            let file = caption
                .split("<code class=\"listing-file\">")
                .nth(1)
                .and_then(|rest| rest.split("</code>").next())
                .unwrap_or_else(|| panic!("{name}: caption names no file: {caption}"));
            assert!(
                workspace_root().join(file).is_file(),
                "{name}: the caption names {file}, which does not exist"
            );
        }
        let numbers: Vec<u32> = captions
            .iter()
            .filter_map(|c| c.split(">Listing ").nth(1)?.split('<').next())
            .filter_map(|label| label.rsplit_once('-')?.1.parse().ok())
            .collect();
        assert!(
            numbers.windows(2).all(|pair| pair[1] == pair[0] + 1),
            "{name}: listing numbers out of order: {numbers:?}"
        );
        assert!(
            captions.len() <= blocks,
            "{name}: {} captions for {blocks} code blocks",
            captions.len()
        );
        numbered += captions.len();
    }
    assert!(
        numbered >= 40,
        "only {numbered} numbered listings in the built chapters"
    );
}

/// The listings whose printed numbers depend on the last bit of the arithmetic (a different
/// order of additions, or numpy instead of Rust, prints other digits): (page, crate, listing,
/// what is chaotic). Each must carry a chaos note in its section.
const CHAOTIC_LISTINGS: [(&str, &str, &str, &str); 5] = [
    (
        "ch03-training-loop.md",
        "ch03-training-loop",
        "mini_batches",
        "batch size 1",
    ),
    (
        "ch03-training-loop.md",
        "ch03-training-loop",
        "exercise_3_2",
        "learning rate 10",
    ),
    (
        "ch03-training-loop.md",
        "ch03-training-loop",
        "sensitivity",
        "learning rate 10, nudged",
    ),
    (
        "ch04-training-in-practice.md",
        "ch04-training-in-practice",
        "learning_rates",
        "learning rate 20",
    ),
    (
        "ch05-mnist.md",
        "ch05-mnist",
        "schedule",
        "deep10, learning rate 2.0 throughout",
    ),
];

/// The section of `page` around byte `offset`: from the heading above it to the next heading
/// of the same or a higher level (its subsections included).
fn section_around(page: &str, offset: usize) -> &str {
    let level = |line: &str| {
        let hashes = line.chars().take_while(|&c| c == '#').count();
        (hashes > 0 && line[hashes..].starts_with(' ')).then_some(hashes)
    };
    let mut start = 0;
    let mut start_level = 0;
    let mut at = 0;
    for line in page.split_inclusive('\n') {
        if at > offset {
            if level(line).is_some_and(|l| start_level > 0 && l <= start_level) {
                return &page[start..at];
            }
        } else if let Some(l) = level(line) {
            start = at;
            start_level = l;
        }
        at += line.len();
    }
    &page[start..]
}

/// Every chaotic listing's section says so ("chaotic"), and every section that says a run is
/// chaotic shows or cites a listed one: a new chaotic listing cannot go unflagged, and a chaos
/// note on a listing missing from the list fails until it is added.
#[test]
fn every_chaotic_listing_carries_a_chaos_note() {
    let pages = pages();
    let page = |name: &str| -> &str {
        &pages
            .iter()
            .find(|(page, _)| page == name)
            .unwrap_or_else(|| panic!("book/{name} exists"))
            .1
    };
    let mut problems = Vec::new();
    for (name, package, listing, what) in CHAOTIC_LISTINGS {
        let text = page(name);
        let directive = format!("{{{{#run {package} {listing}}}}}");
        let Some(offset) = text.find(&directive) else {
            problems.push(format!("book/{name} does not show {directive} ({what})"));
            continue;
        };
        if !section_around(text, offset)
            .to_lowercase()
            .contains("chaotic")
        {
            problems.push(format!(
                "book/{name}: the section of {directive} ({what}) has no chaos note: say that \
                 the run is chaotic, and what that changes"
            ));
        }
    }
    for (name, text) in &pages {
        let lower = text.to_lowercase();
        for (offset, _) in lower.match_indices("chaotic") {
            let section = section_around(text, offset);
            let flagged = CHAOTIC_LISTINGS.iter().any(|(_, package, listing, _)| {
                section.contains(&format!("{{{{#run {package} {listing}}}}}"))
                    || section.contains(&format!("{{{{#ref {package} run:{listing}}}}}"))
            });
            if !flagged {
                let heading = section.lines().next().unwrap_or_default();
                problems.push(format!(
                    "book/{name}: section `{heading}` calls a run chaotic, but shows or cites no \
                     listing of CHAOTIC_LISTINGS: add it there"
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn sections_reach_the_next_heading_of_their_level() {
    let page = "# A\nintro\n## B\nb text\n### C\nc text\n## D\nd text\n";
    assert_eq!(
        section_around(page, page.find("b text").unwrap()),
        "## B\nb text\n### C\nc text\n"
    );
    assert_eq!(
        section_around(page, page.find("c text").unwrap()),
        "### C\nc text\n"
    );
    assert_eq!(
        section_around(page, page.find("d text").unwrap()),
        "## D\nd text\n"
    );
}

#[test]
fn every_internal_link_and_anchor_resolves() {
    let book = built_book();
    let mut problems = Vec::new();
    let mut checked = 0;
    for file in files_with_extension(book, &["html"]) {
        let page = file
            .strip_prefix(book)
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        // The 404 page is served from any folder by a web server, so its links are absolute.
        if page == "404.html" {
            continue;
        }
        let html = std::fs::read_to_string(&file).expect("HTML pages are UTF-8");
        for href in attribute_values(&html, "a", "href") {
            if is_external(&href) || href.starts_with("/") {
                continue;
            }
            checked += 1;
            if let Err(problem) = check_link(book, &page, &href) {
                problems.push(problem);
            }
        }
    }
    assert!(checked > 50, "only {checked} internal links found");
    let problems = book_tests::without_print_page_echoes(problems);
    assert!(
        problems.is_empty(),
        "broken links in the built book:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_built_book_loads_nothing_from_the_network() {
    let book = built_book();
    let mut problems = Vec::new();
    for file in files_with_extension(book, &["html", "css", "js"]) {
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        let remote = match file.extension().and_then(|e| e.to_str()) {
            Some("html") => remote_resources_in_html(&text),
            Some("css") => remote_resources_in_css(&text),
            _ => remote_resources_in_js(&text),
        };
        let name = file
            .strip_prefix(book)
            .unwrap_or(&file)
            .display()
            .to_string();
        problems.extend(remote.into_iter().map(|url| format!("{name} loads {url}")));
    }
    assert!(
        problems.is_empty(),
        "the book must work offline, but:\n{}",
        problems.join("\n")
    );
    let katex_css = book.join("katex/katex.min.css");
    let css = std::fs::read_to_string(&katex_css).expect("KaTeX's stylesheet is in the book");
    let fonts: Vec<&str> = css
        .split("url(")
        .skip(1)
        .filter_map(|rest| rest.split(')').next())
        .collect();
    assert!(!fonts.is_empty(), "KaTeX's stylesheet names its fonts");
    for font in fonts {
        assert!(
            book.join("katex").join(font).is_file(),
            "katex/katex.min.css needs katex/{font}, which is not in the built book"
        );
    }
}
