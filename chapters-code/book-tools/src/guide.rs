//! The `{{#guide-differs <id>}}` directive: a side note where this book's number differs from
//! the one the guide (the Python/numpy tutorial the book follows) prints for the same
//! experiment. Every note reads the same way:
//!
//! > **The guide prints** `X`; **this book's run prints** `Y` (Listing N-M). **Why:** …
//!
//! The notes are the `[[difference]]` tables of `book/guide-differences.toml`:
//!
//! ```toml
//! [[difference]]
//! id = "backward-demo"                 # the page writes {{#guide-differs backward-demo}}
//! guide = ["Prediction: 0.7311"]       # quoted verbatim from the guide
//! crate = "ch02-backpropagation"
//! listing = "backward_demo"            # Y: the lines of this listing's snapshot that start
//! lines = ["Prediction:"]              # with these prefixes (in order)…
//! facts = []                           # …and/or these facts of the crate's `facts` listing
//! why = "Markdown: why they differ (may hold {{#fact …}} directives)."
//! ```
//!
//! `Y` is never typed: it is read from the reviewed snapshot (or the `facts` snapshot) when the
//! book is built, so a changed output changes the note. `X` is typed, because it is a quote;
//! [`problems`] checks every note (well-formed, used exactly once, `X` and `Y` show different
//! numbers) and, given the guide's text, that every `X` occurs in it verbatim.

use serde::Deserialize;

use crate::directives::{Workspace, expand_page};
use crate::numbering::Numbering;

/// Where the notes are, relative to the workspace root.
pub const FILE: &str = "book/guide-differences.toml";

/// The file of notes.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NotesFile {
    difference: Vec<Difference>,
}

/// One place where the book's number differs from the guide's printed one.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Difference {
    /// What `{{#guide-differs <id>}}` names.
    pub id: String,
    /// The guide's printed text, quoted verbatim (one or more pieces).
    pub guide: Vec<String>,
    /// The chapter crate whose run prints this book's numbers.
    #[serde(rename = "crate")]
    pub package: String,
    /// The listing whose snapshot holds this book's numbers.
    #[serde(default)]
    pub listing: Option<String>,
    /// Prefixes of the snapshot lines to show, each matched after the previous one.
    #[serde(default)]
    pub lines: Vec<String>,
    /// Keys of the crate's `facts` listing to show.
    #[serde(default)]
    pub facts: Vec<String>,
    /// Why the numbers differ (markdown; `{{#fact …}}` directives are resolved).
    pub why: String,
}

/// Every note of the book at `workspace`'s root.
///
/// # Errors
/// When the file is missing or malformed.
pub fn differences(workspace: &Workspace) -> Result<Vec<Difference>, String> {
    let path = workspace.root().join(FILE);
    let text =
        std::fs::read_to_string(&path).map_err(|error| format!("cannot read {FILE}: {error}"))?;
    let notes: NotesFile = toml::from_str(&text).map_err(|error| format!("{FILE}: {error}"))?;
    Ok(notes.difference)
}

/// The lines of `snapshot` (trimmed) that start with `prefixes`, each searched after the
/// line the previous one matched.
fn select_lines(snapshot: &str, prefixes: &[String]) -> Result<Vec<String>, String> {
    let lines: Vec<&str> = snapshot.lines().map(str::trim).collect();
    let mut from = 0;
    let mut selected = Vec::new();
    for prefix in prefixes {
        let at = lines[from..]
            .iter()
            .position(|line| line.starts_with(prefix.trim()))
            .ok_or_else(|| format!("no line starting with `{prefix}` (after line {from})"))?;
        selected.push(lines[from + at].to_string());
        from += at + 1;
    }
    Ok(selected)
}

