//! The library the tests exercise is built with debug assertions and overflow checks on
//! (Cargo.toml's `[profile.test]`, and the `dev` profile a library gets as a dependency of its
//! integration tests): an overflow in a kernel's index or size arithmetic panics in `cargo test`
//! instead of wrapping into a wrong answer.

#[test]
fn debug_assertions_and_overflow_checks_are_on() {
    let (debug_assertions, overflow_checks) = speedup_core::test_support::build_checks();
    assert!(
        debug_assertions,
        "speedup-core is built without debug assertions under cargo test"
    );
    assert!(
        overflow_checks,
        "speedup-core is built without overflow checks under cargo test"
    );
}
