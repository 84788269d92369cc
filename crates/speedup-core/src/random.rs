//! The Monte Carlo kernels on the Philox stream: `monte_carlo_pi` and `markov_chains`
//! (plus `markov_path`, one chain's states).
//!
//! Every draw is addressed by its index in a [`Philox4x64`] stream, never taken from a
//! per-thread generator, so the thread count only changes who computes a block of draws:
//! - `monte_carlo_pi` counts points inside the circle over fixed blocks of points; the count is
//!   an integer, so adding the blocks in any order is exact.
//! - `markov_chains` runs each chain serially on its own stream (key `(seed, c)`); chains run in
//!   parallel, up to four abreast on a thread (so one chain's dependent steps overlap another's),
//!   and each writes only its own row of counts.

use ndarray::{ArrayView2, ArrayViewMut2};
use rayon::prelude::*;

use crate::cancel::Token;
use crate::error::check_shape;
use crate::error::{Error, Result};
use crate::philox::{uniform, Philox4x64};
use crate::threads;

/// Below this many points `monte_carlo_pi` runs on the calling thread.
pub const PI_PARALLEL_CUTOFF: u64 = 1 << 16;
/// Points per parallel task of `monte_carlo_pi` (even, so a task starts on a block boundary).
const PI_TASK: u64 = 1 << 18;
/// Points between two interruption checks of a serial `monte_carlo_pi`.
const PI_CHECK: u64 = 1 << 20;

/// Below this many steps in total (`n_chains * n_steps`) `markov_chains` runs serially.
pub const MARKOV_PARALLEL_CUTOFF: u64 = 1 << 16;
/// Steps between two interruption checks of one chain (a multiple of 16).
const MARKOV_CHECK: u64 = 1 << 20;
/// Largest `k` searched linearly (branch-free count); above it, binary search.
const LINEAR_MAX: usize = 16;

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

/// Points `first .. first + n` inside the circle (point `i` takes words `2i`, `2i+1`).
fn count_inside(g: &Philox4x64, first: u64, n: u64) -> u64 {
    let mut buf = [0u64; PI_BATCH_WORDS];
    let mut inside = 0u64;
    let mut i = first;
    let end = first + n;
    while i < end {
        let pts = (end - i).min(PI_BATCH_WORDS as u64 / 2) as usize;
        let words = &mut buf[..2 * pts];
        g.fill_words(2 * i, words);
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
    let inside = count_inside_slice(K, 0, n_points, seed)?;
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
    count_inside_slice("monte_carlo_pi_inside", first, n_points, seed)
}

fn count_inside_slice(kernel: &'static str, first: u64, n_points: u64, seed: u64) -> Result<u64> {
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
    let inside = if n_points >= PI_PARALLEL_CUTOFF
        && threads::parallel_worthwhile(work, PI_PARALLEL_CUTOFF as usize)
    {
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
            inside += count_inside(&g, first + done, n);
            done += n;
        }
        inside
    };
    Ok(inside)
}

/// The validated transition matrix as a table of cumulative row sums.
struct CumTable {
    k: usize,
    /// `cum[s * k + j] = ((P[s][0] + P[s][1]) + ...) + P[s][j]`, added left to right.
    cum: Vec<f64>,
}

impl CumTable {
    /// Checks `p` (square, non-empty, finite non-negative entries, rows summing to 1 within
    /// 1e-9) and `start`, and builds the table.
    fn new(kernel: &'static str, p: &ArrayView2<f64>, start: usize) -> Result<Self> {
        let (rows, cols) = p.dim();
        if rows != cols {
            return Err(Error::invalid(
                kernel,
                "p",
                format!("must be a square k x k matrix, got {rows}x{cols}"),
            ));
        }
        let k = rows;
        if k == 0 {
            return Err(Error::invalid(
                kernel,
                "p",
                "must have at least one state (k >= 1), got 0x0",
            ));
        }
        let mut cum = Vec::new();
        crate::alloc::try_reserve(kernel, "the cumulative transition table", &mut cum, k * k)?;
        for (i, row) in p.rows().into_iter().enumerate() {
            let mut s = 0.0f64;
            for (j, &v) in row.iter().enumerate() {
                if !v.is_finite() || v < 0.0 {
                    return Err(Error::invalid(
                        kernel,
                        "p",
                        format!("entries must be finite and >= 0, got p[{i}][{j}] = {v}"),
                    ));
                }
                s += v;
                cum.push(s);
            }
            if (s - 1.0).abs() > 1e-9 {
                return Err(Error::invalid(
                    kernel,
                    "p",
                    format!("rows must sum to 1 (within 1e-9), got row {i} summing to {s}"),
                ));
            }
        }
        if start >= k {
            return Err(Error::invalid(
                kernel,
                "start",
                format!("must be a state in 0..{k}, got {start}"),
            ));
        }
        Ok(CumTable { k, cum })
    }

