//! Kernel-level benchmark of speedup-core, so a developer sees a regression without Python or C.
//!
//!     cargo bench -p speedup-core --bench kernels              # seed sizes, 1 thread vs all
//!     cargo bench -p speedup-core --bench kernels -- --quick   # sizes / 10
//!     cargo bench -p speedup-core --bench kernels -- sum laplacian   # only these
//!     cargo bench -p speedup-core --bench kernels -- sweep     # serial vs parallel by size
//!     cargo bench -p speedup-core --bench kernels -- sweep --cold   # the same, pool asleep
//!     cargo bench -p speedup-core --bench kernels -- sweep sum laplacian   # only these
//!     cargo bench -p speedup-core --bench kernels -- pool      # cost of an empty parallel call
//!     cargo bench -p speedup-core --bench kernels -- --cpu     # CPU time, not wall time
//!     cargo bench -p speedup-core --bench kernels -- --clean   # only samples nobody disturbed
//!
//! Each figure is the median of several runs after a warm-up; the two thread counts of a row
//! are measured interleaved, so machine drift hits both alike. Ratios, not absolute times, are
//! what to compare across machines.

use std::hint::black_box;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use ndarray::{Array2, ArrayView2, ArrayViewMut2};
use speedup_core::test_support::lcg_uniforms as lcg_vec;
use speedup_core::{self as sp, threads, Complex64};

#[path = "support/sweep.rs"]
mod sweep;

/// The memory-bandwidth yardstick for `sum`: reads every element once, and does so little with
/// it (eight XOR lanes of the bits, which vectorise) that only memory bounds it. It runs on the
/// calling thread at "1 thread" and on speedup's pool, one 64 Ki-element task at a time, at more.
fn stream_read(x: &[f64]) -> u64 {
    use rayon::prelude::*;
    fn xor_lanes(x: &[f64]) -> u64 {
        let mut acc = [0u64; 8];
        for ch in x.chunks_exact(8) {
            for k in 0..8 {
                acc[k] ^= ch[k].to_bits();
            }
        }
        acc.iter().fold(0, |a, b| a ^ b)
    }
    if threads::get_num_threads() == 1 {
        xor_lanes(x)
    } else {
        threads::run(|| {
            x.par_chunks(1 << 16)
                .map(xor_lanes)
                .reduce(|| 0, |a, b| a ^ b)
        })
    }
}

/// `--cpu`: report the CPU time the process spent (all its threads) instead of wall time. On a
/// machine shared with other work, a 1-thread figure in CPU time leaves out the time the kernel
/// waited for a core; at more threads it is the total work, so wall / CPU shows the overheads.
static CPU_TIME: AtomicBool = AtomicBool::new(false);

fn now() -> Duration {
    if CPU_TIME.load(Ordering::Relaxed) {
        let mut ts = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: a valid clock id and a valid out pointer.
        unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
        Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
    } else {
        START.get_or_init(Instant::now).elapsed()
    }
}

static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();

/// `--clean`: keep only the samples during which no thread of this process waited for a CPU.
/// On a machine shared with other work the wall time of a parallel kernel means nothing when a
/// worker sat on a run queue behind someone else's compiler; the kernel's own threads' run-queue
/// wait (`/proc/self/task/*/schedstat`, second field, ns) says whether that happened. A sample
/// counts as clean when that wait is below 1% of its wall time plus 150 us: waking a sleeping
/// worker itself shows up as run-queue wait (about 60 us a wake on a VM whose other CPU is
/// idle, measured with `pool`), and a parallel call wakes up to three. Samples are drawn
/// until `reps` clean ones or 60 attempts per thread count; the figure is the median of the
/// clean ones, marked `*` when there were fewer than 3.
static CLEAN: AtomicBool = AtomicBool::new(false);

/// Total run-queue wait of this process's threads so far, in ns (0 where not available).
fn run_queue_wait_ns() -> u64 {
    let Ok(dir) = std::fs::read_dir("/proc/self/task") else {
        return 0;
    };
    dir.filter_map(|t| std::fs::read_to_string(t.ok()?.path().join("schedstat")).ok())
        .filter_map(|s| s.split_whitespace().nth(1)?.parse::<u64>().ok())
        .sum()
}

