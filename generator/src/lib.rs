//! The static site generator (being built: see issue 2).
