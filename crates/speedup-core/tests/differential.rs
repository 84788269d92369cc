//! Differential fuzzing of every kernel of `docs/contract.md`: random inputs (edge sizes,
//! special values, odd shapes and layouts) must give the same bits
//! - serial and parallel: 1 thread, 2 threads, and 2 or 3 threads with the parallel path
//!   forced even below the cut-offs (`fuzz::SETUPS`);
//! - chunked and whole: a sum rebuilt from the summation-tree nodes of its parts, stencils on
//!   overlapping pieces, comb filters on column blocks, Monte Carlo and Markov runs split into
//!   slices of the stream;
//! - a batch and its elements (`is_prime_many`, `sum_primes_below_many`, Mandelbrot points
//!   against the contract's scalar loop).
//!
//! The NumPy-grade features (reductions along axes, `f32`, strided layouts, boundary modes) are
//! fuzzed in `differential/numpy_grade.rs`, against the flat kernel on lanes copied out and the
//! contract's formula on a padded copy. The legacy routines are compared in
//! crates/speedup-legacy/tests/differential.rs.
//!
//! Cases are bounded for the test command; `PROPTEST_CASES=5000 cargo test -p speedup-core
//! --test differential` runs many more. Failures are shrunk and their seeds saved in
//! `differential.proptest-regressions` (committed; replayed first on every run).

mod common;
#[macro_use]
mod fuzz;
#[path = "differential/numpy_grade.rs"]
mod numpy_grade;

use common::escape_reference;
use fuzz::*;
use ndarray::{s, Array2};
use proptest::prelude::*;
use speedup_core::reduce::{sum_nodes, TreeNode, LEAF};
use speedup_core::{self as core, Error};

// ------------------------------------------------------------------------------------------
// sum, mean, std

/// The join of two (sum, carried error) pairs, from the contract of `reduce::sum_nodes`.
fn join(a: (f64, f64), b: (f64, f64)) -> (f64, f64) {
    let t = a.0 + b.0;
    let z = t - a.0;
    (t, (a.1 + b.1) + ((a.0 - (t - z)) + (b.0 - z)))
}

/// The whole sum from the nodes of every part, joined along the tree (a range of `b` leaves
/// splits after its first `b / 2` leaves), as a distributed caller does.
fn rebuild(nodes: &[TreeNode], n_total: usize) -> f64 {
    fn tree(lo: usize, hi: usize, nodes: &[TreeNode]) -> (f64, f64) {
        if let Some(n) = nodes.iter().find(|n| n.lo == lo && n.hi == hi) {
            return (n.sum, n.err);
        }
        assert!(hi - lo > LEAF, "no node covers {lo}..{hi}");
        let mid = lo + (hi - lo).div_ceil(LEAF) / 2 * LEAF;
        join(tree(lo, mid, nodes), tree(mid, hi, nodes))
    }
    let (s, e) = tree(0, n_total, nodes);
    speedup_core::nan::canon(if s.is_finite() { s + e } else { s })
}

#[test]
fn sum_mean_std_serial_vs_parallel() {
    property!("sum_mean_std_serial_vs_parallel", 256, |(r in recipe(reduction_len()), ddof in 0usize..3)| {
        let x = r.build();
        let got = across_setups(|| (core::sum(&x), core::mean(&x), core::std(&x, ddof)));
        all_same("sum", &got, |a, b| same_f64(a.0, b.0))?;
        all_same("mean", &got, |a, b| same_result(&a.1, &b.1))?;
        all_same("std", &got, |a, b| same_result(&a.2, &b.2))?;
        // The contract's formulas over the kernel's own sum.
        let (s, m, sd) = &got[0].1;
        if x.is_empty() {
            prop_assert_eq!(s.to_bits(), 0.0f64.to_bits());
            prop_assert!(m.is_err() && sd.is_err());
        } else {
            prop_assert!(same_f64(*m.as_ref().unwrap(), s / x.len() as f64), "mean is sum / n");
            if x.iter().any(|v| v.is_nan()) {
                prop_assert!(s.is_nan(), "NaN must propagate, got {}", s);
            }
        }
    });
}

