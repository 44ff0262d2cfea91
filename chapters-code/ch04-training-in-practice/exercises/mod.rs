//! Your exercise stub: edit `ex4_1.rs`, then run `cargo learn ch04-training-in-practice`.

pub mod ex4_1;
