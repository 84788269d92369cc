//! Each legacy routine beside its Rust kernel at the seed sizes, at 1 and 2 threads.
//!
//!     cargo bench -p speedup-legacy --bench vs_rust              # seed sizes
//!     cargo bench -p speedup-legacy --bench vs_rust -- --quick   # sizes / 10
//!     cargo bench -p speedup-legacy --bench vs_rust -- laplacian mandelbrot   # only these
//!     cargo bench -p speedup-legacy --bench vs_rust -- --cpu     # CPU time, not wall time
//!
//! Median of a few runs after a warm-up, the four (kernel, threads) cells of a row measured
//! interleaved, each after a 30 ms pause (libgomp's idle workers spin for a few ms after a
//! region and would steal cores from a rayon kernel started right after). A Rust kernel that panics (e.g. a stub not yet written) shows as "n/a".

use std::hint::black_box;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

#[path = "../../speedup-core/tests/common/mod.rs"]
mod common;

use ndarray::{Array2, ArrayView2, ArrayViewMut2};
use speedup_core::test_support::lcg_uniforms as lcg_vec;
use speedup_core::{self as core, threads};
use speedup_legacy as legacy;

/// A comb filter of either family (same signature).
type CombFn = fn(ArrayView2<f64>, usize, f64, ArrayViewMut2<f64>) -> speedup_core::Result<()>;

/// One line of the table: the kernel, its input and the four timings.
fn print_row(kernel: &str, input: &str, times: [String; 4]) {
    let times: Vec<String> = times.iter().map(|t| format!("{t:>11}")).collect();
    println!("{kernel:<18} {input:<24} {}", times.join(" "));
}

fn fmt_s(s: Option<f64>) -> String {
    match s {
        None => "n/a".to_owned(),
        Some(s) if s >= 1.0 => format!("{s:.3} s"),
        Some(s) if s >= 1e-3 => format!("{:.2} ms", s * 1e3),
        Some(s) => format!("{:.1} us", s * 1e6),
    }
}

type Job<'a> = Box<dyn FnMut() + 'a>;

/// `--cpu`: time by CPU time, not by the wall clock: the calling thread's at 1 thread (so idle
/// OpenMP workers still spinning after an earlier cell do not count), the whole process's at
/// more. On a machine shared with other work, 1-thread figures then leave out the waits for a
/// core.
static CPU_TIME: AtomicBool = AtomicBool::new(false);

/// Seconds on the chosen clock, for a cell run at `threads_n` threads.
fn now(threads_n: usize) -> f64 {
    if CPU_TIME.load(Ordering::Relaxed) {
        let clock = if threads_n == 1 {
            libc::CLOCK_THREAD_CPUTIME_ID
        } else {
            libc::CLOCK_PROCESS_CPUTIME_ID
        };
        let mut ts = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: a valid clock id and a valid out pointer.
        unsafe { libc::clock_gettime(clock, &mut ts) };
        ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9
    } else {
        static START: OnceLock<Instant> = OnceLock::new();
        START.get_or_init(Instant::now).elapsed().as_secs_f64()
    }
}

