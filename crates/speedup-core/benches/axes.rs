//! Reductions along axes against the flat sum of the same data, side by side in one run.
//!
//!     cargo bench -p speedup-core --bench axes [-- --cpu]
//!
//! Prints, for a 4000 x 4000 `f64` array: the flat `sum`, `sum` along axis 0 and along axis 1
//! of the C-order array, and the whole `sum` of its Fortran-order transpose (a strided view);
//! then the flat `sum` of 10^7 `f64` against 10^7 `f32`. Each figure is the minimum of several
//! interleaved repetitions; the ratios are what to compare.

use std::hint::black_box;
use std::time::Instant;

use speedup_core::reduce_axes::{reduce, reduce_f32, Reduction};
use speedup_core::test_support::lcg_uniforms;
use speedup_core::{sum, Strided};

/// Wall time, or with `--cpu` the CPU time of the whole process (all threads), which a machine
/// shared with other work disturbs less.
fn time(f: &mut dyn FnMut(), cpu: bool) -> f64 {
    let clock = || {
        let mut ts = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: a valid timespec to fill.
        unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
        ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9
    };
    if cpu {
        let t = clock();
        f();
        clock() - t
    } else {
        let t = Instant::now();
        f();
        t.elapsed().as_secs_f64()
    }
}

fn main() {
    let cpu = std::env::args().any(|a| a == "--cpu");
    let n = 4000;
    let x = lcg_uniforms(n * n, 1);
    let mut out = vec![0.0; n];
    let mut one = [0.0];
    let shape = [n, n];
    let (c, f) = ([n as isize, 1], [1, n as isize]);
    let x32: Vec<f32> = lcg_uniforms(10_000_000, 2)
        .iter()
        .map(|&v| v as f32)
        .collect();
    let x64 = lcg_uniforms(10_000_000, 2);
    type Case<'a> = (&'static str, Box<dyn FnMut() + 'a>);
    let mut cases: Vec<Case> = vec![
        (
            "flat sum 4000x4000",
            Box::new(|| {
                black_box(sum(&x));
            }),
        ),
        (
            "sum(axis=0) C order",
            Box::new(|| {
                let v = Strided::from_slice("sum", &x, &shape, &c).unwrap();
                reduce(v, Some(&[0]), Reduction::Sum, &mut out).unwrap();
                black_box(&out);
            }),
        ),
        (
            "sum(axis=1) C order",
            Box::new(|| {
                let v = Strided::from_slice("sum", &x, &shape, &c).unwrap();
                let mut o = vec![0.0; n];
                reduce(v, Some(&[1]), Reduction::Sum, &mut o).unwrap();
                black_box(&o);
            }),
        ),
        (
            "sum of F-order transpose",
            Box::new(|| {
                let v = Strided::from_slice("sum", &x, &shape, &f).unwrap();
                reduce(v, None, Reduction::Sum, &mut one).unwrap();
                black_box(&one);
            }),
        ),
        (
            "flat sum 1e7 f64",
            Box::new(|| {
                black_box(sum(&x64));
            }),
        ),
        (
            "flat sum 1e7 f32",
            Box::new(|| {
                black_box(reduce_f32(&x32, Reduction::Sum).unwrap());
            }),
        ),
    ];
    let mut best = vec![f64::INFINITY; cases.len()];
    for _ in 0..9 {
        for (i, (_, f)) in cases.iter_mut().enumerate() {
            best[i] = best[i].min(time(f.as_mut(), cpu));
        }
    }
    println!("threads: {}", speedup_core::threads::get_num_threads());
    for (i, (name, _)) in cases.iter().enumerate() {
        let base = if i < 4 { best[0] } else { best[4] };
        println!(
            "{name:28} {:8.3} ms  x{:.2} of its flat f64 sum",
            best[i] * 1e3,
            best[i] / base
        );
    }
}
