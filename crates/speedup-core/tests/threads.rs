//! The thread knob under fire: changing it while other threads run kernels never breaks a
//! result, and the environment defaults follow the contract.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use speedup_core::threads;

#[test]
fn changing_the_knob_while_kernels_run_is_safe() {
    let x: Arc<Vec<f64>> = Arc::new(
        (0..1_000_000u64)
            .map(|i| ((i * 7919) % 1000) as f64 * 0.5)
            .collect(),
    );
    let want = speedup_core::reduce::sum_map_serial(&x, |v| v);
    let stop = Arc::new(AtomicBool::new(false));
    let flipper = {
        let stop = Arc::clone(&stop);
        std::thread::spawn(move || {
            let mut n = 0usize;
            while !stop.load(Ordering::Relaxed) {
                threads::set_num_threads(n % 5).unwrap();
                n += 1;
                std::thread::yield_now();
            }
        })
    };
    let workers: Vec<_> = (0..4)
        .map(|_| {
            let x = Arc::clone(&x);
            std::thread::spawn(move || {
                (0..50).all(|_| speedup_core::sum(&x).to_bits() == want.to_bits())
            })
        })
        .collect();
    let all_right = workers.into_iter().all(|w| w.join().unwrap());
    stop.store(true, Ordering::Relaxed);
    flipper.join().unwrap();
    threads::set_num_threads(0).unwrap();
    assert!(all_right);
    assert_eq!(threads::get_num_threads(), threads::default_num_threads());
}
