//! Test-only fault injection: compiled only with the cargo feature `fault-injection`, which no
//! release build, shipped library or wheel enables. It lets the tests prove that a panic inside
//! speedup becomes an error at every front door (`SPEEDUP_ERR_PANIC`, a Python `RuntimeError`)
//! and that a failed allocation becomes `Error::Allocation`, and that the next call works.
//!
//! One process-wide setting, changed by [`inject`] (the C door of a fault-injection build
//! exports it as `speedup_test_inject_fault`, the Python extension as `_inject_fault`):
//!
//! | spec | effect |
//! |---|---|
//! | `""` or `"none"` | no fault (the default) |
//! | `"panic:<kernel>"` | every call of `<kernel>` (its door name, e.g. `sum`, `laplacian`) panics as it starts, on the calling thread |
//! | `"panic-in-pool"` | every kernel call that goes parallel panics inside speedup's thread pool, on a worker thread |
//! | `"alloc-limit:<bytes>"` | every fallible scratch allocation larger than `<bytes>` fails |

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;

static PANIC_KERNEL: Mutex<String> = Mutex::new(String::new());
static PANIC_IN_POOL: AtomicBool = AtomicBool::new(false);
static ALLOC_LIMIT: AtomicU64 = AtomicU64::new(u64::MAX);

/// Sets the fault (see the module documentation); an unknown spec is refused with a message
/// listing the accepted ones, and changes nothing.
pub fn inject(spec: &str) -> Result<(), String> {
    let spec = spec.trim();
    let (panic_kernel, in_pool, limit) = if spec.is_empty() || spec == "none" {
        (String::new(), false, u64::MAX)
    } else if spec == "panic-in-pool" {
        (String::new(), true, u64::MAX)
    } else if let Some(k) = spec.strip_prefix("panic:").filter(|k| !k.is_empty()) {
        (k.to_owned(), false, u64::MAX)
    } else if let Some(Ok(b)) = spec.strip_prefix("alloc-limit:").map(str::parse::<u64>) {
        (String::new(), false, b)
    } else {
        return Err(format!(
            "fault spec must be \"none\", \"panic:<kernel>\", \"panic-in-pool\" or \
             \"alloc-limit:<bytes>\", got {spec:?}"
        ));
    };
    *PANIC_KERNEL.lock().unwrap_or_else(|p| p.into_inner()) = panic_kernel;
    PANIC_IN_POOL.store(in_pool, Ordering::SeqCst);
    ALLOC_LIMIT.store(limit, Ordering::SeqCst);
    Ok(())
}

/// Called by [`crate::catch_panic`] as a door's call of `kernel` starts.
pub(crate) fn at_entry(kernel: &str) {
    let hit = *PANIC_KERNEL.lock().unwrap_or_else(|p| p.into_inner()) == kernel;
    if hit {
        panic!("injected fault: {kernel} was told to panic");
    }
}

/// Called by `threads::run` on a pool worker, before the kernel's parallel part.
pub(crate) fn in_pool() {
    if PANIC_IN_POOL.load(Ordering::SeqCst) {
        panic!("injected fault: panic inside speedup's thread pool");
    }
}

/// False when an allocation of `bytes` must fail.
pub(crate) fn allocation_allowed(bytes: u128) -> bool {
    bytes <= ALLOC_LIMIT.load(Ordering::SeqCst) as u128
}