/// How one column of a row runs: the thread count, whether the serial cut-offs apply, and
/// whether they are the documented defaults instead of the calibrated ones.
#[derive(Clone, Copy)]
struct Cell {
    threads: usize,
    ignore_cutoffs: bool,
    defaults: bool,
}

/// Median seconds of `f` in each cell, the cells measured interleaved, after one warm-up each
/// (see `--clean`), each sample after a pause of `rest` (so that workers woken by one cell are
/// asleep again for the next, as they are for an isolated call). The flag is false when a
/// median rests on fewer than 3 clean samples.
fn time_cells(
    reps: usize,
    rest: Duration,
    cells: &[Cell],
    mut f: impl FnMut(),
) -> Vec<(f64, bool)> {
    let clean = CLEAN.load(Ordering::Relaxed);
    let mut times = vec![Vec::new(); cells.len()];
    let set = |c: &Cell| {
        threads::set_num_threads(c.threads).unwrap();
        threads::set_ignore_cutoffs(c.ignore_cutoffs);
        speedup_core::calibrate::set_defaults_only(c.defaults);
    };
    for c in cells {
        set(c);
        f();
    }
    let mut attempts = 0;
    while times.iter().any(|t| t.len() < reps) && attempts < if clean { 60 } else { reps } {
        attempts += 1;
        for (c, out) in cells.iter().zip(times.iter_mut()) {
            if out.len() >= reps {
                continue;
            }
            set(c);
            std::thread::sleep(rest);
            let w = run_queue_wait_ns();
            let t = now();
            f();
            let dt = now() - t;
            let waited = run_queue_wait_ns().saturating_sub(w);
            if !clean || (waited as f64) < dt.as_nanos() as f64 * 0.01 + 150_000.0 {
                out.push(dt);
            }
        }
    }
    threads::set_num_threads(0).unwrap();
    threads::set_ignore_cutoffs(false);
    speedup_core::calibrate::set_defaults_only(false);
    times
        .iter_mut()
        .map(|v| {
            if v.is_empty() {
                (f64::NAN, false)
            } else {
                (median(v), v.len() >= 3.min(reps))
            }
        })
        .collect()
}

/// A median for a table, `*` when it rests on fewer than 3 clean samples, `-` when on none.
fn cell_s((t, enough): (f64, bool)) -> String {
    if t.is_nan() {
        "-".to_owned()
    } else if enough {
        fmt_s(t)
    } else {
        format!("{}*", fmt_s(t))
    }
}

fn median(v: &mut [Duration]) -> f64 {
    v.sort();
    v[v.len() / 2].as_secs_f64()
}

fn fmt_s(s: f64) -> String {
    if s >= 1.0 {
        format!("{s:.3} s")
    } else if s >= 1e-3 {
        format!("{:.2} ms", s * 1e3)
    } else {
        format!("{:.1} us", s * 1e6)
    }
}

struct Case {
    name: &'static str,
    size: String,
    run: Box<dyn FnMut()>,
}

/// A `rows` x `cols` array of the LCG's values from `seed`, row by row.
fn lcg_array(rows: usize, cols: usize, seed: u64) -> Array2<f64> {
    Array2::from_shape_vec((rows, cols), lcg_vec(rows * cols, seed)).unwrap()
}

