//! Shared by `book-tools`, `coach` and the book-level tests:
//!
//! - [`workspace_root`]: the checkout they work on, found at run time (never frozen into the
//!   binary at compile time, so a checkout copied or moved together with its `target/` works
//!   on itself, not on the old folder);
//! - [`stubs`]: exercise stubs generated from the reference solutions, written atomically, and
//!   never overwriting a learner's edits without a backup.

pub mod stubs;

use std::path::{Path, PathBuf};

/// The root folder of the book's workspace: the nearest folder holding both a `Cargo.toml`
/// with a `[workspace]` table and a `book.toml`.
///
/// The search starts from `CARGO_MANIFEST_DIR` *read at run time* (cargo sets it for
/// `cargo run` and `cargo test` to the package's folder of the checkout being run), then
/// from the current directory.
///
/// # Errors
/// When neither start lies inside the book's workspace; the message says where it looked
/// and what to do.
pub fn workspace_root() -> Result<PathBuf, String> {
    let from_cargo = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from);
    let from_cwd = std::env::current_dir().ok();
    let starts: Vec<PathBuf> = from_cargo.into_iter().chain(from_cwd).collect();
    starts
        .iter()
        .find_map(|start| find_workspace_root(start))
        .ok_or_else(|| {
            let looked: Vec<String> = starts.iter().map(|s| s.display().to_string()).collect();
            format!(
                "cannot find the book's workspace (a folder with a `Cargo.toml` [workspace] and \
                 a `book.toml`) in or above {}: run the command from inside your checkout",
                if looked.is_empty() {
                    "the current directory".to_string()
                } else {
                    looked.join(" or ")
                }
            )
        })
}

/// The nearest folder at or above `start` that holds a `book.toml` and a `Cargo.toml` with a
/// `[workspace]` table.
pub fn find_workspace_root(start: &Path) -> Option<PathBuf> {
    start.ancestors().find_map(|dir| {
        let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).ok()?;
        let is_workspace = manifest.lines().any(|line| line.trim() == "[workspace]");
        (is_workspace && dir.join("book.toml").is_file()).then(|| dir.to_path_buf())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_root_is_found_from_any_folder_below_it() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("Cargo.toml"), "[workspace]\nmembers = []\n").unwrap();
        std::fs::write(root.join("book.toml"), "[book]\n").unwrap();
        let deep = root.join("chapters-code/coach/src");
        std::fs::create_dir_all(&deep).unwrap();
        // A package manifest on the way up is not the workspace.
        std::fs::write(root.join("chapters-code/coach/Cargo.toml"), "[package]\n").unwrap();
        assert_eq!(find_workspace_root(&deep).as_deref(), Some(root));
        assert_eq!(find_workspace_root(root).as_deref(), Some(root));
    }

    #[test]
    fn a_folder_outside_any_book_has_no_root() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("Cargo.toml"), "[workspace]\n").unwrap();
        assert_eq!(find_workspace_root(dir.path()), None);
    }

    #[test]
    fn this_checkout_is_found_at_run_time() {
        let root = workspace_root().unwrap();
        assert!(root.join("book.toml").is_file());
        assert!(
            root.join("chapters-code/book-workspace/Cargo.toml")
                .is_file()
        );
    }
}
