//! In-memory procedure catalog index with Vietnamese folding and type-ahead.
//!
//! The catalog is small (thousands to tens of thousands of names) and changes rarely, so it is
//! indexed in process and rebuilt whole: [`CatalogIndex::build`] at start-up and after every
//! catalog change, then [`CatalogIndex::search`] per request. This behaves the same on every
//! database, unlike SQLite FTS5 or Postgres `unaccent` (STACK.md §3.3).
//!
//! Matching uses the folding of [`motcua_core::text`]: every query word must be in the name,
//! compared without diacritics, case, punctuation, NFC/NFD differences or tone placement
//! ("dang ky khai sinh", "Đăng ký khai sinh" and "đăng ký khai sinh" in NFD all find
//! "Thủ tục đăng ký khai sinh"); the last word may be unfinished ("dang ky khai s"). Diacritics
//! the user did type break ties in favour of names that have them ("hòa" before "hóa").
//!
//! Layout: [`index`](CatalogIndex) holds the data, `query` resolves the text to dictionary
//! terms, `postings` intersects posting lists, `rank` scores names, `top` picks the page without
//! scoring every match, `facets` applies filters and counts facets, `search` puts them together.

mod facets;
#[cfg(test)]
mod fixture;
mod index;
mod postings;
mod query;
mod rank;
mod search;
mod top;

pub use facets::{Facets, FieldCount, LevelCount, OnlineCount};
pub use index::{CatalogIndex, IndexDoc};
pub use query::Query;
pub use rank::MatchTier;
pub use search::{Hit, SearchResults};
