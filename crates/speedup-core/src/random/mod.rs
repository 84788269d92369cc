//! The Monte Carlo kernels on the Philox stream: `monte_carlo_pi` and `markov_chains`
//! (plus `markov_path`, one chain's states).
//!
//! Every draw is addressed by its index in a [`Philox4x64`](crate::philox::Philox4x64) stream, never taken from a
//! per-thread generator, so the thread count only changes who computes a block of draws:
//! - `monte_carlo_pi` counts points inside the circle over fixed blocks of points; the count is
//!   an integer, so adding the blocks in any order is exact.
//! - `markov_chains` runs each chain serially on its own stream (key `(seed, c)`); chains run in
//!   parallel, up to eight abreast on a thread (so one chain's dependent steps overlap another's),
//!   and each writes only its own row of counts.
//!
//! The Monte Carlo estimate of pi lives in `monte_carlo`, the chains in `markov`; the Philox
//! stream both draw from is [`crate::philox`].

mod markov;
mod monte_carlo;
mod pi_simd;

pub use markov::{
    markov_chains, markov_chains_from, markov_chains_on, markov_path, MARKOV_PARALLEL_CUTOFF,
};
pub use monte_carlo::{
    monte_carlo_pi, monte_carlo_pi_finish, monte_carlo_pi_inside, monte_carlo_pi_inside_on,
    PI_MAX_POINTS, PI_PARALLEL_CUTOFF,
};
