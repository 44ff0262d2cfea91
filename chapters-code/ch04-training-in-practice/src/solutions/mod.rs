//! Reference solutions of the chapter's exercises (what the listings and CI use).

pub mod ex4_1;
