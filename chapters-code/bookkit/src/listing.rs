//! Listings and figures: one function each, printed by the chapter binary, pinned by a
//! snapshot, and shown in the book from that snapshot.

use std::collections::BTreeSet;
use std::error::Error;
#[cfg(feature = "snapshots")]
use std::panic::{AssertUnwindSafe, catch_unwind};
#[cfg(feature = "snapshots")]
use std::path::Path;

/// What a listing or figure function returns: its output, or an error to report.
pub type BookResult<T> = Result<T, Box<dyn Error>>;

/// One listing of the book: a name (also the snapshot name and the function's name), the
/// function that prints it, and where that function is defined. Declare a chapter's listings
/// with [`listings!`](crate::listings), which fills in the last two.
#[derive(Clone, Copy)]
pub struct Listing {
    /// Name used on the command line, in the book directive and as the snapshot file name.
    pub name: &'static str,
    /// Runs the listing and returns exactly the text it prints.
    pub run: fn() -> BookResult<String>,
    /// The file (relative to the workspace root, as `file!()` gives it) where the chapter
    /// declares its listings with [`listings!`](crate::listings).
    pub declared_in: &'static str,
    /// The module of the listing function, relative to that file (`self` for the file itself).
    pub module: &'static str,
}

impl Listing {
    /// The file that defines the listing function, relative to the workspace root: the
    /// module's file beside the declaring file (`src/listings.rs` for `listings`), or the
    /// declaring file itself for `self`. The snapshot's `source:` header names this file.
    pub fn source_file(&self) -> String {
        if self.module == "self" {
            return self.declared_in.to_string();
        }
        let folder = self
            .declared_in
            .rsplit_once('/')
            .map_or("", |(folder, _)| folder);
        let module = self.module.replace("::", "/");
        if folder.is_empty() {
            format!("{module}.rs")
        } else {
            format!("{folder}/{module}.rs")
        }
    }
}

/// The listings of a chapter, in book order, grouped by the module that defines them:
/// `listings![listings: [mse_step_by_step, clipping], stepper: [stepper_data]]` (a module may
/// come back in a later group; `self` is the declaring file). Each listing is named like its
/// function, and records the file that defines it (for its snapshot's header).
#[macro_export]
macro_rules! listings {
    ($($module:ident : [$($name:ident),* $(,)?]),* $(,)?) => {
        &[$($($crate::Listing {
            name: stringify!($name),
            run: $module::$name,
            declared_in: file!(),
            module: stringify!($module),
        },)*)*]
    };
}

/// A figure: its SVG drawing plus a plain-text summary of the data behind it.
pub struct Figure {
    /// The numbers the figure shows, at printed precision (snapshot-tested and reviewable).
    pub data: String,
    /// The SVG document (snapshot-tested and embedded in the book).
    pub svg: String,
}

/// One figure of the book: its name and the function that draws it.
#[derive(Clone, Copy)]
pub struct FigureSpec {
    /// Name used on the command line and in the book directive.
    pub name: &'static str,
    /// Computes the data and draws the figure.
    pub render: fn() -> BookResult<Figure>,
}

/// Everything a chapter crate shows in the book.
pub struct Chapter {
    /// The cargo package name, as used in `cargo run -p <name>`.
    pub package: &'static str,
    /// The chapter's listings, in book order.
    pub listings: &'static [Listing],
    /// The chapter's figures, in book order.
    pub figures: &'static [FigureSpec],
}

/// Snapshot name of a figure's data summary.
pub fn figure_data_snapshot(name: &str) -> String {
    format!("figure-{name}-data")
}

/// Snapshot name of a figure's SVG drawing.
pub fn figure_svg_snapshot(name: &str) -> String {
    format!("figure-{name}-svg")
}

