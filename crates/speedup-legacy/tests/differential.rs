//! Differential fuzzing, Rust against legacy: every legacy routine on random inputs (edge sizes,
//! special values, odd shapes and layouts), at 1 and 2 OpenMP threads, against its Rust twin in
//! speedup-core. Bitwise where docs/contract.md says so (up to NaN payloads, see `fuzz::same_f64`):
//! stencils, comb filters, Mandelbrot, `is_prime`, `sum_primes_below` and closest pair. `sum` (a
//! plain loop) and `mean` / `std` (OpenMP reductions) are checked within the rounding bound of a recursive
//! sum around the exact answer (`math.fsum`), as the contract's accuracy rule says.
//!
//! The strategies are shared with crates/speedup-core/tests/differential.rs. Bounded for the
//! test command; `PROPTEST_CASES=5000 cargo test -p speedup-legacy --test differential` runs
//! more. The legacy primes are trial division, so their inputs stay where that is fast.

#[path = "../../speedup-core/tests/common/mod.rs"]
mod common;
#[path = "../../speedup-core/tests/fuzz/mod.rs"]
#[macro_use]
mod fuzz;

use common::fsum;
use fuzz::*;
use ndarray::Array2;
use proptest::prelude::*;
use speedup_core::test_support::knob;
use speedup_core::{self as core};
use speedup_legacy as legacy;

/// The OpenMP team sizes the legacy routines are run at.
const LEGACY_THREADS: [usize; 2] = [1, 2];

/// `f` at every legacy thread count (the knob held).
fn legacy_at<R>(mut f: impl FnMut() -> R) -> Vec<(usize, R)> {
    LEGACY_THREADS
        .iter()
        .map(|&t| {
            let _g = knob(t);
            (t, f())
        })
        .collect()
}

/// The Rust kernel's answer, once (its thread invariance is tests/differential.rs's job).
fn rust<R>(f: impl FnOnce() -> R) -> R {
    let _g = knob(1);
    f()
}

#[test]
fn stencils_bitwise() {
    let one = (recipe(elementwise_len(3)), step());
    let two = (grid(grid_shape()), step(), step(), layout());
    property!("legacy_stencils_bitwise", 192, |((r, dx) in one, ((rows, cols, g), dy1, dy2, lay) in two)| {
        let f = r.build();
        let mut want = vec![0.0; f.len() - 2];
        rust(|| core::second_derivative(&f, dx, &mut want)).unwrap();
        for (t, got) in legacy_at(|| {
            let mut out = vec![f64::NAN; f.len() - 2];
            legacy::second_derivative(&f, dx, &mut out).unwrap();
            out
        }) {
            same_slices(&format!("second_derivative, {t} thread(s)"), &got, &want)?;
        }
        let f2 = Array2::from_shape_vec((rows, cols), g.build()).unwrap();
        let mut want = Array2::zeros((rows - 2, cols - 2));
        rust(|| core::laplacian(f2.view(), dy1, dy2, want.view_mut())).unwrap();
        for (t, got) in legacy_at(|| {
            with_layout(&f2, lay, |v| {
                let mut out = Array2::from_elem((rows - 2, cols - 2), f64::NAN);
                legacy::laplacian(v, dy1, dy2, out.view_mut()).unwrap();
                out
            })
        }) {
            same_slices(&format!("laplacian, {t} thread(s)"), got.as_slice().unwrap(), want.as_slice().unwrap())?;
        }
    });
}

/// Found by the fuzzer (tests/python/test_differential.py): in element (0, 1) an input NaN
/// meets `0 * inf` (a NaN of the other sign); the Rust kernel and the Fortran routine each
/// return one of the two. NaN where the other has NaN, every other element bitwise equal.
#[test]
fn laplacian_nan_sign_found_by_fuzzing() {
    let g = ndarray::array![
        [-6.5e15, -0.46, 6.5e15, -4.0e15, 0.63],
        [4.0e15, -7.5e15, 0.46, 7.5e15, 2.3e15],
        [0.63, -2.3e15, f64::NAN, -0.93, -9.6e15]
    ];
    let mut a = Array2::zeros((1, 3));
    let mut b = Array2::zeros((1, 3));
    core::laplacian(g.view(), 1.0, 1e-200, a.view_mut()).unwrap();
    legacy::laplacian(g.view(), 1.0, 1e-200, b.view_mut()).unwrap();
    assert!(a[[0, 0]].is_infinite() && a[[0, 1]].is_nan() && a[[0, 2]].is_nan());
    same_slices("laplacian", a.as_slice().unwrap(), b.as_slice().unwrap()).unwrap();
}

type Comb =
    fn(ndarray::ArrayView2<f64>, usize, f64, ndarray::ArrayViewMut2<f64>) -> core::Result<()>;