    /// Runs one chain of `n_steps` steps from `start` on `g`, calling `visit(t, s)` with the state
    /// `s` after step `t`. Checks `token` every [`MARKOV_CHECK`] steps.
    #[inline(always)]
    fn run_chain(
        &self,
        g: &Philox4x64,
        start: usize,
        n_steps: u64,
        token: &Token,
        mut visit: impl FnMut(u64, usize),
    ) -> Result<()> {
        if self.k <= LINEAR_MAX {
            self.run_chain_with(g, start, n_steps, token, &mut visit, |row, u| {
                // The first j with u < row[j] is the number of j with row[j] <= u (row is
                // non-decreasing); counting over 0..k-1 caps it at k-1 ("k-1 if none").
                let mut j = 0usize;
                for &c in &row[..row.len() - 1] {
                    j += (c <= u) as usize;
                }
                j
            })
        } else {
            self.run_chain_with(g, start, n_steps, token, &mut visit, |row, u| {
                row[..row.len() - 1].partition_point(|&c| c <= u)
            })
        }
    }

    #[inline(always)]
    fn run_chain_with(
        &self,
        g: &Philox4x64,
        start: usize,
        n_steps: u64,
        token: &Token,
        visit: &mut impl FnMut(u64, usize),
        next: impl Fn(&[f64], f64) -> usize,
    ) -> Result<()> {
        let k = self.k;
        let cum = &self.cum[..];
        let mut s = start;
        let mut t = 0u64;
        while t < n_steps {
            token.check()?;
            let end = n_steps.min(t + MARKOV_CHECK);
            // Whole groups of four blocks (16 steps), then single blocks.
            while end - t >= 16 {
                let bs = g.blocks::<4>(t / 4);
                for w in bs.iter().flatten() {
                    s = next(&cum[s * k..s * k + k], uniform(*w));
                    visit(t, s);
                    t += 1;
                }
            }
            while t < end {
                let w = g.block(t / 4);
                for &w in &w[..(end - t).min(4) as usize] {
                    s = next(&cum[s * k..s * k + k], uniform(w));
                    visit(t, s);
                    t += 1;
                }
            }
        }
        Ok(())
    }
}

/// Most chains [`CumTable::run_chains`] runs abreast on one thread.
const MARKOV_ABREAST: usize = 4;

impl CumTable {
    /// Runs the chains of `gens` (one stream each) from `start` for `n_steps` steps, abreast,
    /// adding each chain's visits to its row of `rows` (`gens.len()` rows of `k`). One chain's
    /// step waits for its previous state (a load from the table, compares, a count: a latency
    /// chain), so several independent chains interleaved keep the core busy while one waits;
    /// each chain still takes exactly its own draws in order, so the counts are those of
    /// [`CumTable::run_chain`]. Checks `token` every [`MARKOV_CHECK`] steps.
    fn run_chains(
        &self,
        gens: &[Philox4x64],
        start: usize,
        n_steps: u64,
        token: &Token,
        rows: &mut [u64],
    ) -> Result<()> {
        debug_assert_eq!(rows.len(), gens.len() * self.k);
        match gens.len() {
            0 => Ok(()),
            1 => self.run_chain(&gens[0], start, n_steps, token, |_, s| rows[s] += 1),
            2 => self.run_abreast::<2>(gens, start, n_steps, token, rows),
            3 => self.run_abreast::<3>(gens, start, n_steps, token, rows),
            _ => {
                let (now, later) = gens.split_at(MARKOV_ABREAST);
                let (r_now, r_later) = rows.split_at_mut(MARKOV_ABREAST * self.k);
                self.run_abreast::<MARKOV_ABREAST>(now, start, n_steps, token, r_now)?;
                self.run_chains(later, start, n_steps, token, r_later)
            }
        }
    }

    #[inline(always)]
    fn run_abreast<const L: usize>(
        &self,
        gens: &[Philox4x64],
        start: usize,
        n_steps: u64,
        token: &Token,
        rows: &mut [u64],
    ) -> Result<()> {
        if self.k <= LINEAR_MAX {
            self.run_abreast_with::<L>(gens, start, n_steps, token, rows, |row, u| {
                let mut j = 0usize;
                for &c in &row[..row.len() - 1] {
                    j += (c <= u) as usize;
                }
                j
            })
        } else {
            self.run_abreast_with::<L>(gens, start, n_steps, token, rows, |row, u| {
                row[..row.len() - 1].partition_point(|&c| c <= u)
            })
        }
    }

