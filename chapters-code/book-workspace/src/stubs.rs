//! Exercise stubs are generated from the reference solutions, so the two cannot drift.
//!
//! In `chapters-code/<chapter>/src/solutions/<exercise>.rs`, the lines from `// SOLUTION` to
//! `// END SOLUTION` are the answer. The stub `chapters-code/<chapter>/exercises/<exercise>.rs`
//! is the same file with each such block replaced by `bookkit::not_done!()`.
//!
//! A stub is the learner's work: nothing here overwrites a stub that differs from its generated
//! form without being asked to ([`write_stubs`] with `force`, [`reset_stub`]), and then only
//! after copying the learner's version to a backup beside it (`ex1_1.rs.bak`, then
//! `ex1_1.rs.bak2`, …; an existing backup is never overwritten). Every write goes to a
//! temporary file in the same folder that is then renamed over the stub, so an interrupted
//! write leaves either the old or the new stub, never half of one.

use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

/// First line of a solution block.
pub const SOLUTION_START: &str = "// SOLUTION";
/// Last line of a solution block.
pub const SOLUTION_END: &str = "// END SOLUTION";

/// The stub text for a solution file's text.
pub fn stub_from_solution(solution: &str) -> String {
    let mut stub = String::with_capacity(solution.len());
    let mut inside = false;
    for line in solution.lines() {
        let trimmed = line.trim();
        if !inside && trimmed == SOLUTION_START {
            inside = true;
            let indent = &line[..line.len() - line.trim_start().len()];
            stub.push_str(indent);
            stub.push_str("bookkit::not_done!()\n");
        } else if inside {
            inside = trimmed != SOLUTION_END;
        } else {
            stub.push_str(line);
            stub.push('\n');
        }
    }
    stub
}

/// One exercise's files: the reference solution and the stub generated from it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct StubFiles {
    /// `chapters-code/<chapter>/src/solutions/<exercise>.rs`.
    pub solution: PathBuf,
    /// `chapters-code/<chapter>/exercises/<exercise>.rs`.
    pub stub: PathBuf,
}

impl StubFiles {
    /// The files of the exercise whose stub is `stub` (`…/<chapter>/exercises/<file>`).
    pub fn for_stub(stub: &Path) -> StubFiles {
        let chapter = stub
            .parent()
            .and_then(Path::parent)
            .unwrap_or_else(|| Path::new(""));
        let file = stub.file_name().unwrap_or_default();
        StubFiles {
            solution: chapter.join("src/solutions").join(file),
            stub: stub.to_path_buf(),
        }
    }

    /// The stub generated from the solution.
    ///
    /// # Errors
    /// When the solution cannot be read or has no `// SOLUTION` block.
    pub fn generated(&self) -> Result<String, String> {
        let solution = std::fs::read_to_string(&self.solution).map_err(|error| {
            format!(
                "cannot read the solution {}: {error}",
                self.solution.display()
            )
        })?;
        if !solution.lines().any(|l| l.trim() == SOLUTION_START) {
            return Err(format!(
                "{} has no `{SOLUTION_START}` … `{SOLUTION_END}` block: mark the answer in it",
                self.solution.display()
            ));
        }
        Ok(stub_from_solution(&solution))
    }

    /// How the stub on disk compares with `generated`.
    ///
    /// # Errors
    /// When the stub exists but cannot be read (it is then treated as the learner's work).
    pub fn state(&self, generated: &str) -> Result<StubState, String> {
        match std::fs::read(&self.stub) {
            Ok(bytes) if bytes == generated.as_bytes() => Ok(StubState::Generated),
            Ok(_) => Ok(StubState::Edited),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(StubState::Missing),
            Err(error) => Err(format!("cannot read {}: {error}", self.stub.display())),
        }
    }
}

/// How a stub on disk compares with the stub its solution generates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StubState {
    /// Exactly the generated stub.
    Generated,
    /// There is no stub file.
    Missing,
    /// The stub differs: a learner's edits, or an author changed the solution.
    Edited,
}

