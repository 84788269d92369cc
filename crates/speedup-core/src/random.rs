//! The Monte Carlo kernels on the Philox stream: `monte_carlo_pi` and `markov_chains`.
//! OWNER: helper A. Stub signatures; replace the bodies.

use ndarray::{ArrayView2, ArrayViewMut2};

use crate::Result;

/// Point `i` takes uniforms `u[2i], u[2i+1]` of the stream with key `(seed, 0)`; inside when
/// `x*x + y*y < 1.0`; result `(4.0 * inside) / n_points`. Errors when `n_points == 0`.
pub fn monte_carlo_pi(n_points: u64, seed: u64) -> Result<f64> {
    let _ = (n_points, seed);
    unimplemented!()
}

/// Visit counts of `n_chains` chains (chain `c` on the stream with key `(seed, c)`), into
/// `counts` of shape `(n_chains, k)`.
pub fn markov_chains(
    p: ArrayView2<f64>,
    start: usize,
    n_steps: u64,
    seed: u64,
    counts: ArrayViewMut2<u64>,
) -> Result<()> {
    let _ = (p, start, n_steps, seed, counts);
    unimplemented!()
}
