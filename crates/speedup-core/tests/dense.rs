//! sum / mean / std, the stencils, the comb filters, mandelbrot and map_f64 against independent
//! references written from docs/contract.md, plus bad input and thread-count identity.

mod common;

use common::{assert_bits_eq, complex_grid, escape_reference, fsum, numpy_pairwise, Rng};
use ndarray::{Array2, ShapeBuilder};
use speedup_core::test_support::at_thread_counts;
use speedup_core::{self as sp, Complex64, Error};

const COUNTS: [usize; 4] = [1, 2, 3, 8];

// ---------------------------------------------------------------- sum, mean, std

#[test]
fn sum_edge_cases() {
    assert_eq!(sp::sum(&[]), 0.0);
    assert_eq!(sp::sum(&[2.5]), 2.5);
    assert_eq!(sp::sum(&[1.0, 2.0, 3.0]), 6.0);
    assert!(sp::sum(&[1.0, f64::NAN, 3.0]).is_nan());
    assert_eq!(sp::sum(&[1.0, f64::INFINITY]), f64::INFINITY);
    assert_eq!(sp::sum(&[f64::NEG_INFINITY, 1.0]), f64::NEG_INFINITY);
    assert!(sp::sum(&[f64::INFINITY, f64::NEG_INFINITY]).is_nan());
    // NaN deep inside a large parallel input still propagates.
    let mut big = vec![1.0; 1 << 20];
    big[777_777] = f64::NAN;
    assert!(sp::sum(&big).is_nan());
    big[777_777] = f64::INFINITY;
    assert_eq!(sp::sum(&big), f64::INFINITY);
}

#[test]
fn sum_is_exact_on_representable_data() {
    let x: Vec<f64> = (0..1_000_003).map(|i| (i % 1000) as f64).collect();
    let exact: f64 = (0..1_000_003u64).map(|i| i % 1000).sum::<u64>() as f64;
    assert_eq!(sp::sum(&x), exact);
}

/// Inputs that make a naive or pairwise sum lose digits: large cancelling terms around a small
/// true sum, mixed magnitudes, alternating series.
fn ill_conditioned(seed: u64, n: usize) -> Vec<f64> {
    let mut r = Rng(seed);
    let mut x = Vec::with_capacity(n);
    for i in 0..n / 2 {
        let big = r.uniform(-1.0, 1.0) * 10f64.powi((i % 17) as i32);
        x.push(big);
        x.push(-big + r.uniform(-1e-3, 1e-3));
    }
    while x.len() < n {
        x.push(r.uniform(0.0, 1.0));
    }
    // Shuffle deterministically so cancelling partners are far apart.
    for i in (1..x.len()).rev() {
        let j = (r.next_u64() % (i as u64 + 1)) as usize;
        x.swap(i, j);
    }
    x
}

#[test]
fn sum_is_never_less_accurate_than_numpy_pairwise() {
    for (seed, n) in [
        (1, 1000),
        (2, 4099),
        (3, 100_000),
        (4, 1_000_001),
        (5, 17),
        (6, 129),
    ] {
        let x = ill_conditioned(seed, n);
        let exact = fsum(&x);
        let ours = (sp::sum(&x) - exact).abs();
        let numpy = (numpy_pairwise(&x) - exact).abs();
        assert!(ours <= numpy, "n={n}: error {ours:e} > numpy's {numpy:e}");
    }
    let mut r = Rng(9);
    let x = r.vec(2_000_000, 0.0, 1.0);
    let exact = fsum(&x);
    assert!((sp::sum(&x) - exact).abs() <= (numpy_pairwise(&x) - exact).abs());
}

#[test]
fn mean_and_std_follow_the_two_pass_formula() {
    let mut r = Rng(42);
    for n in [1usize, 2, 3, 10, 1000, 300_001] {
        let x = r.vec(n, -5.0, 7.0);
        let exact_sum = fsum(&x);
        let m = sp::mean(&x).unwrap();
        assert!((m - exact_sum / n as f64).abs() <= 1e-15 * (1.0 + m.abs()));
        for ddof in 0..n.min(3) {
            let s = sp::std(&x, ddof).unwrap();
            // Reference: the same two-pass formula with exact sums.
            let mr = fsum(&x) / n as f64;
            let ss: Vec<f64> = x.iter().map(|v| (v - mr) * (v - mr)).collect();
            let reference = (fsum(&ss) / (n - ddof) as f64).sqrt();
            assert!(
                (s - reference).abs() <= 1e-14 * reference.max(1e-300),
                "n={n} ddof={ddof}"
            );
        }
    }
    assert_eq!(sp::std(&[3.0], 0).unwrap(), 0.0);
    assert_eq!(sp::std(&[1.0, 3.0], 1).unwrap(), 2f64.sqrt());
}

