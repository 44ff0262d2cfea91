//! Your exercise stubs: edit `ex2_1.rs` and `ex2_2.rs`, then run `cargo learn ch02-backpropagation`.

pub mod ex2_1;
pub mod ex2_2;