fn cases(scale: usize) -> Vec<Case> {
    let n7 = 10_000_000 / scale;
    let x = lcg_vec(n7, 1);
    let side = 4000 / (scale as f64).sqrt() as usize;
    let grid = lcg_array(side, side, 2);
    let pts = lcg_array(1_000_000 / scale, 2, 3);
    let pts2k = lcg_array(2000, 2, 4);
    let m = 1000 / (scale as f64).sqrt() as usize;
    let c: Vec<Complex64> = (0..m * m)
        .map(|k| {
            Complex64::new(
                -2.0 + 3.0 * (k % m) as f64 / m as f64,
                -1.5 + 3.0 * (k / m) as f64 / m as f64,
            )
        })
        .collect();
    let queries: Vec<u64> = (0..10_000).collect();
    // The seed's stock market (bull, bear, stagnant), as in its exercise.
    let p = Array2::from_shape_vec(
        (3, 3),
        vec![0.9, 0.075, 0.025, 0.15, 0.8, 0.05, 0.25, 0.25, 0.5],
    )
    .unwrap();
    let odd: Vec<u64> = (0..1_000_000 / scale as u64)
        .map(|i| 1_000_000_000_001 + 2 * i)
        .collect();

    let mut v = Vec::new();
    let xs = x.clone();
    v.push(Case {
        name: "stream read",
        size: format!("{n7}"),
        run: Box::new(move || {
            black_box(stream_read(&xs));
        }),
    });
    let xs = x.clone();
    v.push(Case {
        name: "sum",
        size: format!("{n7}"),
        run: Box::new(move || {
            black_box(sp::sum(&xs));
        }),
    });
    let xs = x.clone();
    v.push(Case {
        name: "std",
        size: format!("{n7}"),
        run: Box::new(move || {
            black_box(sp::std(&xs, 0).unwrap());
        }),
    });
    let xs = x.clone();
    let mut o = vec![0.0; n7 - 2];
    v.push(Case {
        name: "second_derivative",
        size: format!("{n7}"),
        run: Box::new(move || sp::second_derivative(&xs, 0.1, &mut o).unwrap()),
    });
    let g = grid.clone();
    let mut lo = Array2::zeros((side - 2, side - 2));
    v.push(Case {
        name: "laplacian",
        size: format!("{side}x{side}"),
        run: Box::new(move || sp::laplacian(g.view(), 0.1, 0.1, lo.view_mut()).unwrap()),
    });
    type Comb = fn(ArrayView2<f64>, usize, f64, ArrayViewMut2<f64>) -> sp::Result<()>;
    let combs: [(&str, Comb); 2] = [
        ("comb_forward", sp::comb_forward),
        ("comb_backward", sp::comb_backward),
    ];
    for (name, comb) in combs {
        let xs = Array2::from_shape_vec((n7, 1), x.clone()).unwrap();
        let mut yo = Array2::zeros((n7, 1));
        v.push(Case {
            name,
            size: format!("{n7}, tau 4"),
            run: Box::new(move || comb(xs.view(), 4, 0.5, yo.view_mut()).unwrap()),
        });
    }
    let mut po = vec![false; odd.len()];
    let nodd = odd.len();
    v.push(Case {
        name: "is_prime_many",
        size: format!("{nodd} odd ~1e12"),
        run: Box::new(move || sp::is_prime_many(&odd, &mut po).unwrap()),
    });
    let mut so = vec![0u64; queries.len()];
    v.push(Case {
        name: "sum_primes_below_many",
        size: "every n < 10000".into(),
        run: Box::new(move || sp::sum_primes_below_many(&queries, &mut so).unwrap()),
    });
    let big = 1_000_000_000 / scale as u64;
    v.push(Case {
        name: "sum_primes_below",
        size: format!("{big}"),
        run: Box::new(move || {
            black_box(sp::sum_primes_below(big).unwrap());
        }),
    });
    let npts = 100_000_000 / scale as u64;
    v.push(Case {
        name: "monte_carlo_pi",
        size: format!("{npts}"),
        run: Box::new(move || {
            black_box(sp::monte_carlo_pi(npts, 7).unwrap());
        }),
    });
    let steps = 1_000_000 / scale as u64;
    let mut counts = Array2::zeros((16, 3));
    v.push(Case {
        name: "markov_chains",
        size: format!("16 x {steps}, k 3"),
        run: Box::new(move || sp::markov_chains(p.view(), 0, steps, 1, counts.view_mut()).unwrap()),
    });
    v.push(Case {
        name: "closest_pair",
        size: "2000".into(),
        run: Box::new(move || {
            black_box(sp::closest_pair(pts2k.view()).unwrap());
        }),
    });
    let np = pts.nrows();
    v.push(Case {
        name: "closest_pair",
        size: format!("{np}"),
        run: Box::new(move || {
            black_box(sp::closest_pair(pts.view()).unwrap());
        }),
    });
    let mut mo = vec![0i32; c.len()];
    v.push(Case {
        name: "mandelbrot",
        size: format!("{m}x{m}, 20 it"),
        run: Box::new(move || sp::mandelbrot(&c, 20, &mut mo).unwrap()),
    });
    let mut xo = vec![0.0; n7];
    v.push(Case {
        name: "map_f64 (sqrt)",
        size: format!("{n7}"),
        run: Box::new(move || sp::map_f64(f64::sqrt, &x, &mut xo).unwrap()),
    });
    v
}

