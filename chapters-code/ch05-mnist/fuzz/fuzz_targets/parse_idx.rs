//! Feeds arbitrary bytes to both IDX parsers: they must never panic, what they accept must
//! be self-consistent, and every error message must be one line.
//!
//! Run from `chapters-code/ch05-mnist` with `cargo +nightly fuzz run parse_idx`.
//! The parser module is compiled in directly (it has no dependencies), so the fuzz build
//! stays small.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
#[path = "../../src/idx.rs"]
mod idx;

fuzz_target!(|bytes: &[u8]| {
    match idx::parse_images(bytes, "fuzz") {
        Ok(images) => {
            let size = images.rows * images.cols;
            assert_eq!(bytes.len(), 16 + images.count * size);
            assert_eq!(images.pixels, bytes[16..]);
            let last = images.image(images.count - 1);
            assert!(last.is_some_and(|image| image.len() == size));
        }
        Err(error) => assert!(!error.to_string().contains('\n')),
    }
    match idx::parse_labels(bytes, "fuzz") {
        Ok(labels) => {
            assert_eq!(labels.0, bytes[8..]);
            assert!(!labels.0.is_empty() && labels.0.iter().all(|&label| label <= 9));
        }
        Err(error) => assert!(!error.to_string().contains('\n')),
    }
});
