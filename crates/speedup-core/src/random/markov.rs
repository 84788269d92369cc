//! `markov_chains`: each chain runs serially on its own Philox stream (key `(seed, c)`); chains
//! run in parallel, up to eight abreast on a thread, and each writes only its own row of counts.

use ndarray::{ArrayView2, ArrayViewMut2};
use rayon::prelude::*;

use crate::cancel::Token;
use crate::error::{check_shape, Error, Result};
use crate::philox::{Path, Philox4x64};
use crate::threads;

/// The default cut-off (`crate::calibrate` measures one per machine): below this many steps in
/// total (`n_chains * n_steps`) `markov_chains` runs serially.
pub const MARKOV_PARALLEL_CUTOFF: u64 = 1 << 16;
/// Steps between two interruption checks of one chain.
const MARKOV_CHECK: u64 = 1 << 20;
/// Steps a chain takes from one batch of uniforms (24 blocks: three AVX-512 registers per word,
/// whose multiplies overlap).
const GROUP: usize = 96;
/// Largest `k` searched linearly (branch-free count); above it, binary search.
const LINEAR_MAX: usize = 16;

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

    /// Runs one chain of `w`'s steps on `g`, calling `visit(t, s)` with the state `s` after
    /// step `t`.
    #[inline(always)]
    fn run_chain(&self, g: &Philox4x64, w: Walk, mut visit: impl FnMut(u64, usize)) -> Result<()> {
        if self.k <= LINEAR_MAX {
            self.run_chain_with(g, w, &mut visit, next_linear)
        } else {
            self.run_chain_with(g, w, &mut visit, next_binary)
        }
    }

    #[inline(always)]
    fn run_chain_with(
        &self,
        g: &Philox4x64,
        w: Walk,
        visit: &mut impl FnMut(u64, usize),
        next: impl Fn(&[f64], f64) -> usize,
    ) -> Result<()> {
        let k = self.k;
        let cum = &self.cum[..];
        let mut s = w.start;
        let mut t = 0u64;
        let mut u = [0.0f64; GROUP];
        while t < w.n_steps {
            w.token.check()?;
            let end = w.n_steps.min(t + MARKOV_CHECK);
            // Batches of GROUP uniforms (the last one of a check interval shorter).
            while t < end {
                let u = &mut u[..(end - t).min(GROUP as u64) as usize];
                g.fill_uniforms_on(w.path, t, u);
                for &u in u.iter() {
                    s = next(&cum[s * k..s * k + k], u);
                    visit(t, s);
                    t += 1;
                }
            }
        }
        Ok(())
    }
}

/// What every chain of a call does: `n_steps` steps from `start`, drawing its uniforms on
/// `path`, checking `token` every [`MARKOV_CHECK`] steps.
#[derive(Clone, Copy)]
struct Walk<'a> {
    path: Path,
    start: usize,
    n_steps: u64,
    token: &'a Token,
}

/// The first `j` with `u < row[j]`, `k-1` if none: the number of `j < k-1` with `row[j] <= u`
/// (row is non-decreasing), counted without branches (small `k`).
#[inline(always)]
fn next_linear(row: &[f64], u: f64) -> usize {
    let mut j = 0usize;
    for &c in &row[..row.len() - 1] {
        j += (c <= u) as usize;
    }
    j
}

/// [`next_linear`] by binary search (large `k`).
#[inline(always)]
fn next_binary(row: &[f64], u: f64) -> usize {
    row[..row.len() - 1].partition_point(|&c| c <= u)
}

/// Most chains [`CumTable::run_chains`] runs abreast on one thread (eight hide more of a step's
/// latency than four; from five to seven chains run as four, then the rest).
const MARKOV_ABREAST: usize = 8;

impl CumTable {
    /// Runs the chains of `gens` (one stream each) through `w`, abreast, adding each chain's
    /// visits to its row of `rows` (`gens.len()` rows of `k`). One chain's step waits for its
    /// previous state (a load from the table, compares, a count: a latency chain), so several
    /// independent chains interleaved keep the core busy while one waits; each chain still
    /// takes exactly its own draws in order, so the counts are those of
    /// [`CumTable::run_chain`].
    fn run_chains(&self, gens: &[Philox4x64], w: Walk, rows: &mut [u64]) -> Result<()> {
        debug_assert_eq!(rows.len(), gens.len() * self.k);
        match gens.len() {
            0 => Ok(()),
            1 => self.run_chain(&gens[0], w, |_, s| rows[s] += 1),
            2 => self.run_abreast::<2>(gens, w, rows),
            3 => self.run_abreast::<3>(gens, w, rows),
            4 => self.run_abreast::<4>(gens, w, rows),
            n => {
                let now = if n < MARKOV_ABREAST {
                    4
                } else {
                    MARKOV_ABREAST
                };
                let (g_now, g_later) = gens.split_at(now);
                let (r_now, r_later) = rows.split_at_mut(now * self.k);
                if now == 4 {
                    self.run_abreast::<4>(g_now, w, r_now)?;
                } else {
                    self.run_abreast::<MARKOV_ABREAST>(g_now, w, r_now)?;
                }
                self.run_chains(g_later, w, r_later)
            }
        }
    }

