//! Reference solutions of the chapter's exercises (what the listings and CI use).

pub mod ex5_1;
pub mod ex5_2;
pub mod ex5_3;
pub mod ex5_4;
