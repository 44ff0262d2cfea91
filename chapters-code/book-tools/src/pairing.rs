//! One name per listing, and the code above an output is the code that printed it.
//!
//! A listing has one name: its function `fn <listing>(`, the anchor that shows that function
//! (or a part of its body) on a page, its snapshot `snapshots/<listing>.snap` and its test.
//! The file holding the function is the one the snapshot's `source:` header names. On a page:
//!
//! - the code block closest above an output block `{{#run <crate> <listing>}}` (in the same
//!   section, after the previous output block) is the listing's own code, `{{#code
//!   <crate>/<file>:<listing>}}` — or the page says that it shows a helper the listing uses,
//!   `{{#code <crate>/<file>:<anchor> helper-of <listing>}}` (its caption says so). An output
//!   with no code block above it in its section is fine: it shows no code to mistake for its
//!   own;
//! - an anchor named like a listing of its crate is that listing's own code: the anchor is in
//!   the file the snapshot names and holds `fn <listing>(` or lies inside its body;
//! - a helper names a listing of its crate, and the next output block of its section is that
//!   listing's.

use std::path::Path;

use crate::numbering::{BlockKind, block_of, helper_of};

/// One code or output directive of a page, where it is and what it shows.
struct Shown<'a> {
    offset: usize,
    kind: BlockKind,
    package: String,
    /// The anchor (code) or the listing (output).
    name: String,
    /// The file inside the crate (code).
    file: String,
    helper_of: Option<&'a str>,
    directive: &'a str,
}

/// The byte offsets of the markdown headings of `page` (outside fenced blocks).
fn heading_offsets(page: &str) -> Vec<usize> {
    let mut offsets = Vec::new();
    let mut fenced = false;
    let mut at = 0;
    for line in page.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") {
            fenced = !fenced;
        } else if !fenced && line.starts_with('#') {
            let hashes = line.chars().take_while(|&c| c == '#').count();
            if line[hashes..].starts_with(' ') {
                offsets.push(at);
            }
        }
        at += line.len();
    }
    offsets
}

/// The `source:` file (relative to the repository) of the snapshot of `listing`, or `None`
/// when the crate has no such listing.
fn listing_source(root: &Path, package: &str, listing: &str) -> Option<String> {
    let snapshot = root
        .join("chapters-code")
        .join(package)
        .join("snapshots")
        .join(format!("{listing}.snap"));
    let text = std::fs::read_to_string(snapshot).ok()?;
    text.lines()
        .take_while(|line| !line.is_empty())
        .find_map(|line| line.strip_prefix("source: "))
        .map(|source| source.trim().to_string())
}

/// Whether `{{#code <package>/<file>:<listing>}}` shows the listing's own function: the file
/// is the one its snapshot names, and the anchor holds `fn <listing>(` or lies in its body.
fn own_code(root: &Path, package: &str, file: &str, listing: &str) -> Result<(), String> {
    let source = listing_source(root, package, listing)
        .ok_or_else(|| format!("`{listing}` is not a listing of {package}"))?;
    let shown = format!("chapters-code/{package}/{file}");
    if shown != source {
        return Err(format!(
            "the listing `{listing}` is `fn {listing}` in {source} (its snapshot's `source:`), \
             but this anchor is in {shown}"
        ));
    }
    let text = std::fs::read_to_string(root.join(&source)).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    let find = |marker: &str| lines.iter().position(|l| l.trim() == marker);
    let start = find(&format!("// ANCHOR: {listing}"));
    let end = find(&format!("// ANCHOR_END: {listing}"));
    let signature = format!("fn {listing}(");
    let function = lines.iter().position(|l| l.contains(&signature));
    let (Some(start), Some(end), Some(function)) = (start, end, function) else {
        return Err(format!(
            "{source} has no `// ANCHOR: {listing}` … `// ANCHOR_END: {listing}` around or \
             inside `fn {listing}(`"
        ));
    };
    let indent = &lines[function][..lines[function].len() - lines[function].trim_start().len()];
    let function_end = lines[function..]
        .iter()
        .position(|l| *l == format!("{indent}}}"))
        .map_or(lines.len(), |i| function + i);
    let holds = start < function && function < end;
    let inside = function < start && end < function_end;
    if holds || inside {
        Ok(())
    } else {
        Err(format!(
            "the anchor `{listing}` in {source} neither holds `fn {listing}(` nor lies inside it"
        ))
    }
}

