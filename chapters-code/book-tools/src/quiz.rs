//! The `{{#quiz <name>}}` directive: the checkpoint questions of `book/quizzes/<name>.toml`
//! as HTML that `theme/quiz.js` grades in the reader's browser.
//!
//! A quiz file is a list of `[[question]]` tables:
//!
//! ```toml
//! [[question]]
//! prompt = "Markdown text of the question."
//! choices = ["first", "second", "third"]  # a multiple-choice question…
//! answer = 1                              # …and the index of its right choice (from 0)
//! # or, for a question whose answer is a number:
//! # number = "{{#fact ch02-backpropagation dl_da2}}"
//! explanation = "Markdown text: why the answer is right."
//! section = "ch02-backpropagation.md#step-3-the-backward-pass-through-the-output-layer"
//! section_title = "Step 3"
//! ```
//!
//! Numbers come from facts: `number` must be a `{{#fact …}}` directive, and any text may hold
//! `{{#fact …}}` directives; all are resolved when the book is built. Without JavaScript the
//! page shows each question, its choices and a closed "Answer" box with the explanation.

use serde::Deserialize;

use crate::directives::{Workspace, expand_page};

/// One quiz file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct QuizFile {
    question: Vec<Question>,
}

/// One question of a quiz file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Question {
    prompt: String,
    #[serde(default)]
    choices: Vec<String>,
    answer: Option<usize>,
    number: Option<String>,
    explanation: String,
    section: String,
    section_title: String,
}

/// The fewest and the most questions a checkpoint may have.
pub const QUESTIONS: std::ops::RangeInclusive<usize> = 3..=6;

/// Resolves the `{{#fact …}}` directives of one text of the quiz.
fn resolve(workspace: &Workspace, text: &str, what: &str) -> Result<String, String> {
    expand_page(workspace, text).map_err(|errors| {
        let problems: Vec<String> = errors.iter().map(ToString::to_string).collect();
        format!("{what}: {}", problems.join("; "))
    })
}

/// HTML-escapes an attribute value.
fn attribute(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// One line of markdown (no line breaks, which would end a list item or a paragraph).
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The number of decimals a numeric answer is given with (the grading tolerance is one unit
/// in that place), or `None` for a number that is not plain decimal notation.
fn decimals(number: &str) -> Option<usize> {
    let digits = number.trim_start_matches(['-', '+']);
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return None;
    }
    Some(digits.split_once('.').map_or(0, |(_, d)| d.len()))
}

/// The letters of the choices.
const LETTERS: &str = "ABCDEFGHIJ";

/// The HTML (with markdown paragraphs) of the quiz `name`.
///
/// # Errors
/// When the file is missing or malformed, a question is neither multiple choice nor numeric,
/// an answer index is out of range, a fact does not resolve, a numeric answer is not a plain
/// decimal number, the section is not a page of the book, or the quiz has fewer than 3 or more
/// than 6 questions.
pub fn expand(workspace: &Workspace, name: &str) -> Result<String, String> {
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err(format!(
            "quiz name `{name}`: use lower-case letters, digits and `-` (book/quizzes/<name>.toml)"
        ));
    }
    let book = workspace.root().join("book");
    let file = format!("book/quizzes/{name}.toml");
    let text = std::fs::read_to_string(book.join("quizzes").join(format!("{name}.toml")))
        .map_err(|error| format!("cannot read {file}: {error}"))?;
    let quiz: QuizFile = toml::from_str(&text).map_err(|error| format!("{file}: {error}"))?;
    if !QUESTIONS.contains(&quiz.question.len()) {
        return Err(format!(
            "{file} has {} questions: a checkpoint has {} to {}",
            quiz.question.len(),
            QUESTIONS.start(),
            QUESTIONS.end()
        ));
    }
    let total = quiz.question.len();
    let mut html = format!(
        "<div class=\"quiz\" data-quiz=\"{name}\">\n<p class=\"quiz-title\">Check yourself: \
         {total} questions</p>\n\n"
    );
    for (index, question) in quiz.question.iter().enumerate() {
        let number = index + 1;
        let what = format!("{file}, question {number}");
        let (page, _anchor) = question
            .section
            .split_once('#')
            .unwrap_or((&question.section, ""));
        if !page.ends_with(".md") || page.contains(['/', '\\']) || !book.join(page).is_file() {
            return Err(format!(
                "{what}: section `{}` is not a page of book/ (write `page.md#anchor`)",
                question.section
            ));
        }
        let prompt = resolve(workspace, &question.prompt, &what)?;
        let explanation = resolve(workspace, &question.explanation, &what)?;
        let key = format!("{name}-{number}");
        let (kind, data, answer_text, choices) = match (
            &question.number,
            question.answer,
            question.choices.len(),
        ) {
            (Some(directive), None, 0) => {
                let value = resolve(workspace, directive, &what)?;
                if !directive.trim_start().starts_with("{{#fact ") {
                    return Err(format!(
                        "{what}: `number` must be a {{{{#fact …}}}} directive, not a typed number"
                    ));
                }
                if decimals(&value).is_none() || value.parse::<f64>().is_err() {
                    return Err(format!(
                        "{what}: the answer `{value}` is not a plain decimal number"
                    ));
                }
                (
                    "number",
                    format!(" data-answer=\"{}\"", attribute(&value)),
                    value,
                    String::new(),
                )
            }
            (None, Some(answer), count) if count >= 2 && answer < count.min(LETTERS.len()) => {
                let mut list = String::from("<div class=\"quiz-choices\">\n\n");
                for choice in &question.choices {
                    let choice = resolve(workspace, choice, &what)?;
                    list.push_str(&format!("1. {}\n", one_line(&choice)));
                }
                list.push_str("\n</div>\n");
                let letter = &LETTERS[answer..=answer];
                (
                    "choice",
                    format!(" data-answer=\"{answer}\""),
                    letter.to_string(),
                    list,
                )
            }
            _ => {
                return Err(format!(
                    "{what}: give either `choices` (2 to 10) with `answer` (the index of the \
                         right one, from 0), or `number` (a {{{{#fact …}}}} directive)"
                ));
            }
        };
        html.push_str(&format!(
            "<div class=\"quiz-question\" data-kind=\"{kind}\" data-key=\"{key}\"{data}>\n\
             <p class=\"quiz-number\">Question {number} of {total}</p>\n\n\
             {prompt}\n\n\
             {choices}\
             <details class=\"quiz-explanation\">\n<summary>Answer</summary>\n\n\
             **Answer: {answer_text}.** {explanation} See [{}]({}).\n\n\
             </details>\n</div>\n\n",
            question.section_title.replace(['[', ']'], ""),
            question.section,
        ));
    }
    html.push_str("</div>\n");
    Ok(html)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A workspace with a facts snapshot, a page and one quiz file holding `quiz`.
    fn workspace_with(quiz: &str) -> (tempfile::TempDir, Workspace) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let krate = root.join("chapters-code/ch02-x");
        std::fs::create_dir_all(krate.join("snapshots")).unwrap();
        std::fs::write(krate.join("Cargo.toml"), "[package]\n").unwrap();
        std::fs::write(
            krate.join("snapshots/facts.snap"),
            "---\nsource: x\n---\ndl_da2: -0.6174\ncount: 26\n",
        )
        .unwrap();
        std::fs::create_dir_all(root.join("book/quizzes")).unwrap();
        std::fs::write(root.join("book/ch02.md"), "# Two\n").unwrap();
        std::fs::write(root.join("book/quizzes/ch02.toml"), quiz).unwrap();
        let workspace = Workspace::new(root);
        (dir, workspace)
    }

    const CHOICE: &str = r#"
