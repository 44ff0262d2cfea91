//! Parsing and expanding the book's `{{#…}}` directives.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use crate::numbering::Numbering;

/// A directive that could not be expanded, with the reason and the fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectiveError {
    /// The directive as written in the page.
    pub directive: String,
    /// What went wrong.
    pub problem: String,
}

impl fmt::Display for DirectiveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}`: {}", self.directive, self.problem)
    }
}

/// Where the chapter crates live.
#[derive(Debug, Clone)]
pub struct Workspace {
    root: PathBuf,
    chapters: PathBuf,
}

impl Workspace {
    /// The workspace whose root folder holds `chapters-code/`.
    pub fn new(root: &Path) -> Self {
        Self {
            root: root.to_path_buf(),
            chapters: root.join("chapters-code"),
        }
    }

    /// The workspace's root folder.
    pub(crate) fn root(&self) -> &Path {
        &self.root
    }

    fn package_dir(&self, package: &str) -> Result<PathBuf, String> {
        let dir = self.chapters.join(package);
        if package.is_empty() || package.contains("..") || !dir.join("Cargo.toml").is_file() {
            return Err(format!("no chapter crate `chapters-code/{package}`"));
        }
        Ok(dir)
    }

    /// The body of snapshot `name` of `package`, without insta's header.
    ///
    /// # Errors
    /// Fails when the crate or the snapshot does not exist or has no header.
    pub fn snapshot(&self, package: &str, name: &str) -> Result<String, String> {
        let path = self
            .package_dir(package)?
            .join("snapshots")
            .join(format!("{name}.snap"));
        let text = std::fs::read_to_string(&path).map_err(|_| {
            format!(
                "no snapshot {}: run `cargo test -p {package}` and review it with `cargo insta review`",
                display_relative(&path)
            )
        })?;
        snapshot_body(&text)
            .ok_or_else(|| format!("{} has no insta header", display_relative(&path)))
    }

    /// The `key: value` pairs of the chapter's `facts` snapshot.
    ///
    /// # Errors
    /// Fails when the snapshot is missing.
    pub fn facts(&self, package: &str) -> Result<HashMap<String, String>, String> {
        let body = self.snapshot(package, "facts")?;
        Ok(body
            .lines()
            .filter_map(|line| line.split_once(": "))
            .map(|(key, value)| (key.trim().to_string(), value.trim().to_string()))
            .collect())
    }

    fn code(&self, spec: &str) -> Result<String, String> {
        let (file, anchor) = match spec.rsplit_once(':') {
            Some((file, anchor)) => (file, Some(anchor)),
            None => (spec, None),
        };
        let package = file.split('/').next().unwrap_or_default();
        let path = self
            .package_dir(package)?
            .join(file[package.len()..].trim_start_matches('/'));
        // `..` or a symbolic link must not reach outside the workspace: compare real paths.
        let real = path
            .canonicalize()
            .map_err(|_| format!("cannot read {}", display_relative(&path)))?;
        let root = self.root.canonicalize().map_err(|error| {
            format!(
                "cannot resolve the workspace folder {}: {error}",
                self.root.display()
            )
        })?;
        if !real.starts_with(&root) {
            return Err(format!(
                "`{file}` is {}, outside the workspace {}: include only files of the workspace \
                 (no `..` or link leading out of it)",
                real.display(),
                root.display()
            ));
        }
        let text = std::fs::read_to_string(&real)
            .map_err(|_| format!("cannot read {}", display_relative(&path)))?;
        match anchor {
            None => Ok(strip_anchor_lines(&text)),
            Some(anchor) => anchored(&text, anchor).ok_or_else(|| {
                format!("no `// ANCHOR: {anchor}` … `// ANCHOR_END: {anchor}` in {file}")
            }),
        }
    }
}

fn display_relative(path: &Path) -> String {
    let text = path.display().to_string();
    match text.find("chapters-code/") {
        Some(start) => text[start..].to_string(),
        None => text,
    }
}

/// The body of an insta `.snap` file: everything after the second `---` line.
fn snapshot_body(text: &str) -> Option<String> {
    let rest = text.strip_prefix("---\n")?;
    let end = rest.find("\n---\n")?;
    Some(rest[end + 5..].trim_end().to_string())
}

