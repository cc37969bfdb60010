//! Holds only tests: see tests/alloc.rs.
