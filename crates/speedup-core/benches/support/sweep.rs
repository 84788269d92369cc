//! `cargo bench -p speedup-core --bench kernels -- sweep [--cold] [kernel ...]`: every kernel
//! with a serial cut-off, serial vs forced-parallel vs the default call, by size, so that one
//! sees whether the cut-offs (`speedup_core::calibrate`) sit where the two curves cross.

use std::hint::black_box;
use std::time::{Duration, Instant};

use ndarray::Array2;
use speedup_core::calibrate::{cutoff, Kernel};
use speedup_core::{self as sp, threads, Complex64};

use super::{cell_s, lcg_array, lcg_vec, time_cells, Cell};

/// A call at one size: its work units and the call.
type Call = (usize, Box<dyn FnMut()>);

/// One kernel's sweep: its name, the cut-off it asks for, the sizes (work units, the unit the
/// cut-off counts) and a maker of the call at a size.
struct Row {
    name: &'static str,
    kernel: Kernel,
    sizes: Vec<usize>,
    make: fn(usize) -> Call,
}

fn pow2(lo: u32, hi: u32) -> Vec<usize> {
    (lo..=hi).map(|e| 1usize << e).collect()
}

/// The kernels with a cut-off: one entry each, a table (hence its length).
fn rows() -> Vec<Row> {
    vec![
        Row {
            name: "sum",
            kernel: Kernel::Sum,
            sizes: pow2(12, 24),
            make: |n| {
                let x = lcg_vec(n, 5);
                (
                    n,
                    Box::new(move || {
                        black_box(sp::sum(&x));
                    }),
                )
            },
        },
        Row {
            name: "laplacian",
            kernel: Kernel::Stencils,
            sizes: pow2(12, 24),
            make: |n| {
                let side = (n as f64).sqrt() as usize + 2;
                let g = lcg_array(side, side, 6);
                let mut o = Array2::zeros((side - 2, side - 2));
                let work = o.len();
                let run = move || sp::laplacian(g.view(), 0.1, 0.1, o.view_mut()).unwrap();
                (work, Box::new(run))
            },
        },
        Row {
            name: "second_derivative",
            kernel: Kernel::Stencils,
            sizes: pow2(12, 22),
            make: |n| {
                let f = lcg_vec(n + 2, 7);
                let mut o = vec![0.0; n];
                let run = move || sp::second_derivative(&f, 0.1, &mut o).unwrap();
                (n, Box::new(run))
            },
        },
        Row {
            name: "comb_forward",
            kernel: Kernel::CombForward,
            sizes: pow2(12, 22),
            make: |n| {
                let x = lcg_array(n, 1, 8);
                let mut y = Array2::zeros((n, 1));
                let run = move || sp::comb_forward(x.view(), 4, 0.5, y.view_mut()).unwrap();
                (n, Box::new(run))
            },
        },
        Row {
            name: "mandelbrot",
            kernel: Kernel::Mandelbrot,
            sizes: pow2(12, 21),
            make: |work| {
                // 20 iterations a point over the usual view, as in the seed sizes.
                let m = ((work / 20) as f64).sqrt().max(2.0) as usize;
                let c: Vec<Complex64> = (0..m * m)
                    .map(|k| {
                        let (re, im) = ((k % m) as f64 / m as f64, (k / m) as f64 / m as f64);
                        Complex64::new(-2.0 + 3.0 * re, -1.5 + 3.0 * im)
                    })
                    .collect();
                let mut o = vec![0i32; c.len()];
                let work = c.len() * 20;
                (
                    work,
                    Box::new(move || sp::mandelbrot(&c, 20, &mut o).unwrap()),
                )
            },
        },
        Row {
            name: "is_prime_many",
            kernel: Kernel::IsPrimeMany,
            sizes: pow2(9, 16),
            make: |n| {
                let odd: Vec<u64> = (0..n as u64).map(|i| 1_000_000_000_001 + 2 * i).collect();
                let mut o = vec![false; n];
                (
                    n,
                    Box::new(move || sp::is_prime_many(&odd, &mut o).unwrap()),
                )
            },
        },
        Row {
            name: "sum_primes_below",
            kernel: Kernel::SumPrimesBelow,
            sizes: pow2(20, 27),
            make: |n| {
                let run = move || {
                    black_box(sp::sum_primes_below(n as u64).unwrap());
                };
                (n, Box::new(run))
            },
        },
        Row {
            name: "monte_carlo_pi",
            kernel: Kernel::MonteCarloPi,
            sizes: pow2(14, 22),
            make: |n| {
                let run = move || {
                    black_box(sp::monte_carlo_pi(n as u64, 7).unwrap());
                };
                (n, Box::new(run))
            },
        },
        Row {
            name: "markov_chains",
            kernel: Kernel::MarkovChains,
            sizes: pow2(10, 18),
            make: |work| {
                let p = Array2::from_shape_vec(
                    (3, 3),
                    vec![0.9, 0.075, 0.025, 0.15, 0.8, 0.05, 0.25, 0.25, 0.5],
                )
                .unwrap();
                let steps = (work / 16) as u64;
                let mut counts = Array2::zeros((16, 3));
                let run =
                    move || sp::markov_chains(p.view(), 0, steps, 1, counts.view_mut()).unwrap();
                (work, Box::new(run))
            },
        },
        Row {
            name: "closest_pair",
            kernel: Kernel::ClosestPair,
            sizes: pow2(10, 17),
            make: |n| {
                let pts = lcg_array(n, 2, 3);
                (
                    n,
                    Box::new(move || {
                        black_box(sp::closest_pair(pts.view()).unwrap());
                    }),
                )
            },
        },
        Row {
            name: "map_f64 (sqrt)",
            kernel: Kernel::MapF64,
            sizes: pow2(10, 20),
            make: |n| {
                let x = lcg_vec(n, 9);
                let mut o = vec![0.0; n];
                (
                    n,
                    Box::new(move || sp::map_f64(f64::sqrt, &x, &mut o).unwrap()),
                )
            },
        },
    ]
}

