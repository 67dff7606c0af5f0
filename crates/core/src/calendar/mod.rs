//! Working-time calendar and statutory deadlines (being written).
