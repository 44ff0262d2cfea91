//! Builds the book: expands the directives that pull code, outputs, facts and figures out of
//! the chapter crates, then hands the pages to mdBook.
//!
//! | directive | becomes |
//! |---|---|
//! | `{{#code ch01-loss-functions/src/loss.rs:mse}}` | the code between `// ANCHOR: mse` and `// ANCHOR_END: mse` |
//! | `{{#run ch01-loss-functions mse_step_by_step}}` | the run command and the listing's snapshot |
//! | `{{#fact ch01-loss-functions ce_ratio}}` | one value from the chapter's `facts` snapshot |
//! | `{{#figure ch01-loss-functions loss_curves Alt text}}` | the figure's SVG snapshot as an image |
//! | `{{#data ch01-loss-functions loss_curves}}` | the run command and the figure's data snapshot |
//!
//! Then formulas (`$…$` inline, `$$…$$` display) are rendered to HTML with KaTeX at build time
//! (see [`math`]); the book ships KaTeX's stylesheet and fonts under `book/katex/`, so it needs
//! no network.
//!
//! Every directive must resolve: a missing file, anchor, snapshot or fact is an error that
//! names the page and the directive, never a silently empty block (plain mdBook leaves broken
//! includes in the page and succeeds).

mod directives;
pub mod math;
mod serve;
pub mod stubs;

pub use directives::{DirectiveError, Workspace, expand_page, find_directives};
pub use serve::serve;

use std::path::{Path, PathBuf};

use mdbook_driver::MDBook;
use mdbook_driver::book::{Book, BookItem};
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};

/// The mdBook preprocessor that expands this book's directives.
pub struct ListingsPreprocessor {
    workspace: Workspace,
}

impl ListingsPreprocessor {
    /// A preprocessor reading chapter crates under `workspace_root/chapters-code`.
    pub fn new(workspace_root: &Path) -> Self {
        Self {
            workspace: Workspace::new(workspace_root),
        }
    }
}

impl Preprocessor for ListingsPreprocessor {
    fn name(&self) -> &str {
        "backprop-book-listings"
    }

    fn run(&self, _ctx: &PreprocessorContext, book: Book) -> mdbook_driver::errors::Result<Book> {
        transform_pages(book, |content| expand_page(&self.workspace, content))
    }
}

/// The mdBook preprocessor that renders `$…$` and `$$…$$` formulas with KaTeX.
pub struct MathPreprocessor;

impl Preprocessor for MathPreprocessor {
    fn name(&self) -> &str {
        "backprop-book-math"
    }

    fn run(&self, _ctx: &PreprocessorContext, book: Book) -> mdbook_driver::errors::Result<Book> {
        transform_pages(book, math::render_page)
    }
}

/// Rewrites every chapter's content with `transform`, collecting every page's errors
/// (each prefixed with the page's path) into one build error.
fn transform_pages<E: std::fmt::Display>(
    mut book: Book,
    transform: impl Fn(&str) -> Result<String, Vec<E>>,
) -> mdbook_driver::errors::Result<Book> {
    let mut errors = Vec::new();
    book.for_each_mut(|item| {
        if let BookItem::Chapter(chapter) = item {
            let page = chapter
                .source_path
                .as_ref()
                .map_or_else(|| chapter.name.clone(), |p| p.display().to_string());
            match transform(&chapter.content) {
                Ok(content) => chapter.content = content,
                Err(page_errors) => {
                    errors.extend(page_errors.into_iter().map(|e| format!("book/{page}: {e}")))
                }
            }
        }
    });
    if errors.is_empty() {
        Ok(book)
    } else {
        Err(mdbook_driver::errors::Error::msg(errors.join("\n")))
    }
}

/// Builds the HTML book of the workspace at `workspace_root`; returns the output folder.
///
/// # Errors
/// Fails when `book.toml` cannot be loaded, a directive does not resolve, or mdBook fails.
pub fn build(workspace_root: &Path) -> Result<PathBuf, String> {
    let mut book = MDBook::load(workspace_root).map_err(|e| {
        format!(
            "cannot load the book at {}: {e:#}",
            workspace_root.display()
        )
    })?;
    book.with_preprocessor(ListingsPreprocessor::new(workspace_root));
    book.with_preprocessor(MathPreprocessor);
    book.build()
        .map_err(|e| format!("book build failed: {e:#}"))?;
    Ok(book.build_dir_for("html"))
}