/// Samples for a call of `t` seconds: about 60 ms of each cell, 5 to 51.
fn reps_for(t: f64) -> usize {
    ((0.06 / t.max(1e-9)) as usize).clamp(5, 51)
}

/// One line of the sweep: `row`'s call at size `n` in every cell; returns the fixed and the
/// default call against the better of serial and parallel.
fn sweep_size(row: &Row, n: usize, rest: Duration, cells: &[Cell; 4]) -> [f64; 2] {
    let (work, mut run) = (row.make)(n);
    threads::set_num_threads(1).unwrap();
    run();
    let t = Instant::now();
    run();
    let reps = reps_for(t.elapsed().as_secs_f64());
    let t = time_cells(reps, rest, cells, &mut run);
    let best = t[0].0.min(t[1].0);
    let mut line = format!("{work:>10}");
    for c in &t {
        line += &format!("{:>12}", cell_s(*c));
    }
    let ratios = [t[2].0 / best, t[3].0 / best];
    for ratio in ratios {
        let flag = if ratio > 1.10 { "!" } else { " " };
        line += &format!("{ratio:>11.2}{flag}");
    }
    println!("{line}");
    ratios
}

/// The title and column heads of `row`'s table.
fn row_header(row: &Row, all: usize) {
    // The cut-off the default cell meets (measuring the machine now if due).
    let (now, source) = cutoff(row.kernel, all);
    let cut = |n: usize| {
        if n == usize::MAX {
            "never".to_owned()
        } else {
            n.to_string()
        }
    };
    println!(
        "\n{}: fixed cut-off {}, default {} ({})",
        row.name,
        cut(row.kernel.default_cutoff()),
        cut(now),
        source.label()
    );
    println!(
        "{:>10}{:>12}{:>12}{:>12}{:>12}{:>12}{:>12}",
        "work", "serial", "parallel", "fixed", "default", "fixed/best", "dflt/best"
    );
}

/// Serial vs forced-parallel vs the default call, by size: where the cut-offs belong. The
/// default call runs twice, with the documented fixed cut-offs (`fixed`, as
/// `SPEEDUP_CALIBRATE=0` has them) and with the cut-offs in force (`default`: calibrated, unless
/// the environment sets them); the last two columns set each against the better of serial
/// and parallel (`!` above 1.10: that cut-off is off here). Samples follow each other back to
/// back (the pool's workers mostly awake, as in a loop of calls); with `--cold` each starts
/// after 1 ms of rest, so every cell meets the pool asleep, as an isolated call does.
pub fn sweep(cold: bool, only: &[String]) {
    let rest = if cold {
        Duration::from_millis(1)
    } else {
        Duration::ZERO
    };
    let all = threads::default_num_threads().max(2);
    println!(
        "size sweep: serial (1 thread) vs parallel ({all} threads, cut-offs ignored) vs fixed \
         and default cut-offs ({all} threads){}",
        if cold {
            ", each sample after 1 ms of rest"
        } else {
            ""
        }
    );
    let cell = |threads, ignore_cutoffs, defaults| Cell {
        threads,
        ignore_cutoffs,
        defaults,
    };
    let cells = [
        cell(1, true, false),
        cell(all, true, false),
        cell(all, false, true),
        cell(all, false, false),
    ];
    let mut worst: [f64; 2] = [0.0; 2];
    for row in &rows() {
        if !only.is_empty() && !only.iter().any(|o| row.name.split(' ').next() == Some(o)) {
            continue;
        }
        row_header(row, all);
        for &n in &row.sizes {
            let ratios = sweep_size(row, n, rest, &cells);
            for (w, r) in worst.iter_mut().zip(ratios) {
                if r.is_finite() {
                    *w = w.max(r);
                }
            }
        }
    }
    threads::set_num_threads(0).unwrap();
    let calibration = speedup_core::config::Config::current().calibration;
    println!("\ncalibration: {calibration}");
    println!(
        "worst against the better of serial and parallel: fixed {:.2}, default {:.2}",
        worst[0], worst[1]
    );
}