/// Median seconds of each job at 1 and 2 threads: [rust 1, rust 2, legacy 1, legacy 2].
fn measure<'a>(mut rust: Job<'a>, mut leg: Job<'a>) -> [Option<f64>; 4] {
    let mut times: [Vec<f64>; 4] = Default::default();
    let mut broken = [false; 4];
    let mut reps = 3;
    let mut rep = 0;
    while rep <= reps {
        for (cell, threads_n) in [(0, 1), (1, 2), (2, 1), (3, 2)] {
            if broken[cell] {
                continue;
            }
            threads::set_num_threads(threads_n).unwrap();
            // Let idle OpenMP workers stop spinning (libgomp spins a few ms after a region
            // before it sleeps) so they do not steal cores from the next cell.
            std::thread::sleep(Duration::from_millis(30));
            let f: &mut Job = if cell < 2 { &mut rust } else { &mut leg };
            let t = now(threads_n);
            let ok = catch_unwind(AssertUnwindSafe(f)).is_ok();
            let dt = now(threads_n) - t;
            if !ok {
                broken[cell] = true;
            } else if rep > 0 {
                times[cell].push(dt);
            } else if dt > 2.0 {
                reps = 1; // slow rows: one timed run after the warm-up
            }
        }
        rep += 1;
    }
    threads::set_num_threads(0).unwrap();
    let mut out = [None; 4];
    for c in 0..4 {
        if !broken[c] && !times[c].is_empty() {
            times[c].sort_by(f64::total_cmp);
            out[c] = Some(times[c][times[c].len() / 2]);
        }
    }
    out
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let quick = args.iter().any(|a| a == "--quick");
    CPU_TIME.store(args.iter().any(|a| a == "--cpu"), Ordering::Relaxed);
    let only: Vec<&str> = args
        .iter()
        .filter(|a| !a.starts_with("--"))
        .map(String::as_str)
        .collect();
    let want = |name: &str| only.is_empty() || only.contains(&name);
    let scale = |n: usize| if quick { (n / 10).max(1) } else { n };
    // Quiet the panic message of a stub kernel: it is reported as "n/a".
    std::panic::set_hook(Box::new(|_| {}));

    print_row(
        "kernel",
        "input",
        ["rust 1t", "rust 2t", "legacy 1t", "legacy 2t"].map(String::from),
    );
    let row =
        |name: &str, input: String, t: [Option<f64>; 4]| print_row(name, &input, t.map(fmt_s));

    if want("laplacian") {
        let n = if quick { 1264 } else { 4000 };
        let f = Array2::from_shape_vec((n, n), lcg_vec(n * n, 1)).unwrap();
        let mut a = Array2::zeros((n - 2, n - 2));
        let mut b = Array2::zeros((n - 2, n - 2));
        let t = measure(
            Box::new(|| core::laplacian(f.view(), 0.1, 0.1, a.view_mut()).unwrap()),
            Box::new(|| legacy::laplacian(f.view(), 0.1, 0.1, b.view_mut()).unwrap()),
        );
        row("laplacian", format!("{n}x{n}"), t);
    }
    let combs: [(&str, CombFn, CombFn); 2] = [
        ("comb_backward", core::comb_backward, legacy::comb_backward),
        ("comb_forward", core::comb_forward, legacy::comb_forward),
    ];
    for (name, rust, old) in combs.into_iter().filter(|c| want(c.0)) {
        let n = scale(10_000_000);
        let x = Array2::from_shape_vec((n, 1), lcg_vec(n, 2)).unwrap();
        let mut a = Array2::zeros((n, 1));
        let mut b = Array2::zeros((n, 1));
        let t = measure(
            Box::new(|| rust(x.view(), 4, 0.5, a.view_mut()).unwrap()),
            Box::new(|| old(x.view(), 4, 0.5, b.view_mut()).unwrap()),
        );
        row(name, format!("n={n} tau=4"), t);
    }
    let n = scale(10_000_000);
    let x = lcg_vec(n, 3);
    if want("second_derivative") {
        let mut a = vec![0.0; n - 2];
        let mut b = vec![0.0; n - 2];
        let t = measure(
            Box::new(|| core::second_derivative(&x, 0.1, &mut a).unwrap()),
            Box::new(|| legacy::second_derivative(&x, 0.1, &mut b).unwrap()),
        );
        row("second_derivative", format!("n={n}"), t);
    }
    if want("mean") {
        let t = measure(
            Box::new(|| {
                black_box(core::mean(&x).unwrap());
            }),
            Box::new(|| {
                black_box(legacy::mean(&x).unwrap());
            }),
        );
        row("mean", format!("n={n}"), t);
    }
    if want("sum") {
        let t = measure(
            Box::new(|| {
                black_box(core::sum(&x));
            }),
            Box::new(|| {
                black_box(legacy::sum(&x));
            }),
        );
        row("sum", format!("n={n}"), t);
    }
    if want("std") {
        let t = measure(
            Box::new(|| {
                black_box(core::std(&x, 0).unwrap());
            }),
            Box::new(|| {
                black_box(legacy::std(&x, 0).unwrap());
            }),
        );
        row("std", format!("n={n}"), t);
    }
    if want("mandelbrot") {
        let side = if quick { 316 } else { 1000 };
        let c = common::complex_grid((side, side), (-2.0, 2.5), (-1.25, 2.5));
        let mut a = vec![0; c.len()];
        let mut b = vec![0; c.len()];
        let t = measure(
            Box::new(|| core::mandelbrot(&c, 20, &mut a).unwrap()),
            Box::new(|| legacy::mandelbrot(&c, 20, &mut b).unwrap()),
        );
        row("mandelbrot", format!("{side}x{side}, 20 it"), t);
    }
    if want("sum_primes_below") {
        let top = scale(10_000) as u64;
        let queries: Vec<u64> = (0..top).collect();
        let mut a = vec![0; queries.len()];
        let mut b = vec![0; queries.len()];
        // Rust: one sieve for all queries; legacy: a loop of calls, as the seed did.
        let t = measure(
            Box::new(|| core::sum_primes_below_many(&queries, &mut a).unwrap()),
            Box::new(|| {
                for (o, &q) in b.iter_mut().zip(&queries) {
                    *o = legacy::sum_primes_below(q).unwrap();
                }
            }),
        );
        row("sum_primes_below", format!("every n < {top}"), t);
    }
    if want("is_prime") {
        // Odd numbers near 1e9: trial division needs ~sqrt(n)/2 steps a prime.
        let top = scale(100_000) as u64;
        let q: Vec<u64> = (0..top).map(|i| 1_000_000_001 + 2 * i).collect();
        let mut a = vec![false; q.len()];
        let mut b = vec![false; q.len()];
        let t = measure(
            Box::new(|| core::is_prime_many(&q, &mut a).unwrap()),
            Box::new(|| legacy::is_prime_many(&q, &mut b).unwrap()),
        );
        row("is_prime", format!("{top} odd ~1e9"), t);
    }
    if want("closest_pair") {
        let n = scale(2000);
        let p = Array2::from_shape_vec((n, 2), lcg_vec(2 * n, 4)).unwrap();
        let t = measure(
            Box::new(|| {
                black_box(core::closest_pair(p.view()).unwrap());
            }),
            Box::new(|| {
                black_box(legacy::closest_pair(p.view()).unwrap());
            }),
        );
        row("closest_pair", format!("n={n}"), t);
    }
}