impl Chapter {
    /// The command-line entry point of a chapter binary: no argument lists the listings,
    /// `<name>` prints one, `figure <name>` prints an SVG, `data <name>` the data behind it.
    /// `--help` describes all of them; an unknown name or an extra argument is an error with
    /// the usage (exit code 2).
    pub fn main(&self) -> std::process::ExitCode {
        let matches = match self.command().try_get_matches() {
            Ok(matches) => matches,
            Err(error) => {
                let _ = error.print();
                return std::process::ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(2));
            }
        };
        match self.run_matches(&matches) {
            Ok(text) => {
                use std::io::Write;
                // A closed pipe (`… | head`) is not an error worth a panic.
                let _ = std::io::stdout().lock().write_all(text.as_bytes());
                std::process::ExitCode::SUCCESS
            }
            Err(error) => {
                eprintln!("error: {error}");
                std::process::ExitCode::FAILURE
            }
        }
    }

    /// The command line of the chapter binary (clap), with the listing and figure names.
    pub fn command(&self) -> clap::Command {
        use clap::builder::PossibleValuesParser;
        use clap::{Arg, Command};
        let listings = self.listings.iter().map(|l| l.name);
        let figures: Vec<&str> = self.figures.iter().map(|f| f.name).collect();
        let figure_arg = |what: &'static str| {
            Arg::new("figure")
                .required(true)
                .help(what)
                .value_parser(PossibleValuesParser::new(figures.clone()))
        };
        Command::new(self.package)
            .about(format!(
                "Prints the listings and figures of {}: exactly what the book shows",
                self.package
            ))
            .args_conflicts_with_subcommands(true)
            .arg(
                Arg::new("listing")
                    .help("The listing to print (without one: the list of listings and figures)")
                    .value_parser(PossibleValuesParser::new(listings)),
            )
            .subcommand(
                Command::new("figure")
                    .about("Prints a figure as SVG")
                    .arg(figure_arg("The figure to draw")),
            )
            .subcommand(
                Command::new("data")
                    .about("Prints the numbers behind a figure")
                    .arg(figure_arg("The figure whose data to print")),
            )
    }

    fn run_matches(&self, matches: &clap::ArgMatches) -> BookResult<String> {
        let figure_named = |m: &clap::ArgMatches| -> BookResult<&FigureSpec> {
            let name = m.get_one::<String>("figure").map_or("", String::as_str);
            self.figures
                .iter()
                .find(|f| f.name == name)
                .ok_or_else(|| format!("no figure named `{name}`").into())
        };
        match matches.subcommand() {
            Some(("figure", m)) => Ok((figure_named(m)?.render)()?.svg),
            Some(("data", m)) => Ok((figure_named(m)?.render)()?.data),
            _ => match matches.get_one::<String>("listing") {
                None => Ok(self.usage()),
                Some(name) => match self.listings.iter().find(|l| l.name == name) {
                    Some(listing) => (listing.run)(),
                    None => Err(format!("no listing named `{name}`.\n{}", self.usage()).into()),
                },
            },
        }
    }

    fn usage(&self) -> String {
        let mut text = format!(
            "usage: cargo run -p {0} -- <listing>\n       cargo run -p {0} -- figure <figure> > figure.svg\n       cargo run -p {0} -- data <figure>\n\nlistings:\n",
            self.package
        );
        for listing in self.listings {
            text.push_str(&format!("  {}\n", listing.name));
        }
        text.push_str("figures:\n");
        for figure in self.figures {
            text.push_str(&format!("  {}\n", figure.name));
        }
        text
    }

    /// Every snapshot name this chapter produces.
    pub fn snapshot_names(&self) -> BTreeSet<String> {
        let listings = self.listings.iter().map(|l| l.name.to_string());
        let figures = self
            .figures
            .iter()
            .flat_map(|f| [figure_data_snapshot(f.name), figure_svg_snapshot(f.name)]);
        listings.chain(figures).collect()
    }

    /// The chapter's `snapshots/` folder, found at run time from `CARGO_MANIFEST_DIR`
    /// (which `cargo test` sets).
    #[cfg(feature = "snapshots")]
    fn snapshot_dir() -> Result<std::path::PathBuf, String> {
        std::env::var_os("CARGO_MANIFEST_DIR")
            .map(|dir| Path::new(&dir).join("snapshots"))
            .ok_or_else(|| {
                "run the snapshot tests with `cargo test`, which sets CARGO_MANIFEST_DIR".into()
            })
    }

    /// The snapshot tests of the chapter, one per listing (named like the listing), one per
    /// figure (`figure_<name>`, its data and its SVG) and one that finds snapshot files no
    /// listing produces, for a test binary with `harness = false`:
    /// `cargo test -p <chapter> <listing>` runs one. Each test first asks `ready(test name)`;
    /// `false` marks it skipped (shown as `ignored` in `cargo test`'s output and counted).
    #[cfg(feature = "snapshots")]
    pub fn snapshot_tests(&'static self, ready: fn(&str) -> bool) -> Vec<libtest_mimic::Trial> {
        use libtest_mimic::Trial;
        let mut trials = Vec::new();
        for listing in self.listings {
            let name = listing.name;
            trials.push(Trial::test(name, move || {
                let mut problems = Vec::new();
                let source = listing.source_file();
                check_source(&source, name, &mut problems);
                check_one(&Self::snapshot_dir()?, name, &source, &mut problems, || {
                    (listing.run)().map_err(|e| e.to_string())
                });
                outcome(problems)
            }));
        }
        for figure in self.figures {
            trials.push(Trial::test(format!("figure_{}", figure.name), move || {
                let dir = Self::snapshot_dir()?;
                let drawn = (figure.render)()
                    .map_err(|e| format!("figure `{}` failed: {e}", figure.name))?;
                let mut problems = Vec::new();
                let source = self.figures_file();
                check_source(&source, figure.name, &mut problems);
                let data = figure_data_snapshot(figure.name);
                check_one(&dir, &data, &source, &mut problems, || {
                    Ok(drawn.data.clone())
                });
                let svg = figure_svg_snapshot(figure.name);
                check_one(&dir, &svg, &source, &mut problems, || Ok(drawn.svg.clone()));
                outcome(problems)
            }));
        }
        trials.push(Trial::test("no_orphaned_snapshots", move || {
            outcome(self.orphaned_snapshots(&Self::snapshot_dir()?))
        }));
        trials
            .into_iter()
            .map(|trial| {
                let skip = !ready(trial.name());
                trial.with_ignored_flag(skip)
            })
            .collect()
    }

    /// Runs [`snapshot_tests`](Self::snapshot_tests) as the whole test binary (for
    /// `harness = false`), with libtest's command line (filters, `--list`, …).
    #[cfg(feature = "snapshots")]
    pub fn run_snapshot_tests(&'static self, ready: fn(&str) -> bool) -> std::process::ExitCode {
        let mut arguments = libtest_mimic::Arguments::from_args();
        // A skipped (not ready) test is reported as ignored: run only the others.
        arguments.ignored = false;
        arguments.include_ignored = false;
        libtest_mimic::run(&arguments, self.snapshot_tests(ready)).exit_code()
    }

    /// The chapter's `src/figures.rs` (relative to the workspace root), named in its figure
    /// snapshots' headers.
    #[cfg(feature = "snapshots")]
    fn figures_file(&self) -> String {
        format!("chapters-code/{}/src/figures.rs", self.package)
    }

    #[cfg(feature = "snapshots")]
    fn orphaned_snapshots(&self, snapshot_dir: &Path) -> Vec<String> {
        let expected = self.snapshot_names();
        let Ok(entries) = std::fs::read_dir(snapshot_dir) else {
            return Vec::new();
        };
        entries
            .filter_map(|entry| entry.ok())
            .filter_map(|entry| {
                let file_name = entry.file_name().to_string_lossy().into_owned();
                let stem = file_name.strip_suffix(".snap")?.to_string();
                (!expected.contains(&stem)).then(|| {
                    format!("snapshots/{file_name} belongs to no listing or figure: delete it")
                })
            })
            .collect()
    }
}