/// Every code and output directive of `page`, in page order.
fn shown_blocks(page: &str) -> Vec<Shown<'_>> {
    crate::find_directives(page)
        .into_iter()
        .filter_map(|(offset, _, inner)| {
            let (kind, package, name, file) = block_of(inner)?;
            let inside = file
                .strip_prefix(&format!("chapters-code/{package}/"))
                .unwrap_or(&file)
                .to_string();
            Some(Shown {
                offset,
                kind,
                package,
                name,
                file: inside,
                helper_of: helper_of(inner),
                directive: inner,
            })
        })
        .collect()
}

/// The problems of one page (file name `name` under `book/`): outputs under code that is
/// neither theirs nor a named helper, anchors named like a listing that show other code,
/// helpers that are not followed by their listing's output.
pub fn page_problems(root: &Path, name: &str, page: &str) -> Vec<String> {
    let headings = heading_offsets(page);
    let section_of = |offset: usize| headings.iter().filter(|&&h| h <= offset).count();
    let blocks = shown_blocks(page);
    let mut problems = Vec::new();
    for (at, block) in blocks.iter().enumerate() {
        let (package, directive) = (&block.package, block.directive);
        match block.kind {
            BlockKind::Code => {
                let names_a_listing = listing_source(root, package, &block.name).is_some();
                if names_a_listing
                    && let Err(why) = own_code(root, package, &block.file, &block.name)
                {
                    problems.push(format!(
                        "book/{name}: `{{{{#{directive}}}}}`: one name per listing: {why}; name \
                         the anchor after the function it shows"
                    ));
                }
                if let Some(listing) = block.helper_of {
                    let next_output = blocks[at + 1..]
                        .iter()
                        .find(|b| b.kind == BlockKind::Run)
                        .filter(|b| section_of(b.offset) == section_of(block.offset));
                    let follows =
                        next_output.is_some_and(|b| b.package == *package && b.name == listing);
                    if listing_source(root, package, listing).is_none() {
                        problems.push(format!(
                            "book/{name}: `{{{{#{directive}}}}}`: `{listing}` is not a listing \
                             of {package} (no snapshots/{listing}.snap)"
                        ));
                    } else if !follows {
                        problems.push(format!(
                            "book/{name}: `{{{{#{directive}}}}}`: the next output block of its \
                             section is not `{{{{#run {package} {listing}}}}}`: show a helper \
                             right above the output of the listing that uses it"
                        ));
                    }
                }
            }
            BlockKind::Run => {
                let listing = &block.name;
                let closest = blocks[..at]
                    .iter()
                    .rev()
                    .take_while(|b| b.kind == BlockKind::Code)
                    .find(|b| section_of(b.offset) == section_of(block.offset));
                let Some(code) = closest else {
                    continue;
                };
                let is_own = code.package == *package
                    && code.name == *listing
                    && own_code(root, package, &code.file, listing).is_ok();
                let is_helper = code.package == *package && code.helper_of == Some(listing);
                if !(is_own || is_helper) {
                    let source = listing_source(root, package, listing)
                        .unwrap_or_else(|| format!("chapters-code/{package}/src/…"));
                    let inside = source
                        .strip_prefix(&format!("chapters-code/{package}/"))
                        .unwrap_or(&source)
                        .to_string();
                    problems.push(format!(
                        "book/{name}: the output of `{listing}` (`{{{{#{directive}}}}}`) is shown \
                         under `{{{{#{}}}}}`, which is not the code that prints it: show the \
                         listing's own code (`{{{{#code {package}/{inside}:{listing}}}}}`, an \
                         anchor around or inside `fn {listing}(`), or say that the block is a \
                         helper it uses (`{{{{#{} helper-of {listing}}}}}`)",
                        code.directive, code.directive
                    ));
                }
            }
        }
    }
    problems
}

