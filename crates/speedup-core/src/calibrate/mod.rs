//! Serial/parallel cut-offs that fit the machine.
//!
//! A parallel call pays a fixed price before any work (waking the pool's workers, and the
//! caller at the end) and then shares the work among the threads; below some size one thread
//! is faster. Where that size lies depends on the machine, so it is measured, once per process,
//! at the first call that could go parallel:
//!
//! - the pool's round trip `w`: a broadcast on speedup's pool in which every worker spins
//!   `probe::SPIN`, minus that spin (the median of a few back-to-back samples), and how many
//!   workers spun at once (the most in any sample): where other work keeps the CPUs busy, woken
//!   workers wait for a CPU and run one after the other, and a second thread wins nothing;
//! - each calibrated kernel's serial cost per unit of work `c`, on a small cache-resident input
//!   (the fastest of a few runs);
//! - for the kernels whose tasks are cheap (`sum`, the stencils, `comb_forward`), their own
//!   parallel overhead: a forced parallel call of two tasks' worth, pool awake, minus the
//!   model's share of its work ([`Measured::split`]). The model charges the larger of it and `w`.
//!
//! The cost model ([`model_cutoff`]) predicts `T_serial(n) = n c` and
//! `T_parallel(n) = w + c max(n / p, min(n, g))` (`p` threads, `g` the kernel's parallel task
//! size; `p` at most the workers seen at once) and puts the cut-off where the parallel call
//! wins by [`MARGIN`]. When no two workers ran at once (other work holds the CPUs), `w` is
//! [`BUSY_ROUND_TRIP`] instead ([`model_inputs`]).
//!
//! The cut-offs only choose where a call runs: every kernel splits its work into blocks that
//! depend only on the input (the reduction tree on `n` alone), so the result has the same bits
//! whatever the cut-off. With one thread nothing is measured. The environment overrides the
//! measurement for reproducible benchmarks (see [`mod@env`]): `SPEEDUP_CUTOFF_<KERNEL>=<n>`, then
//! `SPEEDUP_PARALLEL_CUTOFF=<n>` for every kernel, then `SPEEDUP_CALIBRATE=0` for the documented
//! defaults (the `*PARALLEL_CUTOFF` constants of the kernels).
//!
//! `sum_primes_below` (a probe would cost a whole sieve segment) is not measured: it keeps its
//! default unless overridden. Nor is `map_f64` ahead of time (the cost is the caller's
//! function): above its default cut-off a call times its first task on the calling thread and
//! asks the model about the rest (`worth_at_call`).

pub mod env;
pub(crate) mod probe;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// A kernel (or family of kernels sharing one cut-off) that may go parallel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kernel {
    /// `sum`, `mean`, `std` (the reduction tree): elements.
    Sum,
    /// `second_derivative`, `laplacian`: output elements.
    Stencils,
    /// `comb_forward`: elements (`n * k`).
    CombForward,
    /// `mandelbrot`: points times `max_iter`.
    Mandelbrot,
    /// `is_prime_many`: numbers.
    IsPrimeMany,
    /// `sum_primes_below`, `sum_primes_below_many`: the largest query (integers sieved).
    SumPrimesBelow,
    /// `monte_carlo_pi`: points.
    MonteCarloPi,
    /// `markov_chains`: chains times steps.
    MarkovChains,
    /// `closest_pair`: points.
    ClosestPair,
    /// `map_f64`: elements.
    MapF64,
}

impl Kernel {
    /// Every kernel, in the order of the configuration report.
    pub const ALL: [Kernel; 10] = [
        Kernel::Sum,
        Kernel::Stencils,
        Kernel::CombForward,
        Kernel::Mandelbrot,
        Kernel::IsPrimeMany,
        Kernel::SumPrimesBelow,
        Kernel::MonteCarloPi,
        Kernel::MarkovChains,
        Kernel::ClosestPair,
        Kernel::MapF64,
    ];

