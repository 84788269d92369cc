//! Scaling from 1 to 2 threads of the compute-bound kernels, beside the machine's own ceiling
//! for the same work. For each kernel: the best of `REPS` calls at 1 and at 2 threads, pair
//! after pair (the pool awake), and the ceiling: two 1-thread calls on two OS threads at once
//! against the same two one after the other (no pool involved: what two CPUs give this work
//! here). Two vCPUs that share a physical core, or a host that is busy, give a ceiling under 2;
//! a kernel can only scale as far as its ceiling.
//!
//! ```text
//! cargo run --release -p speedup-core --example scaling [-- REPS]
//! cargo run --release -p speedup-core --example scaling -- REPS --ladder 1,2,4,8,16
//! ```
//! On a larger machine, `taskset -c 0,1` (two cores) or two SMT siblings show the difference;
//! `--ladder` times each kernel (and a flat `sum` of 1e7 float64, memory-bound, in GB/s) at each
//! listed thread count instead, the best of `REPS` calls each, with the pool awake.

use std::hint::black_box;
use std::time::Instant;

use ndarray::{array, Array2};
use num_complex::Complex64;
use speedup_core as core;

thread_local! {
    /// Each calling thread's output buffer, for the calls that reuse one.
    static OUT: std::cell::RefCell<Vec<i32>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// A kernel call of the comparison, with its label.
type Call<'a> = (&'static str, Box<dyn Fn() + Sync + 'a>);

fn best(reps: usize, mut f: impl FnMut()) -> f64 {
    (0..reps)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
}

/// `(t1, t2, ceiling)`: the best 1- and 2-thread times, and two 1-thread calls one after the
/// other against two at once.
fn measure(reps: usize, call: &(dyn Fn() + Sync)) -> (f64, f64, f64) {
    core::threads::set_num_threads(2).unwrap();
    call(); // builds and wakes the pool
    let (mut t1, mut t2) = (f64::INFINITY, f64::INFINITY);
    for _ in 0..reps {
        core::threads::set_num_threads(1).unwrap();
        t1 = t1.min(best(1, call));
        core::threads::set_num_threads(2).unwrap();
        t2 = t2.min(best(1, call));
    }
    core::threads::set_num_threads(1).unwrap();
    let seq = best(reps, || {
        call();
        call();
    });
    let par = best(reps, || {
        std::thread::scope(|s| {
            s.spawn(call);
            call();
        })
    });
    core::threads::set_num_threads(0).unwrap();
    (t1, t2, seq / par)
}

/// Each kernel at each thread count of `ladder`: the best of `reps` calls, and the speed-up
/// over the first count.
fn ladder(reps: usize, ladder: &[usize], kernels: &[Call]) {
    print!("{:<40}", "kernel");
    for n in ladder {
        print!(" {:>9}", format!("{n} thr"));
    }
    println!("   (ms; speed-up over {} below)", ladder[0]);
    for (name, call) in kernels {
        let times: Vec<f64> = ladder
            .iter()
            .map(|&n| {
                core::threads::set_num_threads(n).unwrap();
                call();
                best(reps, call)
            })
            .collect();
        print!("{name:<40}");
        times.iter().for_each(|t| print!(" {:>9.1}", t * 1e3));
        println!();
        print!("{:<40}", "");
        times.iter().for_each(|t| print!(" {:>8.2}x", times[0] / t));
        println!();
    }
    let x: Vec<f64> = (0..10_000_000).map(|i| (i % 1000) as f64 * 0.5).collect();
    print!("{:<40}", "sum 1e7 float64 (GB/s)");
    for &n in ladder {
        core::threads::set_num_threads(n).unwrap();
        let t = best(reps, || {
            black_box(core::reduce::sum_values(black_box(&x)));
        });
        print!(" {:>9.1}", 8e7 / t / 1e9);
    }
    println!();
    core::threads::set_num_threads(0).unwrap();
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let reps: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(5);
    let counts: Option<Vec<usize>> = args
        .iter()
        .position(|a| a == "--ladder")
        .and_then(|i| args.get(i + 1))
        .map(|l| l.split(',').filter_map(|n| n.parse().ok()).collect());
    let p = array![[0.9, 0.075, 0.025], [0.15, 0.8, 0.05], [0.25, 0.25, 0.5]];
    let side = 1000;
    let grid: Vec<Complex64> = (0..side * side)
        .map(|k| {
            let (i, j) = ((k / side) as f64, (k % side) as f64);
            let step = 0.8 / (side - 1) as f64;
            Complex64::new(-0.635 + j * step, 0.427 + i * step)
        })
        .collect();
    let queries: Vec<u64> = vec![500_000_000];
    let kernels: Vec<Call> = vec![
        (
            "monte_carlo_pi 1e8 points",
            Box::new(|| {
                black_box(core::monte_carlo_pi(100_000_000, 42).unwrap());
            }),
        ),
        (
            "markov_chains 16 x 1e6 steps",
            Box::new(|| {
                let mut counts = Array2::<u64>::zeros((16, 3));
                core::markov_chains(p.view(), 0, 1_000_000, 42, counts.view_mut()).unwrap();
                black_box(counts);
            }),
        ),
        (
            "mandelbrot 1000x1000, 400 iterations",
            Box::new(|| {
                let mut out = vec![0i32; grid.len()];
                core::mandelbrot(&grid, 400, &mut out).unwrap();
                black_box(out);
            }),
        ),
        (
            "  the same into a buffer already touched",
            Box::new(|| {
                OUT.with_borrow_mut(|out| {
                    out.resize(grid.len(), 0);
                    core::mandelbrot(&grid, 400, out).unwrap();
                    black_box(out);
                })
            }),
        ),
        (
            "sum_primes_below_many [5e8]",
            Box::new(|| {
                let mut out = [0u64; 1];
                core::sum_primes_below_many(&queries, &mut out).unwrap();
                black_box(out);
            }),
        ),
    ];
    if let Some(counts) = counts.filter(|c| !c.is_empty()) {
        ladder(reps, &counts, &kernels);
        return;
    }
    println!(
        "{:<40} {:>10} {:>10} {:>8} {:>9}",
        "kernel", "1 thread", "2 threads", "scaling", "ceiling"
    );
    for (name, call) in &kernels {
        let (t1, t2, ceiling) = measure(reps, call.as_ref());
        println!(
            "{name:<40} {:>8.1}ms {:>8.1}ms {:>7.2}x {:>8.2}x",
            t1 * 1e3,
            t2 * 1e3,
            t1 / t2,
            ceiling
        );
    }
}