    #[inline(always)]
    fn run_abreast_with<const L: usize>(
        &self,
        gens: &[Philox4x64],
        start: usize,
        n_steps: u64,
        token: &Token,
        rows: &mut [u64],
        next: impl Fn(&[f64], f64) -> usize,
    ) -> Result<()> {
        let k = self.k;
        let cum = &self.cum[..];
        let gens: &[Philox4x64; L] = gens.try_into().expect("L streams");
        let rows = &mut rows[..L * k];
        let mut s = [start; L];
        let mut t = 0u64;
        while t < n_steps {
            token.check()?;
            let end = n_steps.min(t + MARKOV_CHECK);
            // Groups of 16 steps (four blocks per chain): t stays a multiple of 16 here.
            while end - t >= 16 {
                let mut u = [[0.0f64; 16]; L];
                for (ul, g) in u.iter_mut().zip(gens) {
                    let bs = g.blocks::<4>(t / 4);
                    for (d, &w) in ul.iter_mut().zip(bs.iter().flatten()) {
                        *d = uniform(w);
                    }
                }
                for step in 0..16 {
                    for l in 0..L {
                        let st = next(&cum[s[l] * k..s[l] * k + k], u[l][step]);
                        s[l] = st;
                        rows[l * k + st] += 1;
                    }
                }
                t += 16;
            }
            // The last steps of the run (fewer than 16), one chain at a time.
            if t < end {
                for l in 0..L {
                    let mut tl = t;
                    while tl < end {
                        let w = gens[l].block(tl / 4);
                        for &w in &w[..(end - tl).min(4) as usize] {
                            s[l] = next(&cum[s[l] * k..s[l] * k + k], uniform(w));
                            rows[l * k + s[l]] += 1;
                            tl += 1;
                        }
                    }
                }
                t = end;
            }
        }
        Ok(())
    }
}

/// Visit counts of `n_chains` Markov chains into `counts` of shape `(n_chains, k)`.
///
/// Chain `c` draws from the stream with key `(seed, c)`; its state starts at `start`; step `t`
/// takes `u[t]`, and the next state is the first `j` with `u < cumsum(P[s])[j]` (cumsum added
/// left to right), `k-1` if none; `counts[c][s] += 1` after each step, so every row sums to
/// `n_steps`. `counts` is overwritten (not added to).
///
/// Errors (nothing written): `p` not square or empty, an entry negative or not finite, a row
/// whose sum differs from 1 by more than 1e-9, `start >= k`, `counts` not `(n_chains, k)`;
/// interruption.
pub fn markov_chains(
    p: ArrayView2<f64>,
    start: usize,
    n_steps: u64,
    seed: u64,
    counts: ArrayViewMut2<u64>,
) -> Result<()> {
    markov_chains_from(p, start, n_steps, seed, 0, counts)
}

/// Chains `first_chain .. first_chain + n_chains` of [`markov_chains`] (chain `c` on the stream
/// with key `(seed, c)`), row `r` of `counts` holding chain `first_chain + r`. Splitting the
/// chains of one run into such slices gives the rows of the whole run bit for bit (what
/// `speedup.dask` does). Same validation as `markov_chains`, plus: the chain numbers must fit
/// in u64.
pub fn markov_chains_from(
    p: ArrayView2<f64>,
    start: usize,
    n_steps: u64,
    seed: u64,
    first_chain: u64,
    mut counts: ArrayViewMut2<u64>,
) -> Result<()> {
    const K: &str = "markov_chains";
    let table = CumTable::new(K, &p, start)?;
    let k = table.k;
    let n_chains = counts.nrows();
    check_shape(K, "counts", (n_chains, k), counts.dim())?;
    if first_chain.checked_add(n_chains as u64).is_none() {
        return Err(Error::invalid(
            K,
            "first_chain",
            format!("+ n_chains must fit in u64, got {first_chain} + {n_chains}"),
        ));
    }
    if n_chains == 0 {
        return Ok(());
    }
    let token = Token::new(K);
    let mut local = crate::alloc::try_vec(K, "the visit counts", n_chains * k, 0u64)?;
    let mut gens: Vec<Philox4x64> = Vec::new();
    crate::alloc::try_reserve(K, "the chains' generators", &mut gens, n_chains)?;
    gens.extend((0..n_chains as u64).map(|c| Philox4x64::new(seed, first_chain + c)));
    let work = (n_chains as u64).saturating_mul(n_steps);
    if n_chains > 1
        && work >= MARKOV_PARALLEL_CUTOFF
        && threads::parallel_worthwhile(
            usize::try_from(work).unwrap_or(usize::MAX),
            MARKOV_PARALLEL_CUTOFF as usize,
        )
    {
        // Tasks of up to MARKOV_ABREAST chains, but at least one task per thread. Each chain
        // writes only its own row, so how chains are grouped never changes a count.
        let per_task = n_chains
            .div_ceil(threads::effective_threads())
            .clamp(1, MARKOV_ABREAST);
        threads::run(|| {
            local
                .par_chunks_mut(per_task * k)
                .zip(gens.par_chunks(per_task))
                .with_max_len(1)
                .try_for_each(|(rows, g)| table.run_chains(g, start, n_steps, &token, rows))
        })?;
    } else {
        table.run_chains(&gens, start, n_steps, &token, &mut local)?;
    }
    let view = ArrayView2::from_shape((n_chains, k), &local[..]).expect("n_chains x k buffer");
    counts.assign(&view);
    Ok(())
}