    /// The name in the report (`cutoff.<name>`) and, upper-cased, in the environment variable.
    pub fn name(self) -> &'static str {
        match self {
            Kernel::Sum => "sum",
            Kernel::Stencils => "stencils",
            Kernel::CombForward => "comb_forward",
            Kernel::Mandelbrot => "mandelbrot",
            Kernel::IsPrimeMany => "is_prime_many",
            Kernel::SumPrimesBelow => "sum_primes_below",
            Kernel::MonteCarloPi => "monte_carlo_pi",
            Kernel::MarkovChains => "markov_chains",
            Kernel::ClosestPair => "closest_pair",
            Kernel::MapF64 => "map_f64",
        }
    }

    /// `SPEEDUP_CUTOFF_<NAME>`: this kernel's own override.
    pub fn env_var(self) -> &'static str {
        match self {
            Kernel::Sum => "SPEEDUP_CUTOFF_SUM",
            Kernel::Stencils => "SPEEDUP_CUTOFF_STENCILS",
            Kernel::CombForward => "SPEEDUP_CUTOFF_COMB_FORWARD",
            Kernel::Mandelbrot => "SPEEDUP_CUTOFF_MANDELBROT",
            Kernel::IsPrimeMany => "SPEEDUP_CUTOFF_IS_PRIME_MANY",
            Kernel::SumPrimesBelow => "SPEEDUP_CUTOFF_SUM_PRIMES_BELOW",
            Kernel::MonteCarloPi => "SPEEDUP_CUTOFF_MONTE_CARLO_PI",
            Kernel::MarkovChains => "SPEEDUP_CUTOFF_MARKOV_CHAINS",
            Kernel::ClosestPair => "SPEEDUP_CUTOFF_CLOSEST_PAIR",
            Kernel::MapF64 => "SPEEDUP_CUTOFF_MAP_F64",
        }
    }

    /// The documented default (`SPEEDUP_CALIBRATE=0`, and the kernels never measured): the
    /// constant each kernel's module publishes, measured on the development machine.
    pub fn default_cutoff(self) -> usize {
        match self {
            Kernel::Sum => crate::reduce::PARALLEL_CUTOFF,
            Kernel::Stencils => crate::stencil::PARALLEL_CUTOFF,
            Kernel::CombForward => crate::comb::PARALLEL_CUTOFF,
            Kernel::Mandelbrot => crate::mandelbrot::PARALLEL_CUTOFF,
            Kernel::IsPrimeMany => crate::primes::IS_PRIME_PARALLEL_CUTOFF,
            Kernel::SumPrimesBelow => crate::primes::SIEVE_PARALLEL_CUTOFF as usize,
            Kernel::MonteCarloPi => crate::random::PI_PARALLEL_CUTOFF as usize,
            Kernel::MarkovChains => crate::random::MARKOV_PARALLEL_CUTOFF as usize,
            Kernel::ClosestPair => crate::closest::PARALLEL_CUTOFF,
            Kernel::MapF64 => crate::map::PARALLEL_CUTOFF,
        }
    }

    /// Work units per parallel task, as the kernel splits its work (the model's `g`); below
    /// it a parallel call has one task and cannot win, so the calibrated cut-off never goes
    /// below it. The figures repeat each module's private task size: `reduce::GRAIN`,
    /// `stencil::TASK`, `comb::TASK_ROWS` (one column), `mandelbrot::TASK` (points: the lower
    /// bound in points x iterations), `IS_PRIME_TASK`, `PI_TASK`, `closest::JOIN_CUTOFF`,
    /// `map::TASK`; a Markov chain is one task (its length varies: 1).
    fn grain(self) -> usize {
        match self {
            Kernel::Sum => 1 << 16,
            Kernel::Stencils => 1 << 14,
            Kernel::CombForward => 1 << 13,
            Kernel::Mandelbrot => 1 << 11,
            Kernel::IsPrimeMany => 1 << 11,
            Kernel::MonteCarloPi => 1 << 18,
            Kernel::ClosestPair => 1 << 13,
            Kernel::MapF64 => 1 << 10,
            Kernel::MarkovChains | Kernel::SumPrimesBelow => 1,
        }
    }

    /// How much more a work unit costs at size `n` than at the size its probe measured:
    /// `closest_pair` sorts and merges (`n log n` work over `n` points: `log2 n` over
    /// `log2 512`, the probe having 512 points); 1 for the others.
    pub fn cost_growth(self, n: usize) -> f64 {
        match self {
            Kernel::ClosestPair => {
                let at = |n: usize| (n.max(2) as f64).log2();
                (at(n) / at(probe::CLOSEST_PROBE)).max(1.0)
            }
            _ => 1.0,
        }
    }

    /// Whether the cut-off is measured (see the module documentation for the two that are not).
    pub fn calibrated(self) -> bool {
        !matches!(self, Kernel::SumPrimesBelow | Kernel::MapF64)
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// Where a kernel's cut-off comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// Measured on this machine by this process.
    Calibrated,
    /// The documented default: `SPEEDUP_CALIBRATE=0`, a kernel that is never measured, a
    /// measurement that failed, or no measurement yet (one thread so far).
    Default,
    /// An environment variable: `SPEEDUP_CUTOFF_<KERNEL>` or `SPEEDUP_PARALLEL_CUTOFF`.
    Env(&'static str),
}

impl Source {
    /// `calibrated`, `default` or the variable's name (the report's words).
    pub fn label(self) -> &'static str {
        match self {
            Source::Calibrated => "calibrated",
            Source::Default => "default",
            Source::Env(var) => var,
        }
    }
}

