//! Legacy primes and closest pair against the Rust kernels of speedup-core (bitwise / exact),
//! at 1 and 2 threads. These need `speedup_core::{is_prime, sum_primes_below, closest_pair}`
//! (the other cross-checks are in `tests/cross.rs`).

#[path = "../../speedup-core/tests/common/mod.rs"]
mod common;

use common::Rng;
use ndarray::Array2;
use speedup_core::test_support::knob;
use speedup_core::{self as core};
use speedup_legacy as legacy;

#[test]
fn primes_agree_with_rust_kernel() {
    for t in [1, 2] {
        let _g = knob(t);
        for n in (0..10_000u64).chain([1_000_000_007, 4_294_967_291, 4_294_967_297]) {
            assert_eq!(legacy::is_prime(n), core::is_prime(n), "is_prime({n})");
        }
        for n in (0..10_000u64).step_by(37).chain([10_000, 2_000_000]) {
            assert_eq!(
                legacy::sum_primes_below(n),
                core::sum_primes_below(n),
                "sum_primes_below({n})"
            );
        }
    }
}

#[test]
fn closest_pair_agrees_with_rust_kernel() {
    let mut rng = Rng(5);
    for n in [2, 3, 50, 1_000] {
        let pts = Array2::from_shape_vec((n, 2), rng.vec(2 * n, -1.0, 1.0)).unwrap();
        let grid = Array2::from_shape_fn((n, 2), |(i, c)| {
            let k = (i * 7) % n;
            if c == 0 {
                (k % 10) as f64
            } else {
                (k / 10) as f64
            }
        });
        for p in [&pts, &grid] {
            for t in [1, 2] {
                let _g = knob(t);
                let a = core::closest_pair(p.view()).unwrap();
                let b = legacy::closest_pair(p.view()).unwrap();
                assert_eq!(
                    (a.i, a.j, a.dist.to_bits()),
                    (b.i, b.j, b.dist.to_bits()),
                    "n={n}"
                );
            }
        }
    }
}
