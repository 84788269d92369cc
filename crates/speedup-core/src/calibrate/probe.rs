//! The measurements behind the calibrated cut-offs: the pool's round trip (and how many of its
//! workers get a CPU at once) and each kernel's
//! serial cost per work unit on a small input (tens of KiB, so it stays in cache). The whole
//! measurement takes well under a millisecond of CPU on a current x86-64 core; `speedup info`
//! prints what it took (`calibration:`).

use std::hint::black_box;
use std::time::{Duration, Instant};

use ndarray::{Array2, ArrayView2};
use num_complex::Complex64;

use super::{Kernel, Measured};

/// The work each worker does in one round-trip sample: longer than an idle worker takes to
/// wake (tens of microseconds on a virtual machine whose CPUs sleep), so that on free CPUs the
/// workers' spins overlap; short enough to keep the calibration near a millisecond.
pub(super) const SPIN: Duration = Duration::from_micros(150);
/// Round-trip samples after one warm-up: the median round trip is kept, and the most workers
/// that ever spun at once (one sample with all of them running shows the CPUs are there; a
/// worker that woke late in the others is the wake-up, which the round trip already counts).
const WAKE_SAMPLES: usize = 5;
/// Runs of each kernel probe after one warm-up; the fastest is kept (the others were disturbed).
const RUNS: usize = 3;

fn spin(d: Duration) {
    let t = Instant::now();
    while t.elapsed() < d {
        std::hint::spin_loop();
    }
}

/// The most intervals `(start, end)` that hold one instant: how many workers ran at once.
pub(super) fn most_at_once(spans: &[(f64, f64)]) -> usize {
    spans
        .iter()
        .map(|&(s, _)| spans.iter().filter(|&&(a, b)| a <= s && s < b).count())
        .max()
        .unwrap_or(0)
}

/// One round trip: a broadcast on `pool` in which every worker spins [`SPIN`]. Returns the
/// round trip minus the spin (seconds) and how many workers spun at once (on a machine whose
/// other CPUs are busy, woken workers wait for a CPU and run one after the other).
fn round_trip(pool: &rayon::ThreadPool) -> (f64, usize) {
    let t0 = Instant::now();
    let spans: Vec<(f64, f64)> = pool.broadcast(|_| {
        let s = t0.elapsed().as_secs_f64();
        spin(SPIN);
        (s, t0.elapsed().as_secs_f64())
    });
    let total = t0.elapsed().saturating_sub(SPIN).as_secs_f64();
    (total, most_at_once(&spans))
}

/// The median round trip of [`WAKE_SAMPLES`] on speedup's pool at `threads` threads, after a
/// warm-up, and the most workers that spun at once in any of them: `(seconds, workers)`.
fn wake(threads: usize) -> (f64, usize) {
    let pool = crate::threads::pool_for(threads);
    round_trip(&pool);
    let (mut w, p): (Vec<f64>, Vec<usize>) = (0..WAKE_SAMPLES).map(|_| round_trip(&pool)).unzip();
    w.sort_by(f64::total_cmp);
    (w[w.len() / 2], p.into_iter().max().unwrap_or(1))
}

/// Seconds per unit of `run`, which does `units` units of work and says whether it succeeded:
/// the fastest of [`RUNS`] runs after a warm-up, `None` when a run failed or took no
/// measurable time.
fn per_unit(units: usize, mut run: impl FnMut() -> bool) -> Option<f64> {
    if !run() {
        return None;
    }
    let mut best = f64::INFINITY;
    for _ in 0..RUNS {
        let t = Instant::now();
        if !run() {
            return None;
        }
        best = best.min(t.elapsed().as_secs_f64());
    }
    (best > 0.0 && best.is_finite()).then(|| best / units as f64)
}

/// The fastest of [`RUNS`] parallel calls of `run` after a warm-up (seconds, as [`per_unit`]
/// of one unit), every kernel call of this thread going parallel meanwhile whatever its size;
/// `None` when a run failed.
fn parallel_time(run: impl FnMut() -> bool) -> Option<f64> {
    super::FORCING.with(|f| f.set(true));
    let best = per_unit(1, run);
    super::FORCING.with(|f| f.set(false));
    best
}

/// A kernel's parallel probe: a call of `units` work units (two of the kernel's parallel
/// tasks' worth), timed by [`parallel_time`] once the pool is awake.
struct Split {
    units: usize,
    run: Box<dyn FnMut() -> bool>,
}

/// `n` values in [0, 1) (the tests' LCG).
fn values(n: usize) -> Vec<f64> {
    crate::test_support::lcg_uniforms(n, 0x5eed)
}

fn probe_sum() -> Option<f64> {
    let x = values(1 << 14);
    per_unit(x.len(), || {
        black_box(crate::reduce::sum_values(black_box(&x))).is_finite()
    })
}

fn probe_stencils() -> Option<f64> {
    let side = 130;
    let f = Array2::from_shape_vec((side, side), values(side * side)).ok()?;
    let mut out = Array2::zeros((side - 2, side - 2));
    per_unit(out.len(), || {
        crate::laplacian(f.view(), 0.1, 0.1, out.view_mut()).is_ok()
    })
}

fn probe_comb_forward() -> Option<f64> {
    let n = 1 << 14;
    let x = Array2::from_shape_vec((n, 1), values(n)).ok()?;
    let mut out = Array2::zeros((n, 1));
    per_unit(n, || {
        crate::comb_forward(x.view(), 4, 0.5, out.view_mut()).is_ok()
    })
}

