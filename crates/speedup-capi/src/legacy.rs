//! The legacy door beyond the kernels: the OpenMP diagnostic `speedup_legacy_omp_team_size` and
//! the OpenMP runtime of the configuration report. The `speedup_legacy_<kernel>` exports stand in
//! lib.rs, each beside its kernel's export (the lab's legacy C and Fortran OpenMP routines, through
//! the safe wrappers of `speedup-legacy`, behind the same door as the Rust kernels, with the same
//! signature, checks, status codes and messages). The thread knob (`speedup_set_num_threads`)
//! sets their OpenMP thread count on whichever thread calls.

use speedup_legacy as legacy;

use crate::scalar_pair;
use crate::status::speedup_status;

/// Diagnostic: opens one legacy OpenMP parallel region on the calling thread, as every legacy
/// routine does, and reports its team size (`omp_get_num_threads()` inside it) in `*team` and
/// the number of distinct OpenMP threads that ran in `*distinct`. Both equal
/// `speedup_get_num_threads()` when the knob reaches OpenMP.
#[no_mangle]
pub unsafe extern "C" fn speedup_legacy_omp_team_size(
    team: *mut usize,
    distinct: *mut usize,
) -> speedup_status {
    const K: &str = "legacy_omp_team_size";
    scalar_pair(K, ("team", team), ("distinct", distinct), || {
        Ok(legacy::omp_team_size())
    })
}

/// cbindgen:ignore
mod omp {
    extern "C" {
        /// An entry point of the OpenMP runtime the legacy routines are linked with (through
        /// `openmp-sys`); only its address is used, to find that runtime's file.
        pub(super) fn omp_get_max_threads() -> std::ffi::c_int;
    }
}

/// The OpenMP runtime in this process, for the configuration report: its name and the file it
/// was loaded from (`libgomp (/usr/lib/x86_64-linux-gnu/libgomp.so.1)`), found with `dladdr` on
/// one of its functions; `linked` when the file cannot be told.
pub(crate) fn openmp_runtime() -> String {
    let mut info = std::mem::MaybeUninit::<libc::Dl_info>::zeroed();
    let addr = omp::omp_get_max_threads as *const std::ffi::c_void;
    // SAFETY: dladdr only reads the address and fills `info`; it returns 0 when it cannot.
    let found = unsafe { libc::dladdr(addr, info.as_mut_ptr()) } != 0;
    // SAFETY: zero-initialised, and filled by dladdr when `found`.
    let info = unsafe { info.assume_init() };
    if !found || info.dli_fname.is_null() {
        return "linked".to_owned();
    }
    // SAFETY: dladdr gives a NUL-terminated path owned by the loader.
    let path = unsafe { std::ffi::CStr::from_ptr(info.dli_fname) }.to_string_lossy();
    let file = path.rsplit('/').next().unwrap_or(&path);
    let name = file.split('.').next().unwrap_or(file);
    format!("{name} ({path})")
}
