//! Injected faults through the C door (needs `--features fault-injection`; tests/faults/run.sh
//! runs it): a panic anywhere in a call becomes `SPEEDUP_ERR_PANIC` with the panic's message in
//! `speedup_last_error`, a failed allocation `SPEEDUP_ERR_ALLOCATION`; scalar outputs are not
//! written, and the next call (on the same thread, the same pool) works.

use std::ffi::{c_char, CString};
use std::sync::{Mutex, MutexGuard};

use speedup::*;

/// The fault setting and the thread knob are process-wide: one test at a time.
static SERIAL: Mutex<()> = Mutex::new(());

struct Fault(#[allow(dead_code)] MutexGuard<'static, ()>);

impl Drop for Fault {
    fn drop(&mut self) {
        inject("none");
        speedup_set_num_threads(0);
    }
}

fn inject(spec: &str) {
    let c = CString::new(spec).unwrap();
    let st = unsafe { speedup_test_inject_fault(c.as_ptr()) };
    assert_eq!(st, SPEEDUP_OK, "inject({spec:?}): {}", last_error());
}

fn fault(spec: &str) -> Fault {
    let g = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    inject(spec);
    Fault(g)
}

fn last_error() -> String {
    let n = unsafe { speedup_last_error(std::ptr::null_mut(), 0) };
    let mut buf = vec![0u8; n + 1];
    unsafe { speedup_last_error(buf.as_mut_ptr().cast::<c_char>(), buf.len()) };
    buf.truncate(n);
    String::from_utf8(buf).unwrap()
}

const SENTINEL: f64 = -12345.0;

/// Every scalar-output export, called on small valid inputs; returns (status, scalar output).
/// A call of one export: its status and its scalar output (`SENTINEL` when not written).
type Call = Box<dyn Fn() -> (speedup_status, f64)>;

fn calls() -> Vec<(&'static str, Call)> {
    let x: Vec<f64> = (0..100).map(|i| (i as f64).sin()).collect();
    let pts: Vec<f64> = (0..40).map(|i| ((i * 37) % 101) as f64).collect();
    let x1 = x.clone();
    let x2 = x.clone();
    let x3 = x.clone();
    vec![
        (
            "sum",
            Box::new(move || {
                let mut o = SENTINEL;
                (unsafe { speedup_sum(x1.as_ptr(), x1.len(), &mut o) }, o)
            }),
        ),
        (
            "mean",
            Box::new(move || {
                let mut o = SENTINEL;
                (unsafe { speedup_mean(x2.as_ptr(), x2.len(), &mut o) }, o)
            }),
        ),
        (
            "std",
            Box::new(move || {
                let mut o = SENTINEL;
                (unsafe { speedup_std(x3.as_ptr(), x3.len(), 1, &mut o) }, o)
            }),
        ),
        (
            "sum_primes_below",
            Box::new(|| {
                let mut o = 7u64;
                let st = unsafe { speedup_sum_primes_below(1000, &mut o) };
                (st, if o == 7 { SENTINEL } else { o as f64 })
            }),
        ),
        (
            "monte_carlo_pi",
            Box::new(|| {
                let mut o = SENTINEL;
                (unsafe { speedup_monte_carlo_pi(1000, 3, &mut o) }, o)
            }),
        ),
        (
            "closest_pair",
            Box::new(move || {
                let (mut i, mut j, mut d) = (usize::MAX, usize::MAX, SENTINEL);
                let st = unsafe { speedup_closest_pair(pts.as_ptr(), 20, &mut i, &mut j, &mut d) };
                if st != SPEEDUP_OK {
                    assert_eq!((i, j), (usize::MAX, usize::MAX), "indices written on error");
                }
                (st, d)
            }),
        ),
        (
            "legacy_sum",
            Box::new(move || {
                let mut o = SENTINEL;
                (
                    unsafe { speedup_legacy_sum(x.as_ptr(), x.len(), &mut o) },
                    o,
                )
            }),
        ),
    ]
}

#[test]
fn a_panic_at_the_start_of_a_call_becomes_speedup_err_panic_and_the_next_call_works() {
    for (name, call) in calls() {
        let door = name.strip_prefix("legacy_").unwrap_or(name);
        let want = {
            let _none = fault("none");
            let (st, v) = call();
            assert_eq!(st, SPEEDUP_OK, "{name}: {}", last_error());
            v
        };
        let _f = fault(&format!("panic:{door}"));
        for round in 0..3 {
            let (st, v) = call();
            assert_eq!(st, SPEEDUP_ERR_PANIC, "{name}, round {round}");
            assert_eq!(v, SENTINEL, "{name}: output written on SPEEDUP_ERR_PANIC");
            assert_eq!(
                last_error(),
                format!("{door}: internal error (panic): injected fault: {door} was told to panic")
            );
        }
        inject("none");
        let (st, v) = call();
        assert_eq!(
            (st, v.to_bits()),
            (SPEEDUP_OK, want.to_bits()),
            "{name} after the panic"
        );
    }
}

/// The Laplacian of the first `n` values of `x` as an `n / 100 x 100` grid, into `lap`.
fn big_laplacian(x: &[f64], n: usize, lap: &mut [f64]) -> speedup_status {
    unsafe {
        speedup_laplacian(
            x.as_ptr(),
            n / 100,
            100,
            0.1,
            0.1,
            lap.as_mut_ptr(),
            lap.len(),
        )
    }
}

#[test]
fn a_panic_on_a_pool_worker_comes_back_to_the_caller_and_the_pool_keeps_working() {
    let _f = fault("panic-in-pool");
    assert_eq!(speedup_set_num_threads(4), SPEEDUP_OK);
    // The cut-offs are calibrated on the machine (a busy one keeps calls of a few milliseconds
    // serial): the big calls go to the pool whatever they are.
    speedup_core::threads::set_ignore_cutoffs(true);
    let x: Vec<f64> = (0..2_000_000).map(|i| ((i % 1000) as f64) * 0.5).collect();
    let n = 300_000usize;
    let mut lap = vec![SENTINEL; 98 * (n / 100 - 2)];
    for round in 0..20 {
        let mut o = SENTINEL;
        let st = unsafe { speedup_sum(x.as_ptr(), x.len(), &mut o) };
        assert_eq!((st, o), (SPEEDUP_ERR_PANIC, SENTINEL), "round {round}");
        assert_eq!(
            last_error(),
            "sum: internal error (panic): injected fault: panic inside speedup's thread pool"
        );
        let st = big_laplacian(&x, n, &mut lap);
        assert_eq!(st, SPEEDUP_ERR_PANIC, "laplacian, round {round}");
    }
    // Small calls run on the calling thread, never reach the pool, and are unaffected.
    speedup_core::threads::set_ignore_cutoffs(false);
    let mut o = SENTINEL;
    assert_eq!(unsafe { speedup_sum(x.as_ptr(), 10, &mut o) }, SPEEDUP_OK);
    inject("none");
    let mut o = SENTINEL;
    assert_eq!(
        unsafe { speedup_sum(x.as_ptr(), x.len(), &mut o) },
        SPEEDUP_OK
    );
    assert_eq!(o, 499_500_000.0);
    assert_eq!(
        big_laplacian(&x, n, &mut lap),
        SPEEDUP_OK,
        "{}",
        last_error()
    );
}

#[test]
fn a_failed_allocation_becomes_speedup_err_allocation_with_nothing_written() {
    // closest_pair: its sorted copy of 1000 points is 24000 bytes.
    let pts: Vec<f64> = (0..2000).map(|i| ((i * 7919) % 1009) as f64).collect();
    let (mut i, mut j, mut d) = (7usize, 7usize, SENTINEL);
    let want = {
        let _none = fault("none");
        let st = unsafe { speedup_closest_pair(pts.as_ptr(), 1000, &mut i, &mut j, &mut d) };
        assert_eq!(st, SPEEDUP_OK);
        let want = (i, j, d);
        (i, j, d) = (7, 7, SENTINEL);
        want
    };
    let _f = fault("alloc-limit:1024");
    let st = unsafe { speedup_closest_pair(pts.as_ptr(), 1000, &mut i, &mut j, &mut d) };
    assert_eq!(st, SPEEDUP_ERR_ALLOCATION);
    assert_eq!((i, j, d), (7, 7, SENTINEL));
    assert_eq!(
        last_error(),
        "closest_pair: out of memory: could not allocate 24000 bytes for the sorted copy of the points"
    );
    // sum_primes_below_many: 200 queries, 1600 bytes of answers.
    let q: Vec<u64> = (0..200).map(|v| v * 50).collect();
    let mut out = vec![u64::MAX; q.len()];
    let st =
        unsafe { speedup_sum_primes_below_many(q.as_ptr(), q.len(), out.as_mut_ptr(), out.len()) };
    assert_eq!(st, SPEEDUP_ERR_ALLOCATION, "{}", last_error());
    assert!(
        out.iter().all(|&v| v == u64::MAX),
        "answers written on error"
    );
    assert!(last_error().starts_with("sum_primes_below_many: out of memory: could not allocate"));
    // markov_chains: 300 chains x 2 states of counts, 4800 bytes.
    let p = [0.5, 0.5, 0.25, 0.75];
    let mut counts = vec![u64::MAX; 600];
    let st = unsafe {
        speedup_markov_chains(
            p.as_ptr(),
            2,
            0,
            10,
            300,
            1,
            counts.as_mut_ptr(),
            counts.len(),
        )
    };
    assert_eq!(st, SPEEDUP_ERR_ALLOCATION, "{}", last_error());
    assert!(
        counts.iter().all(|&v| v == u64::MAX),
        "counts written on error"
    );
    assert_eq!(
        unsafe { std::ffi::CStr::from_ptr(speedup_status_message(st)) }.to_str(),
        Ok("out of memory (an allocation failed)")
    );

    inject("none");
    let st = unsafe { speedup_closest_pair(pts.as_ptr(), 1000, &mut i, &mut j, &mut d) };
    assert_eq!((st, (i, j, d)), (SPEEDUP_OK, want));
    let st =
        unsafe { speedup_sum_primes_below_many(q.as_ptr(), q.len(), out.as_mut_ptr(), out.len()) };
    assert_eq!((st, out[1], out[2]), (SPEEDUP_OK, 328, 1060));
}

#[test]
fn an_unknown_fault_spec_is_refused() {
    let _f = fault("none");
    let c = CString::new("explode").unwrap();
    assert_eq!(
        unsafe { speedup_test_inject_fault(c.as_ptr()) },
        SPEEDUP_ERR_INVALID_ARGUMENT
    );
    assert!(last_error().contains("got \"explode\""), "{}", last_error());
}
