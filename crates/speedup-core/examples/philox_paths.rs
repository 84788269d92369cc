//! The Philox paths side by side on one thread: `monte_carlo_pi`'s count of 10^8 points and
//! `markov_chains` (16 chains x 10^6 steps, k = 3) on each path this CPU runs, against the
//! kernels as they were before the vector paths (scalar blocks, two abreast for the points,
//! four for the chains) as the yardstick; every path's result is checked against it. Each
//! figure is the minimum of several runs, in this thread's CPU time (wall time with `--wall`):
//! on a machine shared with other work, the time the kernel ran rather than waited.
//!
//! ```text
//! cargo run --release -p speedup-core --example philox_paths [-- REPS] [--wall]
//! ```

use std::hint::black_box;
use std::sync::OnceLock;
use std::time::Instant;

static START: OnceLock<Instant> = OnceLock::new();

use ndarray::{array, Array2};
use speedup_core::philox::{uniform, Path, Philox4x64};
use speedup_core::random::{markov_chains_on, monte_carlo_pi_inside_on};

/// The count of the points `0 .. n` inside the circle as the scalar generator gave it before
/// the vector paths: 256 words at a time, two blocks abreast, then the test.
fn inside_before(g: &Philox4x64, n: u64) -> u64 {
    let mut buf = [0u64; 256];
    let mut inside = 0u64;
    let mut i = 0u64;
    while i < n {
        let pts = (n - i).min(128) as usize;
        let words = &mut buf[..2 * pts];
        let mut b = 2 * i / 4;
        let mut chunks = words.chunks_exact_mut(8);
        for c in &mut chunks {
            let bs = g.blocks::<2>(b);
            c[..4].copy_from_slice(&bs[0]);
            c[4..].copy_from_slice(&bs[1]);
            b += 2;
        }
        for dst in chunks.into_remainder().chunks_mut(4) {
            dst.copy_from_slice(&g.block(b)[..dst.len()]);
            b += 1;
        }
        for p in words.chunks_exact(2) {
            let (x, y) = (uniform(p[0]), uniform(p[1]));
            inside += (x * x + y * y < 1.0) as u64;
        }
        i += pts as u64;
    }
    inside
}

/// The visit counts of `markov_chains` as the kernel computed them before the vector paths
/// (k <= 16): four chains abreast, each drawing 16 steps at a time from four scalar blocks.
fn markov_before(p: &Array2<f64>, start: usize, n_steps: u64, seed: u64, counts: &mut Array2<u64>) {
    let k = p.nrows();
    let mut cum = Vec::with_capacity(k * k);
    for row in p.rows() {
        let mut s = 0.0;
        for &v in row {
            s += v;
            cum.push(s);
        }
    }
    let next = |row: &[f64], u: f64| {
        row[..k - 1]
            .iter()
            .map(|&c| (c <= u) as usize)
            .sum::<usize>()
    };
    for (c4, mut rows) in counts.axis_chunks_iter_mut(ndarray::Axis(0), 4).enumerate() {
        assert_eq!(rows.nrows(), 4, "whole groups of four chains");
        let gens: Vec<Philox4x64> = (0..4)
            .map(|l| Philox4x64::new(seed, 4 * c4 as u64 + l))
            .collect();
        let mut s = [start; 4];
        let mut t = 0;
        while n_steps - t >= 16 {
            let mut u = [[0.0f64; 16]; 4];
            for (ul, g) in u.iter_mut().zip(&gens) {
                let bs = g.blocks::<4>(t / 4);
                for (d, &w) in ul.iter_mut().zip(bs.iter().flatten()) {
                    *d = uniform(w);
                }
            }
            for step in 0..16 {
                for l in 0..4 {
                    s[l] = next(&cum[s[l] * k..s[l] * k + k], u[l][step]);
                    rows[[l, s[l]]] += 1;
                }
            }
            t += 16;
        }
        for l in 0..4 {
            for tl in t..n_steps {
                s[l] = next(&cum[s[l] * k..s[l] * k + k], uniform(gens[l].word(tl)));
                rows[[l, s[l]]] += 1;
            }
        }
    }
}

/// This thread's CPU time in seconds: on a machine shared with other work, the time the kernel
/// ran, not the time it waited for a core.
fn thread_cpu() -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: a valid clock id and a valid out pointer.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9
}

/// Minimum seconds of `reps` runs of `f` (this thread's CPU time; wall time with `--wall`), and
/// its last result.
fn time<R>(reps: usize, mut f: impl FnMut() -> R) -> (f64, R) {
    let wall = std::env::args().any(|a| a == "--wall");
    let now = || {
        if wall {
            START.get_or_init(Instant::now).elapsed().as_secs_f64()
        } else {
            thread_cpu()
        }
    };
    let mut best = f64::INFINITY;
    let mut last = None;
    for _ in 0..reps {
        let t = now();
        let r = black_box(f());
        best = best.min(now() - t);
        last = Some(r);
    }
    (best, last.expect("reps >= 1"))
}

fn main() {
    let reps: usize = std::env::args()
        .nth(1)
        .map_or(5, |s| s.parse().expect("REPS"));
    speedup_core::threads::set_num_threads(1).expect("one thread");
    let paths: Vec<Path> = Path::ALL.into_iter().filter(|p| p.available()).collect();
    let n = 100_000_000u64;
    let g = Philox4x64::new(7, 0);
    let (t_old, want) = time(reps, || inside_before(&g, n));
    println!("monte_carlo_pi 1e8 points, 1 thread, min of {reps}:");
    println!("  before (scalar, 2 blocks abreast) {:8.1} ms", t_old * 1e3);
    for &p in &paths {
        let (t, got) = time(reps, || monte_carlo_pi_inside_on(p, 0, n, 7).unwrap());
        assert_eq!(got, want, "{p:?}");
        println!("  {:<34}{:8.1} ms  x{:.2}", p.name(), t * 1e3, t_old / t);
    }
    let pm = array![[0.5, 0.3, 0.2], [0.1, 0.6, 0.3], [0.25, 0.25, 0.5]];
    println!("markov_chains 16 chains x 1e6 steps, k 3, 1 thread, min of {reps}:");
    let (t_old, want) = time(reps, || {
        let mut c = Array2::<u64>::zeros((16, 3));
        markov_before(&pm, 0, 1_000_000, 1, &mut c);
        c
    });
    println!("  before (scalar, 4 blocks abreast) {:8.1} ms", t_old * 1e3);
    for &p in &paths {
        let (t, counts) = time(reps, || {
            let mut c = Array2::<u64>::zeros((16, 3));
            markov_chains_on(p, pm.view(), 0, 1_000_000, 1, c.view_mut()).unwrap();
            c
        });
        assert_eq!(counts, want, "{p:?}");
        println!("  {:<34}{:8.1} ms  x{:.2}", p.name(), t * 1e3, t_old / t);
    }
}