/// Every exercise of the workspace at `root` (one per solution file), sorted.
pub fn exercise_files(root: &Path) -> Vec<StubFiles> {
    let mut pairs = Vec::new();
    let Ok(chapters) = std::fs::read_dir(root.join("chapters-code")) else {
        return pairs;
    };
    for chapter in chapters.flatten() {
        let Ok(solutions) = std::fs::read_dir(chapter.path().join("src/solutions")) else {
            continue;
        };
        for solution in solutions.flatten() {
            let name = solution.file_name();
            if name == "mod.rs" || !name.to_string_lossy().ends_with(".rs") {
                continue;
            }
            pairs.push(StubFiles {
                solution: solution.path(),
                stub: chapter.path().join("exercises").join(&name),
            });
        }
    }
    pairs.sort();
    pairs
}

/// Checks that every stub is exactly what its solution generates. Returns one message per
/// stub that is missing or differs, and per solution that cannot be used.
pub fn check_stubs(root: &Path) -> Vec<String> {
    let show = |path: &Path| {
        path.strip_prefix(root)
            .unwrap_or(path)
            .display()
            .to_string()
    };
    let mut problems = Vec::new();
    for files in exercise_files(root) {
        let generated = match files.generated() {
            Ok(generated) => generated,
            Err(problem) => {
                problems.push(problem);
                continue;
            }
        };
        match files.state(&generated) {
            Ok(StubState::Generated) => {}
            Ok(StubState::Missing) => problems.push(format!(
                "{} is missing: run `cargo book stubs` to generate it from {}",
                show(&files.stub),
                show(&files.solution)
            )),
            Ok(StubState::Edited) => problems.push(format!(
                "{} is not the stub generated from {}: after changing the solution, run \
                 `cargo book stubs --force` (it keeps a backup of the old stub)",
                show(&files.stub),
                show(&files.solution)
            )),
            Err(problem) => problems.push(problem),
        }
    }
    problems
}

/// What [`write_stubs`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StubsReport {
    /// Stubs written (missing ones, and with `force` the edited ones).
    pub written: Vec<PathBuf>,
    /// With `force`: each overwritten stub and the backup of its old text.
    pub backups: Vec<(PathBuf, PathBuf)>,
    /// Without `force`: the stubs left alone because they differ from their generated form.
    pub refused: Vec<PathBuf>,
    /// Everything that went wrong (unreadable solution, failed write, …).
    pub problems: Vec<String>,
}

impl StubsReport {
    /// Whether every stub is now its generated form.
    pub fn is_success(&self) -> bool {
        self.refused.is_empty() && self.problems.is_empty()
    }
}

/// Writes every stub that is missing; a stub that differs from its generated form is left
/// alone and listed in [`StubsReport::refused`], unless `force`, which first copies it to a
/// backup (see the module docs) and then overwrites it.
pub fn write_stubs(root: &Path, force: bool) -> StubsReport {
    let mut report = StubsReport::default();
    for files in exercise_files(root) {
        let generated = match files.generated() {
            Ok(generated) => generated,
            Err(problem) => {
                report.problems.push(problem);
                continue;
            }
        };
        match files.state(&generated) {
            Ok(StubState::Generated) => {}
            Ok(StubState::Missing) => match write_atomic(&files.stub, generated.as_bytes()) {
                Ok(()) => report.written.push(files.stub),
                Err(problem) => report.problems.push(problem),
            },
            Ok(StubState::Edited) if !force => report.refused.push(files.stub),
            Ok(StubState::Edited) => match replace_with_backup(&files.stub, &generated) {
                Ok(backup) => {
                    report.backups.push((files.stub.clone(), backup));
                    report.written.push(files.stub);
                }
                Err(problem) => report.problems.push(problem),
            },
            Err(problem) => report.problems.push(problem),
        }
    }
    report
}

/// What [`reset_stub`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reset {
    /// The stub already was its generated form: nothing was written.
    AlreadyGenerated,
    /// The stub was missing and has been written.
    Created,
    /// The stub has been restored; the learner's version was copied to this backup.
    Restored {
        /// Where the learner's version now is.
        backup: PathBuf,
    },
}

