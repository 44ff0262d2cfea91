//! Checks used by exercise tests: one clear line per problem instead of a wall of panics.
//!
//! A stub the learner has not touched yet calls [`not_done!`](crate::not_done), which stops with
//! `not done yet: edit <file>`. A wrong answer stops with the value that differs, what was
//! expected, what was computed and by how much.

/// Stops an exercise stub with `not done yet: edit <path of the stub>`.
#[macro_export]
macro_rules! not_done {
    () => {
        $crate::exercise::not_done_in(file!())
    };
}

/// Stops an unfinished exercise, naming the file to edit (used by [`not_done!`](crate::not_done)).
///
/// # Panics
/// Always: that is how an unfinished stub reports itself.
#[track_caller]
pub fn not_done_in(file: &str) -> ! {
    let file = file.replace("/src/../", "/");
    panic!("not done yet: edit {file}{}", rerun_hint(&file))
}

/// A new line, then ``(check again with `cargo learn <crate>`)``, for a file under
/// `chapters-code/<crate>/`: cargo's own rerun hint after a failed `cargo learn` omits
/// `--features learner` and would test the reference solutions instead of your stubs.
pub fn rerun_hint(file: &str) -> String {
    let crate_name = file
        .split_once("chapters-code/")
        .and_then(|(_, rest)| rest.split('/').next())
        .filter(|name| !name.is_empty());
    crate_name.map_or_else(String::new, |name| {
        format!("\n(check again with `cargo learn {name}`)")
    })
}

/// Fails with a precise message unless `got` is within `tolerance` of `expected`.
///
/// # Panics
/// Panics (the test fails) when the values differ by more than `tolerance`.
#[track_caller]
pub fn check_close(what: &str, got: f64, expected: f64, tolerance: f64) {
    let off_by = (got - expected).abs();
    assert!(
        off_by <= tolerance && got.is_finite(),
        "{what} is wrong: expected {expected:.6}, got {got:.6} (off by {off_by:.6}){}",
        rerun_hint(std::panic::Location::caller().file())
    );
}

/// Element-wise [`check_close`] with a length check first.
///
/// # Panics
/// Panics when the lengths differ or any element is off by more than `tolerance`.
#[track_caller]
pub fn check_all_close(what: &str, got: &[f64], expected: &[f64], tolerance: f64) {
    assert_eq!(
        got.len(),
        expected.len(),
        "{what} has the wrong length: expected {} values, got {}",
        expected.len(),
        got.len()
    );
    for (index, (&g, &e)) in got.iter().zip(expected).enumerate() {
        check_close(&format!("{what}[{index}]"), g, e, tolerance);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[should_panic(expected = "not done yet: edit chapters-code/ch01/exercises/ex1_1.rs")]
    fn not_done_names_the_stub_file() {
        not_done_in("chapters-code/ch01/src/../exercises/ex1_1.rs");
    }

    #[test]
    #[should_panic(expected = "mse is wrong: expected 0.085000, got 0.090000 (off by 0.005000)")]
    fn wrong_value_names_expected_and_got() {
        check_close("mse", 0.09, 0.085, 1e-9);
    }

    #[test]
    fn the_rerun_hint_names_the_learner_command() {
        assert_eq!(
            rerun_hint("chapters-code/ch03-training-loop/exercises/ex3_1.rs"),
            "\n(check again with `cargo learn ch03-training-loop`)"
        );
        assert_eq!(rerun_hint("src/lib.rs"), "");
    }

    #[test]
    #[should_panic(expected = "errors has the wrong length: expected 2 values, got 1")]
    fn wrong_length_is_reported() {
        check_all_close("errors", &[1.0], &[1.0, 2.0], 1e-9);
    }

    #[test]
    #[should_panic(expected = "got NaN")]
    fn nan_is_never_close() {
        check_close("loss", f64::NAN, 0.0, 1.0);
    }
}
