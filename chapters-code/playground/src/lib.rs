//! The playground of Chapter 3: the chapter's own `Network` and training loop, compiled to
//! WebAssembly and driven by the book's page (`cargo book build` builds it; see
//! `book-tools/src/playground.rs`).
//!
//! - [`session`]: one training run on XOR or noisy XOR, a few epochs at a time, with
//!   Chapter 3's `train_pass` / `train_epoch` / `mean_loss`, and the decision-boundary grid;
//! - [`json`]: the answers to the page;
//! - `exports`: the functions the page calls (plain WebAssembly exports, numbers in, a JSON
//!   text out).

pub mod exports;
pub mod json;
pub mod session;

pub use session::{DataChoice, Session, Settings};