    #[inline(always)]
    fn run_abreast<const L: usize>(
        &self,
        gens: &[Philox4x64],
        w: Walk,
        rows: &mut [u64],
    ) -> Result<()> {
        if self.k <= LINEAR_MAX {
            self.run_abreast_with::<L>(gens, w, rows, next_linear)
        } else {
            self.run_abreast_with::<L>(gens, w, rows, next_binary)
        }
    }

    #[inline(always)]
    fn run_abreast_with<const L: usize>(
        &self,
        gens: &[Philox4x64],
        w: Walk,
        rows: &mut [u64],
        next: impl Fn(&[f64], f64) -> usize,
    ) -> Result<()> {
        let k = self.k;
        let cum = &self.cum[..];
        let gens: &[Philox4x64; L] = gens.try_into().expect("L streams");
        let rows = &mut rows[..L * k];
        let mut s = [w.start; L];
        let mut t = 0u64;
        let mut u = [[0.0f64; GROUP]; L];
        while t < w.n_steps {
            w.token.check()?;
            let end = w.n_steps.min(t + MARKOV_CHECK);
            // Batches of GROUP steps per chain (the last one of a check interval shorter);
            // each chain takes its own uniforms in order.
            while t < end {
                let n = (end - t).min(GROUP as u64) as usize;
                for (ul, g) in u.iter_mut().zip(gens) {
                    g.fill_uniforms_on(w.path, t, &mut ul[..n]);
                }
                for step in 0..n {
                    for l in 0..L {
                        let st = next(&cum[s[l] * k..s[l] * k + k], u[l][step]);
                        s[l] = st;
                        rows[l * k + st] += 1;
                    }
                }
                t += n as u64;
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

/// [`markov_chains`] drawing on the given Philox path (for tests and benchmarks, which compare
/// the paths on one CPU). Panics when this CPU lacks the path's instructions.
#[doc(hidden)]
pub fn markov_chains_on(
    path: Path,
    p: ArrayView2<f64>,
    start: usize,
    n_steps: u64,
    seed: u64,
    counts: ArrayViewMut2<u64>,
) -> Result<()> {
    assert!(path.available(), "this CPU has no {} path", path.name());
    chains_on(path, p, start, n_steps, seed, 0, counts)
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
    counts: ArrayViewMut2<u64>,
) -> Result<()> {
    chains_on(Path::best(), p, start, n_steps, seed, first_chain, counts)
}

fn chains_on(
    path: Path,
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
    let walk = Walk {
        path,
        start,
        n_steps,
        token: &token,
    };
    let work = (n_chains as u64).saturating_mul(n_steps);
    if n_chains > 1
        && threads::go_parallel(
            usize::try_from(work).unwrap_or(usize::MAX),
            threads::Kernel::MarkovChains,
        )
    {
        // Tasks of up to MARKOV_ABREAST chains, but at least one task per thread. Each chain
        // writes only its own row, so how chains are grouped never changes a count. A task
        // counts into a buffer of its own and copies it out at the end: neighbouring tasks'
        // rows share cache lines of `local`, and a count written at every step would bounce
        // those lines between the CPUs (1.6x instead of 2x on two cores).
        let per_task = n_chains
            .div_ceil(threads::effective_threads())
            .clamp(1, MARKOV_ABREAST);
        threads::run(|| {
            local
                .par_chunks_mut(per_task * k)
                .zip(gens.par_chunks(per_task))
                .with_max_len(1)
                .try_for_each(|(rows, g)| {
                    let mut own = crate::alloc::try_vec(K, "the visit counts", rows.len(), 0u64)?;
                    table.run_chains(g, walk, &mut own)?;
                    rows.copy_from_slice(&own);
                    Ok(())
                })
        })?;
    } else {
        table.run_chains(&gens, walk, &mut local)?;
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
    let walk = Walk {
        path: Path::best(),
        start,
        n_steps,
        token: &token,
    };
    table.run_chain(&g, walk, |t, s| local[t as usize] = s as i32)?;
    path.copy_from_slice(&local);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{array, Array2};

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
