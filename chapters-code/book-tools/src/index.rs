//! `cargo book index`: every listing with its code (file:line), its snapshot, the page and
//! "Listing N-M" numbers that show it, and the command that runs its test; then every numbered
//! block of the book with the file and line it comes from (and, for a helper, its listing).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::numbering::{BlockKind, Numbered, Numbering};

/// The pages of the book in the order of `book/SUMMARY.md`, as (file name under `book/`, text).
///
/// # Errors
/// When `book/SUMMARY.md` or a page it links to cannot be read.
pub fn book_pages(root: &Path) -> Result<Vec<(String, String)>, String> {
    let book = root.join("book");
    let summary = std::fs::read_to_string(book.join("SUMMARY.md"))
        .map_err(|e| format!("cannot read book/SUMMARY.md: {e}"))?;
    summary
        .split("](")
        .skip(1)
        .filter_map(|rest| rest.split(')').next())
        .filter(|link| link.ends_with(".md"))
        .map(|link| {
            std::fs::read_to_string(book.join(link))
                .map(|text| (link.to_string(), text))
                .map_err(|e| format!("cannot read book/{link} (linked from SUMMARY.md): {e}"))
        })
        .collect()
}

/// The numbering of every code and output block of the book at `root`.
///
/// # Errors
/// When the pages cannot be read.
pub fn numbering(root: &Path) -> Result<Numbering, String> {
    let pages = book_pages(root)?;
    Ok(Numbering::new(
        pages.iter().map(|(n, t)| (n.as_str(), t.as_str())),
    ))
}

/// The `.rs` files under `dir`, sorted.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for path in entries.flatten().map(|e| e.path()) {
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// The 1-based number of the first line of `text` that satisfies `matches`.
fn line_where(text: &str, matches: impl Fn(&str) -> bool) -> Option<usize> {
    text.lines().position(matches).map(|i| i + 1)
}

/// Where `fn <name>(` is defined in the crate `package`: (file relative to the repository, line).
pub fn function_location(root: &Path, package: &str, name: &str) -> Option<(String, usize)> {
    let crate_dir = root.join("chapters-code").join(package);
    let signature = format!("fn {name}(");
    rust_files(&crate_dir.join("src"))
        .into_iter()
        .find_map(|file| {
            let text = std::fs::read_to_string(&file).ok()?;
            let line = line_where(&text, |l| l.trim_start().contains(&signature))?;
            Some((relative(root, &file), line))
        })
}

fn relative(root: &Path, file: &Path) -> String {
    file.strip_prefix(root)
        .unwrap_or(file)
        .display()
        .to_string()
}

/// Where a numbered block comes from, as `file:line` (the first line after the anchor marker
/// for a code block, line 1 of the snapshot for an output block).
fn block_location(root: &Path, block: &Numbered) -> String {
    let line = match block.kind {
        BlockKind::Run => Some(1),
        BlockKind::Code => std::fs::read_to_string(root.join(&block.file))
            .ok()
            .and_then(|text| {
                if block.file.ends_with(&block.name) {
                    Some(1)
                } else {
                    let marker = format!("// ANCHOR: {}", block.name);
                    line_where(&text, |l| l.trim() == marker).map(|l| l + 1)
                }
            }),
    };
    match line {
        Some(line) => format!("{}:{line}", block.file),
        None => format!("{} (missing)", block.file),
    }
}

