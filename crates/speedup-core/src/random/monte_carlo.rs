//! `monte_carlo_pi`: points of the Philox stream with key `(seed, 0)` counted inside the unit
//! circle, over fixed blocks of points, and its slices and last step for distributed callers.

use rayon::prelude::*;

use crate::cancel::Token;
use crate::error::{Error, Result};
use crate::philox::{Path, Philox4x64};
use crate::threads;

/// The default cut-off (`crate::calibrate` measures one per machine): below this many points
/// `monte_carlo_pi` runs on the calling thread.
pub const PI_PARALLEL_CUTOFF: u64 = 1 << 16;
/// Points per parallel task of `monte_carlo_pi` (even, so a task starts on a block boundary).
const PI_TASK: u64 = 1 << 18;
/// Points between two interruption checks of a serial `monte_carlo_pi`.
const PI_CHECK: u64 = 1 << 20;

/// `uniform(w)` without an integer-to-float conversion, so that batches vectorise on every
/// x86-64: `(w >> 12) * 2^-52` is `[1, 2)` built from its bits minus 1.0 (exact), and the last
/// bit `((w >> 11) & 1) * 2^-53` is `0.0` or `2^-53` built from its bits; their sum is
/// `(w >> 11) * 2^-53` exactly (it has 53 significant bits at most).
#[inline(always)]
fn uniform_bits(w: u64) -> f64 {
    let hi = f64::from_bits((w >> 12) | 0x3FF0_0000_0000_0000) - 1.0;
    let lo = f64::from_bits(0u64.wrapping_sub((w >> 11) & 1) & 0x3CA0_0000_0000_0000);
    hi + lo
}

/// Words per batch of `count_inside` (two per point, four per block).
const PI_BATCH_WORDS: usize = 256;

/// Points inside the circle among the points whose words are `words` (two words a point).
#[inline(always)]
fn count_words(words: &[u64]) -> u64 {
    let mut inside = 0u64;
    for p in words.chunks_exact(2) {
        let x = uniform_bits(p[0]);
        let y = uniform_bits(p[1]);
        inside += (x * x + y * y < 1.0) as u64;
    }
    inside
}

/// Points `first .. first + n` inside the circle (point `i` takes words `2i`, `2i+1`), on `path`.
fn count_inside(g: &Philox4x64, first: u64, n: u64, path: Path) -> u64 {
    #[cfg(target_arch = "x86_64")]
    if path != Path::Scalar {
        // A point on its own at either end, whole blocks (two points each) between.
        let end = first + n;
        let (lo, hi) = (first.next_multiple_of(2).min(end), end / 2 * 2);
        let mut inside = count_inside_scalar(g, first, lo - first);
        if hi > lo {
            let (b, nb) = (lo / 2, (hi - lo) / 2);
            inside += match path {
                // SAFETY: the caller checked `path.available()`: the CPU has AVX-512.
                Path::Avx512 => unsafe { super::pi_simd::inside_blocks_avx512(g, b, nb) },
                // SAFETY: the caller checked `path.available()`: the CPU has AVX2.
                _ => unsafe { super::pi_simd::inside_blocks_avx2(g, b, nb) },
            };
        }
        return inside + count_inside_scalar(g, hi.max(lo), end - hi.max(lo));
    }
    let _ = path;
    count_inside_scalar(g, first, n)
}

/// [`count_inside`] on the scalar path: words in batches, then the test.
fn count_inside_scalar(g: &Philox4x64, first: u64, n: u64) -> u64 {
    let mut buf = [0u64; PI_BATCH_WORDS];
    let mut inside = 0u64;
    let mut i = first;
    let end = first + n;
    while i < end {
        let pts = (end - i).min(PI_BATCH_WORDS as u64 / 2) as usize;
        let words = &mut buf[..2 * pts];
        g.fill_words_on(Path::Scalar, 2 * i, words);
        inside += count_words(words);
        i += pts as u64;
    }
    inside
}

/// Estimates pi from `n_points` points of the stream with key `(seed, 0)`.
///
/// Point `i` takes uniforms `u[2i], u[2i+1]`; it is inside when `x*x + y*y < 1.0`; the result is
/// `(4.0 * inside) / n_points`. Errors when `n_points == 0`; interruptible.
pub fn monte_carlo_pi(n_points: u64, seed: u64) -> Result<f64> {
    const K: &str = "monte_carlo_pi";
    if n_points == 0 {
        return Err(Error::invalid(K, "n_points", "must be >= 1, got 0"));
    }
    let inside = count_inside_slice(K, 0, n_points, seed, Path::best())?;
    monte_carlo_pi_finish(inside, n_points)
}

