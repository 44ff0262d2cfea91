//! Shared plumbing for the chapter crates of *Training and Backpropagation*.
//!
//! - [`rng::NumpyRng`]: numpy's legacy random stream, so weights match the guide's Python;
//! - [`fmt`]: number formatting used by every listing;
//! - [`listing`]: listings and figures, their command line and their snapshot tests;
//! - [`plot`]: figure helpers (SVG, no fonts needed);
//! - [`reference`](mod@reference): the committed numpy reference outputs the tests compare with;
//! - [`exercise`]: the checks exercise tests use, and the [`not_done!`] macro for stubs.

pub mod exercise;
pub mod fmt;
pub mod listing;
#[cfg(feature = "plots")]
pub mod plot;
pub mod reference;
pub mod rng;

pub use listing::{BookResult, Chapter, Figure, FigureSpec, Listing};
pub use rng::NumpyRng;