#[test]
fn comb_filters_bitwise() {
    property!("legacy_comb_filters_bitwise", 192, |((n, k, tau, r) in signal(), alpha in any_f64(), lay in layout())| {
        let x = Array2::from_shape_vec((n, k), r.build()).unwrap();
        let pairs: [(&str, Comb, Comb); 2] = [
            ("comb_forward", core::comb_forward, legacy::comb_forward),
            ("comb_backward", core::comb_backward, legacy::comb_backward),
        ];
        for (name, rust_kernel, legacy_kernel) in pairs {
            let mut want = Array2::zeros((n, k));
            rust(|| rust_kernel(x.view(), tau, alpha, want.view_mut())).unwrap();
            for (t, got) in legacy_at(|| {
                with_layout(&x, lay, |v| {
                    let mut out = Array2::from_elem((n, k), f64::NAN);
                    legacy_kernel(v, tau, alpha, out.view_mut()).unwrap();
                    out
                })
            }) {
                same_slices(&format!("{name}, {t} thread(s)"), got.as_slice().unwrap(), want.as_slice().unwrap())?;
            }
        }
    });
}

#[test]
fn mandelbrot_bitwise() {
    let max_iter = prop_oneof![1 => 0i32..3, 3 => 3i32..120];
    property!("legacy_mandelbrot_bitwise", 192, |(c in complex_points(), max_iter in max_iter)| {
        let mut want = vec![0; c.len()];
        rust(|| core::mandelbrot(&c, max_iter, &mut want)).unwrap();
        for (t, got) in legacy_at(|| {
            let mut out = vec![i32::MIN; c.len()];
            legacy::mandelbrot(&c, max_iter, &mut out).unwrap();
            out
        }) {
            prop_assert_eq!(&got, &want, "mandelbrot, {} thread(s)", t);
        }
    });
}

/// `v` when trial division settles it quickly (below 2^34, or a factor below 2^16), else `v`
/// reduced below 2^34: the legacy test divides up to the square root.
fn fast_for_trial_division(v: u64) -> u64 {
    if v < 1 << 34 || (2..1u64 << 16).any(|d| v.is_multiple_of(d)) {
        v
    } else {
        v % (1 << 34)
    }
}

#[test]
fn primes_exact() {
    let candidates =
        prop::collection::vec(prime_candidate().prop_map(fast_for_trial_division), 0..24);
    let queries = prop::collection::vec(prop_oneof![3 => 0u64..100, 2 => 100u64..40_000], 0..5);
    property!("legacy_primes_exact", 96, |(n in candidates, q in queries)| {
        let mut want = vec![false; n.len()];
        rust(|| core::is_prime_many(&n, &mut want)).unwrap();
        let mut got = vec![false; n.len()];
        legacy::is_prime_many(&n, &mut got).unwrap();
        prop_assert_eq!(&got, &want, "is_prime_many of {:?}", n);
        let mut want = vec![0; q.len()];
        rust(|| core::sum_primes_below_many(&q, &mut want)).unwrap();
        for (t, got) in legacy_at(|| {
            let mut out = vec![u64::MAX; q.len()];
            legacy::sum_primes_below_many(&q, &mut out).map(|()| out)
        }) {
            prop_assert_eq!(got, Ok(want.clone()), "sum_primes_below_many({:?}), {} thread(s)", q, t);
        }
    });
}

#[test]
fn closest_pair_bitwise() {
    property!("legacy_closest_pair_bitwise", 192, |(pts in point_set(1500), lay in layout())| {
        let a = Array2::from_shape_fn((pts.len(), 2), |(i, c)| pts[i][c]);
        let want = rust(|| core::closest_pair(a.view())).map(|r| (r.i, r.j, r.dist.to_bits()));
        for (t, got) in legacy_at(|| with_layout(&a, lay, |v| legacy::closest_pair(v).map(|r| (r.i, r.j, r.dist.to_bits())))) {
            prop_assert_eq!(got, want.clone(), "closest_pair, {} thread(s)", t);
        }
    });
}

/// `|s - exact| <= (n - 1) u sum|x_i|` for a recursive sum (Higham, Accuracy and Stability,
/// 4.4), with a 1% margin for the bound's own rounding.
fn recursive_sum_bound(x: &[f64]) -> f64 {
    let u = f64::EPSILON / 2.0;
    let abs: Vec<f64> = x.iter().map(|v| v.abs()).collect();
    (x.len().saturating_sub(1)) as f64 * u * fsum(&abs) * 1.01
}

