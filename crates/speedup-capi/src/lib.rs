//! The C ABI of speedup (work in progress).
