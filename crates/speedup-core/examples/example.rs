//! speedup from Rust: builds a few inputs from exact formulas, calls a handful of kernels of
//! `speedup-core` and prints the results, one `name: value` line each, floating-point values
//! with 17 significant digits as C's `printf("%.16e")` writes them. The C, Python and Fortran
//! examples (`examples/` at the root of the speedup source tree) print the same lines, bit for
//! bit.
//!
//! ```text
//! cargo run --release -p speedup-core --example example
//! ```
//!
//! In a project of your own: `speedup-core = "0.1"` and `ndarray = "0.17"` in `[dependencies]`.

use ndarray::Array2;
use speedup_core::{Complex64, Error};

/// `v` with 17 significant digits, as C's `printf("%.16e")` writes it: `-4.5050464674724919e+00`
/// (Rust's `{:.16e}` writes `-4.5050464674724919e0`).
fn e17(v: f64) -> String {
    let s = format!("{v:.16e}");
    match s.split_once('e') {
        Some((mantissa, exp)) => {
            let exp: i32 = exp.parse().expect("an exponent");
            let sign = if exp < 0 { '-' } else { '+' };
            format!("{mantissa}e{sign}{:02}", exp.abs())
        }
        None => s, // inf, NaN
    }
}

fn main() -> Result<(), Error> {
    println!(
        "# speedup {}, Rust example, {} threads",
        speedup_core::VERSION,
        speedup_core::threads::get_num_threads()
    );

    // A signal of 100000 values: x[i] = ((i * 7919) mod 10007) / 10007 - 0.5.
    let x: Vec<f64> = (0..100_000u64)
        .map(|i| ((i * 7919) % 10007) as f64 / 10007.0 - 0.5)
        .collect();
    println!("sum(x): {}", e17(speedup_core::sum(&x)));
    println!("std(x, ddof=1): {}", e17(speedup_core::std(&x, 1)?));

    // A 300 x 400 grid: f[r][c] = ((r * 31 + c * 17) mod 101) / 8.
    let f = Array2::from_shape_fn((300, 400), |(r, c)| ((r * 31 + c * 17) % 101) as f64 / 8.0);
    let mut lap = Array2::<f64>::zeros((298, 398));
    speedup_core::laplacian(f.view(), 0.1, 0.2, lap.view_mut())?;
    println!("laplacian(f, 0.1, 0.2)[100][200]: {}", e17(lap[[100, 200]]));
    let lap_flat = lap.as_slice().expect("a standard-layout array"); // C order
    println!(
        "sum(laplacian(f, 0.1, 0.2)): {}",
        e17(speedup_core::sum(lap_flat))
    );

    println!(
        "sum_primes_below(1000000): {}",
        speedup_core::sum_primes_below(1_000_000)?
    );
    println!(
        "monte_carlo_pi(1000000, seed=42): {}",
        e17(speedup_core::monte_carlo_pi(1_000_000, 42)?)
    );

    // 2000 points, rows (x, y).
    let points = Array2::from_shape_fn((2000, 2), |(k, axis)| {
        let k = k as u64;
        if axis == 0 {
            ((k * 7919) % 10007) as f64 / 10007.0
        } else {
            ((k * 104729) % 10009) as f64 / 10009.0
        }
    });
    let pair = speedup_core::closest_pair(points.view())?;
    println!(
        "closest_pair(points): {} {} {}",
        pair.i,
        pair.j,
        e17(pair.dist)
    );

    // A 160 x 160 grid of the complex plane: c = (-2 + col/64) + (-1.25 + row/64) i.
    let c: Vec<Complex64> = (0..160 * 160)
        .map(|k| {
            let (row, col) = (k / 160, k % 160);
            Complex64::new(-2.0 + col as f64 / 64.0, -1.25 + row as f64 / 64.0)
        })
        .collect();
    let mut counts = vec![0i32; c.len()];
    speedup_core::mandelbrot(&c, 100, &mut counts)?; // -1 where the point did not escape
    let inside = counts.iter().filter(|&&n| n < 0).count();
    let escape_sum: i64 = counts
        .iter()
        .filter(|&&n| n >= 0)
        .map(|&n| i64::from(n))
        .sum();
    println!("mandelbrot(c, max_iter=100): inside={inside} escape_sum={escape_sum}");
    Ok(())
}