[[question]]
prompt = "Pick `b`."
choices = ["a", "b"]
answer = 1
explanation = "Because."
section = "ch02.md#two"
section_title = "Two"
"#;

    const NUMBER: &str = r#"
[[question]]
prompt = "dL/da2 is {{#fact ch02-x dl_da2}}?"
number = "{{#fact ch02-x dl_da2}}"
explanation = "It is."
section = "ch02.md"
section_title = "Two"
"#;

    #[test]
    fn questions_become_html_with_facts_resolved() {
        let (_dir, workspace) = workspace_with(&[CHOICE, NUMBER, CHOICE].concat());
        let html = expand(&workspace, "ch02").unwrap();
        assert!(html.contains("data-kind=\"choice\" data-key=\"ch02-1\" data-answer=\"1\""));
        assert!(html.contains("data-kind=\"number\" data-key=\"ch02-2\" data-answer=\"-0.6174\""));
        assert!(html.contains("dL/da2 is -0.6174?"));
        assert!(html.contains("1. a\n1. b\n"));
        assert!(html.contains("**Answer: B.** Because. See [Two](ch02.md#two)."));
        assert!(!html.contains("{{#"));
    }

    #[test]
    fn bad_quizzes_are_errors_naming_the_problem() {
        let cases = [
            (CHOICE.repeat(2), "2 questions"),
            (CHOICE.repeat(7), "7 questions"),
            (
                CHOICE.replace("answer = 1", "answer = 2").repeat(3),
                "give either",
            ),
            (CHOICE.replace("answer = 1\n", "").repeat(3), "give either"),
            (
                NUMBER
                    .replace("{{#fact ch02-x dl_da2}}\"", "0.5\"")
                    .repeat(3),
                "typed number",
            ),
            (
                NUMBER.replace("dl_da2}}\"", "nope}}\"").repeat(3),
                "no fact `nope`",
            ),
            (
                CHOICE.replace("ch02.md#two", "ch09.md").repeat(3),
                "not a page",
            ),
            (
                CHOICE.replace("prompt", "prompts").repeat(3),
                "unknown field",
            ),
            ("question = 3".to_string(), "invalid type"),
        ];
        for (quiz, expected) in cases {
            let (_dir, workspace) = workspace_with(&quiz);
            let error = expand(&workspace, "ch02").unwrap_err();
            assert!(error.contains(expected), "{expected}: {error}");
        }
        let (_dir, workspace) = workspace_with(CHOICE);
        assert!(
            expand(&workspace, "../x")
                .unwrap_err()
                .contains("quiz name")
        );
        assert!(
            expand(&workspace, "ch09")
                .unwrap_err()
                .contains("cannot read")
        );
    }

    #[test]
    fn decimals_of_plain_numbers_only() {
        assert_eq!(decimals("-0.6174"), Some(4));
        assert_eq!(decimals("26"), Some(0));
        assert_eq!(decimals("1.6e-9"), None);
        assert_eq!(decimals("true"), None);
        assert_eq!(decimals("-"), None);
    }

    /// One workspace for every case (creating a folder tree per case costs more than the case
    /// itself): each case rewrites the quiz file.
    #[test]
    fn any_quiz_file_expands_or_errs_without_panic() {
        let (dir, workspace) = workspace_with("");
        let quiz = dir.path().join("book/quizzes/ch02.toml");
        let config = proptest::test_runner::Config {
            source_file: Some(file!()),
            ..proptest::test_runner::Config::default()
        };
        proptest::test_runner::TestRunner::new(config)
            .run(&".{0,300}", |text| {
                std::fs::write(&quiz, text).unwrap();
                let _ = expand(&workspace, "ch02");
                Ok(())
            })
            .unwrap_or_else(|failure| panic!("{failure}"));
    }
}
