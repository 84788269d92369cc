//! Cross-checks: every legacy routine against its Rust twin in speedup-core, at 1 and 2
//! threads. Bitwise for the exact kernels; within the accuracy rule for sum / mean / std.
//! Primes and closest pair are checked against independent references here, and against the
//! Rust kernels in `tests/vs_rust_kernels.rs`.

#[path = "../../speedup-core/tests/common/mod.rs"]
mod common;

use common::{closest_reference, fsum, sieve, Rng};
use ndarray::{Array2, ShapeBuilder};
use speedup_core as core;
use speedup_core::test_support::knob;
use speedup_legacy as legacy;

const THREADS: [usize; 2] = [1, 2];

fn bits(x: &[f64]) -> Vec<u64> {
    x.iter().map(|v| v.to_bits()).collect()
}

#[test]
fn comb_filters_agree_bitwise() {
    let mut rng = Rng(1);
    // 1-D (k = 1) and 2-D signals, large enough for the Rust kernels to go parallel.
    for &(n, k, tau, alpha) in &[
        (200_000, 1, 4, 0.5),
        (70_000, 3, 7, -0.9),
        (10, 4, 20, 0.3),
        (5, 2, 1, 1.5),
    ] {
        let x = Array2::from_shape_vec((n, k), rng.vec(n * k, -1.0, 1.0)).unwrap();
        for t in THREADS {
            let _g = knob(t);
            type Kernel = fn(
                ndarray::ArrayView2<f64>,
                usize,
                f64,
                ndarray::ArrayViewMut2<f64>,
            ) -> core::Result<()>;
            let pairs: [(&str, Kernel, Kernel); 2] = [
                ("forward", core::comb_forward, legacy::comb_forward),
                ("backward", core::comb_backward, legacy::comb_backward),
            ];
            for (name, rust, leg) in pairs {
                let mut a = Array2::zeros((n, k));
                let mut b = Array2::zeros((n, k));
                rust(x.view(), tau, alpha, a.view_mut()).unwrap();
                leg(x.view(), tau, alpha, b.view_mut()).unwrap();
                assert_eq!(
                    bits(a.as_slice().unwrap()),
                    bits(b.as_slice().unwrap()),
                    "comb_{name} n={n} k={k} tau={tau} threads={t}"
                );
            }
        }
    }
}

#[test]
fn stencils_agree_bitwise() {
    let mut rng = Rng(2);
    let f1 = rng.vec(300_001, -2.0, 2.0);
    let (rows, cols) = (301, 407);
    let f2 = Array2::from_shape_vec((rows, cols), rng.vec(rows * cols, -1.0, 1.0)).unwrap();
    // The same grid held column-major: the wrapper copies it to C order, same bits.
    let mut f2_fortran = Array2::zeros((rows, cols).f());
    f2_fortran.assign(&f2);
    for t in THREADS {
        let _g = knob(t);
        for dx in [0.1, 3.0, 1e-3] {
            let mut a = vec![0.0; f1.len() - 2];
            let mut b = vec![0.0; f1.len() - 2];
            core::second_derivative(&f1, dx, &mut a).unwrap();
            legacy::second_derivative(&f1, dx, &mut b).unwrap();
            assert_eq!(bits(&a), bits(&b), "second_derivative dx={dx} threads={t}");
        }
        for (dx, dy) in [(0.1, 0.2), (1.0, 1.0), (0.7, 3e-2)] {
            let mut a = Array2::zeros((rows - 2, cols - 2));
            let mut b = Array2::zeros((rows - 2, cols - 2));
            let mut c = Array2::zeros((rows - 2, cols - 2));
            core::laplacian(f2.view(), dx, dy, a.view_mut()).unwrap();
            legacy::laplacian(f2.view(), dx, dy, b.view_mut()).unwrap();
            legacy::laplacian(f2_fortran.view(), dx, dy, c.view_mut()).unwrap();
            let a = bits(a.as_slice().unwrap());
            assert_eq!(a, bits(b.as_slice().unwrap()), "laplacian threads={t}");
            assert_eq!(
                a,
                bits(c.as_slice().unwrap()),
                "laplacian (F order) threads={t}"
            );
        }
    }
    // Not square, smallest sizes: rows and cols are not swapped anywhere.
    let g = Array2::from_shape_fn((3, 5), |(i, j)| (i * 10 + j * j) as f64);
    let mut a = Array2::zeros((1, 3));
    let mut b = Array2::zeros((1, 3));
    core::laplacian(g.view(), 0.5, 2.0, a.view_mut()).unwrap();
    legacy::laplacian(g.view(), 0.5, 2.0, b.view_mut()).unwrap();
    assert_eq!(a, b);
}

#[test]
fn mandelbrot_agrees_bitwise() {
    let (w, h) = (240, 180);
    let c = common::complex_grid((w, h), (-2.2, 3.0), (-1.3, 2.6));
    for t in THREADS {
        let _g = knob(t);
        for max_iter in [0, 1, 20, 100] {
            let mut a = vec![0; c.len()];
            let mut b = vec![7; c.len()];
            core::mandelbrot(&c, max_iter, &mut a).unwrap();
            legacy::mandelbrot(&c, max_iter, &mut b).unwrap();
            assert_eq!(a, b, "mandelbrot max_iter={max_iter} threads={t}");
        }
    }
}

