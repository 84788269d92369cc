//! # speedup-core
//!
//! The numerical kernels of speedup, written once in plain Rust over slices and `ndarray`
//! views. Every front door (the C ABI in `speedup-capi`, the Fortran module over it, the Python
//! extension) calls these functions and nothing else, so every language gets the same bits.
//! The exact semantics of each kernel are in `docs/contract.md`; the doc comment of each
//! function repeats its formula.
//!
//! - Parallel work runs on speedup's own rayon pool, sized by [`threads`] (one knob).
//! - Reductions are deterministic ([`mod@reduce`]): the thread count never changes a result.
//! - Random numbers come from the counter-based [`philox`] stream, addressed by index.
//! - Every NaN an output holds is the canonical quiet NaN ([`nan`]), so same bits means same bits.
//! - Bad input gives an [`Error`] naming the argument and the rule; nothing is written.
//! - Long kernels can be interrupted through [`cancel`].
//! - Scratch buffers whose size the caller controls are allocated fallibly ([`alloc`]): too
//!   big a request gives [`Error::Allocation`], not an abort; [`catch_panic`] turns a panic into
//!   [`Error::Panic`] for the front doors.

#[macro_use]
pub mod simd;
pub mod alloc;
#[doc(hidden)]
pub mod bench_paths;
pub mod calibrate;
pub mod cancel;
pub mod closest;
pub mod comb;
pub mod config;
mod error;
#[cfg(feature = "fault-injection")]
#[doc(hidden)]
pub mod fault;
pub mod layout;
pub mod mandelbrot;
pub mod map;
pub mod nan;
pub mod philox;
pub mod primes;
pub mod random;
pub mod real;
pub mod reduce;
pub mod reduce_axes;
mod reduce_cols;
mod reduce_leaf;
mod reduce_passes;
mod reduce_strips;
mod reduce_tiles;
pub mod stats;
pub mod stencil;
pub mod strided;
pub mod threads;

pub use closest::{closest_pair, ClosestPair};
pub use comb::{comb_backward, comb_forward};
pub use error::{catch_panic, check_len, check_shape, Error, Result};
pub use mandelbrot::{mandelbrot, mandelbrot_f32};
pub use map::map_f64;
pub use num_complex::{Complex32, Complex64};
pub use primes::{
    is_prime, is_prime_many, sum_primes_below, sum_primes_below_many, sum_primes_below_u128,
};
pub use random::{
    markov_chains, markov_chains_from, markov_path, monte_carlo_pi, monte_carlo_pi_finish,
    monte_carlo_pi_inside,
};
pub use real::Real;
pub use reduce_axes::{reduce, reduce_f32, Reduction};
pub use stats::{mean, mean_finish, std, std_finish, sum};
pub use stencil::{
    laplacian, laplacian_mode, laplacian_shape, laplacian_shape_mode, second_derivative,
    second_derivative_len, second_derivative_len_mode, second_derivative_mode, Mode,
};
pub use strided::Strided;

/// The version of speedup (the workspace version).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Helpers for tests that touch the process-wide thread knob.
#[doc(hidden)]
pub mod test_support {
    use std::sync::{Mutex, MutexGuard};

    static KNOB: Mutex<()> = Mutex::new(());

    /// Holds the knob at `n` threads until dropped, serialising tests that change it.
    #[derive(Debug)]
    pub struct KnobGuard(#[allow(dead_code)] MutexGuard<'static, ()>);

    impl Drop for KnobGuard {
        fn drop(&mut self) {
            crate::threads::set_num_threads(0).expect("0 is always accepted");
        }
    }

    /// Sets the knob to `n` for as long as the guard lives.
    pub fn knob(n: usize) -> KnobGuard {
        let guard = KNOB.lock().unwrap_or_else(|p| p.into_inner());
        crate::threads::set_num_threads(n).expect("test thread count");
        KnobGuard(guard)
    }

    /// `(debug assertions, overflow checks)` as this library was compiled. Both are on under
    /// `cargo test` (Cargo.toml's `[profile.test]`, and the default `dev` profile the library
    /// is built with as a dependency of the integration tests), so that an arithmetic overflow
    /// in a kernel panics in the tests instead of wrapping silently.
    pub fn build_checks() -> (bool, bool) {
        let wrapped =
            std::panic::catch_unwind(|| std::hint::black_box(u8::MAX) + std::hint::black_box(1u8));
        (cfg!(debug_assertions), wrapped.is_err())
    }

    /// One step of the 64-bit LCG (Knuth's MMIX constants) that tests and benches draw their
    /// data from: the next state.
    pub fn lcg_step(s: u64) -> u64 {
        s.wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407)
    }

    /// `n` uniforms in [0, 1) from the LCG seeded with `seed` (the top 53 bits of each state).
    pub fn lcg_uniforms(n: usize, seed: u64) -> Vec<f64> {
        let mut s = seed;
        (0..n)
            .map(|_| {
                s = lcg_step(s);
                (s >> 11) as f64 / (1u64 << 53) as f64
            })
            .collect()
    }

    /// Runs `f` at each thread count and returns the results.
    pub fn at_thread_counts<R>(counts: &[usize], mut f: impl FnMut() -> R) -> Vec<R> {
        counts
            .iter()
            .map(|&n| {
                let _g = knob(n);
                f()
            })
            .collect()
    }
}
