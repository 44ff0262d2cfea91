//! Your exercise stubs: edit `ex5_1.rs` to `ex5_4.rs`, then run `cargo learn ch05-mnist`.

pub mod ex5_1;
pub mod ex5_2;
pub mod ex5_3;
pub mod ex5_4;