/// Restores one stub to the form its solution generates, keeping a backup of the learner's
/// version.
///
/// # Errors
/// When the solution cannot be read, the backup cannot be made (then the stub is untouched),
/// or the stub cannot be written.
pub fn reset_stub(files: &StubFiles) -> Result<Reset, String> {
    let generated = files.generated()?;
    match files.state(&generated)? {
        StubState::Generated => Ok(Reset::AlreadyGenerated),
        StubState::Missing => {
            write_atomic(&files.stub, generated.as_bytes())?;
            Ok(Reset::Created)
        }
        StubState::Edited => {
            let backup = replace_with_backup(&files.stub, &generated)?;
            Ok(Reset::Restored { backup })
        }
    }
}

/// Copies `stub` to a new backup file, then atomically replaces it with `contents`.
fn replace_with_backup(stub: &Path, contents: &str) -> Result<PathBuf, String> {
    let backup = back_up(stub)?;
    write_atomic(stub, contents.as_bytes())?;
    Ok(backup)
}

/// Copies `file` to the first free name of `<file>.bak`, `<file>.bak2`, `<file>.bak3`, … beside
/// it (never overwriting an earlier backup) and returns that name.
///
/// # Errors
/// When the file cannot be read or the backup cannot be written.
pub fn back_up(file: &Path) -> Result<PathBuf, String> {
    let contents = std::fs::read(file)
        .map_err(|error| format!("cannot read {} to back it up: {error}", file.display()))?;
    let mut name = file.as_os_str().to_owned();
    name.push(".bak");
    let first = PathBuf::from(&name);
    for number in 1..10_000u32 {
        let candidate = if number == 1 {
            first.clone()
        } else {
            let mut numbered = name.clone();
            numbered.push(number.to_string());
            PathBuf::from(numbered)
        };
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&candidate)
        {
            Ok(mut out) => {
                return out
                    .write_all(&contents)
                    .and_then(|()| out.sync_all())
                    .map(|()| candidate.clone())
                    .map_err(|error| {
                        format!(
                            "cannot write the backup {}: {error}; {} was left as it is",
                            candidate.display(),
                            file.display()
                        )
                    });
            }
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(error) => {
                return Err(format!(
                    "cannot create the backup {}: {error}; {} was left as it is",
                    candidate.display(),
                    file.display()
                ));
            }
        }
    }
    Err(format!(
        "too many backups of {} (up to {}9999): delete old ones; the file was left as it is",
        file.display(),
        first.display()
    ))
}