/// A 32 x 32 grid over the usual view of the set (`[-2, 1] x [-1.5, 1.5]`), 20 iterations:
/// points inside and outside, as a picture has them.
fn probe_mandelbrot() -> Option<f64> {
    let (m, iters) = (32usize, 20);
    let c: Vec<Complex64> = (0..m * m)
        .map(|k| {
            let (re, im) = ((k % m) as f64, (k / m) as f64);
            Complex64::new(-2.0 + 3.0 * re / m as f64, -1.5 + 3.0 * im / m as f64)
        })
        .collect();
    let mut out = vec![0i32; c.len()];
    per_unit(c.len() * iters as usize, || {
        crate::mandelbrot(&c, iters, &mut out).is_ok()
    })
}

/// Odd numbers near 10^12: full Miller–Rabin tests, the kernel's costly case.
fn probe_is_prime_many() -> Option<f64> {
    let n: Vec<u64> = (0..32).map(|i| 1_000_000_000_001 + 2 * i).collect();
    let mut out = vec![false; n.len()];
    per_unit(n.len(), || crate::is_prime_many(&n, &mut out).is_ok())
}

fn probe_monte_carlo_pi() -> Option<f64> {
    let n = 1 << 11;
    per_unit(n, || crate::monte_carlo_pi(n as u64, 7).is_ok())
}

fn probe_markov_chains() -> Option<f64> {
    let p = Array2::from_shape_vec(
        (3, 3),
        vec![0.9, 0.075, 0.025, 0.15, 0.8, 0.05, 0.25, 0.25, 0.5],
    )
    .ok()?;
    let (chains, steps) = (2usize, 1u64 << 10);
    let mut counts = Array2::zeros((chains, 3));
    per_unit(chains * steps as usize, || {
        crate::markov_chains(p.view(), 0, steps, 1, counts.view_mut()).is_ok()
    })
}

/// Points in the `closest_pair` probe (its cost per point grows as `log2 n`: see
/// [`super::Kernel::cost_growth`]).
pub(super) const CLOSEST_PROBE: usize = 512;

fn probe_closest_pair() -> Option<f64> {
    let n = CLOSEST_PROBE;
    let pts = Array2::from_shape_vec((n, 2), values(2 * n)).ok()?;
    let view: ArrayView2<f64> = pts.view();
    per_unit(n, || crate::closest_pair(view).is_ok())
}

/// The parallel probes: the kernels whose tasks are cheap enough to time two of them in a few
/// tens of microseconds (the others keep the pool's round trip). Each input is two tasks'
/// worth ([`Kernel::grain`]), so that the split, the second worker's wake-up and the tasks'
/// set-up are all in the time.
fn split_probe(k: Kernel) -> Option<Split> {
    let units = 2 * k.grain();
    let run: Box<dyn FnMut() -> bool> = match k {
        Kernel::Sum => {
            let x = values(units);
            Box::new(move || black_box(crate::reduce::sum_values(black_box(&x))).is_finite())
        }
        Kernel::Stencils => {
            let side = (units as f64).sqrt().ceil() as usize + 2;
            let f = Array2::from_shape_vec((side, side), values(side * side)).ok()?;
            let mut out = Array2::zeros((side - 2, side - 2));
            Box::new(move || crate::laplacian(f.view(), 0.1, 0.1, out.view_mut()).is_ok())
        }
        Kernel::CombForward => {
            let x = Array2::from_shape_vec((units, 1), values(units)).ok()?;
            let mut out = Array2::zeros((units, 1));
            Box::new(move || crate::comb_forward(x.view(), 4, 0.5, out.view_mut()).is_ok())
        }
        _ => return None,
    };
    Some(Split { units, run })
}

/// Every measurement but the total time (the caller's). The kernels' probes run serially on
/// the calling thread (the caller marks it as calibrating); their parallel probes after the
/// round trips, with the pool awake.
pub(super) fn measure(threads: usize) -> Measured {
    let mut per_unit = [None; Kernel::ALL.len()];
    for k in Kernel::ALL {
        per_unit[k.index()] = match k {
            Kernel::Sum => probe_sum(),
            Kernel::Stencils => probe_stencils(),
            Kernel::CombForward => probe_comb_forward(),
            Kernel::Mandelbrot => probe_mandelbrot(),
            Kernel::IsPrimeMany => probe_is_prime_many(),
            Kernel::MonteCarloPi => probe_monte_carlo_pi(),
            Kernel::MarkovChains => probe_markov_chains(),
            Kernel::ClosestPair => probe_closest_pair(),
            Kernel::SumPrimesBelow | Kernel::MapF64 => None,
        };
    }
    let (wake, at_once) = wake(threads);
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut split = [None; Kernel::ALL.len()];
    if at_once >= 2 {
        let p = threads.min(cpus).min(at_once) as f64;
        for k in Kernel::ALL {
            let (Some(c), Some(mut probe)) = (per_unit[k.index()], split_probe(k)) else {
                continue;
            };
            let n = probe.units as f64;
            let work = c * (n / p).max(n.min(k.grain() as f64));
            split[k.index()] = parallel_time(&mut probe.run).map(|t| (t - work).max(0.0));
        }
    }
    Measured {
        wake,
        at_once,
        threads,
        cpus,
        per_unit,
        split,
        took: 0.0,
        at: Instant::now(),
    }
}
