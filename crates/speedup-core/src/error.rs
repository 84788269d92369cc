//! The one error type of the kernels. Every front door maps it to its own idiom
//! (C status code + message, Fortran `stat`, Python exception) without rewording it.

use std::fmt;

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
            | Error::Interrupted { kernel } => kernel,
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
    if expected == got {
        Ok(())
    } else {
        Err(Error::length(
            kernel,
            arg,
            format_args!("length {expected}"),
            format_args!("length {got}"),
        ))
    }
}

/// `Err(Length)` unless the 2-D shape matches.
pub fn check_shape(
    kernel: &'static str,
    arg: &'static str,
    expected: (usize, usize),
    got: (usize, usize),
) -> Result<()> {
    if expected == got {
        Ok(())
    } else {
        Err(Error::length(
            kernel,
            arg,
            format_args!("shape {}x{}", expected.0, expected.1),
            format_args!("shape {}x{}", got.0, got.1),
        ))
    }
}
