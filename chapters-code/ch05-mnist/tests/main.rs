//! The chapter's tests, in one binary so that they share each cached training run: the
//! snapshots of every listing and figure, and the claims the book makes about them.
//!
//! They need the MNIST files. Without them each test writes a `SKIPPED` line naming
//! `cargo mnist-fetch` where `cargo test` shows it, and passes; under `CI=true` it fails
//! instead (see `data::data_or_skip`).

mod claims;
mod listings;

pub use ch05_mnist::data::data_or_skip;
