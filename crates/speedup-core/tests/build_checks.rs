//! The tests run with debug assertions and overflow checks on, in the tests themselves and in
//! the library they exercise (Cargo.toml's `[profile.test]` and the `dev` profile of
//! dependencies): an overflow in a kernel's index or size arithmetic panics in `cargo test`
//! instead of wrapping into a wrong answer.

#[test]
fn debug_assertions_and_overflow_checks_are_on() {
    assert!(
        cfg!(debug_assertions),
        "the test crate is built without debug assertions"
    );
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
