//! Builds the book: expands the directives that pull code, outputs, facts and figures out of
//! the chapter crates, then hands the pages to mdBook.
//!
//! | directive | becomes |
//! |---|---|
//! | `{{#code ch01-loss-functions/src/loss.rs:mse}}` | the code between `// ANCHOR: mse` and `// ANCHOR_END: mse` |
//! | `{{#code ch03-training-loop/src/runs.rs:batch_run helper-of mini_batches}}` | the same, captioned as a helper that the listing `mini_batches` calls, right above its output (see [`pairing`]) |
//! | `{{#run ch01-loss-functions mse_step_by_step}}` | the run command and the listing's snapshot |
//! | `{{#fact ch01-loss-functions ce_ratio}}` | one value from the chapter's `facts` snapshot |
//! | `{{#figure ch01-loss-functions loss_curves Alt text}}` | the figure's SVG snapshot as an image |
//! | `{{#data ch01-loss-functions loss_curves}}` | the run command and the figure's data snapshot |
//! | `{{#stepper ch02-backpropagation stepper_data}}` | the backpropagation stepper: the listing's data and its container (see [`stepper`]) |
//! | `{{#quiz ch03}}` | the checkpoint questions of `book/quizzes/ch03.toml` (see [`quiz`]) |
//! | `{{#guide-differs backward-demo}}` | a side note: what the guide prints, what this book's run prints (from its snapshot), and why (see [`guide`]) |
//! | `{{#ref ch01-loss-functions mse_step_by_step}}` | "Listing 1-2", linked: the code block of that anchor (`run:<listing>`: its output block; see [`numbering`]) |
//!
//! Every `{{#code …}}` and `{{#run …}}` block gets a caption "Listing N-M" with the file it
//! comes from (see [`numbering`]); `cargo book index` lists every listing with its code, snapshot,
//! page and test (see [`index`]).
//!
//! Then formulas (`$…$` inline, `$$…$$` display) are rendered to HTML with KaTeX at build time
//! (see [`math`]); the book ships KaTeX's stylesheet and fonts under `book/katex/`, so it needs
//! no network.
//!
//! The repository address of the GitHub and "edit this page" links is one setting: the
//! `BOOK_REPOSITORY_URL` environment variable at build time, or `git-repository-url` in
//! `book.toml`; without it the book has no such links (see [`repository_links`]).
//!
//! The Chapter 3 playground (WebAssembly) is built and copied in after mdBook (see
//! [`playground`]).
//!
//! Every directive must resolve: a missing file, anchor, snapshot or fact is an error that
//! names the page and the directive, never a silently empty block (plain mdBook leaves broken
//! includes in the page and succeeds).

mod directives;
pub mod guide;
pub mod index;
pub mod math;
pub mod numbering;
pub mod pairing;
pub mod playground;
pub mod quiz;
pub mod serve;
pub mod stepper;
pub mod stubs;

pub use directives::{
    DirectiveError, Workspace, expand_numbered_page, expand_page, expand_pages, find_directives,
};
pub use serve::LiveServer;

use std::path::{Path, PathBuf};

use mdbook_driver::MDBook;
use mdbook_driver::book::{Book, BookItem};
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};

/// The name of the preprocessor that expands the directives: its `[preprocessor.…]` table in
/// `book.toml` (for plain `mdbook build`/`mdbook serve`) and [`ListingsPreprocessor`]'s name.
pub const LISTINGS_PREPROCESSOR: &str = "backprop-book-listings";
/// The name of the preprocessor that renders the formulas: its `[preprocessor.…]` table in
/// `book.toml` and [`MathPreprocessor`]'s name.
pub const MATH_PREPROCESSOR: &str = "backprop-book-math";

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
        LISTINGS_PREPROCESSOR
    }

    fn run(&self, _ctx: &PreprocessorContext, book: Book) -> mdbook_driver::errors::Result<Book> {
        let pages: Vec<(String, String)> = book
            .iter()
            .filter_map(|item| match item {
                BookItem::Chapter(chapter) => Some((page_name(chapter), chapter.content.clone())),
                _ => None,
            })
            .collect();
        let numbering =
            numbering::Numbering::new(pages.iter().map(|(n, t)| (n.as_str(), t.as_str())));
        transform_pages(book, |page, content| {
            expand_numbered_page(&self.workspace, &numbering, page, content)
        })
    }
}

/// The mdBook preprocessor that renders `$…$` and `$$…$$` formulas with KaTeX.
pub struct MathPreprocessor;

impl Preprocessor for MathPreprocessor {
    fn name(&self) -> &str {
        MATH_PREPROCESSOR
    }

