//! Your exercise stubs: edit `ex1_1.rs` and `ex1_2.rs`, then run `cargo learn ch01-loss-functions`.

pub mod ex1_1;
pub mod ex1_2;