/// Marker lines that organise the sources but are not shown in the book.
fn is_anchor_line(line: &str) -> bool {
    let trimmed = line.trim();
    trimmed.starts_with("// ANCHOR:")
        || trimmed.starts_with("// ANCHOR_END:")
        || trimmed == crate::stubs::SOLUTION_START
        || trimmed == crate::stubs::SOLUTION_END
}

fn strip_anchor_lines(text: &str) -> String {
    let kept: Vec<&str> = text.lines().filter(|l| !is_anchor_line(l)).collect();
    kept.join("\n")
}

/// The lines between the anchor markers, dedented, with nested markers removed.
fn anchored(text: &str, anchor: &str) -> Option<String> {
    let start_marker = format!("// ANCHOR: {anchor}");
    let end_marker = format!("// ANCHOR_END: {anchor}");
    let mut lines = text.lines();
    lines.by_ref().find(|l| l.trim() == start_marker)?;
    let mut body = Vec::new();
    for line in lines {
        if line.trim() == end_marker {
            return Some(dedent(&body));
        }
        if !is_anchor_line(line) {
            body.push(line);
        }
    }
    None
}

/// Removes the indentation the non-blank lines share. Indentation is counted in characters
/// (`char::is_whitespace`, as `trim_start` does), never in bytes, so a non-breaking space or any
/// other multi-byte whitespace cannot split a character.
fn dedent(lines: &[&str]) -> String {
    let leading = |line: &str| line.chars().take_while(|c| c.is_whitespace()).count();
    let indent = lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| leading(l))
        .min()
        .unwrap_or(0);
    let trimmed: Vec<&str> = lines
        .iter()
        .map(|l| {
            let cut = l
                .char_indices()
                .take_while(|(_, c)| c.is_whitespace())
                .take(indent)
                .last()
                .map_or(0, |(at, c)| at + c.len_utf8());
            &l[cut..]
        })
        .collect();
    trimmed.join("\n").trim_matches('\n').to_string()
}

/// Every `{{#…}}` directive in `page`, as (start offset, end offset, inner text).
pub fn find_directives(page: &str) -> Vec<(usize, usize, &str)> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(offset) = page[from..].find("{{#") {
        let start = from + offset;
        let Some(length) = page[start..].find("}}") else {
            found.push((start, page.len(), &page[start + 3..]));
            break;
        };
        let end = start + length + 2;
        found.push((start, end, page[start + 3..end - 2].trim()));
        from = end;
    }
    found
}

fn expand_one(workspace: &Workspace, inner: &str) -> Result<String, String> {
    let mut words = inner.split_whitespace();
    let kind = words.next().unwrap_or_default();
    let args: Vec<&str> = words.collect();
    match (kind, args.as_slice()) {
        ("code", [spec] | [spec, crate::numbering::HELPER_OF, _]) => {
            Ok(format!("```rust\n{}\n```", workspace.code(spec)?))
        }
        // Outputs are fenced as `text`: highlighted as shell, an output line like `4-> …`
        // would turn red.
        ("run", [package, listing]) => {
            let output = workspace.snapshot(package, listing)?;
            Ok(format!(
                "```text\n$ cargo run -q -p {package} -- {listing}\n{output}\n```"
            ))
        }
        ("data", [package, figure]) => {
            let data = workspace.snapshot(package, &format!("figure-{figure}-data"))?;
            Ok(format!(
                "```text\n$ cargo run -q -p {package} -- data {figure}\n{data}\n```"
            ))
        }
        ("fact", [package, key]) => workspace.facts(package)?.remove(*key).ok_or_else(|| {
            format!("no fact `{key}` in chapters-code/{package}/snapshots/facts.snap")
        }),
        ("figure", [package, name, alt @ ..]) if !alt.is_empty() => {
            let svg = workspace.snapshot(package, &format!("figure-{name}-svg"))?;
            let alt = alt.join(" ").replace('"', "&quot;");
            Ok(format!(
                "<figure class=\"book-figure\"><img src=\"data:image/svg+xml;base64,{}\" alt=\"{alt}\"><figcaption>{alt}</figcaption></figure>",
                BASE64.encode(svg.as_bytes())
            ))
        }
        ("stepper", [package, listing]) => crate::stepper::expand(workspace, package, listing),
        ("quiz", [name]) => crate::quiz::expand(workspace, name),
        _ => Err(
            "unknown directive; use `code <crate>/<file>[:<anchor>] [helper-of <listing>]`, \
             `run <crate> <listing>`, \
             `fact <crate> <key>`, `figure <crate> <name> <caption>`, `data <crate> <figure>`, \
             `ref <crate> <anchor-or-run:listing>` or `guide-differs <id>`"
                .to_string(),
        ),
    }
}