#[test]
fn mean_and_std_refuse_bad_input() {
    let e = sp::mean(&[]).unwrap_err();
    assert!(matches!(e, Error::InvalidArgument { arg: "x", .. }), "{e}");
    assert!(sp::std(&[], 0).is_err());
    let e = sp::std(&[1.0, 2.0], 2).unwrap_err();
    assert!(e.to_string().contains("ddof"), "{e}");
    assert!(sp::std(&[1.0, 2.0], 1).is_ok());
}

// ---------------------------------------------------------------- stencils

fn d2_reference(f: &[f64], dx: f64) -> Vec<f64> {
    let s = 1.0 / (dx * dx);
    (0..f.len() - 2)
        .map(|i| ((f[i] - 2.0 * f[i + 1]) + f[i + 2]) * s)
        .collect()
}

fn lap_reference(f: &Array2<f64>, dx: f64, dy: f64) -> Array2<f64> {
    let (r, c) = f.dim();
    let ax = 1.0 / (dx * dx);
    let ay = 1.0 / (dy * dy);
    let cc = 2.0 * ax + 2.0 * ay;
    Array2::from_shape_fn((r - 2, c - 2), |(i, j)| {
        let (i, j) = (i + 1, j + 1);
        ((f[[i - 1, j]] + f[[i + 1, j]]) * ax + (f[[i, j - 1]] + f[[i, j + 1]]) * ay)
            - f[[i, j]] * cc
    })
}

#[test]
fn second_derivative_matches_the_formula_bitwise() {
    let mut r = Rng(3);
    for n in [3usize, 4, 5, 100, 70_000, 1_000_000] {
        let f = r.vec(n, -1.0, 1.0);
        let want = d2_reference(&f, 0.01);
        let got = at_thread_counts(&COUNTS, || {
            let mut out = vec![f64::NAN; n - 2];
            sp::second_derivative(&f, 0.01, &mut out).unwrap();
            out
        });
        for g in &got {
            assert_bits_eq(g, &want, "second_derivative");
        }
    }
}

#[test]
fn stencils_refuse_bad_input_and_write_nothing() {
    let mut out = vec![7.0; 3];
    for dx in [0.0, f64::NAN, f64::INFINITY, -f64::INFINITY] {
        let e = sp::second_derivative(&[1.0; 5], dx, &mut out).unwrap_err();
        assert!(e.to_string().contains("dx"), "{e}");
    }
    assert!(sp::second_derivative(&[1.0; 2], 1.0, &mut []).is_err());
    assert!(sp::second_derivative(&[1.0; 5], 1.0, &mut [0.0; 4]).is_err());
    assert_eq!(out, vec![7.0; 3]);

    let f = Array2::<f64>::ones((4, 5));
    let mut out = Array2::from_elem((2, 3), 7.0);
    assert!(sp::laplacian(f.view(), 0.0, 1.0, out.view_mut()).is_err());
    let e = sp::laplacian(f.view(), 1.0, f64::NAN, out.view_mut()).unwrap_err();
    assert!(e.to_string().contains("dy"), "{e}");
    assert!(sp::laplacian(Array2::<f64>::ones((2, 5)).view(), 1.0, 1.0, out.view_mut()).is_err());
    let mut wrong = Array2::zeros((3, 3));
    assert!(matches!(
        sp::laplacian(f.view(), 1.0, 1.0, wrong.view_mut()),
        Err(Error::Length { .. })
    ));
    assert!(out.iter().all(|&v| v == 7.0));
}

