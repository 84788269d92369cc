//! The instruction-set paths of the kernels side by side on one thread, in one run: the
//! compensated sum's leaves (in cache; one leaf at a time, and two, against one) and Mandelbrot (`f64` and `f32`, and the AVX-512 register
//! counts).
//! Each figure is the minimum of several repetitions.
//!
//!     cargo bench -p speedup-core --bench simd_paths

use std::hint::black_box;
use std::time::{Duration, Instant};

use num_complex::{Complex32, Complex64};
use speedup_core::bench_paths as bp;
use speedup_core::mandelbrot::Point;

const REPS: usize = 15;
const PATHS: [&str; 3] = ["baseline", "avx2", "avx512"];

/// The minimum time of `REPS` runs of `f`, or `None` when `f` says the path is not available.
fn best(mut f: impl FnMut() -> Option<()>) -> Option<Duration> {
    let mut min = Duration::MAX;
    for _ in 0..REPS {
        let t = Instant::now();
        f()?;
        min = min.min(t.elapsed());
    }
    Some(min)
}

fn line(name: &str, t: Option<Duration>, base: Option<Duration>) {
    match (t, base) {
        (Some(t), Some(b)) => println!(
            "{name:<28} {:>10.1} us   {:>5.2}x the baseline",
            t.as_secs_f64() * 1e6,
            b.as_secs_f64() / t.as_secs_f64()
        ),
        (Some(t), None) => println!("{name:<28} {:>10.1} us", t.as_secs_f64() * 1e6),
        _ => println!("{name:<28} (not on this CPU)"),
    }
}

fn grid(w: usize, h: usize) -> Vec<Complex64> {
    (0..w * h)
        .map(|k| {
            let (x, y) = ((k % w) as f64, (k / w) as f64);
            Complex64::new(-2.0 + 2.6 * x / w as f64, -1.2 + 2.4 * y / h as f64)
        })
        .collect()
}

/// Mandelbrot of `c` on every path and on the AVX-512 path at every register count, a line
/// each, against the baseline path; the baseline path's time.
fn mandelbrot_paths<T: Point>(c: &[T], max_iter: i32, out: &mut [i32]) -> Option<Duration> {
    let t: Vec<_> = PATHS
        .iter()
        .map(|&p| best(|| bp::mandelbrot(p, black_box(c), max_iter, out)))
        .collect();
    for (p, tp) in PATHS.iter().zip(&t) {
        line(p, *tp, t[0]);
    }
    for g in 1..=4 {
        let tg = best(|| bp::mandelbrot_avx512_groups(g, black_box(c), max_iter, out));
        line(&format!("avx512, {g} register(s)"), tg, t[0]);
    }
    t[0]
}

fn main() {
    let x: Vec<f64> = (0..16384)
        .map(|i| ((i * 7919) % 1000) as f64 * 0.001 - 0.4)
        .collect();
    println!("sum leaves, {} f64 in cache:", x.len());
    let base = best(|| bp::sum_leaves("baseline", black_box(&x)).map(|_| ()));
    for path in ["baseline", "avx2", "avx512"] {
        line(
            path,
            best(|| {
                bp::sum_leaves(path, black_box(&x))
                    .map(black_box)
                    .map(|_| ())
            }),
            base,
        );
    }
    let x32: Vec<f32> = x.iter().map(|&v| v as f32).collect();
    println!(
        "sum leaves one and two at a time, {} elements in cache:",
        x.len()
    );
    for path in ["avx2", "avx512"] {
        let one = best(|| bp::sum_leaves_paired(path, black_box(&x), false).map(|_| ()));
        let two = best(|| bp::sum_leaves_paired(path, black_box(&x), true).map(|_| ()));
        line(&format!("{path} f64, one"), one, one);
        line(&format!("{path} f64, two"), two, one);
        let one = best(|| bp::sum_leaves_paired(path, black_box(&x32), false).map(|_| ()));
        let two = best(|| bp::sum_leaves_paired(path, black_box(&x32), true).map(|_| ()));
        line(&format!("{path} f32, one"), one, one);
        line(&format!("{path} f32, two"), two, one);
    }
    let c = grid(256, 192);
    let c32: Vec<Complex32> = c
        .iter()
        .map(|z| Complex32::new(z.re as f32, z.im as f32))
        .collect();
    let mut out = vec![0i32; c.len()];
    for max_iter in [20, 200, 1000] {
        println!("mandelbrot f64, 256x192 grid, max_iter {max_iter}, one thread:");
        mandelbrot_paths(&c, max_iter, &mut out);
        println!("mandelbrot f32 (complex64), the same grid, max_iter {max_iter}, one thread:");
        let t64 = best(|| bp::mandelbrot("avx512", black_box(&c), max_iter, &mut out))
            .or_else(|| best(|| bp::mandelbrot("avx2", black_box(&c), max_iter, &mut out)));
        let base = mandelbrot_paths(&c32, max_iter, &mut out);
        line("f64, widest path", t64, base);
    }
}