    fn run(&self, _ctx: &PreprocessorContext, book: Book) -> mdbook_driver::errors::Result<Book> {
        transform_pages(book, |_, content| math::render_page(content))
    }
}

/// One of the book's preprocessors, as run by mdBook itself (`cargo book preprocess …`, the
/// commands `book.toml` registers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// The directives ([`ListingsPreprocessor`]).
    Listings,
    /// The formulas ([`MathPreprocessor`]).
    Math,
}

/// Runs one preprocessor the way mdBook runs an external one: reads the JSON
/// `[context, book]` mdBook writes on `input`, transforms the book and writes it as JSON to
/// `output`. The directives are resolved in the book's root folder that mdBook names (the
/// folder of `book.toml`, which is the workspace root).
///
/// # Errors
/// When the input is not what mdBook sends, a page cannot be transformed (every page's
/// problems, each naming the page), or the output cannot be written.
pub fn preprocess(
    stage: Stage,
    input: impl std::io::Read,
    output: impl std::io::Write,
) -> Result<(), String> {
    let (ctx, book) = mdbook_preprocessor::parse_input(input).map_err(|e| {
        format!(
            "cannot read the book from standard input ({e:#}): this command is run by mdBook \
             (`mdbook build` or `mdbook serve`, which book.toml tells to run it), not by hand"
        )
    })?;
    if ctx
        .mdbook_version
        .split('.')
        .take(2)
        .ne(mdbook_preprocessor::MDBOOK_VERSION.split('.').take(2))
    {
        eprintln!(
            "warning: mdBook {} runs this book's preprocessors, which were built with mdBook \
             {}; if the build fails, install that version: cargo install mdbook --version {}",
            ctx.mdbook_version,
            mdbook_preprocessor::MDBOOK_VERSION,
            mdbook_preprocessor::MDBOOK_VERSION
        );
    }
    let book = match stage {
        Stage::Listings => ListingsPreprocessor::new(&ctx.root).run(&ctx, book),
        Stage::Math => MathPreprocessor.run(&ctx, book),
    }
    .map_err(|e| format!("{e:#}"))?;
    serde_json::to_writer(output, &book)
        .map_err(|e| format!("cannot write the book back to mdBook: {e}"))
}

/// A chapter's page: its file name under `book/` (or its title when it has no file).
fn page_name(chapter: &mdbook_driver::book::Chapter) -> String {
    chapter
        .source_path
        .as_ref()
        .map_or_else(|| chapter.name.clone(), |p| p.display().to_string())
}