/// A test's outcome from its list of problems.
#[cfg(feature = "snapshots")]
fn outcome(problems: Vec<String>) -> Result<(), libtest_mimic::Failed> {
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{}\nReview changed snapshots with `cargo insta review`.",
            problems.join("\n")
        )
        .into())
    }
}

/// The workspace root, found at run time: `CARGO_MANIFEST_DIR` (the chapter crate, which
/// `cargo test` sets) is `<root>/chapters-code/<crate>`.
#[cfg(feature = "snapshots")]
fn workspace_root() -> Option<std::path::PathBuf> {
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR")?;
    Some(Path::new(&manifest).parent()?.parent()?.to_path_buf())
}

/// Checks that `source` (relative to the workspace root) defines `fn <name>(`: the snapshot's
/// header must name the file that holds the listing's code.
#[cfg(feature = "snapshots")]
fn check_source(source: &str, name: &str, problems: &mut Vec<String>) {
    let Some(root) = workspace_root() else {
        problems.push("run the snapshot tests with `cargo test`".to_string());
        return;
    };
    let text = std::fs::read_to_string(root.join(source)).unwrap_or_default();
    let signature = format!("fn {name}(");
    if !text.lines().any(|line| line.contains(&signature)) {
        problems.push(format!(
            "listing `{name}`: {source} has no `fn {name}(`: name the module that defines it in \
             the chapter's `listings!` declaration"
        ));
    }
}

