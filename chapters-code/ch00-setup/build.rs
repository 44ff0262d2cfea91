//! Reads the versions of the crates the book depends on from the workspace's `Cargo.lock`,
//! so the setup check prints the versions actually compiled in.

use std::path::Path;

const CRATES: [&str; 5] = ["ndarray", "plotters", "rand", "insta", "mdbook-driver"];

fn main() {
    let lock = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../Cargo.lock");
    println!("cargo::rerun-if-changed={}", lock.display());
    let text = std::fs::read_to_string(&lock).unwrap_or_default();
    let mut lines = Vec::new();
    for name in CRATES {
        let version = locked_version(&text, name).unwrap_or_else(|| "unknown".to_string());
        lines.push(format!("{name} {version}"));
    }
    println!("cargo::rustc-env=BOOK_CRATE_VERSIONS={}", lines.join(";"));
}

fn locked_version(lock: &str, name: &str) -> Option<String> {
    let marker = format!("name = \"{name}\"\nversion = \"");
    let start = lock.find(&marker)? + marker.len();
    let end = lock[start..].find('"')? + start;
    Some(lock[start..end].to_string())
}
