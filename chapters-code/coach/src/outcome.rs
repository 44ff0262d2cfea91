//! Reading `cargo test` output: which tests passed, why the others failed, and compile errors.

use std::collections::BTreeMap;

use crate::exercise::Exercise;

/// Where an exercise stands, as its tests say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Every test of the exercise passes.
    Done,
    /// The stub is untouched: its tests stop at `not done yet: edit <file>`.
    NotDone(String),
    /// The stub runs but a test fails: the message says which value is wrong and by how much.
    Wrong(String),
    /// The chapter's stubs do not compile: the first compiler error.
    DoesNotCompile(String),
    /// A test ran longer than the time limit and was stopped.
    TimedOut(String),
    /// A test's process ended before the test did (a crash, an abort, `process::exit`).
    Crashed(String),
    /// No test of the chapter follows the naming convention for this exercise.
    NoTests,
}

impl Outcome {
    /// Whether the exercise is done.
    pub fn is_done(&self) -> bool {
        *self == Outcome::Done
    }

    /// A short label for the list.
    pub fn label(&self) -> &'static str {
        match self {
            Outcome::Done => "done",
            Outcome::NotDone(_) => "not done",
            Outcome::Wrong(_) => "not done (wrong answer)",
            Outcome::DoesNotCompile(_) => "not done (does not compile)",
            Outcome::TimedOut(_) => "not done (timed out)",
            Outcome::Crashed(_) => "not done (crashed)",
            Outcome::NoTests => "no tests found",
        }
    }

    /// The message to show under the exercise (empty when done).
    pub fn message(&self) -> &str {
        match self {
            Outcome::NotDone(m)
            | Outcome::Wrong(m)
            | Outcome::DoesNotCompile(m)
            | Outcome::TimedOut(m)
            | Outcome::Crashed(m) => m,
            Outcome::Done | Outcome::NoTests => "",
        }
    }
}

/// How one test ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TestResult {
    /// It passed.
    Passed,
    /// It failed; the message of its panic (may be empty).
    Failed(String),
    /// It ran out of time and was stopped; what to tell the learner.
    TimedOut(String),
    /// Its process ended before it did; what to tell the learner.
    Crashed(String),
}

/// What one run of a chapter's exercise tests reported.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TestRun {
    /// Each test that ran, and how it ended.
    pub results: BTreeMap<String, TestResult>,
    /// The first compiler error, when the tests could not be built.
    pub build_error: Option<String>,
}

impl TestRun {
    /// Parses the output of a test binary (or of `cargo test`, not `-q`: it needs the
    /// `test <name> ... ok` lines). Output in which no test ran is a build error.
    pub fn parse(output: &str) -> TestRun {
        let mut run = TestRun::default();
        let mut ran = false;
        let mut failures = BTreeMap::new();
        let lines: Vec<&str> = output.lines().collect();
        for (index, line) in lines.iter().enumerate() {
            if line.starts_with("running ") && line.ends_with(" tests") || *line == "running 1 test"
            {
                ran = true;
            }
            if let Some((name, result)) = line
                .strip_prefix("test ")
                .and_then(|rest| rest.split_once(" ... "))
            {
                match result.trim() {
                    "ok" => {
                        run.results.insert(name.to_string(), TestResult::Passed);
                    }
                    "FAILED" => {
                        run.results
                            .insert(name.to_string(), TestResult::Failed(String::new()));
                    }
                    _ => {}
                }
            }
            if let Some(name) = line
                .strip_prefix("---- ")
                .and_then(|rest| rest.strip_suffix(" stdout ----"))
            {
                failures.insert(name.to_string(), panic_message(&lines[index + 1..]));
            }
        }
        for (name, message) in failures {
            if let Some(TestResult::Failed(slot)) = run.results.get_mut(&name) {
                *slot = message;
            }
        }
        if !ran {
            run.build_error = Some(first_error(&lines));
        }
        run
    }

    /// The outcome of `exercise`, from the tests it owns.
    pub fn outcome(&self, exercise: &Exercise) -> Outcome {
        if let Some(error) = &self.build_error {
            return Outcome::DoesNotCompile(error.clone());
        }
        let owned: Vec<(&String, &TestResult)> = self
            .results
            .iter()
            .filter(|(name, _)| exercise.owns_test(name))
            .collect();
        if owned.is_empty() {
            return Outcome::NoTests;
        }
        let problems: Vec<(&String, &TestResult)> = owned
            .into_iter()
            .filter(|(_, result)| **result != TestResult::Passed)
            .collect();
        let not_done = problems.iter().find_map(|(_, result)| match result {
            TestResult::Failed(message) if message.starts_with("not done yet") => Some(message),
            _ => None,
        });
        if let Some(message) = not_done {
            return Outcome::NotDone(message.clone());
        }
        match problems.first() {
            None => Outcome::Done,
            Some((name, TestResult::Failed(message))) if message.is_empty() => {
                Outcome::Wrong(format!("test {name} failed"))
            }
            Some((_, TestResult::Failed(message))) => Outcome::Wrong(message.clone()),
            Some((_, TestResult::TimedOut(message))) => Outcome::TimedOut(message.clone()),
            Some((_, TestResult::Crashed(message))) => Outcome::Crashed(message.clone()),
            Some((_, TestResult::Passed)) => Outcome::Done,
        }
    }
}

