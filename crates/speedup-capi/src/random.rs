//! The C exports of the Monte Carlo kernels on the Philox stream.
//!
//! Each export has a signature of its own (`exports!` serves exports that share one), so each
//! is written out; the small wrappers look alike, their bodies one call of the shared helpers
//! (`scalar`, `boundary`).

use crate::args::{expect_len, product, Raw};
use crate::status::{boundary, speedup_status};
use crate::{scalar, view2, view2_mut};
use speedup_core as core;

/// Estimates pi from `n_points` points of the Philox stream with key `(seed, 0)`.
#[no_mangle]
pub unsafe extern "C" fn speedup_monte_carlo_pi(
    n_points: u64,
    seed: u64,
    out: *mut f64,
) -> speedup_status {
    scalar("monte_carlo_pi", "out", out, || {
        core::monte_carlo_pi(n_points, seed)
    })
}

/// How many of the points `first .. first + n_points` of `speedup_monte_carlo_pi`'s stream (key
/// `(seed, 0)`) fall inside the circle, into `*inside`. Counts of slices add up exactly to the
/// whole run's, whose estimate is `(4.0 * inside) / n_points`.
#[no_mangle]
pub unsafe extern "C" fn speedup_monte_carlo_pi_inside(
    first: u64,
    n_points: u64,
    seed: u64,
    inside: *mut u64,
) -> speedup_status {
    scalar("monte_carlo_pi_inside", "inside", inside, || {
        core::monte_carlo_pi_inside(first, n_points, seed)
    })
}

/// Visit counts of `n_chains` Markov chains over the `k x k` row-stochastic matrix `p`, each
/// `n_steps` long from state `start`; chain `c` uses the Philox stream with key `(seed, c)`.
/// `counts` is `n_chains x k`; `counts_len == n_chains * k`.
#[no_mangle]
pub unsafe extern "C" fn speedup_markov_chains(
    p: *const f64,
    k: usize,
    start: usize,
    n_steps: u64,
    n_chains: usize,
    seed: u64,
    counts: *mut u64,
    counts_len: usize,
) -> speedup_status {
    unsafe {
        speedup_markov_chains_from(p, k, start, n_steps, 0, n_chains, seed, counts, counts_len)
    }
}

/// Chains `first_chain .. first_chain + n_chains` of `speedup_markov_chains` (row `r` of
/// `counts` is chain `first_chain + r`, on the stream with key `(seed, first_chain + r)`):
/// splitting one run's chains into such slices gives its rows bit for bit.
#[no_mangle]
pub unsafe extern "C" fn speedup_markov_chains_from(
    p: *const f64,
    k: usize,
    start: usize,
    n_steps: u64,
    first_chain: u64,
    n_chains: usize,
    seed: u64,
    counts: *mut u64,
    counts_len: usize,
) -> speedup_status {
    const K: &str = "markov_chains";
    boundary(K, || {
        let kk = product(K, "k * k", k, k)?;
        let total = product(K, "n_chains * k", n_chains, k)?;
        let p_raw = Raw::new(K, "p", p, kk).checked()?;
        let counts_raw = Raw::new(K, "counts", counts.cast_const(), counts_len);
        expect_len(K, "counts_len", "n_chains * k", total, counts_len)?;
        let p = view2(K, unsafe { p_raw.input()? }, (k, k))?;
        let counts = unsafe { counts_raw.output(&[p_raw.span()])? };
        let counts = view2_mut(K, counts, (n_chains, k))?;
        core::markov_chains_from(p, start, n_steps, seed, first_chain, counts)?;
        Ok(())
    })
}
