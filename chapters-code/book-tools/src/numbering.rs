//! "Listing N-M" numbers for the code and output blocks of the book (The Rust Book's
//! convention), and the `{{#ref …}}` directive that cites one by number.
//!
//! Every `{{#code …}}` and `{{#run …}}` block is numbered: `N` is the page's chapter number
//! (from its file name, `ch01-…` is 1; a page without one uses the initials of its name,
//! `quick-reference.md` is `QR`), `M` counts the blocks of that chapter in book order (pages
//! of the same chapter, like Chapter 5 and its appendix, continue one numbering). Prose cites
//! a block with `{{#ref <crate> <anchor-or-listing>}}`: the code block of that anchor, or,
//! with `run:<listing>`, the output block of that listing.
//!
//! A code block written `{{#code <crate>/<file>:<anchor> helper-of <listing>}}` is a helper
//! shown right above the output of the listing that uses it: its caption says so and links to
//! that output (see [`crate::pairing`] for the rule it serves).

use std::collections::HashMap;
use std::path::Path;

/// What a numbered block shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    /// Code included with `{{#code <crate>/<file>[:<anchor>]}}`.
    Code,
    /// A listing's output, from its snapshot, with `{{#run <crate> <listing>}}`.
    Run,
}

/// One numbered block of the book.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Numbered {
    /// "1-2" (shown as "Listing 1-2").
    pub label: String,
    /// The page's file name under `book/`, e.g. `ch01-loss-functions.md`.
    pub page: String,
    /// Code or output.
    pub kind: BlockKind,
    /// The chapter crate, e.g. `ch01-loss-functions`.
    pub package: String,
    /// The anchor (code), the file inside the crate when the whole file is included (code),
    /// or the listing (output).
    pub name: String,
    /// The file the block comes from, relative to the repository: the source file (code) or
    /// the snapshot (output).
    pub file: String,
    /// For a code block marked `helper-of <listing>`: that listing.
    pub helper_of: Option<String>,
    /// For such a helper: the label ("3-6") of the output block of its listing, the next
    /// output block on the page, when it is that listing's (`None` otherwise: an error).
    pub helper_output: Option<String>,
}

impl Numbered {
    /// "Listing 1-2".
    pub fn title(&self) -> String {
        format!("Listing {}", self.label)
    }

    /// The HTML id of the block's caption, e.g. `listing-1-2`.
    pub fn id(&self) -> String {
        format!("listing-{}", self.label.to_lowercase())
    }
}

/// The numbers of every code and output block of the book.
#[derive(Debug, Clone, Default)]
pub struct Numbering {
    blocks: Vec<Numbered>,
    /// Indices into `blocks` of each page's blocks, by page.
    by_page: HashMap<String, Vec<usize>>,
}

/// The chapter part of a page's listing numbers: `ch05-under-the-hood.md` → `5`,
/// `quick-reference.md` → `QR`.
pub fn chapter_label(page: &str) -> String {
    let stem = Path::new(page)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    if let Some(rest) = stem.strip_prefix("ch") {
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        if let Ok(number) = digits.parse::<u32>() {
            return number.to_string();
        }
    }
    let initials: String = stem
        .split(['-', '_'])
        .filter_map(|word| word.chars().next())
        .flat_map(char::to_uppercase)
        .collect();
    if initials.is_empty() {
        "X".to_string()
    } else {
        initials
    }
}

/// The keyword that marks a code block as a helper of a listing:
/// `{{#code <crate>/<file>:<anchor> helper-of <listing>}}`.
pub const HELPER_OF: &str = "helper-of";

/// The listing a `{{#code … helper-of <listing>}}` directive names, if it is one.
pub fn helper_of(inner: &str) -> Option<&str> {
    match inner.split_whitespace().collect::<Vec<_>>().as_slice() {
        ["code", _, keyword, listing] if *keyword == HELPER_OF => Some(listing),
        _ => None,
    }
}

/// The block a `{{#code …}}` or `{{#run …}}` directive shows, without its number:
/// (kind, crate, name, file relative to the repository). `None` for any other directive.
pub fn block_of(inner: &str) -> Option<(BlockKind, String, String, String)> {
    let mut words = inner.split_whitespace();
    let kind = words.next()?;
    let args: Vec<&str> = words.collect();
    match (kind, args.as_slice()) {
        ("code", [spec] | [spec, HELPER_OF, _]) => {
            let (file, anchor) = match spec.rsplit_once(':') {
                Some((file, anchor)) => (file, Some(anchor)),
                None => (*spec, None),
            };
            let package = file.split('/').next().unwrap_or_default().to_string();
            let inside = file[package.len()..].trim_start_matches('/').to_string();
            let name = anchor.map_or_else(|| inside.clone(), str::to_string);
            Some((
                BlockKind::Code,
                package,
                name,
                format!("chapters-code/{file}"),
            ))
        }
        ("run", [package, listing]) => Some((
            BlockKind::Run,
            (*package).to_string(),
            (*listing).to_string(),
            format!("chapters-code/{package}/snapshots/{listing}.snap"),
        )),
        _ => None,
    }
}