/// Writes `contents` to `path` atomically: to a temporary file in the same folder, synced to
/// disk, then renamed over `path` (creating the folder if needed).
///
/// # Errors
/// When the folder, the temporary file or the rename fails; `path` is then unchanged.
pub fn write_atomic(path: &Path, contents: &[u8]) -> Result<(), String> {
    let failed = |what: &str, error: &dyn fmt::Display| {
        format!(
            "cannot write {} ({what}: {error}); it was left as it was",
            path.display()
        )
    };
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir).map_err(|e| failed("creating its folder", &e))?;
    let mut temp = tempfile::Builder::new()
        .prefix(".stub-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| failed("creating a temporary file", &e))?;
    temp.write_all(contents)
        .and_then(|()| temp.as_file().sync_all())
        .map_err(|e| failed("writing a temporary file", &e))?;
    temp.persist(path)
        .map_err(|e| failed("renaming the temporary file", &e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOLUTION: &str = "//! Exercise 1.1.\npub fn f(x: f64) -> f64 {\n    // SOLUTION\n    x * 2.0\n    // END SOLUTION\n}\n";
    const STUB: &str =
        "//! Exercise 1.1.\npub fn f(x: f64) -> f64 {\n    bookkit::not_done!()\n}\n";

    /// A workspace with one chapter and one exercise; the stub is written when given.
    fn workspace(stub: Option<&str>) -> (tempfile::TempDir, StubFiles) {
        let dir = tempfile::tempdir().unwrap();
        let chapter = dir.path().join("chapters-code/ch01-x");
        std::fs::create_dir_all(chapter.join("src/solutions")).unwrap();
        std::fs::create_dir_all(chapter.join("exercises")).unwrap();
        std::fs::write(chapter.join("src/solutions/mod.rs"), "pub mod ex1_1;\n").unwrap();
        std::fs::write(chapter.join("src/solutions/ex1_1.rs"), SOLUTION).unwrap();
        let files = StubFiles::for_stub(&chapter.join("exercises/ex1_1.rs"));
        if let Some(stub) = stub {
            std::fs::write(&files.stub, stub).unwrap();
        }
        (dir, files)
    }

    fn read(path: &Path) -> String {
        std::fs::read_to_string(path).unwrap()
    }

    #[test]
    fn solution_blocks_become_not_done() {
        assert_eq!(stub_from_solution(SOLUTION), STUB);
    }

    #[test]
    fn the_solution_of_a_stub_is_in_src_solutions() {
        let files = StubFiles::for_stub(Path::new("chapters-code/ch01/exercises/ex1_2.rs"));
        assert_eq!(
            files.solution,
            Path::new("chapters-code/ch01/src/solutions/ex1_2.rs")
        );
    }

    #[test]
    fn an_edited_stub_is_never_overwritten_without_force() {
        let learner = STUB.replace("bookkit::not_done!()", "x + x");
        let (dir, files) = workspace(Some(&learner));
        let report = write_stubs(dir.path(), false);
        assert_eq!(report.refused, vec![files.stub.clone()]);
        assert!(!report.is_success());
        assert!(report.written.is_empty());
        assert_eq!(
            read(&files.stub),
            learner,
            "the learner's work is untouched"
        );
        assert_eq!(check_stubs(dir.path()).len(), 1);
    }

    #[test]
    fn force_keeps_a_backup_and_never_overwrites_an_old_backup() {
        let learner = STUB.replace("bookkit::not_done!()", "x + x");
        let (dir, files) = workspace(Some(&learner));
        let report = write_stubs(dir.path(), true);
        assert!(report.is_success(), "{report:?}");
        let backup = PathBuf::from(format!("{}.bak", files.stub.display()));
        assert_eq!(report.backups, vec![(files.stub.clone(), backup.clone())]);
        assert_eq!(read(&files.stub), STUB);
        assert_eq!(read(&backup), learner);
        assert!(check_stubs(dir.path()).is_empty());

        // A second edit and a second --force: the first backup stays, a second one is made.
        std::fs::write(&files.stub, "second try").unwrap();
        let report = write_stubs(dir.path(), true);
        let second = PathBuf::from(format!("{}.bak2", files.stub.display()));
        assert_eq!(report.backups, vec![(files.stub.clone(), second.clone())]);
        assert_eq!(read(&backup), learner);
        assert_eq!(read(&second), "second try");
    }

    #[test]
    fn missing_stubs_are_written_and_generated_ones_left_alone() {
        let (dir, files) = workspace(None);
        let report = write_stubs(dir.path(), false);
        assert_eq!(report.written, vec![files.stub.clone()]);
        assert_eq!(read(&files.stub), STUB);
        let again = write_stubs(dir.path(), false);
        assert_eq!(again, StubsReport::default(), "nothing to do");
    }

    #[test]
    fn reset_restores_one_stub_and_keeps_the_learners_version() {
        let learner = STUB.replace("bookkit::not_done!()", "x + x");
        let (_dir, files) = workspace(Some(&learner));
        let Reset::Restored { backup } = reset_stub(&files).unwrap() else {
            panic!("the stub was edited");
        };
        assert_eq!(read(&files.stub), STUB);
        assert_eq!(read(&backup), learner);
        assert_eq!(reset_stub(&files).unwrap(), Reset::AlreadyGenerated);
        std::fs::remove_file(&files.stub).unwrap();
        assert_eq!(reset_stub(&files).unwrap(), Reset::Created);
        assert_eq!(read(&files.stub), STUB);
    }

    #[test]
    fn a_solution_without_a_block_is_reported() {
        let (dir, files) = workspace(Some(STUB));
        std::fs::write(&files.solution, "pub fn f() {}\n").unwrap();
        let error = reset_stub(&files).unwrap_err();
        assert!(error.contains("has no `// SOLUTION`"), "{error}");
        assert_eq!(read(&files.stub), STUB);
        assert_eq!(write_stubs(dir.path(), true).problems.len(), 1);
    }

    #[test]
    fn atomic_writes_leave_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/file.rs");
        write_atomic(&path, b"one").unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(read(&path), "two");
        let names: Vec<_> = std::fs::read_dir(dir.path().join("sub"))
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(names, vec!["file.rs"]);
    }
}
