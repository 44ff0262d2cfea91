//! Computes a fingerprint of the code that trains Chapter 5's networks: the sources of the
//! chapter crates it builds on (and its own), the locked dependency versions, and the
//! compiler's version. `src/cache.rs` keys stored training runs by it, so a change to any of
//! them trains again, while a change to a test, a page or a listing's formatting does not.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};

/// The folders whose sources decide what training computes.
const SOURCES: [&str; 5] = [
    "../bookkit/src",
    "../ch02-backpropagation/src",
    "../ch03-training-loop/src",
    "../ch04-training-in-practice/src",
    "src",
];

/// Every file under `dir`, sorted, so that the hash does not depend on the listing order.
fn files(dir: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files(&path, found);
        } else {
            found.push(path);
        }
    }
}

fn main() {
    let mut hasher = DefaultHasher::new();
    let mut all = Vec::new();
    for dir in SOURCES {
        println!("cargo:rerun-if-changed={dir}");
        files(Path::new(dir), &mut all);
    }
    all.sort();
    for path in &all {
        path.hash(&mut hasher);
        std::fs::read(path).unwrap_or_default().hash(&mut hasher);
    }
    println!("cargo:rerun-if-changed=../../Cargo.lock");
    std::fs::read("../../Cargo.lock")
        .unwrap_or_default()
        .hash(&mut hasher);
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let version = std::process::Command::new(rustc)
        .arg("-vV")
        .output()
        .map(|output| output.stdout)
        .unwrap_or_default();
    version.hash(&mut hasher);
    println!(
        "cargo:rustc-env=CH05_CODE_FINGERPRINT={:016x}",
        hasher.finish()
    );
}