impl Numbering {
    /// Numbers the blocks of `pages` (file name under `book/`, text), given in book order.
    pub fn new<'a>(pages: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut numbering = Self::default();
        let mut next_in_chapter: HashMap<String, usize> = HashMap::new();
        for (page, text) in pages {
            let chapter = chapter_label(page);
            let mut indices = Vec::new();
            for (_, _, inner) in crate::find_directives(text) {
                let Some((kind, package, name, file)) = block_of(inner) else {
                    continue;
                };
                let number = next_in_chapter.entry(chapter.clone()).or_insert(0);
                *number += 1;
                indices.push(numbering.blocks.len());
                numbering.blocks.push(Numbered {
                    label: format!("{chapter}-{number}"),
                    page: page.to_string(),
                    kind,
                    package,
                    name,
                    file,
                    helper_of: helper_of(inner).map(str::to_string),
                    helper_output: None,
                });
            }
            // A helper's output is the next output block of the page, if it is its listing's.
            for (at, &index) in indices.iter().enumerate() {
                let Some(listing) = numbering.blocks[index].helper_of.clone() else {
                    continue;
                };
                let package = numbering.blocks[index].package.clone();
                let output = indices[at + 1..]
                    .iter()
                    .map(|&i| &numbering.blocks[i])
                    .find(|b| b.kind == BlockKind::Run)
                    .filter(|b| b.package == package && b.name == listing)
                    .map(|b| b.label.clone());
                numbering.blocks[index].helper_output = output;
            }
            numbering.by_page.insert(page.to_string(), indices);
        }
        numbering
    }

    /// Every numbered block, in book order.
    pub fn blocks(&self) -> &[Numbered] {
        &self.blocks
    }

    /// The numbered blocks of one page, in page order.
    pub fn on_page(&self, page: &str) -> Vec<&Numbered> {
        self.by_page
            .get(page)
            .map(|indices| indices.iter().map(|&i| &self.blocks[i]).collect())
            .unwrap_or_default()
    }

    /// The block `{{#ref <package> <target>}}` cites, seen from `page`: the code block of
    /// anchor (or file) `target`, or with `run:<listing>` the output block of that listing.
    /// A block on `page` itself wins over one elsewhere; otherwise the first in book order.
    ///
    /// # Errors
    /// When no block matches, with the directives that would.
    pub fn resolve(&self, page: &str, package: &str, target: &str) -> Result<&Numbered, String> {
        let (kind, name) = match target.strip_prefix("run:") {
            Some(listing) => (BlockKind::Run, listing),
            None => (BlockKind::Code, target),
        };
        let matches = |b: &&Numbered| b.kind == kind && b.package == package && b.name == name;
        self.blocks
            .iter()
            .filter(matches)
            .find(|b| b.page == page)
            .or_else(|| self.blocks.iter().find(matches))
            .ok_or_else(|| match kind {
                BlockKind::Code => format!(
                    "no page shows `{{{{#code {package}/…:{name}}}}}`: cite a code block by its \
                     anchor, or an output block with `run:<listing>`"
                ),
                BlockKind::Run => format!("no page shows `{{{{#run {package} {name}}}}}`"),
            })
    }

    /// The markdown link `{{#ref …}}` becomes on `page`: "[Listing N-M](page.md#listing-n-m)".
    ///
    /// # Errors
    /// When the cited block is on no page.
    pub fn reference(&self, page: &str, package: &str, target: &str) -> Result<String, String> {
        let block = self.resolve(page, package, target)?;
        let href = if block.page == page {
            format!("#{}", block.id())
        } else {
            format!("{}#{}", block.page, block.id())
        };
        Ok(format!("[{}]({href})", block.title()))
    }
}