#[test]
fn sum_mean_std_within_the_accuracy_rule() {
    property!("legacy_sum_mean_std_within_the_accuracy_rule", 192, |(r in recipe(reduction_len()), ddof in 0usize..3)| {
        let x = r.build();
        let n = x.len();
        let u = f64::EPSILON / 2.0;
        let rs = rust(|| core::sum(&x));
        let has_nan = x.iter().any(|v| v.is_nan());
        let pos_inf = x.contains(&f64::INFINITY);
        let neg_inf = x.contains(&f64::NEG_INFINITY);
        let finite: Vec<f64> = x.iter().copied().filter(|v| v.is_finite()).collect();
        let finite_abs: f64 = finite.iter().map(|v| v.abs()).fold(0.0, |a, b| a + b);
        for (t, ls) in legacy_at(|| legacy::sum(&x)) {
            let what = format!("sum of {n}, {t} thread(s): legacy {ls:e}, rust {rs:e}");
            if has_nan || (pos_inf && neg_inf) {
                prop_assert!(ls.is_nan() && rs.is_nan(), "{}: NaN expected", what);
            } else if pos_inf || neg_inf {
                // The finite part cannot overflow: the sum is the infinity.
                if finite_abs < f64::MAX / 2.0 {
                    let inf = if pos_inf { f64::INFINITY } else { f64::NEG_INFINITY };
                    prop_assert!(ls == inf && rs == inf, "{}", what);
                }
            } else if finite_abs < f64::MAX / 2.0 {
                // No partial sum can overflow: both within the recursive-sum bound of the exact sum.
                let exact = fsum(&x);
                let bound = recursive_sum_bound(&x);
                prop_assert!((ls - exact).abs() <= bound, "{}: exact {:e}, bound {:e}", what, exact, bound);
                prop_assert!((rs - exact).abs() <= bound, "{}: exact {:e}, bound {:e}", what, exact, bound);
            }
            // else: the partial sums overflow in an order-dependent way; not comparable.
        }
        if n == 0 {
            prop_assert_eq!(legacy::mean(&x).unwrap_err(), core::mean(&x).unwrap_err());
            prop_assert_eq!(legacy::std(&x, ddof).unwrap_err(), core::std(&x, ddof).unwrap_err());
            return Ok(());
        }
        if ddof >= n {
            prop_assert_eq!(legacy::std(&x, ddof).unwrap_err(), core::std(&x, ddof).unwrap_err());
        }
        // mean and std on data whose squares cannot overflow (every |x_i| < 1e150).
        if !x.iter().all(|v| v.is_finite() && v.abs() < 1e150) {
            return Ok(());
        }
        let exact = fsum(&x);
        let m_exact = exact / n as f64;
        // The sum's bound over n, plus the two divisions' roundings (half an ulp each, at
        // least half the smallest subnormal).
        let mbound = recursive_sum_bound(&x) / n as f64 + 2.0 * u * m_exact.abs() + 5e-324;
        let rm = rust(|| core::mean(&x)).unwrap();
        prop_assert!((rm - m_exact).abs() <= mbound, "rust mean {:e} vs {:e}", rm, m_exact);
        for (t, lm) in legacy_at(|| legacy::mean(&x).unwrap()) {
            prop_assert!((lm - m_exact).abs() <= mbound, "legacy mean {:e} vs {:e}, {} thread(s)", lm, m_exact, t);
        }
        if ddof < n {
            // ss = sum of (x_i - m)^2. With m off the true mean by d, the exact ss grows by
            // n d^2; each computed ss is within (n + 2) u of its own exact value (three roundings
            // a term plus a recursive sum of nonnegative terms). The reference uses m_exact.
            let dev: Vec<f64> = x.iter().map(|v| (v - m_exact) * (v - m_exact)).collect();
            let ss_ref = fsum(&dev);
            let nf = n as f64;
            // Either mean is within `mbound` of m_exact, which is within u |m_exact| of the true mean.
            let d = mbound + u * m_exact.abs();
            let check = |sd: f64, who: &str| -> Result<(), TestCaseError> {
                let ss = sd * sd * (n - ddof) as f64;
                let bound = nf * d * d * 1.01
                    + 2.0 * nf * (u * m_exact.abs()).powi(2)
                    + 2.0 * (nf + 2.0) * u * ss.max(ss_ref) * 1.01
                    + 6.0 * u * ss.max(ss_ref)
                    + (nf + 8.0) * f64::MIN_POSITIVE; // squares that underflow
                prop_assert!((ss - ss_ref).abs() <= bound, "{} std {:e}: ss {:e} vs {:e} (bound {:e})", who, sd, ss, ss_ref, bound);
                Ok(())
            };
            check(rust(|| core::std(&x, ddof)).unwrap(), "rust")?;
            for (t, ld) in legacy_at(|| legacy::std(&x, ddof).unwrap()) {
                check(ld, &format!("legacy ({t} thread(s))"))?;
            }
        }
    });
}
