//! `fork()` after the parent used both rayon (speedup's pool) and the legacy OpenMP routines:
//! the child runs every Rust kernel in parallel on a fresh pool, and every legacy routine with
//! one OpenMP thread (libgomp's pool does not survive fork, GCC bug 60035: a team of more than
//! one thread would wait forever). Every result equals the parent's; nothing hangs (the parent
//! kills a child that runs past its deadline and fails).

#[path = "../../speedup-core/tests/common/mod.rs"]
mod common;

use common::in_forked_child;
use std::time::Duration;

use ndarray::Array2;
use speedup_core::{self as core, threads, Complex64};
use speedup_legacy as legacy;

/// Every Rust kernel, then every legacy routine, on small inputs forced onto the pool
/// (`set_ignore_cutoffs`), as bit patterns; the legacy sum/mean/std (OpenMP reductions whose
/// last bits follow the team size) are rounded to 12 significant digits.
fn everything() -> Vec<(&'static str, Vec<u64>)> {
    let n = 5000;
    let x: Vec<f64> = (0..n)
        .map(|i| ((i * 37 % 101) as f64 - 50.0) * 0.25)
        .collect();
    let grid = Array2::from_shape_fn((50, 100), |(i, j)| ((i * 7 + j * 3) % 17) as f64);
    let sig = Array2::from_shape_fn((1000, 3), |(i, j)| ((i + j) % 13) as f64);
    let pts = Array2::from_shape_fn((3000, 2), |(i, j)| {
        ((i * 7919 + j * 104_729) % 10_007) as f64
    });
    let c: Vec<Complex64> = (0..4000)
        .map(|i| {
            Complex64::new(
                -2.0 + 3.0 * (i % 80) as f64 / 80.0,
                -1.2 + 2.4 * (i / 80) as f64 / 50.0,
            )
        })
        .collect();
    let q: Vec<u64> = (0..200).map(|i| i * 1_000 + 7).collect();
    let p = ndarray::array![[0.9, 0.1, 0.0], [0.2, 0.5, 0.3], [0.0, 0.4, 0.6]];
    let bits = |v: &[f64]| v.iter().map(|f| f.to_bits()).collect::<Vec<u64>>();
    let round = |f: f64| format!("{f:.11e}").parse::<f64>().unwrap().to_bits();
    let mut out = Vec::new();

    out.push(("sum", vec![core::sum(&x).to_bits()]));
    out.push(("mean", vec![core::mean(&x).unwrap().to_bits()]));
    out.push(("std", vec![core::std(&x, 1).unwrap().to_bits()]));
    let mut d2 = vec![0.0; n - 2];
    core::second_derivative(&x, 0.5, &mut d2).unwrap();
    out.push(("second_derivative", bits(&d2)));
    let mut lap = Array2::zeros((48, 98));
    core::laplacian(grid.view(), 0.1, 0.2, lap.view_mut()).unwrap();
    out.push(("laplacian", bits(lap.as_slice().unwrap())));
    let mut y = Array2::zeros((1000, 3));
    core::comb_forward(sig.view(), 7, 0.5, y.view_mut()).unwrap();
    out.push(("comb_forward", bits(y.as_slice().unwrap())));
    core::comb_backward(sig.view(), 7, 0.5, y.view_mut()).unwrap();
    out.push(("comb_backward", bits(y.as_slice().unwrap())));
    let mut primes = vec![false; q.len()];
    core::is_prime_many(&q, &mut primes).unwrap();
    out.push(("is_prime_many", primes.iter().map(|&b| b as u64).collect()));
    let mut sums = vec![0u64; q.len()];
    core::sum_primes_below_many(&q, &mut sums).unwrap();
    out.push(("sum_primes_below_many", sums));
    out.push((
        "monte_carlo_pi",
        vec![core::monte_carlo_pi(100_000, 7).unwrap().to_bits()],
    ));
    let mut counts = Array2::zeros((8, 3));
    core::markov_chains(p.view(), 0, 5000, 3, counts.view_mut()).unwrap();
    out.push(("markov_chains", counts.into_raw_vec_and_offset().0));
    let pair = core::closest_pair(pts.view()).unwrap();
    out.push((
        "closest_pair",
        vec![pair.i as u64, pair.j as u64, pair.dist.to_bits()],
    ));
    let mut counts = vec![0i32; c.len()];
    core::mandelbrot(&c, 200, &mut counts).unwrap();
    out.push(("mandelbrot", counts.iter().map(|&v| v as u64).collect()));
    let mut m = vec![0.0; n];
    core::map_f64(|v| v * v + 1.0, &x, &mut m).unwrap();
    out.push(("map_f64", bits(&m)));

    out.push(("legacy sum", vec![round(legacy::sum(&x))]));
    out.push(("legacy mean", vec![round(legacy::mean(&x).unwrap())]));
    out.push(("legacy std", vec![round(legacy::std(&x, 1).unwrap())]));
    legacy::second_derivative(&x, 0.5, &mut d2).unwrap();
    out.push(("legacy second_derivative", bits(&d2)));
    legacy::laplacian(grid.view(), 0.1, 0.2, lap.view_mut()).unwrap();
    out.push(("legacy laplacian", bits(lap.as_slice().unwrap())));
    legacy::comb_forward(sig.view(), 7, 0.5, y.view_mut()).unwrap();
    out.push(("legacy comb_forward", bits(y.as_slice().unwrap())));
    legacy::comb_backward(sig.view(), 7, 0.5, y.view_mut()).unwrap();
    out.push(("legacy comb_backward", bits(y.as_slice().unwrap())));
    let small: Vec<u64> = q[..50].to_vec();
    let mut sums = vec![0u64; small.len()];
    legacy::sum_primes_below_many(&small, &mut sums).unwrap();
    out.push(("legacy sum_primes_below_many", sums));
    legacy::is_prime_many(&q, &mut primes).unwrap();
    out.push((
        "legacy is_prime_many",
        primes.iter().map(|&b| b as u64).collect(),
    ));
    let pair = legacy::closest_pair(pts.view()).unwrap();
    out.push((
        "legacy closest_pair",
        vec![pair.i as u64, pair.j as u64, pair.dist.to_bits()],
    ));
    legacy::mandelbrot(&c, 200, &mut counts).unwrap();
    out.push((
        "legacy mandelbrot",
        counts.iter().map(|&v| v as u64).collect(),
    ));
    out
}

