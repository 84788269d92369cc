//! Interruption of the Monte Carlo kernels. `request_interrupt` stops every call running in the
//! process, so these tests live in their own test binary (its own process) and run one at a time.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use ndarray::Array2;
use speedup_core::cancel::request_interrupt;
use speedup_core::random::{markov_chains, markov_path, monte_carlo_pi};
use speedup_core::test_support::knob;
use speedup_core::Error;

static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// Runs `call` while another thread keeps requesting interrupts until it returns.
fn interrupted<R: Send>(call: impl FnOnce() -> R + Send) -> R {
    let done = Arc::new(AtomicBool::new(false));
    let stopper = {
        let done = Arc::clone(&done);
        thread::spawn(move || {
            while !done.load(Ordering::SeqCst) {
                thread::sleep(Duration::from_millis(5));
                request_interrupt();
            }
        })
    };
    let r = call();
    done.store(true, Ordering::SeqCst);
    stopper.join().unwrap();
    r
}

#[test]
fn a_request_stops_running_calls_only() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    let running = speedup_core::cancel::Token::new("k");
    assert!(running.check().is_ok());
    request_interrupt();
    assert!(running.check().is_err());
    assert!(speedup_core::cancel::Token::new("k").check().is_ok());
}

#[test]
fn monte_carlo_pi_stops_when_interrupted() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    for threads in [1, 2] {
        let _k = knob(threads);
        // About a minute of work if it were not stopped.
        let r = interrupted(|| monte_carlo_pi(1 << 36, 1));
        assert_eq!(
            r,
            Err(Error::Interrupted {
                kernel: "monte_carlo_pi"
            })
        );
        assert_eq!(r.unwrap_err().to_string(), "monte_carlo_pi: interrupted");
    }
    // Later calls start fresh.
    assert!(monte_carlo_pi(1000, 1).is_ok());
}

#[test]
fn markov_stops_when_interrupted_and_writes_nothing() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    let p = ndarray::array![[0.5, 0.5], [0.25, 0.75]];
    for threads in [1, 2] {
        let _k = knob(threads);
        let mut counts = Array2::<u64>::from_elem((4, 2), 7);
        let r = interrupted(|| markov_chains(p.view(), 0, 1 << 36, 3, counts.view_mut()));
        assert_eq!(
            r,
            Err(Error::Interrupted {
                kernel: "markov_chains"
            })
        );
        assert!(counts.iter().all(|&c| c == 7));
    }
    // markov_path needs an n_steps-long buffer; 2^24 steps take long enough to be stopped.
    let mut path = vec![-1i32; 1 << 24];
    let r = interrupted(|| markov_path(p.view(), 0, 1 << 24, 3, 0, &mut path));
    assert_eq!(
        r,
        Err(Error::Interrupted {
            kernel: "markov_path"
        })
    );
    assert!(path.iter().all(|&s| s == -1));
}
