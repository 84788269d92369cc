//! rayon's worker threads do not survive `fork()`: a child that reused the parent's pool would
//! wait forever. speedup notices the fork and builds a new pool in the child.

mod common;

use std::time::Duration;

#[test]
fn a_forked_child_gets_a_working_pool() {
    speedup_core::threads::set_num_threads(2).unwrap();
    let x: Vec<f64> = (0..2_000_000).map(|i| (i % 97) as f64).collect();
    let want = speedup_core::sum(&x); // the parent's pool is now running
                                      // A child that hangs (its pool not rebuilt after the fork) is killed and fails.
    let code = common::in_forked_child(Duration::from_secs(30), || {
        let ok = speedup_core::sum(&x) == want && speedup_core::threads::get_num_threads() == 2;
        if ok {
            0
        } else {
            1
        }
    });
    assert_eq!(code, 0, "child computed a wrong sum");
}