#[test]
fn sum_chunked_vs_whole() {
    let parts = (
        recipe(reduction_len()),
        prop::collection::vec(any::<prop::sample::Index>(), 0..6),
    );
    property!("sum_chunked_vs_whole", 256, |((r, cuts) in parts, setup in 0..SETUPS.len())| {
        let x = r.build();
        let n = x.len();
        // Part boundaries on leaf boundaries (the rule of sum_nodes), in order, deduplicated.
        let leaves = n.div_ceil(LEAF);
        let mut bounds: Vec<usize> = cuts.iter().map(|c| c.index(leaves + 1) * LEAF).map(|b| b.min(n)).collect();
        bounds.extend([0, n]);
        bounds.sort_unstable();
        bounds.dedup();
        let (t, force) = SETUPS[setup];
        let nodes: Vec<TreeNode> = at_setup(t, force, || {
            bounds
                .windows(2)
                .flat_map(|w| sum_nodes(&x[w[0]..w[1]], w[0], n).unwrap())
                .collect()
        });
        let whole = core::sum(&x);
        let chunked = if n == 0 { 0.0 } else { rebuild(&nodes, n) };
        prop_assert!(same_f64(whole, chunked), "whole {:e} vs chunked {:e} (parts {:?})", whole, chunked, bounds);
    });
}

// ------------------------------------------------------------------------------------------
// Stencils

#[test]
fn second_derivative_serial_vs_parallel_vs_pieces() {
    let cut = prop::collection::vec(any::<prop::sample::Index>(), 0..4);
    property!("second_derivative_serial_vs_parallel_vs_pieces", 256, |(r in recipe(elementwise_len(3)), dx in step(), cut in cut)| {
        let f = r.build();
        let n = f.len();
        let got = across_setups(|| {
            let mut out = vec![f64::NAN; n - 2];
            core::second_derivative(&f, dx, &mut out).map(|()| out)
        });
        all_same("second_derivative", &got, |a, b| match (a, b) {
            (Ok(a), Ok(b)) => same_slices("", a, b).is_ok(),
            _ => false,
        })?;
        let whole = got[0].1.as_ref().unwrap();
        // The contract's formula, element for element.
        let scale = 1.0 / (dx * dx);
        let want: Vec<f64> = f.windows(3).map(|w| ((w[0] - 2.0 * w[1]) + w[2]) * scale).collect();
        matches_reference("second_derivative vs contract", whole, &want)?;
        // Overlapping pieces (one halo element on each side) give the whole's slices.
        let mut bounds: Vec<usize> = cut.iter().map(|c| c.index(n - 1)).collect();
        bounds.extend([0, n - 2]);
        bounds.sort_unstable();
        bounds.dedup();
        for w in bounds.windows(2) {
            let mut piece = vec![0.0; w[1] - w[0]];
            core::second_derivative(&f[w[0]..w[1] + 2], dx, &mut piece).unwrap();
            same_slices("second_derivative piece", &piece, &whole[w[0]..w[1]])?;
        }
    });
}

