//! Reductions along axes against the flat sum of the same data, side by side in one run.
//!
//!     cargo bench -p speedup-core --bench axes [-- --cpu] [--thp] [--reps N]
//!
//! Prints, for a 4000 x 4000 `f64` array: the flat `sum`, `sum` along axis 0 and along axis 1
//! of the C-order array, and the whole `sum` of its Fortran-order transpose (a strided view);
//! then the flat `sum` of 10^7 `f64` against 10^7 `f32`; then, where the CPU has AVX-512, the
//! same matrix read with nothing but a load and an add per register in the orders the exact
//! paths read in (memory order; the strips of `sum(axis=0)`; the passes of `sum(x.T)` with
//! their heads' second read), and in memory order keeping every column's exact state (the cost
//! of the one order the memory streams best, for the exact kernel). These are not lower bounds
//! (a plain read in a strided order can run slower than the kernel in it, whose arithmetic
//! paces its loads): they show what the order itself costs on the machine. Each figure is the
//! minimum of several interleaved repetitions (9 unless `--reps`); the ratios are what to
//! compare. With `--thp` the arrays are advised to transparent huge pages before they are
//! filled, as NumPy does for large arrays on Linux (the Python door's case); without it they
//! are a plain `Vec`'s 4 KiB pages, where the strided reads also pay for the TLB.

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

/// `v` moved into a fresh buffer, advised to transparent huge pages first when `thp`.
fn placed<T: Copy>(v: Vec<T>, thp: bool) -> Vec<T> {
    let mut out: Vec<T> = Vec::with_capacity(v.len());
    if thp {
        let page = 1usize << 21;
        let start = (out.as_ptr() as usize).next_multiple_of(page);
        let end = (out.as_ptr() as usize + v.len() * std::mem::size_of::<T>()) & !(page - 1);
        if end > start {
            // SAFETY: advice on whole pages inside the buffer's allocation, before any is touched.
            unsafe { libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_HUGEPAGE) };
        }
    }
    out.extend_from_slice(&v);
    out
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let cpu = args.iter().any(|a| a == "--cpu");
    let thp = args.iter().any(|a| a == "--thp");
    let reps: usize = args
        .iter()
        .position(|a| a == "--reps")
        .and_then(|i| args.get(i + 1)?.parse().ok())
        .unwrap_or(9);
    let n = 4000;
    let x = placed(lcg_uniforms(n * n, 1), thp);
    let mut out = vec![0.0; n];
    let mut one = [0.0];
    let shape = [n, n];
    let (c, f) = ([n as isize, 1], [1, n as isize]);
    let x32: Vec<f32> = lcg_uniforms(10_000_000, 2)
        .iter()
        .map(|&v| v as f32)
        .collect();
    let x32 = placed(x32, thp);
    let x64 = placed(lcg_uniforms(10_000_000, 2), thp);
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
    // Plain reads of the same matrix in the orders the exact paths read in.
    use speedup_core::bench_paths::{read_in_order, ReadOrder};
    let orders = [
        ("read: memory order", ReadOrder::Memory),
        ("read: axis-0 strips order", ReadOrder::Strips),
        ("read: x.T passes order", ReadOrder::Passes),
        ("memory order, state per column", ReadOrder::MemoryWithState),
    ];
    if read_in_order(&x[..8 * n], 8, n, ReadOrder::Memory).is_some() {
        for (name, order) in orders {
            let x = &x;
            cases.push((
                name,
                Box::new(move || {
                    black_box(read_in_order(x, n, n, order));
                }),
            ));
        }
    }
    let mut best = vec![f64::INFINITY; cases.len()];
    for _ in 0..reps {
        for (i, (_, f)) in cases.iter_mut().enumerate() {
            best[i] = best[i].min(time(f.as_mut(), cpu));
        }
    }
    println!(
        "threads: {}, {}",
        speedup_core::threads::get_num_threads(),
        if thp {
            "huge pages advised"
        } else {
            "4 KiB pages"
        }
    );
    for (i, (name, _)) in cases.iter().enumerate() {
        let base = if (4..6).contains(&i) {
            best[4]
        } else {
            best[0]
        };
        println!(
            "{name:28} {:8.3} ms  x{:.2} of its flat f64 sum",
            best[i] * 1e3,
            best[i] / base
        );
    }
}
