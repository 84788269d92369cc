//! The one thread knob of speedup.
//!
//! Every parallel kernel runs on a rayon pool owned by speedup (never rayon's global pool, which
//! the host program may own). Its size is the knob:
//! - at load: `SPEEDUP_NUM_THREADS`, else the first value of `OMP_NUM_THREADS`, else the CPUs
//!   this process may use (`std::thread::available_parallelism`, which honours affinity masks
//!   and cgroup quotas);
//! - [`set_num_threads`] changes it at run time (`0` restores the load-time default), safely
//!   while other threads run kernels: a running call keeps the pool it started on;
//! - a call made from inside one of speedup's own workers runs serially (no nested
//!   oversubscription);
//! - after `fork()` the child notices that the pool's threads did not come along and builds a
//!   new pool instead of waiting forever on the dead one ([`fork_generation`]; the handler is
//!   registered when the library is loaded).
//!
//! The thread count never changes a result: kernels split work into blocks that do not depend on
//! it (see `crate::reduce`). Nor does where a call runs: below its serial cut-off a kernel runs
//! on the calling thread ([`go_parallel`]; the cut-offs are measured on this machine by
//! `crate::calibrate`, or set by the environment).

use ndarray::{ArrayViewMut2, Axis};
use rayon::prelude::*;

use crate::error::{Error, Result};
use std::cell::Cell;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

/// Largest thread count accepted by [`set_num_threads`] and the environment variables.
pub const MAX_THREADS: usize = 1024;

/// The knob: 0 means "the load-time default".
static REQUESTED: AtomicUsize = AtomicUsize::new(0);
/// Bumped in the child after every `fork()`.
static FORK_GENERATION: AtomicU64 = AtomicU64::new(0);

thread_local! {
    /// True on the worker threads of speedup's own pools.
    static IN_WORKER: Cell<bool> = const { Cell::new(false) };
}

struct PoolEntry {
    threads: usize,
    generation: u64,
    pool: Arc<rayon::ThreadPool>,
}

static POOL: Mutex<Option<PoolEntry>> = Mutex::new(None);

/// Parses a thread-count variable: a positive integer (for `OMP_NUM_THREADS`, the first value of
/// a comma-separated list). Anything else is ignored, as OpenMP runtimes do.
fn parse_env_threads(value: &str) -> Option<usize> {
    let first = value.split(',').next()?.trim();
    match first.parse::<usize>() {
        Ok(n) if n >= 1 => Some(n.min(MAX_THREADS)),
        _ => None,
    }
}

/// The default at load and where it came from (the variable's name, or `"cpus"`), computed once.
fn load_default() -> (usize, &'static str) {
    static DEFAULT: OnceLock<(usize, &'static str)> = OnceLock::new();
    *DEFAULT.get_or_init(|| {
        ["SPEEDUP_NUM_THREADS", "OMP_NUM_THREADS"]
            .iter()
            .find_map(|&var| {
                std::env::var(var)
                    .ok()
                    .as_deref()
                    .and_then(parse_env_threads)
                    .map(|n| (n, var))
            })
            .unwrap_or_else(|| {
                let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
                (cpus, "cpus")
            })
    })
}

/// The default at load, computed once.
pub fn default_num_threads() -> usize {
    load_default().0
}

/// Where [`get_num_threads`] comes from: `"set_num_threads"` while a [`set_num_threads`] call
/// with `n > 0` holds the knob, else the source of the load-time default: `"SPEEDUP_NUM_THREADS"`,
/// `"OMP_NUM_THREADS"` or `"cpus"` (the CPUs this process may use).
pub fn num_threads_source() -> &'static str {
    match REQUESTED.load(Ordering::Relaxed) {
        0 => load_default().1,
        _ => "set_num_threads",
    }
}

/// Sets the thread count for every later kernel call (`0` restores the default).
///
/// Counts above [`MAX_THREADS`] are refused with an error naming the limit.
pub fn set_num_threads(n: usize) -> Result<()> {
    if n > MAX_THREADS {
        return Err(Error::invalid(
            "set_num_threads",
            "n",
            format!("must be between 0 and {MAX_THREADS} (0 restores the default), got {n}"),
        ));
    }
    REQUESTED.store(n, Ordering::Relaxed);
    Ok(())
}

/// The thread count the next kernel call will use (the knob, or the default when unset).
pub fn get_num_threads() -> usize {
    match REQUESTED.load(Ordering::Relaxed) {
        0 => default_num_threads(),
        n => n,
    }
}

/// True when called on one of speedup's worker threads.
pub fn in_worker() -> bool {
    IN_WORKER.with(Cell::get)
}

/// The number of threads a kernel called here and now may use: 1 inside speedup's own
/// workers, else the knob.
pub fn effective_threads() -> usize {
    if in_worker() {
        1
    } else {
        get_num_threads()
    }
}

extern "C" fn after_fork_in_child() {
    FORK_GENERATION.fetch_add(1, Ordering::Relaxed);
}

/// How many `fork()`s lie between this process and the one that loaded speedup: 0 in that
/// process, 1 in its forked child, 2 in a grandchild... Thread pools (speedup's own, and
/// OpenMP's) do not survive `fork()`; this is how speedup tells.
pub fn fork_generation() -> u64 {
    register_fork_handler();
    FORK_GENERATION.load(Ordering::Relaxed)
}

/// Registers the fork handler as the library is loaded (an ELF constructor), so that a child
/// forked before speedup's first call still knows it is one.
#[cfg(target_os = "linux")]
#[used]
#[link_section = ".init_array"]
static REGISTER_FORK_HANDLER_AT_LOAD: extern "C" fn() = {
    extern "C" fn at_load() {
        register_fork_handler();
    }
    at_load
};

