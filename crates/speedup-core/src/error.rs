//! The one error type of the kernels. Every front door maps it to its own idiom
//! (C status code + message, Fortran `stat`, Python exception) without rewording it.

use std::any::Any;
use std::fmt;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Why a kernel refused to run (or stopped). Nothing was written to any output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// An argument broke a rule of the contract. `arg` names it, `rule` says what it must be.
    InvalidArgument {
        kernel: &'static str,
        arg: &'static str,
        rule: String,
    },
    /// An array had the wrong size or shape for this call.
    Length {
        kernel: &'static str,
        arg: &'static str,
        expected: String,
        got: String,
    },
    /// The exact result does not fit in the result type.
    Overflow { kernel: &'static str, what: String },
    /// The caller asked to stop (e.g. Ctrl-C) while the kernel ran.
    Interrupted { kernel: &'static str },
    /// A scratch buffer the kernel needs could not be allocated (`what` says which and how
    /// big). Nothing was written; the process is fine.
    Allocation { kernel: &'static str, what: String },
    /// speedup hit an internal error: a Rust panic, caught by [`catch_panic`] before it could
    /// reach the caller. `message` is the panic's own text. Scalar outputs were not written;
    /// output arrays may hold partial results.
    Panic {
        kernel: &'static str,
        message: String,
    },
}

/// Shorthand used by every kernel.
pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// An `InvalidArgument` error.
    pub fn invalid(kernel: &'static str, arg: &'static str, rule: impl Into<String>) -> Self {
        Error::InvalidArgument {
            kernel,
            arg,
            rule: rule.into(),
        }
    }

    /// A `Length` error: `arg` has `got` ("length 4", "shape 2x3") where `expected` was required.
    pub fn length(
        kernel: &'static str,
        arg: &'static str,
        expected: impl fmt::Display,
        got: impl fmt::Display,
    ) -> Self {
        Error::Length {
            kernel,
            arg,
            expected: expected.to_string(),
            got: got.to_string(),
        }
    }

    /// The kernel this error came from.
    pub fn kernel(&self) -> &'static str {
        match self {
            Error::InvalidArgument { kernel, .. }
            | Error::Length { kernel, .. }
            | Error::Overflow { kernel, .. }
            | Error::Interrupted { kernel }
            | Error::Allocation { kernel, .. }
            | Error::Panic { kernel, .. } => kernel,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidArgument { kernel, arg, rule } => write!(f, "{kernel}: {arg} {rule}"),
            Error::Length {
                kernel,
                arg,
                expected,
                got,
            } => {
                write!(f, "{kernel}: {arg} must have {expected}, got {got}")
            }
            Error::Overflow { kernel, what } => write!(f, "{kernel}: {what}"),
            Error::Interrupted { kernel } => write!(f, "{kernel}: interrupted"),
            Error::Allocation { kernel, what } => {
                write!(f, "{kernel}: out of memory: could not allocate {what}")
            }
            Error::Panic { kernel, message } => {
                write!(f, "{kernel}: internal error (panic): {message}")
            }
        }
    }
}

impl std::error::Error for Error {}

/// `Err(Length)` unless `got == expected`.
pub fn check_len(
    kernel: &'static str,
    arg: &'static str,
    expected: usize,
    got: usize,
) -> Result<()> {
    length_unless(
        expected == got,
        kernel,
        arg,
        format_args!("length {expected}"),
        format_args!("length {got}"),
    )
}

/// `Err(Length)` unless the 2-D shape matches.
pub fn check_shape(
    kernel: &'static str,
    arg: &'static str,
    expected: (usize, usize),
    got: (usize, usize),
) -> Result<()> {
    length_unless(
        expected == got,
        kernel,
        arg,
        format_args!("shape {}x{}", expected.0, expected.1),
        format_args!("shape {}x{}", got.0, got.1),
    )
}

/// `Ok` when `same`, else the `Length` error of `arg` with the two sizes as written.
fn length_unless(
    same: bool,
    kernel: &'static str,
    arg: &'static str,
    expected: fmt::Arguments<'_>,
    got: fmt::Arguments<'_>,
) -> Result<()> {
    if same {
        Ok(())
    } else {
        Err(Error::length(kernel, arg, expected, got))
    }
}

/// The text of a panic payload (`panic!("...")` gives a `&str` or a `String`).
fn panic_text(payload: &(dyn Any + Send)) -> &str {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s
    } else {
        "unknown panic payload"
    }
}

/// Runs `f`, turning a panic into [`Error::Panic`] naming `kernel` and carrying the panic's
/// message. Every front door runs its kernel calls inside this (the C door's panic boundary,
/// the Python extension), so a panic never unwinds into a caller's C, Fortran or Python frames.
///
/// The panic hook is left alone: Rust's default hook still prints the panic (with its
/// location) to stderr, which helps a bug report; the same message is in the returned error.
/// speedup never installs a process-wide hook (that belongs to the host program).
pub fn catch_panic<R>(kernel: &'static str, f: impl FnOnce() -> R) -> Result<R> {
    catch_unwind(AssertUnwindSafe(|| {
        #[cfg(feature = "fault-injection")]
        crate::fault::at_entry(kernel);
        f()
    }))
    .map_err(|payload| Error::Panic {
        kernel,
        message: panic_text(&*payload).to_owned(),
    })
}
