//! The chapter's tests, in one binary so that they share each cached training run: the
//! snapshots of every listing and figure, and the claims the book makes about them.
//!
//! They need the MNIST files. Without them each test prints a line saying so (and naming
//! `cargo mnist-fetch`) and passes; CI always fetches the data first, so there they run.

mod claims;
mod listings;

/// Whether the data is there; if not, says which test is skipped and how to fetch the data.
pub fn data_or_skip(test: &str) -> bool {
    let present = ch05_mnist::data::data_present();
    if !present {
        eprintln!(
            "skipped {test}: no MNIST data in {} (run `{}` first)",
            ch05_mnist::data::data_dir().display(),
            ch05_mnist::data::FETCH_COMMAND
        );
    }
    present
}