/// The parallel call must be predicted this much faster than the serial one: inside the
/// margin the two are too close to tell apart, and the serial call leaves the other CPUs free.
pub const MARGIN: f64 = 1.05;

/// The cut-off of the cost model: the least `n` with `n c > MARGIN * T_parallel(n)`, where
/// `T_parallel(n) = wake + c max(n / threads, min(n, grain))` (seconds; `per_unit` in seconds
/// per work unit). That is `max(M w / (c (1 - M/p)), M (w / c + g))` with `M =` [`MARGIN`];
/// `usize::MAX` (never parallel) when `threads` cannot beat the margin or an input is not a
/// positive finite number.
pub fn model_cutoff(wake: f64, per_unit: f64, threads: usize, grain: usize) -> usize {
    let p = threads as f64;
    let ok = |v: f64| v.is_finite() && v >= 0.0;
    if !ok(wake) || !ok(per_unit) || per_unit == 0.0 || p <= MARGIN {
        return usize::MAX;
    }
    let ratio = wake / per_unit;
    let shared = MARGIN * ratio / (1.0 - MARGIN / p);
    let one_task = MARGIN * (ratio + grain as f64);
    let n = shared.max(one_task).ceil();
    if n >= usize::MAX as f64 {
        usize::MAX
    } else {
        n as usize
    }
}

/// What the calibration measured, once per process.
#[derive(Clone, Debug)]
pub struct Measured {
    /// The pool's round trip, seconds.
    pub wake: f64,
    /// The thread count of the pool it was measured on.
    pub threads: usize,
    /// How many of its workers ran at once (the median over the round trips).
    pub at_once: usize,
    /// The CPUs this process could use then (the model never counts more threads).
    pub cpus: usize,
    /// Seconds per work unit of each kernel, by [`Kernel::ALL`] order; `None` when not measured.
    pub per_unit: [Option<f64>; Kernel::ALL.len()],
    /// Each kernel's own parallel overhead, seconds (by [`Kernel::ALL`] order): a parallel call
    /// of two tasks' worth, pool awake, minus the model's share of its work. A kernel's call
    /// wakes the workers one after another as they steal their tasks and sets its tasks up,
    /// which the broadcast round trip does not count. `None` when not measured (the costly
    /// probes, or a busy machine).
    pub split: [Option<f64>; Kernel::ALL.len()],
    /// How long the whole calibration took, seconds.
    pub took: f64,
    /// When it was made.
    pub at: Instant,
}

impl Measured {
    /// True when fewer workers ran at once than the pool has and the CPUs allow, or when the
    /// median round trip took a scheduler time slice or more ([`BUSY_ROUND_TRIP`]): other work
    /// held the CPUs then (on a quiet machine too, for a moment: a library's freshly started
    /// threads spin, as OpenBLAS's do right after `import numpy`; a program's own threads may
    /// outnumber the CPUs for a while).
    pub fn busy(&self) -> bool {
        self.at_once < self.threads.min(self.cpus) || self.wake >= BUSY_ROUND_TRIP
    }
}