fn seed_sizes(quick: bool, only: &[String]) {
    let all = threads::default_num_threads();
    let reps = if quick { 3 } else { 5 };
    let mut clock = if CPU_TIME.load(Ordering::Relaxed) {
        "process CPU time".to_owned()
    } else {
        "wall time".to_owned()
    };
    if CLEAN.load(Ordering::Relaxed) {
        clock += ", clean samples only; * fewer than 3";
    }
    println!(
        "speedup-core kernels, median of {reps} runs ({clock}); 1 thread vs {all} threads (default)"
    );
    println!(
        "{:<24}{:>20}{:>14}{:>14}{:>10}",
        "kernel",
        "size",
        "1 thread",
        format!("{all} threads"),
        "scaling"
    );
    for mut case in cases(if quick { 10 } else { 1 }) {
        if !only.is_empty() && !only.iter().any(|o| o == case.name) {
            continue;
        }
        let cells = [1, all].map(|threads| Cell {
            threads,
            ignore_cutoffs: false,
            defaults: false,
        });
        let t = time_cells(reps, Duration::ZERO, &cells, &mut case.run);
        println!(
            "{:<24}{:>20}{:>14}{:>14}{:>9.2}x",
            case.name,
            case.size,
            cell_s(t[0]),
            cell_s(t[1]),
            t[0].0 / t[1].0
        );
    }
}

/// What a parallel call costs before any work: an empty `rayon::join` on speedup's pool, right
/// after another call (workers still awake) and after 20 ms of rest (workers asleep, woken by
/// the call: on a VM a halted virtual CPU takes a while). A kernel of a few ms pays the cold
/// figure about three times (wake a worker, wake the second, wake the caller at the end).
fn pool_round_trip() {
    let all = threads::default_num_threads().max(2);
    threads::set_num_threads(all).unwrap();
    let call = || {
        threads::run(|| rayon::join(|| black_box(1), || black_box(2)));
    };
    let sample = |rest: Duration| -> Option<f64> {
        std::thread::sleep(rest);
        let w = run_queue_wait_ns();
        let t = Instant::now();
        call();
        let dt = t.elapsed();
        let clean = run_queue_wait_ns().saturating_sub(w) < 150_000;
        (clean || !CLEAN.load(Ordering::Relaxed)).then_some(dt.as_secs_f64())
    };
    for (label, rest) in [
        ("awake (back to back)", Duration::ZERO),
        ("asleep (after 20 ms)", Duration::from_millis(20)),
    ] {
        let mut v: Vec<f64> = (0..101).filter_map(|_| sample(rest)).collect();
        v.sort_by(f64::total_cmp);
        if v.is_empty() {
            println!("pool round trip, {all} threads, {label}: no clean sample");
        } else {
            println!(
                "pool round trip, {all} threads, {label}: median {}, {} samples",
                fmt_s(v[v.len() / 2]),
                v.len()
            );
        }
    }
    threads::set_num_threads(0).unwrap();
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    CPU_TIME.store(args.iter().any(|a| a == "--cpu"), Ordering::Relaxed);
    CLEAN.store(args.iter().any(|a| a == "--clean"), Ordering::Relaxed);
    if args.iter().any(|a| a == "sweep") {
        let only: Vec<String> = args
            .iter()
            .filter(|a| !a.starts_with("--") && *a != "sweep")
            .cloned()
            .collect();
        sweep::sweep(args.iter().any(|a| a == "--cold"), &only);
        return;
    }
    if args.iter().any(|a| a == "pool") {
        pool_round_trip();
        return;
    }
    let quick = args.iter().any(|a| a == "--quick");
    let only: Vec<String> = args.into_iter().filter(|a| !a.starts_with("--")).collect();
    seed_sizes(quick, &only);
}
