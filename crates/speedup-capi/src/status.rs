//! `speedup_status`, the thread-local last error, and the panic boundary every export sits in.

use std::cell::RefCell;
use std::ffi::c_char;
use std::panic::catch_unwind;

/// The result of every speedup call: `SPEEDUP_OK` (0) or one code per class of failure.
/// `speedup_status_message(code)` names the class; `speedup_last_error(buf, len)` gives this
/// thread's detailed message of its last failure. A plain integer type, so that any value a
/// caller passes back in is safe.
#[allow(non_camel_case_types)]
#[repr(transparent)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct speedup_status(pub i32);

/// Success; the outputs were written.
pub const SPEEDUP_OK: speedup_status = speedup_status(0);
/// A required pointer was NULL (an array pointer may be NULL only when its length is 0).
pub const SPEEDUP_ERR_NULL_POINTER: speedup_status = speedup_status(1);
/// An array length did not match what the call needs (e.g. `out_len`).
pub const SPEEDUP_ERR_LENGTH: speedup_status = speedup_status(2);
/// An argument broke a rule of the contract (e.g. `dx == 0`, `tau < 1`, a NaN coordinate).
pub const SPEEDUP_ERR_INVALID_ARGUMENT: speedup_status = speedup_status(3);
/// The exact result does not fit in its type.
pub const SPEEDUP_ERR_OVERFLOW: speedup_status = speedup_status(4);
/// The call was interrupted by `speedup_request_interrupt()` (e.g. from a SIGINT handler).
pub const SPEEDUP_ERR_INTERRUPTED: speedup_status = speedup_status(5);
/// speedup hit an internal error (a Rust panic, caught at the boundary); the process is fine.
/// `speedup_last_error` has the panic's message. Scalar outputs were not written; output arrays
/// may hold partial results.
pub const SPEEDUP_ERR_PANIC: speedup_status = speedup_status(6);
/// A scratch buffer the call needs could not be allocated (out of memory); nothing was written
/// and the process is fine.
pub const SPEEDUP_ERR_ALLOCATION: speedup_status = speedup_status(7);

thread_local! {
    static LAST_ERROR: RefCell<String> = const { RefCell::new(String::new()) };
}

/// Why a C call failed: a kernel's own error, or a problem only the C door can see.
#[derive(Debug)]
pub(crate) enum Failure {
    Core(speedup_core::Error),
    Null {
        kernel: &'static str,
        arg: &'static str,
    },
    /// A length that is wrong or not representable at the C door.
    Length {
        kernel: &'static str,
        message: String,
    },
    /// An argument broken in a way only the C door can see (misaligned, overlapping, ...).
    Invalid {
        kernel: &'static str,
        message: String,
    },
}

impl From<speedup_core::Error> for Failure {
    fn from(e: speedup_core::Error) -> Self {
        Failure::Core(e)
    }
}

pub(crate) type CResult = Result<(), Failure>;

impl Failure {
    fn status(&self) -> speedup_status {
        use speedup_core::Error as E;
        match self {
            Failure::Core(E::InvalidArgument { .. }) | Failure::Invalid { .. } => {
                SPEEDUP_ERR_INVALID_ARGUMENT
            }
            Failure::Core(E::Length { .. }) | Failure::Length { .. } => SPEEDUP_ERR_LENGTH,
            Failure::Core(E::Overflow { .. }) => SPEEDUP_ERR_OVERFLOW,
            Failure::Core(E::Interrupted { .. }) => SPEEDUP_ERR_INTERRUPTED,
            Failure::Core(E::Allocation { .. }) => SPEEDUP_ERR_ALLOCATION,
            Failure::Core(E::Panic { .. }) => SPEEDUP_ERR_PANIC,
            Failure::Null { .. } => SPEEDUP_ERR_NULL_POINTER,
        }
    }

    fn message(&self) -> String {
        match self {
            Failure::Core(e) => e.to_string(),
            Failure::Null { kernel, arg } => format!("{kernel}: {arg} must not be NULL"),
            Failure::Length { kernel, message } | Failure::Invalid { kernel, message } => {
                format!("{kernel}: {message}")
            }
        }
    }
}

fn set_last_error(message: String) {
    LAST_ERROR.with(|m| *m.borrow_mut() = message);
}

/// Runs one export's body inside [`speedup_core::catch_panic`]: a panic becomes
/// `SPEEDUP_ERR_PANIC`, a failure its status, and either one this thread's last error message.
/// Rust's panic hook is left as the host has it (by default it also prints the panic to
/// stderr, which helps a bug report).
pub(crate) fn boundary(kernel: &'static str, body: impl FnOnce() -> CResult) -> speedup_status {
    let failure = match speedup_core::catch_panic(kernel, body) {
        Ok(Ok(())) => return SPEEDUP_OK,
        Ok(Err(failure)) => failure,
        Err(panic) => Failure::Core(panic),
    };
    set_last_error(failure.message());
    failure.status()
}

/// Copies this thread's last error message into `buf` (NUL-terminated, truncated to `len - 1`
/// bytes) and returns the message's full length in bytes, like `snprintf`. `buf` may be NULL
/// when `len` is 0, to ask for the length. An empty message means no call on this thread failed.
#[no_mangle]
pub unsafe extern "C" fn speedup_last_error(buf: *mut c_char, len: usize) -> usize {
    let copied = catch_unwind(|| {
        LAST_ERROR.with(|m| {
            let m = m.borrow();
            if !buf.is_null() && len > 0 {
                let n = m.len().min(len - 1);
                // SAFETY: the caller promises `buf` holds `len` bytes; we write n + 1 <= len.
                unsafe {
                    std::ptr::copy_nonoverlapping(m.as_ptr().cast::<c_char>(), buf, n);
                    *buf.add(n) = 0;
                }
            }
            m.len()
        })
    });
    copied.unwrap_or(0)
}

/// A static, NUL-terminated description of a status code (any value is accepted).
#[no_mangle]
pub extern "C" fn speedup_status_message(s: speedup_status) -> *const c_char {
    let text: &'static [u8] = match s {
        SPEEDUP_OK => b"success\0",
        SPEEDUP_ERR_NULL_POINTER => b"a required pointer was NULL\0",
        SPEEDUP_ERR_LENGTH => b"an array length does not match the call\0",
        SPEEDUP_ERR_INVALID_ARGUMENT => b"an argument breaks a rule of the kernel\0",
        SPEEDUP_ERR_OVERFLOW => b"the result does not fit in its type\0",
        SPEEDUP_ERR_INTERRUPTED => b"the call was interrupted\0",
        SPEEDUP_ERR_PANIC => b"internal error in speedup (caught panic)\0",
        SPEEDUP_ERR_ALLOCATION => b"out of memory (an allocation failed)\0",
        _ => b"unknown speedup_status code\0",
    };
    text.as_ptr().cast()
}