thread_local! {
    /// True on a thread running the calibration: the probes' kernel calls stay serial.
    static CALIBRATING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// True while the calibration times a kernel's parallel call: its kernel calls go parallel.
    static FORCING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// A measurement that saw a busy machine is made again on the first call at least this long
/// after it, at most [`RETRIES`] times: a moment's load must not fix the cut-offs for the
/// process's lifetime, and a machine that stays busy costs a few milliseconds now and then.
const RETRY_AFTER: Duration = Duration::from_secs(1);
/// How many times a busy measurement is made again.
pub const RETRIES: u32 = 5;

/// The calibration's state: the measurement in force (`None` before the first call that needs
/// it, and always with `SPEEDUP_CALIBRATE=0`) and how many times it was made again.
struct State {
    current: Option<&'static Measured>,
    retries: u32,
    /// Every measurement made, the replaced ones too: callers may still hold them, so they live
    /// as long as the process (kept here, they stay reachable rather than leaked).
    all: Vec<&'static Measured>,
}

static STATE: Mutex<State> = Mutex::new(State {
    current: None,
    retries: 0,
    all: Vec::new(),
});

/// Measures now, on the calling thread with the pool at `threads`.
fn measure(threads: usize) -> &'static Measured {
    let started = Instant::now();
    CALIBRATING.with(|c| c.set(true));
    let m = probe::measure(threads);
    CALIBRATING.with(|c| c.set(false));
    // Lives as long as the process: callers keep `&'static` references (at most 1 + RETRIES
    // measurements per process, each listed in `State::all`).
    Box::leak(Box::new(Measured {
        took: started.elapsed().as_secs_f64(),
        at: started,
        ..m
    }))
}

/// The measurement, made now if it has not been or if the one in force saw a busy machine
/// [`RETRY_AFTER`] ago or more (`None` when `SPEEDUP_CALIBRATE=0`). Concurrent callers wait for
/// a measurement in progress.
fn measured(threads: usize) -> Option<&'static Measured> {
    if let Some(&m) = SETTLED.get() {
        return Some(m);
    }
    if !env::overrides().calibrate {
        return None;
    }
    let mut st = STATE.lock().unwrap_or_else(|p| p.into_inner());
    let m = match st.current {
        Some(m) if m.busy() && st.retries < RETRIES && m.at.elapsed() >= RETRY_AFTER => {
            st.retries += 1;
            measure(threads)
        }
        Some(m) => return Some(m),
        None => measure(threads),
    };
    st.all.push(m);
    st.current = Some(m);
    if !m.busy() || st.retries >= RETRIES {
        // Final: later calls read it without the lock.
        let _ = SETTLED.set(m);
    }
    Some(m)
}

/// The measurement in force once no retry can replace it (it saw a quiet machine, or the
/// retries are spent): read without taking [`STATE`]'s lock, which every call above its grain
/// would otherwise take.
static SETTLED: OnceLock<&'static Measured> = OnceLock::new();

/// The measurement in force if one was made, and how many times a busy one was made again;
/// never starts one.
pub fn measured_so_far() -> Option<(&'static Measured, u32)> {
    let st = STATE.lock().unwrap_or_else(|p| p.into_inner());
    Some((st.current?, st.retries))
}

/// The calibrated cut-off of `kernel` at `threads` from a measurement, `None` when the kernel
/// was not measured.
fn from_measurement(m: &Measured, kernel: Kernel, threads: usize) -> Option<usize> {
    let c = m.per_unit[kernel.index()]?;
    let (w, p) = kernel_inputs(m, kernel, threads);
    Some(kernel_cutoff(kernel, w, c, p))
}

/// [`model_cutoff`] for `kernel` (never below its task size), with its cost per unit taken at
/// the cut-off itself where that cost grows with the size ([`Kernel::cost_growth`]; a few
/// rounds settle it: the growth is logarithmic).
pub fn kernel_cutoff(kernel: Kernel, wake: f64, per_unit: f64, threads: usize) -> usize {
    let mut n = model_cutoff(wake, per_unit, threads, kernel.grain());
    for _ in 0..3 {
        let growth = kernel.cost_growth(n);
        if growth == 1.0 {
            break; // a constant cost per unit (every kernel but closest_pair): settled
        }
        n = model_cutoff(wake, per_unit * growth, threads, kernel.grain());
    }
    n.max(kernel.grain())
}

/// [`model_inputs`] for one kernel: its own parallel overhead replaces the round trip where it
/// was measured and is the larger (see [`Measured::split`]).
pub fn kernel_inputs(m: &Measured, kernel: Kernel, threads: usize) -> (f64, usize) {
    let (w, p) = model_inputs(m, threads);
    match m.split[kernel.index()] {
        Some(own) if m.at_once >= 2 => (w.max(own.min(BUSY_ROUND_TRIP)), p),
        _ => (w, p),
    }
}