/// Rewrites every chapter's content with `transform(page, content)`, collecting every page's
/// errors (each prefixed with the page's path) into one build error.
fn transform_pages<E: std::fmt::Display>(
    mut book: Book,
    transform: impl Fn(&str, &str) -> Result<String, Vec<E>>,
) -> mdbook_driver::errors::Result<Book> {
    let mut errors = Vec::new();
    book.for_each_mut(|item| {
        if let BookItem::Chapter(chapter) = item {
            let page = page_name(chapter);
            match transform(&page, &chapter.content) {
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

/// The environment variable that sets, at build time, the repository the book's GitHub link
/// and "edit this page" links point to (e.g. `https://github.com/owner/backprop-book`). It
/// overrides `git-repository-url` in `book.toml`; with neither, no such link is rendered.
pub const REPOSITORY_URL_ENV: &str = "BOOK_REPOSITORY_URL";

/// The repository links of the book: `(git-repository-url, edit-url-template)`, from the
/// address given at build time (`from_env`, see [`REPOSITORY_URL_ENV`]) or else the one in
/// `book.toml` (`configured`, with its `configured_template` if any). `None` when neither is
/// set: then the book shows no repository or edit link (rather than a link to a placeholder).
///
/// # Errors
/// When the address is not an `http(s)://` web address.
pub fn repository_links(
    from_env: Option<&str>,
    configured: Option<&str>,
    configured_template: Option<&str>,
) -> Result<Option<(String, String)>, String> {
    let from_env = from_env.map(str::trim).filter(|url| !url.is_empty());
    let configured = configured.map(str::trim).filter(|url| !url.is_empty());
    let (url, source) = match (from_env, configured) {
        (Some(url), _) => (url, REPOSITORY_URL_ENV.to_string()),
        (None, Some(url)) => (url, "git-repository-url in book.toml".to_string()),
        (None, None) => return Ok(None),
    };
    let well_formed = (url.starts_with("https://") || url.starts_with("http://"))
        && !url.contains(char::is_whitespace)
        && url
            .split("://")
            .nth(1)
            .is_some_and(|rest| rest.contains('/'));
    if !well_formed {
        return Err(format!(
            "{source} is `{url}`: give the repository's web address, like \
             https://github.com/owner/backprop-book (or leave it unset for a book without \
             repository links)"
        ));
    }
    let url = url
        .trim_end_matches('/')
        .trim_end_matches(".git")
        .to_string();
    let template = match (from_env, configured_template) {
        (None, Some(template)) => template.to_string(),
        _ => format!("{url}/edit/main/{{path}}"),
    };
    Ok(Some((url, template)))
}

/// Builds the HTML book of the workspace at `workspace_root`; returns the output folder.
///
/// # Errors
/// Fails when `book.toml` cannot be loaded, the repository address is malformed, a directive
/// does not resolve, or mdBook fails.
pub fn build(workspace_root: &Path) -> Result<PathBuf, String> {
    let mut book = MDBook::load(workspace_root).map_err(|e| {
        format!(
            "cannot load the book at {}: {e:#}",
            workspace_root.display()
        )
    })?;
    let configured = |key: &str| -> Option<String> { book.config.get(key).ok().flatten() };
    let links = repository_links(
        std::env::var(REPOSITORY_URL_ENV).ok().as_deref(),
        configured("output.html.git-repository-url").as_deref(),
        configured("output.html.edit-url-template").as_deref(),
    )?;
    if let Some((url, template)) = links {
        book.config
            .set("output.html.git-repository-url", url)
            .and_then(|()| book.config.set("output.html.edit-url-template", template))
            .map_err(|e| format!("cannot set the repository address: {e:#}"))?;
    }
    // `book.toml` registers the same two preprocessors as commands (`cargo book preprocess …`)
    // for plain `mdbook build`/`mdbook serve`. Under the same names, these in-process ones
    // replace those commands (in their place in the order): each runs once, without spawning
    // cargo.
    book.with_preprocessor(ListingsPreprocessor::new(workspace_root));
    book.with_preprocessor(MathPreprocessor);
    book.build()
        .map_err(|e| format!("book build failed: {e:#}"))?;
    let output = book.build_dir_for("html");
    playground::install(workspace_root, &output)?;
    Ok(output)
}

/// What `cargo book serve` watches: the pages (with the quizzes and KaTeX), the theme,
/// `book.toml` and the chapter crates (the listings, snapshots and figures the directives
/// pull in).
pub fn watched_sources(workspace_root: &Path) -> Vec<PathBuf> {
    ["book", "theme", "book.toml", "chapters-code"]
        .iter()
        .map(|path| workspace_root.join(path))
        .filter(|path| path.exists())
        .collect()
}

/// Builds the book of the workspace at `workspace_root`, serves it at
/// `http://127.0.0.1:<port>/`, rebuilds it when one of its [`watched_sources`] changes and
/// reloads the open pages after each rebuild (see [`serve`](mod@serve)); until the process is stopped.
///
/// # Errors
/// When the first build fails, the port cannot be bound or the files cannot be watched.
pub fn serve(workspace_root: &Path, port: u16) -> Result<(), String> {
    let output = build(workspace_root)?;
    println!("Built the book: {}", output.join("index.html").display());
    let root = workspace_root.to_path_buf();
    let server = LiveServer::start(&output, port, &watched_sources(workspace_root), move || {
        build(&root).map(|_| ())
    })?;
    println!(
        "Serving the book at http://127.0.0.1:{}/ (Ctrl-C to stop); it is rebuilt when a page, \
         the theme, book.toml or a chapter's code changes, and open pages reload.",
        server.port()
    );
    server.wait();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workspace() -> PathBuf {
        book_workspace::workspace_root().expect("the tests run inside the workspace")
    }

    /// `book.toml` registers exactly this crate's two preprocessors, under the names of the
    /// in-process ones (which then replace the commands in `build`: nothing runs twice), the
    /// directives before the formulas, each run through `cargo book preprocess`.
    #[test]
    fn book_toml_registers_the_preprocessors_under_their_names() {
        let text = std::fs::read_to_string(workspace().join("book.toml")).unwrap();
        let config: toml::Table = toml::from_str(&text).unwrap();
        let tables = config["preprocessor"].as_table().unwrap();
        let mut names: Vec<&str> = tables.keys().map(String::as_str).collect();
        names.sort_unstable();
        assert_eq!(names, [LISTINGS_PREPROCESSOR, MATH_PREPROCESSOR]);
        for (name, stage) in [
            (LISTINGS_PREPROCESSOR, "listings"),
            (MATH_PREPROCESSOR, "math"),
        ] {
            let command = tables[name]["command"].as_str().unwrap();
            assert_eq!(
                command,
                format!("cargo run -p book-tools -- preprocess {stage}")
            );
        }
        let after = tables[MATH_PREPROCESSOR]["after"].as_array().unwrap();
        assert!(
            after
                .iter()
                .any(|a| a.as_str() == Some(LISTINGS_PREPROCESSOR))
        );
    }

    /// The mdBook protocol by hand: `[context, book]` as JSON in, the book as JSON out.
    #[test]
    fn the_preprocessors_speak_mdbooks_json() {
        let root = workspace();
        let page = "Loss: {{#fact ch01-loss-functions mse}}, and $x^2$.\n";
        let mut book = Book::new();
        book.push_item(mdbook_driver::book::Chapter::new(
            "Page",
            page.to_string(),
            "page.md",
            Vec::new(),
        ));
        let ctx = PreprocessorContext::new(
            root.clone(),
            mdbook_driver::config::Config::default(),
            "html".to_string(),
        );
        let input = serde_json::to_vec(&(&ctx, &book)).unwrap();
        let mut listed = Vec::new();
        preprocess(Stage::Listings, &input[..], &mut listed).unwrap();
        let listed: Book = serde_json::from_slice(&listed).unwrap();
        let content = &listed.chapters().next().unwrap().content;
        assert!(!content.contains("{{#"), "{content}");
        assert!(content.contains("$x^2$"), "{content}");

        let input = serde_json::to_vec(&(&ctx, &listed)).unwrap();
        let mut rendered = Vec::new();
        preprocess(Stage::Math, &input[..], &mut rendered).unwrap();
        let rendered: Book = serde_json::from_slice(&rendered).unwrap();
        let content = &rendered.chapters().next().unwrap().content;
        assert!(content.contains("class=\"katex\""), "{content}");

        let error = preprocess(Stage::Math, &b"not json"[..], Vec::new()).unwrap_err();
        assert!(error.contains("run by mdBook"), "{error}");
        let bad = "Loss: {{#fact ch01-loss-functions no_such_fact}}\n";
        let mut book = Book::new();
        book.push_item(mdbook_driver::book::Chapter::new(
            "Page",
            bad.to_string(),
            "page.md",
            Vec::new(),
        ));
        let input = serde_json::to_vec(&(&ctx, &book)).unwrap();
        let error = preprocess(Stage::Listings, &input[..], Vec::new()).unwrap_err();
        assert!(error.contains("book/page.md"), "{error}");
    }

    #[test]
    fn without_an_address_there_are_no_repository_links() {
        assert_eq!(repository_links(None, None, None), Ok(None));
        assert_eq!(repository_links(Some("  "), Some(""), None), Ok(None));
    }

    #[test]
    fn the_address_gives_both_links() {
        let expected = Some((
            "https://github.com/ann/backprop-book".to_string(),
            "https://github.com/ann/backprop-book/edit/main/{path}".to_string(),
        ));
        assert_eq!(
            repository_links(Some("https://github.com/ann/backprop-book/"), None, None),
            Ok(expected.clone())
        );
        assert_eq!(
            repository_links(None, Some("https://github.com/ann/backprop-book.git"), None),
            Ok(expected)
        );
    }

    #[test]
    fn the_build_time_address_overrides_book_toml() {
        let (url, template) = repository_links(
            Some("https://github.com/bob/fork"),
            Some("https://github.com/ann/backprop-book"),
            Some("https://github.com/ann/backprop-book/edit/dev/{path}"),
        )
        .unwrap()
        .unwrap();
        assert_eq!(url, "https://github.com/bob/fork");
        assert_eq!(template, "https://github.com/bob/fork/edit/main/{path}");
        let (_, template) = repository_links(
            None,
            Some("https://github.com/ann/backprop-book"),
            Some("https://github.com/ann/backprop-book/edit/dev/{path}"),
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            template,
            "https://github.com/ann/backprop-book/edit/dev/{path}"
        );
    }

    #[test]
    fn a_malformed_address_is_an_error_naming_the_setting() {
        let error = repository_links(Some("github.com/ann/book"), None, None).unwrap_err();
        assert!(
            error.starts_with("BOOK_REPOSITORY_URL is `github.com/ann/book`"),
            "{error}"
        );
        let error = repository_links(None, Some("https://github.com"), None).unwrap_err();
        assert!(
            error.starts_with("git-repository-url in book.toml"),
            "{error}"
        );
    }
}
