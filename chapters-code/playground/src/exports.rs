//! The functions the page calls, exported from the `.wasm` under fixed names and loaded by
//! the book's own small loader (`theme/playground.js`), with no JavaScript glue generated.
//!
//! Only numbers cross the boundary. Every call writes its answer, a JSON text, into one buffer
//! kept here and returns its length in bytes; [`playground_output`] gives the buffer's address
//! in the module's memory, where the page decodes it (UTF-8) before the next call. No call can
//! panic on any argument: everything is clamped or reported as an error text.

// `#[unsafe(no_mangle)]` is how Rust 2024 writes "export this function under its own name";
// the attribute is `unsafe` only because two symbols of one name would clash at link time.
// These four names are unique to this crate. The crate denies `unsafe_code` (see Cargo.toml)
// and this module alone allows it, for these attributes; there is no `unsafe` block.
#![allow(unsafe_code)]

use std::cell::RefCell;

use crate::json;
use crate::session::{DataChoice, Session, Settings};

/// The run in progress, how many of its losses the page has seen, and the last answer.
#[derive(Default)]
struct State {
    session: Option<Session>,
    reported: usize,
    output: String,
}

thread_local! {
    static STATE: RefCell<State> = RefCell::new(State::default());
}

/// Stores `answer` as the output and returns its length.
fn answer(state: &mut State, answer: String) -> u32 {
    state.output = answer;
    u32::try_from(state.output.len()).unwrap_or(0)
}

/// The address of the last answer in the module's memory (valid until the next call).
#[unsafe(no_mangle)]
pub extern "C" fn playground_output() -> u32 {
    STATE.with_borrow(|state| state.output.as_ptr() as usize as u32)
}

/// The chapter's settings for both data sets and the limits of every control.
#[unsafe(no_mangle)]
pub extern "C" fn playground_defaults() -> u32 {
    STATE.with_borrow_mut(|state| answer(state, json::defaults()))
}

/// Starts a new run (a fresh network) with these settings, clamped into range. `data`: 0 XOR,
/// 1 noisy XOR, 2 XOR with a missing value; `shuffled`: 0 for `train_pass`, 1 for `train_epoch`. Answers the clamped
/// settings and the data points, or `{"error": …}`.
#[unsafe(no_mangle)]
pub extern "C" fn playground_start(
    data: u32,
    learning_rate: f64,
    hidden: u32,
    batch_size: u32,
    shuffled: u32,
    epochs: u32,
    seed: u32,
) -> u32 {
    let settings = Settings {
        data: DataChoice::from_code(data),
        learning_rate,
        hidden: hidden as usize,
        batch_size: batch_size as usize,
        shuffled: shuffled != 0,
        epochs: epochs as usize,
        seed,
    };
    STATE.with_borrow_mut(|state| {
        state.reported = 0;
        match Session::new(settings) {
            Ok(session) => {
                let text = json::started(&session);
                state.session = Some(session);
                answer(state, text)
            }
            Err(error) => {
                state.session = None;
                answer(state, json::error(&error))
            }
        }
    })
}

/// Trains up to `epochs` more epochs of the run and answers the progress: the new losses,
/// whether it is done, its final loss or error, and the output on a `cells` × `cells` grid.
#[unsafe(no_mangle)]
pub extern "C" fn playground_run(epochs: u32, cells: u32) -> u32 {
    STATE.with_borrow_mut(|state| {
        let Some(session) = state.session.as_mut() else {
            let text = "{\"error\":\"no run was started: call playground_start first\"}";
            return answer(state, text.to_string());
        };
        // An error is kept in the session and reported in the progress.
        let _ = session.run(epochs as usize);
        let text = json::progress(session, state.reported, cells as usize);
        state.reported = session.losses().len();
        answer(state, text)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn output(length: u32) -> String {
        STATE.with_borrow(|state| {
            assert_eq!(state.output.len(), length as usize);
            state.output.clone()
        })
    }

    #[test]
    fn a_run_reports_only_new_losses_then_its_end() {
        let defaults = output(playground_defaults());
        assert!(defaults.starts_with("{\"xor\":{\"data\":\"xor\",\"learningRate\":1.0,"));
        let started = output(playground_start(0, 1.0, 4, 1, 0, 500, 42));
        assert!(started.contains("\"points\":[[0.0,0.0,0.0],"), "{started}");
        let first = output(playground_run(2, 2));
        assert!(first.starts_with("{\"from\":0,\"losses\":["), "{first}");
        assert!(
            first.contains("\"epoch\":2,\"epochs\":500,\"done\":false"),
            "{first}"
        );
        let last = output(playground_run(1000, 2));
        assert!(last.starts_with("{\"from\":2,"), "{last}");
        assert!(last.contains("\"done\":true"), "{last}");
        assert!(last.contains("\"finalText\":\"0.0023\""), "{last}");
        assert!(last.contains("\"error\":null"), "{last}");
    }

    #[test]
    fn errors_are_answers_not_panics() {
        STATE.with_borrow_mut(|state| state.session = None);
        assert!(output(playground_run(1, 1)).contains("call playground_start first"));
        output(playground_start(7, f64::NAN, u32::MAX, 0, 9, 0, 0));
        output(playground_start(1, -1.0, 0, u32::MAX, 1, u32::MAX, 1));
        let huge = output(playground_start(0, f64::INFINITY, 4, 1, 0, 100, 42));
        assert!(huge.contains("\"learningRate\":1e308"), "{huge}");
        let missing = output(playground_start(2, 1.0, 4, 1, 0, 100, 42));
        assert!(missing.contains("[1.0,null,0.0]"), "{missing}");
        let progress = output(playground_run(100, 4));
        assert!(progress.contains("learning rate too high"), "{progress}");
        assert!(progress.contains("\"done\":true"), "{progress}");
        assert!(progress.contains("\"finalLoss\":null"), "{progress}");
    }
}