#[test]
fn laplacian_matches_the_formula_bitwise_in_every_layout() {
    let mut r = Rng(5);
    for (rows, cols) in [(3, 3), (3, 1000), (1000, 3), (17, 29), (700, 900)] {
        let f = Array2::from_shape_vec((rows, cols), r.vec(rows * cols, -2.0, 2.0)).unwrap();
        let want = lap_reference(&f, 0.1, 0.3);
        let got = at_thread_counts(&COUNTS, || {
            let mut out = Array2::from_elem((rows - 2, cols - 2), f64::NAN);
            sp::laplacian(f.view(), 0.1, 0.3, out.view_mut()).unwrap();
            out
        });
        for g in &got {
            assert_bits_eq(g.as_slice().unwrap(), want.as_slice().unwrap(), "laplacian");
        }
        // Fortran-order input and a Fortran-order output give the same bits.
        let mut ff = Array2::zeros((rows, cols).f());
        ff.assign(&f);
        let mut out_f = Array2::from_elem((rows - 2, cols - 2).f(), f64::NAN);
        sp::laplacian(ff.view(), 0.1, 0.3, out_f.view_mut()).unwrap();
        assert_eq!(out_f, want);
    }
}

// ---------------------------------------------------------------- comb filters

fn comb_reference(x: &Array2<f64>, tau: usize, alpha: f64, backward: bool) -> Array2<f64> {
    let (n, k) = x.dim();
    let mut y = Array2::zeros((n, k));
    for c in 0..k {
        for t in 0..n {
            y[[t, c]] = if t < tau {
                x[[t, c]]
            } else if backward {
                x[[t, c]] + alpha * y[[t - tau, c]]
            } else {
                x[[t, c]] + alpha * x[[t - tau, c]]
            };
        }
    }
    y
}

#[test]
fn comb_filters_match_the_recurrences_bitwise() {
    let mut r = Rng(11);
    for (n, k, tau) in [
        (0, 1, 1),
        (1, 1, 1),
        (5, 1, 4),
        (10, 1, 20),
        (300_000, 1, 4),
        (3000, 7, 3),
        (100_000, 3, 1),
        // backward: lag = tau * k lanes, in registers up to 8 (each width), in slabs above
        (999, 1, 1),
        (10_001, 2, 1),
        (10_001, 1, 5),
        (10_003, 3, 2),
        (10_001, 1, 7),
        (10_003, 4, 2),
        (10_001, 8, 2),
    ] {
        let x = Array2::from_shape_vec((n, k), r.vec(n * k, -1.0, 1.0)).unwrap();
        for backward in [false, true] {
            let want = comb_reference(&x, tau, 0.5, backward);
            let got = at_thread_counts(&COUNTS, || {
                let mut y = Array2::from_elem((n, k), f64::NAN);
                let run = if backward {
                    sp::comb_backward
                } else {
                    sp::comb_forward
                };
                run(x.view(), tau, 0.5, y.view_mut()).unwrap();
                y
            });
            for g in &got {
                assert_eq!(g.shape(), want.shape());
                assert_bits_eq(
                    &g.iter().copied().collect::<Vec<_>>(),
                    &want.iter().copied().collect::<Vec<_>>(),
                    "comb",
                );
            }
            // A strided (every other column) view gives the same answer as its copy.
            if k >= 2 {
                let wide = ndarray::concatenate![ndarray::Axis(1), x, x];
                let strided = wide.slice(ndarray::s![.., ..;2]);
                let mut y = Array2::zeros(strided.dim());
                let run = if backward {
                    sp::comb_backward
                } else {
                    sp::comb_forward
                };
                run(strided, tau, 0.5, y.view_mut()).unwrap();
                assert_eq!(y, comb_reference(&strided.to_owned(), tau, 0.5, backward));
            }
        }
    }
}

#[test]
fn comb_filters_refuse_tau_zero_and_wrong_out() {
    let x = Array2::<f64>::ones((5, 1));
    let mut y = Array2::from_elem((5, 1), 7.0);
    let e = sp::comb_forward(x.view(), 0, 1.0, y.view_mut()).unwrap_err();
    assert!(e.to_string().contains("tau"), "{e}");
    assert!(sp::comb_backward(x.view(), 0, 1.0, y.view_mut()).is_err());
    assert!(sp::comb_backward(x.view(), 1, 1.0, Array2::zeros((4, 1)).view_mut()).is_err());
    assert!(y.iter().all(|&v| v == 7.0));
}

// ---------------------------------------------------------------- mandelbrot

