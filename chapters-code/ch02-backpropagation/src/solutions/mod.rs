//! Reference solutions of the chapter's exercises (what the listings and CI use).

pub mod ex2_1;
pub mod ex2_2;