/// The listings of one chapter crate: the names of its snapshots that are not figures.
fn listings_of(crate_dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(crate_dir.join("snapshots"))
        .map(|entries| {
            entries
                .flatten()
                .filter_map(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    let stem = name.strip_suffix(".snap")?;
                    (!stem.starts_with("figure-")).then(|| stem.to_string())
                })
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// The chapter crates (folders of `chapters-code/` with a `snapshots/` folder), sorted.
fn chapter_crates(root: &Path) -> Vec<String> {
    let mut crates: Vec<String> = std::fs::read_dir(root.join("chapters-code"))
        .map(|entries| {
            entries
                .flatten()
                .filter(|e| e.path().join("snapshots").is_dir())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    crates.sort();
    crates
}

/// The text `cargo book index` prints.
///
/// # Errors
/// When the book's pages cannot be read.
pub fn index(root: &Path) -> Result<String, String> {
    let pages = book_pages(root)?;
    let numbering = Numbering::new(pages.iter().map(|(n, t)| (n.as_str(), t.as_str())));
    // Listings the pages use through another directive than `{{#run …}}`.
    let used_by = |package: &str, name: &str| -> Vec<String> {
        let (directive, what) = if name == "facts" {
            (
                format!("{{{{#fact {package} "),
                "its values, with {{#fact …}}",
            )
        } else {
            (
                format!("{{{{#stepper {package} {name}}}}}"),
                "the stepper, with {{#stepper …}}",
            )
        };
        pages
            .iter()
            .filter(|(_, text)| text.contains(&directive))
            .map(|(page, _)| format!("book/{page} ({what})"))
            .collect()
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Listings: name → code (file:line) → snapshot → page (Listing N-M) → test\n"
    );
    for package in chapter_crates(root) {
        let crate_dir = root.join("chapters-code").join(&package);
        let _ = writeln!(out, "{package}");
        let has_listing_tests = crate_dir.join("tests/listings.rs").is_file();
        for name in listings_of(&crate_dir) {
            let code = function_location(root, &package, &name)
                .map_or_else(|| "(no fn found)".to_string(), |(f, l)| format!("{f}:{l}"));
            let snapshot = format!("chapters-code/{package}/snapshots/{name}.snap");
            let shown: Vec<String> = numbering
                .blocks()
                .iter()
                .filter(|b| b.package == package && b.name == name)
                .map(|b| {
                    let what = match b.kind {
                        BlockKind::Code => "code",
                        BlockKind::Run => "output",
                    };
                    format!("book/{} {} ({what})", b.page, b.title())
                })
                .collect();
            let shown = if shown.is_empty() {
                used_by(&package, &name)
            } else {
                shown
            };
            let page = if shown.is_empty() {
                "(not shown on a page)".to_string()
            } else {
                shown.join(", ")
            };
            let test = if has_listing_tests {
                format!("cargo test -p {package} --test listings {name}")
            } else {
                format!("cargo test -p {package} {name}")
            };
            let _ = writeln!(out, "  {name} → {code} → {snapshot} → {page} → {test}");
        }
        out.push('\n');
    }
    let _ = writeln!(out, "Numbered blocks: Listing N-M → page → file:line");
    for block in numbering.blocks() {
        let helper = block
            .helper_of
            .as_ref()
            .map(|listing| format!(" (a helper of the listing {listing})"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "  {} → book/{} → {}{helper}",
            block.title(),
            block.page,
            block_location(root, block)
        );
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_index_names_code_snapshot_page_and_test() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let krate = root.join("chapters-code/ch01-x");
        std::fs::create_dir_all(krate.join("src")).unwrap();
        std::fs::create_dir_all(krate.join("snapshots")).unwrap();
        std::fs::create_dir_all(krate.join("tests")).unwrap();
        std::fs::create_dir_all(root.join("book")).unwrap();
        std::fs::write(krate.join("tests/listings.rs"), "").unwrap();
        std::fs::write(
            krate.join("src/listings.rs"),
            "use x;\n\n// ANCHOR: demo\npub fn demo() {}\n// ANCHOR_END: demo\n",
        )
        .unwrap();
        std::fs::write(krate.join("snapshots/demo.snap"), "---\n---\nout\n").unwrap();
        std::fs::write(krate.join("snapshots/figure-f-svg.snap"), "").unwrap();
        std::fs::write(root.join("book/SUMMARY.md"), "[One](ch01-a.md)\n").unwrap();
        std::fs::write(
            root.join("book/ch01-a.md"),
            "{{#code ch01-x/src/listings.rs:demo}}\n\n{{#run ch01-x demo}}\n",
        )
        .unwrap();
        let index = index(root).unwrap();
        assert!(
            index.contains(
                "  demo → chapters-code/ch01-x/src/listings.rs:4 → \
                 chapters-code/ch01-x/snapshots/demo.snap → book/ch01-a.md Listing 1-1 (code), \
                 book/ch01-a.md Listing 1-2 (output) → cargo test -p ch01-x --test listings demo"
            ),
            "{index}"
        );
        assert!(!index.contains("figure-f"), "{index}");
        assert!(
            index.contains(
                "  Listing 1-1 → book/ch01-a.md → chapters-code/ch01-x/src/listings.rs:4"
            ),
            "{index}"
        );
    }
}
