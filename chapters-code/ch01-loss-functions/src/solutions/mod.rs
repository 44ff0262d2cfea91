//! Reference solutions of the chapter's exercises (what the listings and CI use).

pub mod ex1_1;
pub mod ex1_2;
