//! Parser for the national public service portal export (being written).
