//! Reference solutions of the chapter's exercises (what the listings and CI use).

pub mod ex3_1;
pub mod ex3_2;