/// The problems of every page of the book at `root` (see [`page_problems`]).
///
/// # Errors
/// When the pages cannot be read.
pub fn problems(root: &Path) -> Result<Vec<String>, String> {
    Ok(crate::index::book_pages(root)?
        .iter()
        .flat_map(|(name, text)| page_problems(root, name, text))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A workspace with one chapter crate: the listing `step` (in `src/listings.rs`, with an
    /// anchor around it and one inside it) prints what `forward` (in `src/trace.rs`) computes.
    fn workspace() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let krate = dir.path().join("chapters-code/c2");
        std::fs::create_dir_all(krate.join("src")).unwrap();
        std::fs::create_dir_all(krate.join("snapshots")).unwrap();
        std::fs::write(
            krate.join("src/trace.rs"),
            "// ANCHOR: forward\npub fn forward() -> f64 { 1.0 }\n// ANCHOR_END: forward\n\
             // ANCHOR: step\nfn step() {}\n// ANCHOR_END: step\n",
        )
        .unwrap();
        std::fs::write(
            krate.join("src/listings.rs"),
            "// ANCHOR: step\npub fn step() -> String {\n    format!(\"{}\", forward())\n}\n\
             // ANCHOR_END: step\n\npub fn part() -> String {\n    // ANCHOR: part\n    \
             let x = forward();\n    // ANCHOR_END: part\n    format!(\"{x}\")\n}\n",
        )
        .unwrap();
        for listing in ["step", "part"] {
            std::fs::write(
                krate.join(format!("snapshots/{listing}.snap")),
                "---\nsource: chapters-code/c2/src/listings.rs\n---\n1\n",
            )
            .unwrap();
        }
        dir
    }

    fn problems_of(page: &str) -> Vec<String> {
        let dir = workspace();
        page_problems(dir.path(), "ch02-x.md", page)
    }

    #[test]
    fn an_output_under_its_own_code_or_a_named_helper_passes() {
        let own = "{{#code c2/src/trace.rs:forward}}\n{{#code c2/src/listings.rs:step}}\n\
                   {{#run c2 step}}\n";
        assert_eq!(problems_of(own), Vec::<String>::new());
        let part = "{{#code c2/src/listings.rs:part}}\n{{#run c2 part}}\n";
        assert_eq!(problems_of(part), Vec::<String>::new());
        let helper = "{{#code c2/src/trace.rs:forward helper-of step}}\ntext\n{{#run c2 step}}\n";
        assert_eq!(problems_of(helper), Vec::<String>::new());
        // No code in the output's section: nothing is shown as its code.
        let bare = "{{#code c2/src/trace.rs:forward}}\n## Next\n{{#run c2 step}}\n";
        assert_eq!(problems_of(bare), Vec::<String>::new());
    }

    #[test]
    fn an_output_under_another_function_fails() {
        // The old Chapter 2 pairing: the page shows `forward` and runs `step`.
        let problems = problems_of("{{#code c2/src/trace.rs:forward}}\n{{#run c2 step}}\n");
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].contains("the output of `step`") && problems[0].contains("helper-of step"),
            "{problems:?}"
        );
        // The listing's own code further up does not excuse the block right above.
        let problems = problems_of(
            "{{#code c2/src/listings.rs:step}}\n{{#code c2/src/trace.rs:forward}}\n\
             {{#run c2 step}}\n",
        );
        assert_eq!(problems.len(), 1, "{problems:?}");
    }

    #[test]
    fn an_anchor_named_like_a_listing_must_show_that_listing() {
        // `trace.rs:step` is another function under the listing's name.
        let problems = problems_of("{{#code c2/src/trace.rs:step}}\n{{#run c2 step}}\n");
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].contains("one name per listing"), "{problems:?}");
    }

    #[test]
    fn a_helper_must_precede_its_listings_output() {
        let elsewhere = problems_of(
            "{{#code c2/src/trace.rs:forward helper-of step}}\n{{#run c2 part}}\n\
             {{#run c2 step}}\n",
        );
        assert!(
            elsewhere
                .iter()
                .any(|p| p.contains("the next output block of its section")),
            "{elsewhere:?}"
        );
        let other_section = problems_of(
            "{{#code c2/src/trace.rs:forward helper-of step}}\n## Later\n{{#run c2 step}}\n",
        );
        assert_eq!(other_section.len(), 1, "{other_section:?}");
        let unknown = problems_of("{{#code c2/src/trace.rs:forward helper-of nope}}\n");
        assert!(unknown[0].contains("not a listing"), "{unknown:?}");
    }

    #[test]
    fn headings_inside_fenced_blocks_do_not_count() {
        let page = "# A\n```text\n# not a heading\n```\n## B\n";
        assert_eq!(heading_offsets(page), [0, page.find("## B").unwrap()]);
    }
}
