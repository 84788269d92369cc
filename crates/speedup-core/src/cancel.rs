//! Cooperative interruption (Ctrl-C) for long kernels.
//!
//! [`request_interrupt`] only bumps an atomic counter, so it is async-signal-safe: a C program
//! may call `speedup_request_interrupt()` from its SIGINT handler, and the Python door does the
//! same when it sees a pending signal. Every call of a long kernel takes a [`Token`] when it
//! starts and checks it between blocks of work; a request made after the start stops it with
//! [`Error::Interrupted`] and nothing written. A request never
//! outlives the calls that were running: later calls start fresh.

use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::{Error, Result};

static EPOCH: AtomicU64 = AtomicU64::new(0);

/// Asks every kernel call running now to stop as soon as it can.
pub fn request_interrupt() {
    EPOCH.fetch_add(1, Ordering::SeqCst);
}

/// Taken when a kernel call starts; reports whether an interrupt was requested since.
#[derive(Debug, Clone, Copy)]
pub struct Token {
    epoch: u64,
    kernel: &'static str,
}

impl Token {
    /// A token for one call of `kernel`.
    pub fn new(kernel: &'static str) -> Self {
        Token {
            epoch: EPOCH.load(Ordering::SeqCst),
            kernel,
        }
    }

    /// True when an interrupt was requested after this token was taken.
    #[inline]
    pub fn interrupted(&self) -> bool {
        EPOCH.load(Ordering::Relaxed) != self.epoch
    }

    /// `Err(Interrupted)` when an interrupt was requested after this token was taken.
    #[inline]
    pub fn check(&self) -> Result<()> {
        if self.interrupted() {
            Err(Error::Interrupted {
                kernel: self.kernel,
            })
        } else {
            Ok(())
        }
    }
}

#[cfg(test)]
impl Token {
    /// A token that reads as interrupted, without disturbing other calls running in the process
    /// (unit tests share one process; `request_interrupt` is tested in `tests/interrupt.rs`).
    pub(crate) fn interrupted_for_tests(kernel: &'static str) -> Self {
        Token {
            epoch: EPOCH.load(Ordering::SeqCst).wrapping_sub(1),
            kernel,
        }
    }
}