#[test]
fn laplacian_serial_vs_parallel_layouts_and_pieces() {
    let cuts = (any::<prop::sample::Index>(), any::<prop::sample::Index>());
    property!("laplacian_serial_vs_parallel_layouts_and_pieces", 256, |((rows, cols, r) in grid(grid_shape()), dx in step(), dy in step(), lay in layout(), cuts in cuts)| {
        let f = Array2::from_shape_vec((rows, cols), r.build()).unwrap();
        let got = across_setups(|| {
            with_layout(&f, lay, |fv| {
                let mut out = Array2::from_elem((rows - 2, cols - 2), f64::NAN);
                core::laplacian(fv, dx, dy, out.view_mut()).unwrap();
                out.into_raw_vec_and_offset().0
            })
        });
        all_same("laplacian", &got, |a, b| same_slices("", a, b).is_ok())?;
        let whole = Array2::from_shape_vec((rows - 2, cols - 2), got[0].1.clone()).unwrap();
        // The contract's formula at every point (C order, the reference layout).
        let (ax, ay) = (1.0 / (dx * dx), 1.0 / (dy * dy));
        let c = 2.0 * ax + 2.0 * ay;
        let want = Array2::from_shape_fn((rows - 2, cols - 2), |(i, j)| {
            let (i, j) = (i + 1, j + 1);
            ((f[[i - 1, j]] + f[[i + 1, j]]) * ax + (f[[i, j - 1]] + f[[i, j + 1]]) * ay) - f[[i, j]] * c
        });
        matches_reference("laplacian vs contract", whole.as_slice().unwrap(), want.as_slice().unwrap())?;
        // A block of rows and columns with a one-cell halo gives the whole's block.
        let (r0, c0) = (cuts.0.index(rows - 2), cuts.1.index(cols - 2));
        let piece_in = f.slice(s![r0.., c0..]);
        let mut piece = Array2::zeros((rows - 2 - r0, cols - 2 - c0));
        core::laplacian(piece_in, dx, dy, piece.view_mut()).unwrap();
        let want = whole.slice(s![r0.., c0..]).to_owned();
        same_slices("laplacian piece", piece.as_slice().unwrap(), want.as_slice().unwrap())?;
    });
}

// ------------------------------------------------------------------------------------------
// Comb filters

type Comb =
    fn(ndarray::ArrayView2<f64>, usize, f64, ndarray::ArrayViewMut2<f64>) -> core::Result<()>;

#[test]
fn comb_filters_serial_vs_parallel_layouts_and_columns() {
    property!("comb_filters_serial_vs_parallel_layouts_and_columns", 256, |((n, k, tau, r) in signal(), alpha in any_f64(), lay in layout(), col in any::<prop::sample::Index>())| {
        let x = Array2::from_shape_vec((n, k), r.build()).unwrap();
        let kernels: [(&str, Comb); 2] = [("comb_forward", core::comb_forward), ("comb_backward", core::comb_backward)];
        for (name, kernel) in kernels {
            let got = across_setups(|| {
                with_layout(&x, lay, |xv| {
                    let mut out = Array2::from_elem((n, k), f64::NAN);
                    kernel(xv, tau, alpha, out.view_mut()).unwrap();
                    out.into_raw_vec_and_offset().0
                })
            });
            all_same(name, &got, |a, b| same_slices("", a, b).is_ok())?;
            let whole = Array2::from_shape_vec((n, k), got[0].1.clone()).unwrap();
            // The contract's recurrence, column by column.
            let mut want = Array2::<f64>::zeros((n, k));
            for j in 0..k {
                for t in 0..n {
                    want[[t, j]] = if t < tau {
                        x[[t, j]]
                    } else if name == "comb_forward" {
                        x[[t, j]] + alpha * x[[t - tau, j]]
                    } else {
                        x[[t, j]] + alpha * want[[t - tau, j]]
                    };
                }
            }
            matches_reference(name, whole.as_slice().unwrap(), want.as_slice().unwrap())?;
            // Column blocks are independent: the columns from `c0` on, filtered alone.
            let c0 = col.index(k);
            let mut part = Array2::zeros((n, k - c0));
            kernel(x.slice(s![.., c0..]), tau, alpha, part.view_mut()).unwrap();
            let want = whole.slice(s![.., c0..]).to_owned();
            same_slices(name, part.as_slice().unwrap(), want.as_slice().unwrap())?;
        }
    });
}

// ------------------------------------------------------------------------------------------
// Primes

/// `a * b mod n` in u128: no Montgomery form, nothing shared with the kernel.
fn mulmod(a: u64, b: u64, n: u64) -> u64 {
    ((a as u128 * b as u128) % n as u128) as u64
}

fn powmod(mut a: u64, mut e: u64, n: u64) -> u64 {
    let mut r = 1 % n;
    a %= n;
    while e > 0 {
        if e & 1 == 1 {
            r = mulmod(r, a, n);
        }
        a = mulmod(a, a, n);
        e >>= 1;
    }
    r
}