/// Expands every directive of a page, or returns every directive that failed. The page's
/// code and output blocks are numbered on their own ("Listing X-1", …), and `{{#ref …}}` can
/// cite only them: a book is expanded with [`expand_pages`].
///
/// # Errors
/// One [`DirectiveError`] per directive that does not resolve.
pub fn expand_page(workspace: &Workspace, page: &str) -> Result<String, Vec<DirectiveError>> {
    let numbering = Numbering::new([("", page)]);
    expand_numbered_page(workspace, &numbering, "", page)
}

/// Expands every page of a book, given as (file name under `book/`, text) in book order, with
/// one [`Numbering`] of all their listings, so `{{#ref …}}` can cite a listing on any page.
pub fn expand_pages(
    workspace: &Workspace,
    pages: &[(String, String)],
) -> Vec<Result<String, Vec<DirectiveError>>> {
    let numbering = Numbering::new(pages.iter().map(|(n, t)| (n.as_str(), t.as_str())));
    pages
        .iter()
        .map(|(name, text)| expand_numbered_page(workspace, &numbering, name, text))
        .collect()
}

/// Expands every directive of `page` (file name `name` under `book/`), numbering its code and
/// output blocks as `numbering` says.
///
/// # Errors
/// One [`DirectiveError`] per directive that does not resolve.
pub fn expand_numbered_page(
    workspace: &Workspace,
    numbering: &Numbering,
    name: &str,
    page: &str,
) -> Result<String, Vec<DirectiveError>> {
    let mut expanded = String::with_capacity(page.len());
    let mut errors = Vec::new();
    let mut copied_up_to = 0;
    let numbered = numbering.on_page(name);
    let mut numbered = numbered.iter();
    for (start, end, inner) in find_directives(page) {
        expanded.push_str(&page[copied_up_to..start]);
        let result = if let Some(id) = inner.strip_prefix("guide-differs ") {
            crate::guide::expand(workspace, numbering, name, id.trim())
        } else if let Some(target) = inner.strip_prefix("ref ") {
            match target.split_whitespace().collect::<Vec<_>>().as_slice() {
                [package, listing] => numbering.reference(name, package, listing),
                _ => Err(
                    "use `ref <crate> <anchor>` (a code block) or `ref <crate> run:<listing>` \
                          (an output block)"
                        .to_string(),
                ),
            }
        } else {
            let block = if crate::numbering::block_of(inner).is_some() {
                numbered.next()
            } else {
                None
            };
            let caption = block.map(|block| crate::numbering::caption(block));
            match block {
                Some(b) if b.helper_of.is_some() && b.helper_output.is_none() => Err(format!(
                    "a helper must be shown right above the output of the listing that uses \
                     it, but the next output block on this page is not \
                     `{{{{#run {} {}}}}}`",
                    b.package,
                    b.helper_of.as_deref().unwrap_or_default()
                )),
                _ => expand_one(workspace, inner).map(|text| caption.unwrap_or_default() + &text),
            }
        };
        match result {
            Ok(text) => expanded.push_str(&text),
            Err(problem) => errors.push(DirectiveError {
                directive: page[start..end].to_string(),
                problem,
            }),
        }
        copied_up_to = end;
    }
    expanded.push_str(&page[copied_up_to..]);
    if errors.is_empty() {
        Ok(expanded)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapshot_body_skips_the_insta_header() {
        let snap = "---\nsource: x.rs\n---\n  pred   MSE\n 0.10  0.81\n";
        assert_eq!(
            snapshot_body(snap).as_deref(),
            Some("  pred   MSE\n 0.10  0.81")
        );
        assert_eq!(snapshot_body("no header"), None);
    }

    #[test]
    fn anchors_are_extracted_and_dedented() {
        let code = "fn a() {}\n    // ANCHOR: inner\n    let x = 1;\n    // ANCHOR: other\n    let y = 2;\n    // ANCHOR_END: other\n    // ANCHOR_END: inner\n";
        assert_eq!(
            anchored(code, "inner").as_deref(),
            Some("let x = 1;\nlet y = 2;")
        );
        assert_eq!(anchored(code, "missing"), None);
        assert_eq!(anchored("// ANCHOR: open\nno end", "open"), None);
    }

    #[test]
    fn dedent_counts_characters_not_bytes() {
        // A non-breaking space (two bytes) in the indentation used to split a character.
        let code = "// ANCHOR: a\n\u{a0}\u{a0}let x = 1;\n    let y = \"é\";\n\u{3000}\u{3000}z\n// ANCHOR_END: a\n";
        assert_eq!(
            anchored(code, "a").as_deref(),
            Some("let x = 1;\n  let y = \"é\";\nz")
        );
        assert_eq!(
            dedent(&["\u{a0}x", "", "  ", "\u{2003}\u{2003}y"]),
            "x\n\n \n\u{2003}y"
        );
    }

    /// A workspace with one chapter crate `ch01-x` holding `src/lib.rs`, and a file beside the
    /// workspace that must stay out of reach.
    fn workspace_with_a_secret() -> (tempfile::TempDir, Workspace) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("book");
        let krate = root.join("chapters-code/ch01-x");
        std::fs::create_dir_all(krate.join("src")).unwrap();
        std::fs::write(krate.join("Cargo.toml"), "[package]\n").unwrap();
        std::fs::write(
            krate.join("src/lib.rs"),
            "// ANCHOR: f\nfn f() {}\n// ANCHOR_END: f\n",
        )
        .unwrap();
        std::fs::write(root.join("README.md"), "workspace file\n").unwrap();
        std::fs::write(dir.path().join("secret.txt"), "secret\n").unwrap();
        (dir, Workspace::new(&root))
    }

    #[test]
    fn includes_resolve_inside_the_workspace() {
        let (_dir, workspace) = workspace_with_a_secret();
        let code = expand_page(&workspace, "{{#code ch01-x/src/lib.rs:f}}").unwrap();
        assert!(code.ends_with("</p>\n\n```rust\nfn f() {}\n```"), "{code}");
        assert!(code.contains(">Listing X-1</a>"), "{code}");
        let file = expand_page(&workspace, "{{#code ch01-x/../../README.md}}").unwrap();
        assert!(file.ends_with("```rust\nworkspace file\n```"), "{file}");
    }

    #[test]
    fn includes_cannot_leave_the_workspace() {
        let (dir, workspace) = workspace_with_a_secret();
        let errors = expand_page(&workspace, "{{#code ch01-x/../../../secret.txt}}").unwrap_err();
        assert_eq!(errors.len(), 1);
        assert!(
            errors[0].problem.contains("outside the workspace"),
            "{}",
            errors[0]
        );
        #[cfg(unix)]
        {
            let link = dir.path().join("book/chapters-code/ch01-x/src/link.rs");
            std::os::unix::fs::symlink(dir.path().join("secret.txt"), &link).unwrap();
            let errors = expand_page(&workspace, "{{#code ch01-x/src/link.rs}}").unwrap_err();
            assert!(
                errors[0].problem.contains("outside the workspace"),
                "{}",
                errors[0]
            );
        }
    }

    #[test]
    fn directives_are_found_with_their_offsets() {
        let page = "a {{#fact c k}} b {{#run c l}}";
        let found = find_directives(page);
        assert_eq!(found, vec![(2, 15, "fact c k"), (18, 30, "run c l")]);
    }

    #[test]
    fn outputs_are_plain_text_under_their_command() {
        let (_dir, workspace) = workspace_with_a_secret();
        let snapshots = _dir.path().join("book/chapters-code/ch01-x/snapshots");
        std::fs::create_dir_all(&snapshots).unwrap();
        std::fs::write(snapshots.join("f.snap"), "---\nsource: x\n---\n4-> 0.5\n").unwrap();
        let page = expand_page(&workspace, "{{#run ch01-x f}}").unwrap();
        assert!(
            page.ends_with("```text\n$ cargo run -q -p ch01-x -- f\n4-> 0.5\n```"),
            "{page}"
        );
    }

    #[test]
    fn references_cite_numbered_listings_across_pages() {
        let (_dir, workspace) = workspace_with_a_secret();
        let pages = [
            (
                "ch01-a.md".to_string(),
                "{{#code ch01-x/src/lib.rs:f}}".to_string(),
            ),
            (
                "ch02-b.md".to_string(),
                "As {{#ref ch01-x f}} shows. {{#ref ch01-x g}} {{#ref ch01-x}}".to_string(),
            ),
        ];
        let expanded = expand_pages(&workspace, &pages);
        let first = expanded[0].as_ref().unwrap();
        assert!(first.starts_with("<p class=\"listing-caption\" id=\"listing-1-1\">"));
        assert!(first.contains("chapters-code/ch01-x/src/lib.rs"), "{first}");
        let errors = expanded[1].as_ref().unwrap_err();
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert_eq!(errors[0].directive, "{{#ref ch01-x g}}");
        let single = [(pages[1].0.clone(), "See {{#ref ch01-x f}}.".to_string())];
        let pages = [pages[0].clone(), single[0].clone()];
        assert_eq!(
            expand_pages(&workspace, &pages)[1].as_ref().unwrap(),
            "See [Listing 1-1](ch01-a.md#listing-1-1)."
        );
    }

    #[test]
    fn a_helper_without_its_listings_output_below_is_an_error() {
        let (_dir, workspace) = workspace_with_a_secret();
        let page = "{{#code ch01-x/src/lib.rs:f helper-of demo}}\n";
        let errors = expand_page(&workspace, page).unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            errors[0].problem.contains("`{{#run ch01-x demo}}`"),
            "{errors:?}"
        );
    }

    #[test]
    fn unknown_and_broken_directives_are_errors() {
        let workspace = Workspace::new(Path::new("/nonexistent"));
        let errors = expand_page(&workspace, "{{#include x.rs}} {{#run nope listing}}")
            .expect_err("both directives fail");
        assert_eq!(errors.len(), 2);
        assert!(errors[0].problem.starts_with("unknown directive"));
        assert_eq!(errors[1].problem, "no chapter crate `chapters-code/nope`");
    }

    mod generated {
        use super::*;
        use proptest::prelude::*;

        fn tricky() -> impl Strategy<Value = String> {
            "[{}#$`:/. \\n\t\u{a0}\u{2003}\u{3000}aé😀]{0,100}"
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(1000))]

            #[test]
            fn any_page_expands_or_errs_without_panic(page in any::<String>()) {
                let workspace = Workspace::new(Path::new("/nonexistent"));
                let _ = expand_page(&workspace, &page);
                let _ = find_directives(&page);
            }
        }

        /// One workspace for every case (creating a folder tree per case costs more than the
        /// case itself): each case rewrites the listing's file.
        #[test]
        fn any_listing_is_included_without_panic() {
            let (dir, workspace) = workspace_with_a_secret();
            let path = dir.path().join("book/chapters-code/ch01-x/src/any.rs");
            let config = ProptestConfig {
                cases: 1000,
                source_file: Some(file!()),
                ..ProptestConfig::default()
            };
            let strategy = (tricky(), "[ \t\u{a0}\u{2003}]{0,6}");
            proptest::test_runner::TestRunner::new(config)
                .run(&strategy, |(body, indent)| {
                    let text: String = body
                        .lines()
                        .map(|line| format!("{indent}{line}\n"))
                        .collect();
                    std::fs::write(&path, format!("// ANCHOR: a\n{text}// ANCHOR_END: a\n"))
                        .unwrap();
                    let page = "{{#code ch01-x/src/any.rs:a}} {{#code ch01-x/src/any.rs}}";
                    prop_assert!(expand_page(&workspace, page).is_ok());
                    let lines: Vec<&str> = text.lines().collect();
                    let _ = dedent(&lines);
                    Ok(())
                })
                .unwrap_or_else(|failure| panic!("{failure}"));
        }
    }
}