/// The message of the panic reported in `lines` (the lines after `---- <test> stdout ----`).
fn panic_message(lines: &[&str]) -> String {
    let mut message = Vec::new();
    let mut inside = false;
    for line in lines {
        if line.starts_with("---- ") || *line == "failures:" {
            break;
        }
        if inside {
            if line.starts_with("note: ") || line.starts_with("stack backtrace:") {
                break;
            }
            message.push(*line);
        } else if line.starts_with("thread '") && line.contains(" panicked at ") {
            inside = true;
        }
    }
    message.join("\n").trim().to_string()
}

/// The first compiler error block (up to its blank line, at most 20 lines), or the last lines
/// of the output when there is no `error` line.
pub(crate) fn first_error(lines: &[&str]) -> String {
    let Some(start) = lines.iter().position(|l| l.starts_with("error")) else {
        let tail = lines.len().saturating_sub(10);
        return lines[tail..].join("\n").trim().to_string();
    };
    let block: Vec<&str> = lines[start..]
        .iter()
        .take_while(|l| !l.trim().is_empty())
        .take(20)
        .copied()
        .collect();
    block.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exercise(number: (u32, u32)) -> Exercise {
        Exercise {
            chapter: "ch01-loss-functions".into(),
            number,
            stub: "chapters-code/ch01-loss-functions/exercises/ex1_1.rs".into(),
            title: String::new(),
        }
    }

    const OUTPUT: &str = "\
   Compiling ch01-loss-functions v0.1.0
    Finished `test` profile [optimized + debuginfo] target(s) in 1.20s
     Running tests/exercises.rs (target/debug/deps/exercises-abc)

running 3 tests
test exercise_1_1_mse_by_hand ... FAILED
test exercise_1_2_cross_entropy ... FAILED
test exercise_1_3 ... ok

failures:

---- exercise_1_1_mse_by_hand stdout ----

thread 'exercise_1_1_mse_by_hand' (4242) panicked at chapters-code/ch01-loss-functions/src/../exercises/ex1_1.rs:20:5:
not done yet: edit chapters-code/ch01-loss-functions/exercises/ex1_1.rs
note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace

---- exercise_1_2_cross_entropy stdout ----

thread 'exercise_1_2_cross_entropy' (4243) panicked at chapters-code/ch01-loss-functions/tests/exercises.rs:31:5:
Exercise 1.2: cross-entropy of [0.6, 0.4, 0.6] is wrong: expected 0.510826, got 0.600000 (off by 0.089174)


failures:
    exercise_1_1_mse_by_hand
    exercise_1_2_cross_entropy

test result: FAILED. 1 passed; 2 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s
";

    #[test]
    fn passing_failing_and_unfinished_exercises_are_told_apart() {
        let run = TestRun::parse(OUTPUT);
        assert_eq!(run.build_error, None);
        assert_eq!(
            run.outcome(&exercise((1, 1))),
            Outcome::NotDone(
                "not done yet: edit chapters-code/ch01-loss-functions/exercises/ex1_1.rs".into()
            )
        );
        assert_eq!(
            run.outcome(&exercise((1, 2))),
            Outcome::Wrong(
                "Exercise 1.2: cross-entropy of [0.6, 0.4, 0.6] is wrong: expected 0.510826, got 0.600000 (off by 0.089174)".into()
            )
        );
        assert_eq!(run.outcome(&exercise((1, 3))), Outcome::Done);
        assert_eq!(run.outcome(&exercise((1, 4))), Outcome::NoTests);
    }

    #[test]
    fn a_compile_error_is_reported_for_every_exercise_of_the_chapter() {
        let output = "   Compiling ch01-loss-functions v0.1.0\nerror[E0308]: mismatched types\n  --> chapters-code/ch01-loss-functions/exercises/ex1_1.rs:12:5\n   |\n12 |     1\n   |     ^ expected `f64`, found integer\n\nerror: could not compile `ch01-loss-functions` (lib) due to 1 previous error\n";
        let run = TestRun::parse(output);
        let outcome = run.outcome(&exercise((1, 2)));
        assert_eq!(outcome.label(), "not done (does not compile)");
        assert!(
            outcome
                .message()
                .starts_with("error[E0308]: mismatched types\n  --> ")
        );
        assert!(outcome.message().ends_with("expected `f64`, found integer"));
    }

    #[test]
    fn a_timeout_or_a_crash_is_reported_as_such() {
        let mut run = TestRun::default();
        run.results
            .insert("exercise_1_1_a".into(), TestResult::Passed);
        run.results.insert(
            "exercise_1_1_b".into(),
            TestResult::TimedOut("timed out: …".into()),
        );
        run.results.insert(
            "exercise_1_2".into(),
            TestResult::Crashed("crashed: exited with status 0".into()),
        );
        assert_eq!(
            run.outcome(&exercise((1, 1))),
            Outcome::TimedOut("timed out: …".into())
        );
        let crashed = run.outcome(&exercise((1, 2)));
        assert_eq!(crashed.label(), "not done (crashed)");
        assert_eq!(crashed.message(), "crashed: exited with status 0");
    }

    #[test]
    fn one_failing_test_is_enough_to_be_not_done() {
        let output = "running 2 tests\ntest exercise_2_1_a ... ok\ntest exercise_2_1_b ... FAILED\n\n---- exercise_2_1_b stdout ----\n\nthread 'exercise_2_1_b' panicked at tests/exercises.rs:1:1:\nwrong\nsecond line\n\n";
        let outcome = TestRun::parse(output).outcome(&exercise((2, 1)));
        assert_eq!(outcome, Outcome::Wrong("wrong\nsecond line".into()));
    }
}
