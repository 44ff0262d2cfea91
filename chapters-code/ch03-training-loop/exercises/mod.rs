//! Your exercise stubs: edit `ex3_1.rs` and `ex3_2.rs`, then run `cargo learn ch03-training-loop`.

pub mod ex3_1;
pub mod ex3_2;
