//! In-memory procedure catalog index with Vietnamese folding.