/// Independent reference: trial division by the primes below 40, then Miller-Rabin to the
/// twelve prime bases 2..37 (deterministic for every n < 3.3e24, so for every u64).
fn is_prime_reference(n: u64) -> bool {
    const BASES: [u64; 12] = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37];
    if n < 2 {
        return false;
    }
    for p in BASES {
        if n.is_multiple_of(p) {
            return n == p;
        }
    }
    let (mut d, mut s) = (n - 1, 0);
    while d % 2 == 0 {
        d /= 2;
        s += 1;
    }
    'bases: for a in BASES {
        let mut x = powmod(a, d, n);
        if x == 1 || x == n - 1 {
            continue;
        }
        for _ in 1..s {
            x = mulmod(x, x, n);
            if x == n - 1 {
                continue 'bases;
            }
        }
        return false;
    }
    true
}

#[test]
fn is_prime_batch_vs_single_vs_reference() {
    // A list of candidates, or a long run of consecutive numbers (several parallel tasks).
    let batch = prop_oneof![
        3 => prop::collection::vec(prime_candidate(), 0..40),
        1 => (prime_candidate(), 1000u64..5000).prop_map(|(a, len)| (0..len).map(|d| a.wrapping_add(d)).collect()),
    ];
    property!("is_prime_batch_vs_single_vs_reference", 256, |(n in batch)| {
        let got = across_setups(|| {
            let mut out = vec![false; n.len()];
            core::is_prime_many(&n, &mut out).unwrap();
            out
        });
        all_same("is_prime_many", &got, |a, b| a == b)?;
        for (&v, &p) in n.iter().zip(&got[0].1) {
            prop_assert_eq!(core::is_prime(v), p, "is_prime({}) alone vs in the batch", v);
            prop_assert_eq!(p, is_prime_reference(v), "is_prime({}) vs Miller-Rabin to 12 bases", v);
        }
    });
}

/// Sieve queries: tiny, near multiples of 2^20 (the sieve's segment length), anywhere below
/// 6 million, and (rarely) above the overflow threshold.
fn prime_query() -> impl Strategy<Value = u64> {
    prop_oneof![
        3 => 0u64..100,
        2 => (1u64..6, 0u64..7).prop_map(|(k, d)| (k << 20) + d - 3),
        3 => 0u64..6_000_000,
        1 => (0u64..(1 << 40)).prop_map(|d| core::primes::SUM_PRIMES_BELOW_MAX_N + 1 + d),
    ]
}

#[test]
fn sum_primes_below_many_vs_single_vs_threads() {
    // Rarely more than one overflowing query: weight the list towards sieved ones.
    let queries = prop::collection::vec(prime_query(), 0..8);
    property!("sum_primes_below_many_vs_single_vs_threads", 128, |(q in queries)| {
        let got = across_setups(|| {
            let mut out = vec![u64::MAX; q.len()];
            let r = core::sum_primes_below_many(&q, &mut out);
            (r, out)
        });
        all_same("sum_primes_below_many", &got, |a, b| a == b)?;
        let (res, out) = &got[0].1;
        let overflowing = q.iter().position(|&v| v > core::primes::SUM_PRIMES_BELOW_MAX_N);
        match overflowing {
            Some(i) => {
                prop_assert!(matches!(res, Err(Error::Overflow { .. })), "expected Overflow, got {:?}", res);
                prop_assert!(out.iter().all(|&v| v == u64::MAX), "nothing written on error");
                prop_assert!(matches!(core::sum_primes_below(q[i]), Err(Error::Overflow { .. })), "sum_primes_below({}) alone", q[i]);
            }
            None => {
                prop_assert!(res.is_ok());
                for (&v, &s) in q.iter().zip(out) {
                    prop_assert_eq!(core::sum_primes_below(v), Ok(s), "sum_primes_below({}) alone vs in the batch", v);
                }
                // The sum is monotone in n, and grows by exactly the primes in between.
                let mut sorted: Vec<(u64, u64)> = q.iter().copied().zip(out.iter().copied()).collect();
                sorted.sort_unstable();
                for w in sorted.windows(2) {
                    let ((a, sa), (b, sb)) = (w[0], w[1]);
                    if b - a <= 2000 {
                        let between: u64 = (a..b).filter(|&p| is_prime_reference(p)).sum();
                        prop_assert_eq!(sb - sa, between, "S({}) - S({})", b, a);
                    }
                }
            }
        }
    });
}