fn register_fork_handler() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // SAFETY: registering a plain extern "C" function with no captured state; the handler
        // only touches an atomic, which is async-signal-safe.
        unsafe {
            libc::pthread_atfork(None, None, Some(after_fork_in_child));
        }
    });
}

/// The pool for `threads` workers, built on first use and rebuilt when the knob or the process
/// (fork) changed.
fn pool(threads: usize) -> Arc<rayon::ThreadPool> {
    register_fork_handler();
    let generation = FORK_GENERATION.load(Ordering::Relaxed);
    let mut guard = POOL.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(entry) = guard.as_ref() {
        if entry.threads == threads && entry.generation == generation {
            return Arc::clone(&entry.pool);
        }
        if entry.generation != generation {
            // Forked: the old pool's threads exist only in the parent. Dropping it would signal
            // threads that are not there; leak it instead (a few hundred bytes, once per fork).
            if let Some(old) = guard.take() {
                std::mem::forget(old);
            }
        }
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("speedup-{i}"))
        .start_handler(|_| IN_WORKER.with(|w| w.set(true)))
        .build()
        .map(Arc::new)
        .expect("speedup: could not start worker threads");
    *guard = Some(PoolEntry {
        threads,
        generation,
        pool: Arc::clone(&pool),
    });
    pool
}

/// The pool for `threads` workers (the calibration's round trip runs on it).
pub(crate) fn pool_for(threads: usize) -> Arc<rayon::ThreadPool> {
    pool(threads)
}

/// Runs `f` on speedup's pool with the current thread count, or directly on the calling thread
/// when that count is 1 or when already inside a speedup worker. Kernels call this only when
/// their input is above their serial cut-off.
pub fn run<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    let threads = effective_threads();
    if threads <= 1 || in_worker() {
        f()
    } else {
        pool(threads).install(|| {
            #[cfg(feature = "fault-injection")]
            crate::fault::in_pool();
            f()
        })
    }
}

/// Runs `block(first, rows)` over `out` in blocks of `rows_per_task` rows (axis 0), `first`
/// being the index of a block's first row: the blocks in parallel through [`run`] when
/// `parallel`, else one block of all of `out` on the calling thread.
pub(crate) fn row_blocks<T: Send>(
    parallel: bool,
    mut out: ArrayViewMut2<'_, T>,
    rows_per_task: usize,
    block: impl Fn(usize, ArrayViewMut2<'_, T>) + Sync,
) {
    if parallel {
        let tasks: Vec<_> = out
            .axis_chunks_iter_mut(Axis(0), rows_per_task)
            .enumerate()
            .collect();
        run(|| {
            tasks
                .into_par_iter()
                .for_each(|(t, o)| block(t * rows_per_task, o))
        });
    } else {
        block(0, out.view_mut());
    }
}

/// Benchmarks only: when set, every kernel goes parallel whatever its size, so that the
/// serial cut-offs can be measured (`cargo bench -p speedup-core --bench kernels -- sweep`).
static IGNORE_CUTOFFS: AtomicBool = AtomicBool::new(false);

#[doc(hidden)]
pub fn set_ignore_cutoffs(on: bool) {
    IGNORE_CUTOFFS.store(on, Ordering::Relaxed);
}

/// True while the benchmarks' switch above is set.
pub(crate) fn cutoffs_ignored() -> bool {
    IGNORE_CUTOFFS.load(Ordering::Relaxed)
}

/// True when a kernel with `work` units (elements, points, ...) and serial cut-off `cutoff`
/// should go parallel (a fixed cut-off; the kernels ask [`go_parallel`]).
pub fn parallel_worthwhile(work: usize, cutoff: usize) -> bool {
    (work >= cutoff || IGNORE_CUTOFFS.load(Ordering::Relaxed)) && effective_threads() > 1
}

pub use crate::calibrate::Kernel;

/// True when a call of `kernel` with `work` units (elements, points, ...) should go parallel:
/// more than one thread here, and `work` at least the kernel's cut-off (measured on this
/// machine at the first such call, or set by the environment: `crate::calibrate`). With one
/// thread nothing is measured.
pub fn go_parallel(work: usize, kernel: Kernel) -> bool {
    let threads = effective_threads();
    threads > 1
        && (crate::calibrate::forcing()
            || !crate::calibrate::calibrating()
                && (IGNORE_CUTOFFS.load(Ordering::Relaxed)
                    || crate::calibrate::parallel(work, kernel, threads)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_parsing_follows_openmp() {
        assert_eq!(parse_env_threads("4"), Some(4));
        assert_eq!(parse_env_threads(" 3 "), Some(3));
        assert_eq!(parse_env_threads("2,1"), Some(2));
        assert_eq!(parse_env_threads("0"), None);
        assert_eq!(parse_env_threads("-1"), None);
        assert_eq!(parse_env_threads("many"), None);
        assert_eq!(parse_env_threads(""), None);
        assert_eq!(parse_env_threads("100000"), Some(MAX_THREADS));
    }

    #[test]
    fn workers_run_nested_calls_serially() {
        let _guard = crate::test_support::knob(3);
        let seen = run(|| rayon::broadcast(|_| (in_worker(), effective_threads())));
        assert_eq!(seen.len(), 3);
        assert!(seen.iter().all(|&(w, t)| w && t == 1));
        assert!(!in_worker());
    }

    #[test]
    fn absurd_counts_are_refused() {
        assert!(set_num_threads(MAX_THREADS + 1).is_err());
    }
}