/// The caption line above a numbered block (an HTML paragraph, then a blank line).
pub fn caption(block: &Numbered) -> String {
    let id = block.id();
    let number = format!(
        "<a class=\"listing-number\" href=\"#{id}\">{}</a>",
        block.title()
    );
    let helper = match (&block.helper_of, &block.helper_output) {
        (Some(listing), Some(output)) => format!(
            ", a helper of the listing <code>{listing}</code> (its output: \
             <a href=\"#listing-{}\">Listing {output}</a>)",
            output.to_lowercase()
        ),
        (Some(listing), None) => {
            format!(", a helper of the listing <code>{listing}</code>")
        }
        _ => String::new(),
    };
    match block.kind {
        BlockKind::Code => format!(
            "<p class=\"listing-caption\" id=\"{id}\">{number}: <code class=\"listing-file\">{}</code>{helper}</p>\n\n",
            block.file
        ),
        BlockKind::Run => format!(
            "<p class=\"listing-caption\" id=\"{id}\">{number}: output of \
             <code>cargo run -q -p {} -- {}</code>, from <code class=\"listing-file\">{}</code></p>\n\n",
            block.package, block.name, block.file
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chapters_are_numbered_from_the_file_name() {
        assert_eq!(chapter_label("ch01-loss-functions.md"), "1");
        assert_eq!(chapter_label("ch05-under-the-hood.md"), "5");
        assert_eq!(chapter_label("ch00-setup.md"), "0");
        assert_eq!(chapter_label("quick-reference.md"), "QR");
    }

    #[test]
    fn blocks_are_numbered_per_chapter_across_its_pages() {
        let one = "{{#code c1/src/a.rs:f}}\n{{#fact c1 k}}\n{{#run c1 f}}\n";
        let five = "{{#code c5/src/lib.rs}}";
        let appendix = "{{#run c5 g}}";
        let numbering = Numbering::new([
            ("ch01-x.md", one),
            ("ch05-y.md", five),
            ("ch05-z.md", appendix),
        ]);
        let labels: Vec<&str> = numbering
            .blocks()
            .iter()
            .map(|b| b.label.as_str())
            .collect();
        assert_eq!(labels, ["1-1", "1-2", "5-1", "5-2"]);
        let code = &numbering.blocks()[0];
        assert_eq!(
            (code.kind, code.name.as_str(), code.file.as_str()),
            (BlockKind::Code, "f", "chapters-code/c1/src/a.rs")
        );
        assert_eq!(numbering.blocks()[2].name, "src/lib.rs");
        assert_eq!(
            numbering.blocks()[3].file,
            "chapters-code/c5/snapshots/g.snap"
        );
        assert_eq!(numbering.on_page("ch05-z.md")[0].label, "5-2");
    }

    #[test]
    fn references_link_to_the_block() {
        let numbering = Numbering::new([
            ("ch01-x.md", "{{#code c1/src/a.rs:f}}\n{{#run c1 f}}"),
            ("ch02-y.md", "{{#code c1/src/a.rs:f}}"),
        ]);
        assert_eq!(
            numbering.reference("ch01-x.md", "c1", "f").unwrap(),
            "[Listing 1-1](#listing-1-1)"
        );
        assert_eq!(
            numbering.reference("ch01-x.md", "c1", "run:f").unwrap(),
            "[Listing 1-2](#listing-1-2)"
        );
        // The same code on the page itself wins over its first appearance.
        assert_eq!(
            numbering.reference("ch02-y.md", "c1", "f").unwrap(),
            "[Listing 2-1](#listing-2-1)"
        );
        assert_eq!(
            numbering.reference("glossary.md", "c1", "run:f").unwrap(),
            "[Listing 1-2](ch01-x.md#listing-1-2)"
        );
        assert!(numbering.reference("ch01-x.md", "c1", "g").is_err());
        assert!(numbering.reference("ch01-x.md", "c2", "f").is_err());
    }

    #[test]
    fn a_helper_is_captioned_with_its_listings_output() {
        let page = "{{#code c3/src/a.rs:g helper-of f}}\ntext\n{{#run c3 f}}\n\
                    {{#code c3/src/a.rs:h helper-of f}}\n{{#run c3 other}}\n";
        let numbering = Numbering::new([("ch03-x.md", page)]);
        let helper = &numbering.blocks()[0];
        assert_eq!(helper.helper_of.as_deref(), Some("f"));
        assert_eq!(helper.helper_output.as_deref(), Some("3-2"));
        let text = caption(helper);
        assert!(
            text.contains("a helper of the listing <code>f</code>")
                && text.contains("<a href=\"#listing-3-2\">Listing 3-2</a>"),
            "{text}"
        );
        // Followed by another listing's output: no output to link to.
        assert_eq!(numbering.blocks()[2].helper_output, None);
        assert_eq!(numbering.blocks()[2].name, "h");
    }

    #[test]
    fn captions_name_the_number_and_the_file() {
        let numbering = Numbering::new([("ch03-x.md", "{{#code c3/src/a.rs:f}}{{#run c3 f}}")]);
        let code = caption(&numbering.blocks()[0]);
        assert!(code.contains("id=\"listing-3-1\""), "{code}");
        assert!(code.contains(">Listing 3-1</a>"), "{code}");
        assert!(code.contains("chapters-code/c3/src/a.rs"), "{code}");
        let run = caption(&numbering.blocks()[1]);
        assert!(run.contains("cargo run -q -p c3 -- f"), "{run}");
        assert!(run.contains("chapters-code/c3/snapshots/f.snap"), "{run}");
    }
}