// ------------------------------------------------------------------------------------------
// Monte Carlo pi and Markov chains

fn seed() -> impl Strategy<Value = u64> {
    prop_oneof![3 => any::<u64>(), 1 => prop::sample::select(vec![0, 1, u64::MAX, 1 << 63])]
}

#[test]
fn monte_carlo_pi_serial_vs_parallel_vs_slices() {
    let n_points = prop_oneof![
        3 => 1u64..20,
        2 => 20u64..70_000,
        1 => ((1u64 << 18) - 2)..((1 << 18) + 3),
        1 => 300_000u64..700_000,
    ];
    let cuts = prop::collection::vec(any::<prop::sample::Index>(), 0..5);
    property!("monte_carlo_pi_serial_vs_parallel_vs_slices", 128, |(n in n_points, seed in seed(), cuts in cuts, at_end in any::<bool>())| {
        let got = across_setups(|| (core::monte_carlo_pi(n, seed), core::monte_carlo_pi_inside(0, n, seed)));
        all_same("monte_carlo_pi", &got, |a, b| same_result(&a.0, &b.0) && a.1 == b.1)?;
        let (pi, inside) = (got[0].1 .0.clone().unwrap(), got[0].1 .1.clone().unwrap());
        prop_assert!(inside <= n);
        prop_assert_eq!(pi.to_bits(), ((4.0 * inside as f64) / n as f64).to_bits());
        // Slices of the same points add up to the whole count, here or at the stream's end.
        let first = if at_end { core::random::PI_MAX_POINTS - n } else { 0 };
        let mut bounds: Vec<u64> = cuts.iter().map(|c| c.index(n as usize + 1) as u64).collect();
        bounds.extend([0, n]);
        bounds.sort_unstable();
        let sliced: u64 = bounds
            .windows(2)
            .map(|w| core::monte_carlo_pi_inside(first + w[0], w[1] - w[0], seed).unwrap())
            .sum();
        let whole = core::monte_carlo_pi_inside(first, n, seed).unwrap();
        prop_assert_eq!(sliced, whole, "slices {:?} from {}", bounds, first);
    });
}

/// A row-stochastic matrix from integer weights (each row normalised; zeros allowed, at
/// least one positive entry per row), `k` up to 20 (past the linear-search size).
fn stochastic() -> impl Strategy<Value = Array2<f64>> {
    (1usize..21)
        .prop_flat_map(|k| (Just(k), prop::collection::vec(0u32..5, k * k)))
        .prop_map(|(k, w)| {
            Array2::from_shape_fn((k, k), |(i, j)| {
                let row = &w[i * k..(i + 1) * k];
                let total: u32 = row.iter().sum();
                if total == 0 {
                    (i == j) as u8 as f64
                } else {
                    row[j] as f64 / total as f64
                }
            })
        })
}

#[test]
fn markov_chains_serial_vs_parallel_vs_slices_vs_paths() {
    let steps = prop_oneof![3 => 0u64..50, 2 => 50u64..3000, 1 => 20_000u64..40_000];
    let run = (
        stochastic(),
        any::<prop::sample::Index>(),
        steps,
        0usize..7,
        seed(),
        0u64..1000,
    );
    property!("markov_chains_serial_vs_parallel_vs_slices_vs_paths", 256, |((p, start, n_steps, n_chains, seed, first) in run, cut in any::<prop::sample::Index>())| {
        let k = p.nrows();
        let start = start.index(k);
        let got = across_setups(|| {
            let mut counts = Array2::<u64>::zeros((n_chains, k));
            core::markov_chains_from(p.view(), start, n_steps, seed, first, counts.view_mut()).unwrap();
            counts
        });
        all_same("markov_chains", &got, |a, b| a == b)?;
        let whole = &got[0].1;
        for row in whole.rows() {
            prop_assert_eq!(row.sum(), n_steps);
        }
        // Two slices of chains give the whole's rows.
        let c = cut.index(n_chains + 1);
        let mut a = Array2::<u64>::zeros((c, k));
        let mut b = Array2::<u64>::zeros((n_chains - c, k));
        core::markov_chains_from(p.view(), start, n_steps, seed, first, a.view_mut()).unwrap();
        core::markov_chains_from(p.view(), start, n_steps, seed, first + c as u64, b.view_mut()).unwrap();
        prop_assert_eq!(&a, &whole.slice(s![..c, ..]).to_owned());
        prop_assert_eq!(&b, &whole.slice(s![c.., ..]).to_owned());
        // One chain's path visits each state as often as its row counts.
        if n_chains > 0 && n_steps <= 3000 {
            let mut path = vec![0i32; n_steps as usize];
            core::markov_path(p.view(), start, n_steps, seed, first, &mut path).unwrap();
            let mut visits = vec![0u64; k];
            for &s in &path {
                visits[s as usize] += 1;
            }
            prop_assert_eq!(visits.as_slice(), whole.row(0).to_slice().unwrap());
        }
    });
}

