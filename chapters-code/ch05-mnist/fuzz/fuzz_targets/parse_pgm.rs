//! Feeds arbitrary bytes to the PGM reader: it must never panic, what it accepts is exactly
//! one 28 × 28 image, and every error message is one short line.
//!
//! Run from `chapters-code/ch05-mnist` with `cargo +nightly fuzz run parse_pgm`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    match ch05_mnist::pgm::from_pgm(bytes, "fuzz.pgm") {
        Ok(pixels) => assert_eq!(pixels.len(), ch05_mnist::data::PIXELS),
        Err(error) => {
            let message = error.to_string();
            assert!(!message.contains('\n'));
            assert!(message.len() < 300, "{message}");
        }
    }
});