#[test]
fn sum_mean_std_within_the_accuracy_rule() {
    let u = f64::EPSILON / 2.0;
    let mut rng = Rng(3);
    let cases = [
        rng.vec(200_000, 1.0, 2.0),
        rng.vec(100_003, -1.0, 1.0),
        rng.vec(1_000, -1e6, 1e6),
    ];
    for x in &cases {
        let n = x.len();
        let exact = fsum(x);
        let abs: Vec<f64> = x.iter().map(|v| v.abs()).collect();
        // Recursive summation: |s - exact| <= (n-1) u sum|x_i| / (1 - (n-1) u)  (Higham, 4.4).
        let bound = (n - 1) as f64 * u * fsum(&abs) * 1.01;
        for t in THREADS {
            let _g = knob(t);
            let (ls, rs) = (legacy::sum(x), core::sum(x));
            assert!(
                (ls - exact).abs() <= bound,
                "legacy sum {ls} vs {exact} (bound {bound})"
            );
            assert!((rs - exact).abs() <= bound, "rust sum {rs} vs {exact}");
            assert!((ls - rs).abs() <= 2.0 * bound, "sum legacy {ls} rust {rs}");

            // mean: the same bound divided by n, plus one rounding of the division.
            let (lm, rm) = (legacy::mean(x).unwrap(), core::mean(x).unwrap());
            let m_exact = exact / n as f64;
            let mbound = bound / n as f64 + 2.0 * u * m_exact.abs();
            assert!(
                (lm - m_exact).abs() <= mbound,
                "legacy mean {lm} vs {m_exact}"
            );
            assert!(
                (lm - rm).abs() <= 2.0 * mbound,
                "mean legacy {lm} rust {rm}"
            );

            // std: a sum of nonnegative terms (relative error <= (n-1)u + the error of m,
            // which enters at second order), then one division and one sqrt. On these
            // well-conditioned data 1e-12 relative is a wide margin.
            let dev: Vec<f64> = x.iter().map(|v| (v - m_exact) * (v - m_exact)).collect();
            for ddof in [0, 1] {
                let s_exact = (fsum(&dev) / (n - ddof) as f64).sqrt();
                let (ld, rd) = (legacy::std(x, ddof).unwrap(), core::std(x, ddof).unwrap());
                assert!(
                    ((ld - s_exact) / s_exact).abs() <= 1e-12,
                    "legacy std {ld} vs {s_exact}"
                );
                assert!(((ld - rd) / rd).abs() <= 1e-12, "std legacy {ld} rust {rd}");
            }
        }
    }
    // The legacy sum is a plain left-to-right loop (not compensated): that is the point of
    // the accuracy rule rather than bitwise agreement.
    assert_eq!(legacy::sum(&[1e16, 1.0, -1e16]), 0.0);
    assert_eq!(core::sum(&[1e16, 1.0, -1e16]), 1.0);
    assert_eq!(legacy::sum(&[]), 0.0);
    assert!(legacy::sum(&[1.0, f64::NAN]).is_nan());
}

#[test]
fn primes_match_a_sieve() {
    let n = 10_000;
    let p = sieve(n);
    for t in THREADS {
        let _g = knob(t);
        for (i, &is_p) in p.iter().enumerate() {
            assert_eq!(legacy::is_prime(i as u64), is_p, "is_prime({i})");
        }
        let mut running = 0u64;
        for (i, &is_p) in p.iter().enumerate() {
            if i % 97 == 0 || i < 40 {
                assert_eq!(legacy::sum_primes_below(i as u64), Ok(running), "below {i}");
            }
            if is_p {
                running += i as u64;
            }
        }
        assert_eq!(legacy::sum_primes_below(n as u64), Ok(running));
        // Project Euler 10.
        assert_eq!(legacy::sum_primes_below(2_000_000), Ok(142_913_828_922));
        let queries = [0u64, 1, 2, 3, 10, 100];
        let mut out = [0u64; 6];
        legacy::sum_primes_below_many(&queries, &mut out).unwrap();
        assert_eq!(out, [0, 0, 0, 2, 17, 1060]);
    }
    // Larger values, still quick by trial division.
    for (v, want) in [
        (1_000_000_007u64, true),
        (4_294_967_291, true),
        (4_294_967_297, false), // 641 * 6700417
        (999_999_999_989, true),
        (999_966_000_289, false), // 999983^2
    ] {
        assert_eq!(legacy::is_prime(v), want, "is_prime({v})");
    }
}

fn random_points(rng: &mut Rng, n: usize) -> Array2<f64> {
    Array2::from_shape_vec((n, 2), rng.vec(2 * n, -1.0, 1.0)).unwrap()
}

fn rows(p: &Array2<f64>) -> Vec<[f64; 2]> {
    p.rows().into_iter().map(|r| [r[0], r[1]]).collect()
}

#[test]
fn closest_pair_matches_brute_force_reference() {
    let mut rng = Rng(4);
    let mut sets = vec![random_points(&mut rng, 2), random_points(&mut rng, 700)];
    // Ties: an integer grid (many pairs at d2 = 1) in a scrambled order, and duplicates.
    let grid: Vec<f64> = (0..400)
        .map(|k| (k * 37) % 400)
        .flat_map(|k| [(k % 20) as f64, (k / 20) as f64])
        .collect();
    sets.push(Array2::from_shape_vec((400, 2), grid).unwrap());
    let mut dup = random_points(&mut rng, 300);
    for r in [40, 250, 7] {
        let row = dup.row(123).to_owned();
        dup.row_mut(r).assign(&row);
    }
    sets.push(dup);
    for pts in &sets {
        let (i, j, d2) = closest_reference(&rows(pts));
        for t in [1, 2, 3] {
            let _g = knob(t);
            let got = legacy::closest_pair(pts.view()).unwrap();
            assert_eq!((got.i, got.j), (i, j), "threads={t}");
            assert_eq!(got.dist.to_bits(), d2.sqrt().to_bits());
        }
    }
}
