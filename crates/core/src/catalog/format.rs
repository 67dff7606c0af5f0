//! motcua's own JSON Lines catalog format (being written).
