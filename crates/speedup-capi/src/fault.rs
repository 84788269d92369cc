//! Test-only (cargo feature `fault-injection`): the C door onto `speedup_core::fault`. Not in
//! `speedup.h` (cbindgen skips this module), not in any release build: `tests/check_symbols.sh`
//! fails if the shipped library exports it.

use std::ffi::{c_char, CStr};

use crate::status::{boundary, speedup_status, Failure};

/// Sets the injected fault: `"none"`, `"panic:<kernel>"`, `"panic-in-pool"` or
/// `"alloc-limit:<bytes>"` (see `speedup_core::fault`).
#[no_mangle]
pub unsafe extern "C" fn speedup_test_inject_fault(spec: *const c_char) -> speedup_status {
    const K: &str = "test_inject_fault";
    boundary(K, || {
        if spec.is_null() {
            return Err(Failure::Null {
                kernel: K,
                arg: "spec",
            });
        }
        // SAFETY: the caller passes a NUL-terminated string.
        let spec = unsafe { CStr::from_ptr(spec) }.to_string_lossy();
        speedup_core::fault::inject(&spec)
            .map_err(|message| Failure::Invalid { kernel: K, message })
    })
}