impl Difference {
    /// This book's side of the note: the selected snapshot lines, then the facts.
    ///
    /// # Errors
    /// When the snapshot, a line or a fact does not resolve.
    pub fn book_values(&self, workspace: &Workspace) -> Result<Vec<String>, String> {
        let mut values = Vec::new();
        match (&self.listing, self.lines.is_empty()) {
            (Some(listing), false) => {
                let snapshot = workspace.snapshot(&self.package, listing)?;
                values.extend(
                    select_lines(&snapshot, &self.lines)
                        .map_err(|problem| format!("listing `{listing}`: {problem}"))?,
                );
            }
            (None, false) => return Err("`lines` needs a `listing`".to_string()),
            (Some(listing), true) => {
                return Err(format!("listing `{listing}`: name the `lines` to show"));
            }
            (None, true) => {}
        }
        if !self.facts.is_empty() {
            let facts = workspace.facts(&self.package)?;
            for key in &self.facts {
                let value = facts.get(key).ok_or_else(|| {
                    format!(
                        "no fact `{key}` in chapters-code/{}/snapshots/facts.snap",
                        self.package
                    )
                })?;
                values.push(value.clone());
            }
        }
        if values.is_empty() {
            return Err("give this book's numbers: `listing` with `lines`, or `facts`".to_string());
        }
        Ok(values)
    }
}

/// Inline code for `text` (a longer fence when the text holds a backtick).
fn code(text: &str) -> String {
    if text.contains('`') {
        format!("`` {text} ``")
    } else {
        format!("`{text}`")
    }
}

