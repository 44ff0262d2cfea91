//! Helpers for the book-level tests in this folder.