#[cfg(feature = "snapshots")]
fn check_one(
    snapshot_dir: &Path,
    name: &str,
    source: &str,
    problems: &mut Vec<String>,
    produce: impl FnOnce() -> Result<String, String>,
) {
    let output = match produce() {
        Ok(output) => output,
        Err(error) => {
            problems.push(format!("listing `{name}` failed: {error}"));
            return;
        }
    };
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(snapshot_dir);
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        settings.bind(|| {
            // `assert_snapshot!` would name this file in the snapshot's `source:` header; the
            // function behind the macro takes the file to name, so the header names the
            // listing's own file instead (one hop from the snapshot to the code).
            insta::_macro_support::assert_snapshot(
                (name.to_string(), output.as_str()).into(),
                insta::_get_workspace_root!().as_path(),
                name,
                module_path!(),
                source,
                1,
                name,
            )
            .unwrap();
        });
    }));
    if outcome.is_err() {
        problems.push(format!("snapshot `{name}` is missing or out of date"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nothing() -> BookResult<String> {
        Ok(String::new())
    }

    #[test]
    fn a_listing_names_the_file_of_its_module() {
        let listings: &[Listing] = crate::listings![self: [nothing]];
        assert_eq!(listings[0].name, "nothing");
        assert_eq!(listings[0].source_file(), file!());
        let elsewhere = Listing {
            module: "listings",
            ..listings[0]
        };
        assert_eq!(
            elsewhere.source_file(),
            "chapters-code/bookkit/src/listings.rs"
        );
        let nested = Listing {
            module: "a::b",
            declared_in: "lib.rs",
            ..listings[0]
        };
        assert_eq!(nested.source_file(), "a/b.rs");
    }

    #[cfg(feature = "snapshots")]
    #[test]
    fn a_source_without_the_function_is_a_problem() {
        let mut problems = Vec::new();
        check_source(file!(), "nothing", &mut problems);
        assert!(problems.is_empty(), "{problems:?}");
        // Built at run time, so that this file does not contain the signature it looks for.
        let missing = ["not", "defined", "here"].join("_");
        check_source(file!(), &missing, &mut problems);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains(&format!("has no `fn {missing}(`")));
    }
}