/// "`a`", "`a` and `b`", "`a`, `b` and `c`".
fn listed(items: &[String]) -> String {
    let items: Vec<String> = items.iter().map(|item| code(item)).collect();
    match items.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

/// The side note `{{#guide-differs <id>}}` becomes on `page`.
///
/// # Errors
/// When there is no such note, or its numbers or facts do not resolve.
pub fn expand(
    workspace: &Workspace,
    numbering: &Numbering,
    page: &str,
    id: &str,
) -> Result<String, String> {
    let all = differences(workspace)?;
    let note = all.iter().find(|d| d.id == id).ok_or_else(|| {
        format!("no note `{id}` in {FILE}: add a [[difference]] with `id = \"{id}\"`")
    })?;
    let book = note
        .book_values(workspace)
        .map_err(|problem| format!("{FILE}, `{id}`: {problem}"))?;
    let listing = note
        .listing
        .as_ref()
        .and_then(|listing| {
            numbering
                .reference(page, &note.package, &format!("run:{listing}"))
                .ok()
        })
        .map(|link| format!(" ({link})"))
        .unwrap_or_default();
    let why = expand_page(workspace, &note.why).map_err(|errors| {
        let problems: Vec<String> = errors.iter().map(ToString::to_string).collect();
        format!("{FILE}, `{id}`: {}", problems.join("; "))
    })?;
    let why = why.split_whitespace().collect::<Vec<_>>().join(" ");
    Ok(format!(
        "<aside class=\"guide-differs\" id=\"guide-differs-{id}\">\n\n\
         **The guide prints** {}; **this book's run prints** {}{listing}. **Why:** {why}\n\n\
         </aside>",
        listed(&note.guide),
        listed(&book),
    ))
}

/// The numbers in `text`, as written (`0.0696`, `-0.6173`, `50,629` as `50629`).
fn numbers(text: &str) -> Vec<f64> {
    let mut found = Vec::new();
    let mut current = String::new();
    let mut flush = |current: &mut String| {
        if current.chars().any(|c| c.is_ascii_digit())
            && let Ok(value) = current.replace(',', "").parse::<f64>()
        {
            found.push(value);
        }
        current.clear();
    };
    let chars: Vec<char> = text.chars().collect();
    let digit_at = |i: usize| chars.get(i).is_some_and(char::is_ascii_digit);
    for (i, &c) in chars.iter().enumerate() {
        let sign = c == '-' && digit_at(i + 1) && current.is_empty();
        // A comma inside a number only as a thousands separator: `50,629`, not `W[0,0]`.
        let thousands = c == ',' && (1..=3).all(|k| digit_at(i + k)) && !digit_at(i + 4);
        // A digit after a letter is part of a name (`a1`, `W2`), not a number.
        let in_name =
            current.is_empty() && i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_');
        let inside = (c.is_ascii_digit() && !in_name)
            || (c == '.' && !current.is_empty() && digit_at(i + 1))
            || (thousands && !current.is_empty());
        if sign || inside {
            current.push(c);
        } else {
            flush(&mut current);
        }
    }
    flush(&mut current);
    found
}

/// Every problem of the notes of the book at `workspace`'s root, given the book's pages
/// (file name under `book/`, text) and, when it is at hand, the guide's text: a note that is
/// malformed, unused or used twice, a `{{#guide-differs …}}` naming no note, a note whose
/// numbers do not resolve or show the same numbers on both sides, a guide quote that is not
/// in the guide, or a `why` with a number of three or more decimals typed by hand.
pub fn problems(
    workspace: &Workspace,
    pages: &[(String, String)],
    guide: Option<&str>,
) -> Vec<String> {
    let notes = match differences(workspace) {
        Ok(notes) => notes,
        Err(problem) => return vec![problem],
    };
    let mut problems = Vec::new();
    let mut uses: Vec<(&str, String)> = Vec::new();
    for (page, text) in pages {
        for (_, _, inner) in crate::find_directives(text) {
            if let Some(rest) = inner.strip_prefix("guide-differs") {
                match rest.split_whitespace().collect::<Vec<_>>().as_slice() {
                    [id] => uses.push((page.as_str(), (*id).to_string())),
                    _ => problems.push(format!(
                        "book/{page}: `{{{{#{inner}}}}}`: write `{{{{#guide-differs <id>}}}}`"
                    )),
                }
            }
        }
    }
    for (page, id) in &uses {
        if !notes.iter().any(|note| note.id == *id) {
            problems.push(format!(
                "book/{page}: `{{{{#guide-differs {id}}}}}` names no note of {FILE}"
            ));
        }
    }
    for (index, note) in notes.iter().enumerate() {
        let what = format!("{FILE}, `{}`", note.id);
        if notes[..index].iter().any(|other| other.id == note.id) {
            problems.push(format!("{what}: two notes have this id"));
        }
        let used = uses.iter().filter(|(_, id)| *id == note.id).count();
        if used != 1 {
            problems.push(format!(
                "{what}: used {used} times in the book; place it once, with {{{{#guide-differs {}}}}} beside the output it is about",
                note.id
            ));
        }
        if note.guide.is_empty() || note.why.trim().is_empty() {
            problems.push(format!(
                "{what}: give the guide's text (`guide`) and the reason (`why`)"
            ));
        }
        match note.book_values(workspace) {
            Err(problem) => problems.push(format!("{what}: {problem}")),
            Ok(book) => {
                let theirs: Vec<f64> = note.guide.iter().flat_map(|g| numbers(g)).collect();
                let ours: Vec<f64> = book.iter().flat_map(|b| numbers(b)).collect();
                if theirs.is_empty() {
                    problems.push(format!("{what}: the guide's text shows no number"));
                } else if theirs == ours {
                    problems.push(format!(
                        "{what}: the guide and this book print the same numbers ({theirs:?}): no note is needed"
                    ));
                }
            }
        }
        let typed = note
            .why
            .split("{{#")
            .enumerate()
            .map(|(i, piece)| {
                if i == 0 {
                    piece
                } else {
                    piece.split_once("}}").map_or("", |(_, rest)| rest)
                }
            })
            .collect::<String>();
        for word in typed.split(|c: char| !(c.is_ascii_digit() || c == '.')) {
            let decimals = word
                .trim_end_matches('.')
                .split_once('.')
                .map_or(0, |(_, d)| d.len());
            if decimals >= 3 {
                problems.push(format!(
                    "{what}: `why` types the number {word}: use a {{{{#fact …}}}}, or leave the number to the note's two sides"
                ));
            }
        }
        if let Some(guide) = guide {
            for quote in &note.guide {
                if !guide.contains(quote.as_str()) {
                    problems.push(format!(
                        "{what}: the guide does not contain `{quote}` (quote it verbatim)"
                    ));
                }
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A workspace with one chapter crate (a listing snapshot and facts) and the notes
    /// `notes`.
    fn workspace_with(notes: &str) -> (tempfile::TempDir, Workspace) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_path_buf();
        let krate = root.join("chapters-code/ch02-x");
        std::fs::create_dir_all(krate.join("snapshots")).unwrap();
        std::fs::write(krate.join("Cargo.toml"), "[package]\n").unwrap();
        std::fs::write(
            krate.join("snapshots/demo.snap"),
            "---\nsource: x\n---\nPrediction: 0.6816\n  cost = 1.5\n  cost = 2.5\n",
        )
        .unwrap();
        std::fs::write(
            krate.join("snapshots/facts.snap"),
            "---\nsource: x\n---\ncount: 50565\n",
        )
        .unwrap();
        std::fs::create_dir_all(root.join("book")).unwrap();
        std::fs::write(root.join(FILE), notes).unwrap();
        (dir, Workspace::new(&root))
    }

    const NOTES: &str = r#"
[[difference]]
id = "demo"
guide = ["Prediction: 0.7311", "cost: 1.4", "cost: 2.6"]
crate = "ch02-x"
listing = "demo"
lines = ["Prediction:", "cost", "cost"]
why = "Because {{#fact ch02-x count}} says so."

[[difference]]
id = "count"
guide = ["= 50,629 parameters"]
crate = "ch02-x"
facts = ["count"]
why = "The terms add up."
"#;

    const GUIDE: &str = "Prediction: 0.7311\ncost: 1.4 and cost: 2.6\n... = 50,629 parameters\n";

    fn pages(text: &str) -> Vec<(String, String)> {
        vec![("ch02-x.md".to_string(), text.to_string())]
    }

    #[test]
    fn a_note_shows_both_numbers_and_why() {
        let (_dir, workspace) = workspace_with(NOTES);
        let page = "{{#run ch02-x demo}}\n\n{{#guide-differs demo}}\n";
        let numbering = Numbering::new([("ch02-x.md", page)]);
        let note = expand(&workspace, &numbering, "ch02-x.md", "demo").unwrap();
        assert!(note.starts_with("<aside class=\"guide-differs\" id=\"guide-differs-demo\">\n\n"));
        assert!(
            note.contains(
                "**The guide prints** `Prediction: 0.7311`, `cost: 1.4` and `cost: 2.6`; \
                 **this book's run prints** `Prediction: 0.6816`, `cost = 1.5` and \
                 `cost = 2.5` ([Listing 2-1](#listing-2-1)). **Why:** Because 50565 says so."
            ),
            "{note}"
        );
        let count = expand(&workspace, &numbering, "ch02-x.md", "count").unwrap();
        assert!(
            count.contains("**this book's run prints** `50565`. **Why:**"),
            "{count}"
        );
        assert!(expand(&workspace, &numbering, "ch02-x.md", "nope").is_err());
    }

    #[test]
    fn well_formed_notes_used_once_pass() {
        let (_dir, workspace) = workspace_with(NOTES);
        let page = "{{#guide-differs demo}}\n{{#guide-differs count}}\n";
        assert_eq!(
            problems(&workspace, &pages(page), Some(GUIDE)),
            Vec::<String>::new()
        );
    }

    #[test]
    fn misquotes_misuse_and_equal_numbers_are_problems() {
        let (_dir, workspace) = workspace_with(NOTES);
        let misquoted = GUIDE.replace("0.7311", "0.7312");
        let found = problems(
            &workspace,
            &pages("{{#guide-differs demo}}{{#guide-differs count}}"),
            Some(&misquoted),
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].contains("does not contain `Prediction: 0.7311`"),
            "{found:?}"
        );
        let found = problems(
            &workspace,
            &pages("{{#guide-differs demo}}{{#guide-differs nope}}"),
            None,
        );
        assert!(
            found.iter().any(|p| p.contains("names no note")),
            "{found:?}"
        );
        assert!(
            found.iter().any(|p| p.contains("`count`: used 0 times")),
            "{found:?}"
        );
        let same = NOTES.replace("= 50,629 parameters", "= 50,565 parameters");
        let (_dir, workspace) = workspace_with(&same);
        let found = problems(
            &workspace,
            &pages("{{#guide-differs demo}}{{#guide-differs count}}"),
            None,
        );
        assert!(
            found.iter().any(|p| p.contains("print the same numbers")),
            "{found:?}"
        );
        let typed = NOTES.replace("The terms add up.", "It is 0.6816.");
        let (_dir, workspace) = workspace_with(&typed);
        let found = problems(
            &workspace,
            &pages("{{#guide-differs demo}}{{#guide-differs count}}"),
            None,
        );
        assert!(
            found.iter().any(|p| p.contains("types the number 0.6816")),
            "{found:?}"
        );
    }

    #[test]
    fn numbers_are_read_as_written() {
        assert_eq!(
            numbers("a1 = [0.6706 0.7352], -0.6173, 50,629 parameters."),
            [0.6706, 0.7352, -0.6173, 50629.0]
        );
        assert_eq!(numbers("W[0,0]"), [0.0, 0.0]);
        assert_eq!(numbers("LR=  0.1: x"), [0.1]);
    }
}