/// The last step of [`monte_carlo_pi`]: `(4.0 * inside) / n_points`, from the count of points
/// inside the circle (e.g. the sum of [`monte_carlo_pi_inside`] over slices). Errors when
/// `n_points == 0` or `inside > n_points`.
pub fn monte_carlo_pi_finish(inside: u64, n_points: u64) -> Result<f64> {
    const K: &str = "monte_carlo_pi_finish";
    if n_points == 0 {
        return Err(Error::invalid(K, "n_points", "must be >= 1, got 0"));
    }
    if inside > n_points {
        return Err(Error::invalid(
            K,
            "inside",
            format!("must be at most n_points ({n_points}), got {inside}"),
        ));
    }
    Ok((4.0 * inside as f64) / n_points as f64)
}

/// Largest point index + 1 the stream can address (point `i` takes word `2i + 1`).
pub const PI_MAX_POINTS: u64 = 1 << 63;

/// How many of the points `first .. first + n_points` of [`monte_carlo_pi`]'s stream (key
/// `(seed, 0)`) fall inside the circle. Slices of any size add up exactly (integers) to the
/// count of the whole run, so a distributed caller (e.g. `speedup.dask`) splits one run into
/// tasks and gets the local answer bit for bit: `(4.0 * sum of counts) / n_points`.
/// Errors when `first + n_points` exceeds [`PI_MAX_POINTS`]; an empty slice counts 0.
pub fn monte_carlo_pi_inside(first: u64, n_points: u64, seed: u64) -> Result<u64> {
    count_inside_slice("monte_carlo_pi_inside", first, n_points, seed, Path::best())
}

/// [`monte_carlo_pi_inside`] on the given Philox path (for tests and benchmarks, which compare
/// the paths on one CPU). Panics when this CPU lacks the path's instructions.
#[doc(hidden)]
pub fn monte_carlo_pi_inside_on(path: Path, first: u64, n_points: u64, seed: u64) -> Result<u64> {
    assert!(path.available(), "this CPU has no {} path", path.name());
    count_inside_slice("monte_carlo_pi_inside", first, n_points, seed, path)
}

fn count_inside_slice(
    kernel: &'static str,
    first: u64,
    n_points: u64,
    seed: u64,
    path: Path,
) -> Result<u64> {
    match first.checked_add(n_points) {
        Some(end) if end <= PI_MAX_POINTS => {}
        _ => {
            return Err(Error::invalid(
                kernel,
                "first",
                format!("+ n_points must be at most 2^63 (the stream's length in points), got {first} + {n_points}"),
            ))
        }
    }
    let token = Token::new(kernel);
    let g = Philox4x64::new(seed, 0);
    let work = usize::try_from(n_points).unwrap_or(usize::MAX);
    let inside = if threads::go_parallel(work, threads::Kernel::MonteCarloPi) {
        // Tasks cover fixed point ranges of the whole stream, so they start on block boundaries.
        let tasks = n_points.div_ceil(PI_TASK);
        threads::run(|| {
            (0..tasks)
                .into_par_iter()
                .map(|t| {
                    token.check()?;
                    let start = t * PI_TASK;
                    Ok(count_inside(
                        &g,
                        first + start,
                        PI_TASK.min(n_points - start),
                        path,
                    ))
                })
                .try_reduce(|| 0u64, |a, b| Ok(a + b))
        })?
    } else {
        let mut inside = 0u64;
        let mut done = 0u64;
        while done < n_points {
            token.check()?;
            let n = PI_CHECK.min(n_points - done);
            inside += count_inside(&g, first + done, n, path);
            done += n;
        }
        inside
    };
    Ok(inside)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::philox::uniform;

    /// 1 when the point `(uniform(a), uniform(b))` lies strictly inside the unit circle.
    fn in_circle(a: u64, b: u64) -> u64 {
        let x = uniform(a);
        let y = uniform(b);
        (x * x + y * y < 1.0) as u64
    }

    #[test]
    fn uniform_bits_is_uniform() {
        let g = Philox4x64::new(3, 4);
        let mut words: Vec<u64> = (0..4096).map(|i| g.word(i)).collect();
        words.extend([
            0,
            1,
            1 << 11,
            1 << 12,
            3 << 11,
            u64::MAX,
            u64::MAX >> 1,
            1 << 63,
        ]);
        for w in words {
            assert_eq!(uniform_bits(w).to_bits(), uniform(w).to_bits(), "{w:#x}");
        }
    }

    #[test]
    fn pi_batches_agree_with_single_points() {
        let g = Philox4x64::new(9, 0);
        let naive = |first: u64, n: u64| -> u64 {
            (first..first + n)
                .map(|i| in_circle(g.word(2 * i), g.word(2 * i + 1)))
                .sum()
        };
        for first in 0..5 {
            for n in [0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 33, 127, 128, 129, 300] {
                for path in Path::ALL.into_iter().filter(|p| p.available()) {
                    let got = count_inside(&g, first, n, path);
                    assert_eq!(got, naive(first, n), "{path:?} {first} {n}");
                }
            }
        }
    }

    #[test]
    fn pi_rejects_zero_points() {
        let e = monte_carlo_pi(0, 1).unwrap_err();
        assert_eq!(
            e.to_string(),
            "monte_carlo_pi: n_points must be >= 1, got 0"
        );
    }
}