/// The round trip a busy machine charges: when the workers ran one after the other, a woken
/// worker had to wait for a CPU that other work held, and a worker preempted in the middle of
/// its task holds the whole call up for about a scheduler time slice. Counting that as the
/// round trip keeps calls shorter than several milliseconds serial there (a second thread
/// would win nothing and risk the slice), while long calls still go parallel and win when
/// the other CPUs come free.
pub const BUSY_ROUND_TRIP: f64 = 4e-3;

/// The model's round trip and thread count for a call at `threads` threads: the measured
/// round trip (at most [`BUSY_ROUND_TRIP`]: a longer one was a moment's oversubscription, and
/// would keep even calls of a second serial) and at most the CPUs, or, when no two workers ran
/// at once, the busy machine's round trip.
pub fn model_inputs(m: &Measured, threads: usize) -> (f64, usize) {
    let p = threads.min(m.cpus.max(1));
    if m.at_once >= 2 {
        (m.wake.min(BUSY_ROUND_TRIP), p.min(m.at_once))
    } else {
        (BUSY_ROUND_TRIP, p)
    }
}

/// The cut-off of `kernel` for a call at `threads` threads, and where it comes from. With more
/// than one thread and no override this measures the machine the first time it is asked.
pub fn cutoff(kernel: Kernel, threads: usize) -> (usize, Source) {
    let ov = env::overrides();
    if let Some(hit) = ov.cutoff(kernel) {
        return hit;
    }
    if threads <= 1 || !kernel.calibrated() || calibrating() {
        return (kernel.default_cutoff(), Source::Default);
    }
    match measured(threads).and_then(|m| from_measurement(m, kernel, threads)) {
        Some(n) => (n, Source::Calibrated),
        None => (kernel.default_cutoff(), Source::Default),
    }
}

/// For a kernel whose cost per unit is known only during the call (`map_f64`: the caller's
/// function, timed on its first task): whether `work` more units at `per_unit` seconds each
/// are worth the pool at `threads` threads, by the cost model with the measured round trip.
/// `None` when the cut-off is not the calibration's to decide (the environment sets it,
/// `SPEEDUP_CALIBRATE=0`, the benchmarks' switches): the kernel keeps its cut-off.
pub(crate) fn worth_at_call(
    kernel: Kernel,
    work: usize,
    per_unit: f64,
    threads: usize,
) -> Option<bool> {
    if calibrating()
        || DEFAULTS_ONLY.load(Ordering::Relaxed)
        || crate::threads::cutoffs_ignored()
        || env::overrides().cutoff(kernel).is_some()
    {
        return None;
    }
    let (w, p) = kernel_inputs(measured(threads)?, kernel, threads);
    Some(work >= model_cutoff(w, per_unit, p, kernel.grain()))
}

/// True on a thread running the calibration (its kernel calls stay serial).
pub(crate) fn calibrating() -> bool {
    CALIBRATING.with(|c| c.get())
}

/// True while this thread's calibration times a parallel call (its kernel calls go parallel).
pub(crate) fn forcing() -> bool {
    FORCING.with(|c| c.get())
}

/// Benchmarks only: when set, the kernels use the documented defaults (as with
/// `SPEEDUP_CALIBRATE=0`), so that one run can time them beside the calibrated cut-offs.
static DEFAULTS_ONLY: AtomicBool = AtomicBool::new(false);

#[doc(hidden)]
pub fn set_defaults_only(on: bool) {
    DEFAULTS_ONLY.store(on, Ordering::Relaxed);
}

/// Whether a call of `kernel` with `work` units at `threads` (> 1) threads goes parallel.
/// Inputs below the kernel's task size never ask for a measurement.
pub(crate) fn parallel(work: usize, kernel: Kernel, threads: usize) -> bool {
    if let Some((n, _)) = env::overrides().cutoff(kernel) {
        return work >= n;
    }
    if DEFAULTS_ONLY.load(Ordering::Relaxed) {
        return work >= kernel.default_cutoff();
    }
    if kernel.calibrated() && work < kernel.grain() {
        return false;
    }
    work >= cutoff(kernel, threads).0
}

#[cfg(test)]
mod tests;
