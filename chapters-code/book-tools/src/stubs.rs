//! Exercise stubs are generated from the reference solutions, so the two cannot drift.
//!
//! In `chapters-code/<chapter>/src/solutions/<exercise>.rs`, the lines from `// SOLUTION` to
//! `// END SOLUTION` are the answer. The stub `chapters-code/<chapter>/exercises/<exercise>.rs`
//! is the same file with each such block replaced by `bookkit::not_done!()`.

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

/// Every (solution, stub) pair of the workspace at `root`.
pub fn exercise_pairs(root: &Path) -> Vec<(PathBuf, PathBuf)> {
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
            if name == "mod.rs" {
                continue;
            }
            pairs.push((
                solution.path(),
                chapter.path().join("exercises").join(&name),
            ));
        }
    }
    pairs.sort();
    pairs
}

/// Checks that every stub is exactly what its solution generates; with `write`, rewrites the
/// stubs that differ instead. Returns one message per stub that differed.
pub fn check_stubs(root: &Path, write: bool) -> Vec<String> {
    let mut problems = Vec::new();
    for (solution_path, stub_path) in exercise_pairs(root) {
        let Ok(solution) = std::fs::read_to_string(&solution_path) else {
            problems.push(format!("cannot read {}", solution_path.display()));
            continue;
        };
        if !solution.lines().any(|l| l.trim() == SOLUTION_START) {
            problems.push(format!(
                "{} has no `{SOLUTION_START}` block",
                solution_path.display()
            ));
        }
        let expected = stub_from_solution(&solution);
        let current = std::fs::read_to_string(&stub_path).unwrap_or_default();
        if current == expected {
            continue;
        }
        if write {
            if let Err(error) = std::fs::write(&stub_path, expected) {
                problems.push(format!("cannot write {}: {error}", stub_path.display()));
            }
        } else {
            problems.push(format!(
                "{} is not the stub generated from {}: run `cargo book stubs`",
                stub_path.display(),
                solution_path.display()
            ));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solution_blocks_become_not_done() {
        let solution = "/// Doc.\npub fn f(x: f64) -> f64 {\n    // SOLUTION\n    let y = x * 2.0;\n    y\n    // END SOLUTION\n}\n";
        assert_eq!(
            stub_from_solution(solution),
            "/// Doc.\npub fn f(x: f64) -> f64 {\n    bookkit::not_done!()\n}\n"
        );
    }
}
