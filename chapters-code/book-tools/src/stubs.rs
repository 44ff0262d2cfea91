//! Exercise stubs are generated from the reference solutions, so the two cannot drift: see
//! [`book_workspace::stubs`] (re-exported here), which also guarantees that no learner's edit is
//! overwritten without `--force` and a backup.

pub use book_workspace::stubs::*;

use std::path::Path;

/// What `cargo book stubs [--force]` tells the author, from the [`StubsReport`] of
/// [`write_stubs`]; paths are shown relative to `root`.
pub fn describe(root: &Path, report: &StubsReport) -> String {
    let show = |path: &Path| {
        path.strip_prefix(root)
            .unwrap_or(path)
            .display()
            .to_string()
    };
    let mut text = String::new();
    for (stub, backup) in &report.backups {
        text.push_str(&format!(
            "overwrote {} (its previous text is saved in {})\n",
            show(stub),
            show(backup)
        ));
    }
    for stub in &report.written {
        if !report
            .backups
            .iter()
            .any(|(overwritten, _)| overwritten == stub)
        {
            text.push_str(&format!("wrote {}\n", show(stub)));
        }
    }
    if !report.refused.is_empty() {
        text.push_str(
            "error: these stubs differ from the stub generated from their solution, so they were \
             left as they are (they may hold a learner's work):\n",
        );
        for stub in &report.refused {
            text.push_str(&format!("  {}\n", show(stub)));
        }
        text.push_str(
            "To restore one exercise, use `cargo coach reset <exercise>`. If you changed the \
             solutions, run `cargo book stubs --force`: it overwrites them and saves each \
             previous stub beside it as `<stub>.bak`.\n",
        );
    }
    for problem in &report.problems {
        text.push_str(&format!("error: {problem}\n"));
    }
    if text.is_empty() {
        text.push_str("Every stub is already generated from its solution: nothing to do.\n");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn refused_stubs_are_listed_with_the_two_ways_out() {
        let root = Path::new("/w");
        let report = StubsReport {
            refused: vec![PathBuf::from("/w/chapters-code/ch01/exercises/ex1_1.rs")],
            ..StubsReport::default()
        };
        let text = describe(root, &report);
        assert!(
            text.contains("\n  chapters-code/ch01/exercises/ex1_1.rs\n"),
            "{text}"
        );
        assert!(text.contains("cargo coach reset"), "{text}");
        assert!(text.contains("cargo book stubs --force"), "{text}");
    }

    #[test]
    fn backups_are_named() {
        let root = Path::new("/w");
        let stub = PathBuf::from("/w/ex1_1.rs");
        let report = StubsReport {
            written: vec![stub.clone()],
            backups: vec![(stub, PathBuf::from("/w/ex1_1.rs.bak"))],
            ..StubsReport::default()
        };
        assert_eq!(
            describe(root, &report),
            "overwrote ex1_1.rs (its previous text is saved in ex1_1.rs.bak)\n"
        );
    }
}