#[test]
fn a_forked_child_runs_every_kernel_and_every_legacy_routine() {
    threads::set_num_threads(3).unwrap();
    threads::set_ignore_cutoffs(true);
    // The parent: rayon pool and libgomp's pool both running, with 3 threads.
    assert_eq!(threads::fork_generation(), 0);
    assert_eq!(legacy::omp_team_size(), (3, 3));
    let want = everything();

    let code = in_forked_child(Duration::from_secs(60), || {
        if threads::fork_generation() != 1 {
            return 2;
        }
        // OpenMP in the child: one thread (a team of 3 would hang here).
        if legacy::omp_team_size() != (1, 1) || legacy::omp_threads() != 1 {
            return 3;
        }
        // Rust kernels: still the knob's 3 threads, on a fresh pool.
        let on_pool = core::threads::run(rayon::current_num_threads);
        if on_pool != 3 {
            return 4;
        }
        let got = everything();
        for (i, ((name, w), (_, g))) in want.iter().zip(&got).enumerate() {
            if w != g {
                eprintln!("forked child: {name} differs from the parent's");
                return 10 + i as i32;
            }
        }
        // A grandchild too.
        let grand = in_forked_child(Duration::from_secs(60), || {
            let ok = threads::fork_generation() == 2
                && legacy::omp_team_size() == (1, 1)
                && everything() == want;
            if ok {
                0
            } else {
                1
            }
        });
        if grand != 0 {
            return 5;
        }
        0
    });
    assert_eq!(code, 0, "forked child failed with code {code} (see stderr)");
    // The parent is unaffected.
    assert_eq!(legacy::omp_team_size(), (3, 3));
    assert_eq!(everything(), want);
    threads::set_ignore_cutoffs(false);
}
