//! Reads the versions of the crates the book depends on from the workspace's `Cargo.lock`,
//! so the setup check prints the release series actually compiled in: the part of the version
//! that `cargo update` keeps (`0.17.x` for 0.17.2, `1.x` for 1.49.0), so the printed output
//! (and its snapshot) does not change with every compatible update.

use std::path::Path;

const CRATES: [&str; 5] = ["ndarray", "plotters", "rand", "insta", "mdbook-driver"];

fn main() {
    let lock = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../Cargo.lock");
    println!("cargo::rerun-if-changed={}", lock.display());
    let text = std::fs::read_to_string(&lock).unwrap_or_default();
    let mut lines = Vec::new();
    for name in CRATES {
        let version = locked_version(&text, name)
            .map_or_else(|| "unknown".to_string(), |v| compatible_series(&v));
        lines.push(format!("{name} {version}"));
    }
    println!("cargo::rustc-env=BOOK_CRATE_VERSIONS={}", lines.join(";"));
}

/// The semver-compatible series of a version: `0.17.2` → `0.17.x`, `1.49.0` → `1.x`,
/// `0.0.3` → `0.0.3` (for 0.0.z every release is its own series).
fn compatible_series(version: &str) -> String {
    let parts: Vec<&str> = version.split(['.', '-', '+']).collect();
    match parts.as_slice() {
        ["0", "0", patch, ..] => format!("0.0.{patch}"),
        ["0", minor, ..] => format!("0.{minor}.x"),
        [major, ..] => format!("{major}.x"),
        [] => version.to_string(),
    }
}

fn locked_version(lock: &str, name: &str) -> Option<String> {
    let marker = format!("name = \"{name}\"\nversion = \"");
    let start = lock.find(&marker)? + marker.len();
    let end = lock[start..].find('"')? + start;
    Some(lock[start..end].to_string())
}