/// The states of chain `chain` of [`markov_chains`] (stream key `(seed, chain)`): `path[t]` is the
/// state after step `t`, `path.len() == n_steps`. Same validation as `markov_chains`; `k` must
/// also fit the `i32` states. Runs on the calling thread; interruptible (nothing written).
pub fn markov_path(
    p: ArrayView2<f64>,
    start: usize,
    n_steps: u64,
    seed: u64,
    chain: u64,
    path: &mut [i32],
) -> Result<()> {
    const K: &str = "markov_path";
    let table = CumTable::new(K, &p, start)?;
    if table.k - 1 > i32::MAX as usize {
        return Err(Error::invalid(
            K,
            "p",
            format!("must have at most 2^31 states, got {}", table.k),
        ));
    }
    let len_ok = usize::try_from(n_steps).is_ok_and(|n| n == path.len());
    if !len_ok {
        return Err(Error::length(
            K,
            "path",
            format_args!("length {n_steps} (n_steps)"),
            format_args!("length {}", path.len()),
        ));
    }
    let token = Token::new(K);
    let g = Philox4x64::new(seed, chain);
    let mut local = crate::alloc::try_vec(K, "the path", path.len(), 0i32)?;
    table.run_chain(&g, start, n_steps, &token, |t, s| {
        local[t as usize] = s as i32
    })?;
    path.copy_from_slice(&local);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{array, Array2};

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
            for n in [0, 1, 2, 3, 7, 8, 9, 17, 33, 127, 128, 129, 300] {
                assert_eq!(count_inside(&g, first, n), naive(first, n), "{first} {n}");
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

    #[test]
    fn search_strategies_agree() {
        // A row long enough for the binary search, with zeros (repeated cumsums).
        let k = 40;
        let mut p = Array2::<f64>::zeros((k, k));
        for i in 0..k {
            for j in 0..k {
                p[[i, j]] = if (i + j) % 3 == 0 { 0.0 } else { 1.0 };
            }
            let s: f64 = p.row(i).sum();
            p.row_mut(i).mapv_inplace(|v| v / s);
        }
        let t = CumTable::new("t", &p.view(), 0).unwrap();
        let row = &t.cum[..k];
        for &u in &[0.0, 0.01, 0.5, 0.999, row[3], row[10], 1.0 - 1e-17] {
            let lin = row[..k - 1].iter().filter(|&&c| c <= u).count();
            let bin = row[..k - 1].partition_point(|&c| c <= u);
            let first = (0..k).find(|&j| u < row[j]).unwrap_or(k - 1);
            assert_eq!(lin, first);
            assert_eq!(bin, first);
        }
    }

    #[test]
    fn markov_path_matches_counts() {
        let p = array![[0.5, 0.5, 0.0], [0.1, 0.0, 0.9], [0.3, 0.3, 0.4]];
        let mut path = vec![0i32; 1001];
        markov_path(p.view(), 2, 1001, 5, 1, &mut path).unwrap();
        let mut counts = Array2::<u64>::zeros((2, 3));
        markov_chains(p.view(), 2, 1001, 5, counts.view_mut()).unwrap();
        for s in 0..3 {
            let n = path.iter().filter(|&&x| x == s as i32).count() as u64;
            assert_eq!(counts[[1, s]], n);
        }
    }
}
