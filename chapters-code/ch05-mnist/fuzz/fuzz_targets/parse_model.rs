//! Feeds arbitrary bytes to the model reader: it must never panic or allocate for an absurd
//! header, what it accepts writes back to exactly the same bytes, and every error message is
//! one line.
//!
//! Run from `chapters-code/ch05-mnist` with `cargo +nightly fuzz run parse_model`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    match ch05_mnist::model::from_bytes(bytes, "fuzz.bpnn") {
        Ok(network) => {
            let written = ch05_mnist::model::to_bytes(&network).expect("what loads can be saved");
            assert_eq!(written, bytes);
        }
        Err(error) => assert!(!error.to_string().contains('\n')),
    }
});