// ------------------------------------------------------------------------------------------
// Closest pair

/// The contract, literally: every pair in order, a strict `<` keeps the first minimum.
fn closest_reference(pts: &[[f64; 2]]) -> (usize, usize, u64) {
    let mut best = (0, 1, f64::INFINITY, false);
    for i in 0..pts.len() {
        for j in i + 1..pts.len() {
            let dx = pts[i][0] - pts[j][0];
            let dy = pts[i][1] - pts[j][1];
            let d2 = dx * dx + dy * dy;
            if !best.3 || d2 < best.2 {
                best = (i, j, d2, true);
            }
        }
    }
    (best.0, best.1, best.2.sqrt().to_bits())
}

#[test]
fn closest_pair_serial_vs_parallel_vs_reference() {
    property!("closest_pair_serial_vs_parallel_vs_reference", 256, |(pts in point_set(20_000), lay in layout())| {
        let n = pts.len();
        let a = Array2::from_shape_fn((n, 2), |(i, c)| pts[i][c]);
        let got = across_setups(|| {
            with_layout(&a, lay, |v| core::closest_pair(v).map(|r| (r.i, r.j, r.dist.to_bits())))
        });
        all_same("closest_pair", &got, |x, y| x == y)?;
        if n <= 1500 {
            prop_assert_eq!(got[0].1.clone().unwrap(), closest_reference(&pts));
        }
    });
}

// ------------------------------------------------------------------------------------------
// Mandelbrot

#[test]
fn mandelbrot_serial_vs_parallel_vs_scalar() {
    let max_iter = prop_oneof![1 => 0i32..3, 3 => 3i32..120];
    property!("mandelbrot_serial_vs_parallel_vs_scalar", 256, |(c in complex_points(), max_iter in max_iter)| {
        let got = across_setups(|| {
            let mut out = vec![i32::MIN; c.len()];
            core::mandelbrot(&c, max_iter, &mut out).unwrap();
            out
        });
        all_same("mandelbrot", &got, |a, b| a == b)?;
        for (z, &count) in c.iter().zip(&got[0].1) {
            prop_assert_eq!(count, escape_reference(*z, max_iter), "c = {:?}", z);
        }
    });
}

// ------------------------------------------------------------------------------------------
// map_f64

#[test]
fn map_serial_vs_parallel() {
    let len = prop_oneof![3 => 0usize..10, 2 => 1000usize..1100, 2 => 4000usize..9000];
    property!("map_serial_vs_parallel", 256, |(r in recipe(len))| {
        let x = r.build();
        let f = |v: f64| (v * 1.5).sin() + v * v;
        let got = across_setups(|| {
            let mut out = vec![f64::NAN; x.len()];
            core::map_f64(f, &x, &mut out).unwrap();
            out
        });
        all_same("map_f64", &got, |a, b| same_slices("", a, b).is_ok())?;
        let want: Vec<f64> = x.iter().map(|&v| f(v)).collect();
        same_slices("map_f64 vs f", &got[0].1, &want)?;
    });
}
