//! Finding the exercises: every stub `chapters-code/<chapter>/exercises/exN_M.rs`.
//!
//! The naming convention that ties a stub to its tests: the tests of `exN_M.rs` are the
//! functions in `chapters-code/<chapter>/tests/exercises.rs` named `exercise_N_M` or starting
//! with `exercise_N_M_` (for example `exercise_1_1_mse_by_hand`).

use std::path::{Path, PathBuf};

/// One exercise of the book.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exercise {
    /// The chapter crate, e.g. `ch01-loss-functions`.
    pub chapter: String,
    /// Chapter and exercise number, e.g. `(1, 2)` for Exercise 1.2.
    pub number: (u32, u32),
    /// The stub the learner edits, relative to the workspace root.
    pub stub: PathBuf,
    /// The task, from the first line of the stub's `//!` doc.
    pub title: String,
}

impl Exercise {
    /// `1.2` for Exercise 1.2.
    pub fn id(&self) -> String {
        format!("{}.{}", self.number.0, self.number.1)
    }

    /// The prefix of the names of this exercise's tests: `exercise_1_2`.
    pub fn test_prefix(&self) -> String {
        format!("exercise_{}_{}", self.number.0, self.number.1)
    }

    /// Whether the test named `test` belongs to this exercise (see the module docs).
    pub fn owns_test(&self, test: &str) -> bool {
        let prefix = self.test_prefix();
        test.strip_prefix(&prefix)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('_'))
    }

    /// The book page that explains the exercise: `book/<chapter>.md`.
    pub fn page(&self) -> PathBuf {
        Path::new("book").join(format!("{}.md", self.chapter))
    }
}

/// `(N, M)` from a stub file name `exN_M.rs`.
pub fn parse_stub_name(file_name: &str) -> Option<(u32, u32)> {
    let numbers = file_name.strip_prefix("ex")?.strip_suffix(".rs")?;
    let (chapter, exercise) = numbers.split_once('_')?;
    Some((chapter.parse().ok()?, exercise.parse().ok()?))
}

/// The first line of a file's `//!` doc, without a trailing full stop.
pub fn title_of(source: &str) -> String {
    source
        .lines()
        .find_map(|line| line.strip_prefix("//!"))
        .map(|line| line.trim().trim_end_matches('.').to_string())
        .unwrap_or_default()
}

/// Every exercise under `root/chapters-code`, in book order (chapter, then exercise number).
pub fn discover(root: &Path) -> Vec<Exercise> {
    let mut exercises = Vec::new();
    let Ok(chapters) = std::fs::read_dir(root.join("chapters-code")) else {
        return exercises;
    };
    for chapter in chapters.flatten() {
        let chapter_name = chapter.file_name().to_string_lossy().into_owned();
        let Ok(stubs) = std::fs::read_dir(chapter.path().join("exercises")) else {
            continue;
        };
        for stub in stubs.flatten() {
            let file_name = stub.file_name().to_string_lossy().into_owned();
            let Some(number) = parse_stub_name(&file_name) else {
                continue;
            };
            let source = std::fs::read_to_string(stub.path()).unwrap_or_default();
            exercises.push(Exercise {
                chapter: chapter_name.clone(),
                number,
                stub: Path::new("chapters-code")
                    .join(&chapter_name)
                    .join("exercises")
                    .join(&file_name),
                title: title_of(&source),
            });
        }
    }
    exercises.sort_by(|a, b| (a.number, &a.chapter).cmp(&(b.number, &b.chapter)));
    exercises
}

/// Finds an exercise by its id (`1.2`) or stub name (`ex1_2`).
pub fn find<'a>(exercises: &'a [Exercise], name: &str) -> Option<&'a Exercise> {
    let name = name.trim_end_matches(".rs");
    exercises
        .iter()
        .find(|e| e.id() == name || e.stub.file_stem().is_some_and(|stem| stem == name))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exercise(number: (u32, u32)) -> Exercise {
        Exercise {
            chapter: "ch01-loss-functions".into(),
            number,
            stub: format!(
                "chapters-code/ch01-loss-functions/exercises/ex{}_{}.rs",
                number.0, number.1
            )
            .into(),
            title: String::new(),
        }
    }

    #[test]
    fn stub_names_give_the_exercise_number() {
        assert_eq!(parse_stub_name("ex1_2.rs"), Some((1, 2)));
        assert_eq!(parse_stub_name("ex10_12.rs"), Some((10, 12)));
        assert_eq!(parse_stub_name("mod.rs"), None);
        assert_eq!(parse_stub_name("ex1.rs"), None);
        assert_eq!(parse_stub_name("ex1_x.rs"), None);
    }

    #[test]
    fn tests_belong_to_the_exercise_their_name_starts_with() {
        let one = exercise((1, 1));
        assert!(one.owns_test("exercise_1_1"));
        assert!(one.owns_test("exercise_1_1_mse_by_hand"));
        assert!(!one.owns_test("exercise_1_10"));
        assert!(!one.owns_test("exercise_1_12_other"));
        assert!(!one.owns_test("exercise_2_1_trace"));
        assert!(!one.owns_test("other_exercise_1_1"));
    }

    #[test]
    fn exercises_are_found_by_id_or_file_name() {
        let all = [exercise((1, 1)), exercise((1, 2))];
        assert_eq!(find(&all, "1.2"), Some(&all[1]));
        assert_eq!(find(&all, "ex1_1"), Some(&all[0]));
        assert_eq!(find(&all, "ex1_1.rs"), Some(&all[0]));
        assert_eq!(find(&all, "3.1"), None);
    }

    #[test]
    fn the_title_is_the_first_doc_line() {
        let stub =
            "//! Exercise 1.2: cross-entropy.\n//!\n//! Details.\n#![allow(unused_variables)]\n";
        assert_eq!(title_of(stub), "Exercise 1.2: cross-entropy");
        assert_eq!(title_of("fn main() {}"), "");
    }
}