#[test]
fn mandelbrot_matches_the_iteration() {
    let (w, h) = (300, 200);
    let c = complex_grid((w, h), (-2.0, 3.0), (-1.5, 3.0));
    for max_iter in [0, 1, 20, 100] {
        let want: Vec<i32> = c.iter().map(|&z| escape_reference(z, max_iter)).collect();
        let got = at_thread_counts(&COUNTS, || {
            let mut out = vec![i32::MIN; c.len()];
            sp::mandelbrot(&c, max_iter, &mut out).unwrap();
            out
        });
        assert!(got.iter().all(|g| *g == want));
    }
    // Special values inside full lane blocks and in the tail.
    let special: Vec<Complex64> = [
        (0.0, 0.0),
        (4.0, 0.0),
        (f64::NAN, 0.0),
        (f64::INFINITY, 0.0),
        (0.0, f64::NEG_INFINITY),
        (-2.0, 0.0),
        (0.25, 0.0),
        (-0.75, 0.1),
        (1e300, 1e300),
        (-1e-300, 0.0),
        (0.3, 0.5),
        (f64::NAN, f64::NAN),
        (2.0, 2.0),
        (-0.1, 0.65),
        (0.0, 1.0),
        (-1.0, 0.0),
        (0.26, 0.0),
    ]
    .iter()
    .map(|&(re, im)| Complex64::new(re, im))
    .collect();
    for max_iter in [0, 1, 5, 1000] {
        let mut out = vec![i32::MIN; special.len()];
        sp::mandelbrot(&special, max_iter, &mut out).unwrap();
        let want: Vec<i32> = special
            .iter()
            .map(|&z| escape_reference(z, max_iter))
            .collect();
        assert_eq!(out, want, "max_iter {max_iter}");
    }
    let mut out = [5];
    sp::mandelbrot(&[Complex64::new(0.0, 0.0)], 20, &mut out).unwrap();
    assert_eq!(out, [-1]);
    sp::mandelbrot(&[Complex64::new(4.0, 0.0)], 20, &mut out).unwrap();
    assert_eq!(out, [0]);
    sp::mandelbrot(&[Complex64::new(f64::NAN, 0.0)], 3, &mut out).unwrap();
    assert_eq!(out, [-1], "NaN never satisfies >= 16");
    let mut out = [9, 9];
    let e = sp::mandelbrot(&[Complex64::new(0.0, 0.0); 2], -1, &mut out).unwrap_err();
    assert!(e.to_string().contains("max_iter"), "{e}");
    assert!(sp::mandelbrot(&[Complex64::new(0.0, 0.0); 2], 1, &mut out[..1]).is_err());
    assert_eq!(out, [9, 9]);
}

// ---------------------------------------------------------------- map

#[test]
fn map_applies_the_function_everywhere() {
    let x: Vec<f64> = (0..100_000).map(|i| i as f64).collect();
    let got = at_thread_counts(&COUNTS, || {
        let mut out = vec![0.0; x.len()];
        sp::map_f64(|v| v.sqrt() + 1.0, &x, &mut out).unwrap();
        out
    });
    let want: Vec<f64> = x.iter().map(|v| v.sqrt() + 1.0).collect();
    for g in &got {
        assert_bits_eq(g, &want, "map_f64");
    }
    assert!(sp::map_f64(|v| v, &x, &mut [0.0; 3]).is_err());
}

// ---------------------------------------------------------------- reductions across threads

#[test]
fn reductions_are_bitwise_identical_at_every_thread_count() {
    let mut r = Rng(77);
    for n in [
        0usize, 1, 1023, 1025, 262_143, 262_144, 1_000_003, 3_000_000,
    ] {
        let x = ill_conditioned(r.next_u64(), n);
        let got = at_thread_counts(&COUNTS, || {
            let s = sp::sum(&x).to_bits();
            let m = if n > 0 {
                sp::mean(&x).unwrap().to_bits()
            } else {
                0
            };
            let d = if n > 1 {
                sp::std(&x, 1).unwrap().to_bits()
            } else {
                0
            };
            (s, m, d)
        });
        assert!(got.windows(2).all(|w| w[0] == w[1]), "n={n}: {got:?}");
        assert_eq!(sp::reduce::sum_map_serial(&x, |v| v).to_bits(), got[0].0);
    }
}
