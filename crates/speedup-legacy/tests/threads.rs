//! One knob: a legacy OpenMP region opened through speedup-legacy runs with exactly the knob's
//! thread count, from the main thread and from a freshly spawned one (OpenMP's thread count is
//! per calling thread), and with 1 thread inside speedup's own workers.

use speedup_core::test_support::knob;
use speedup_core::threads;
use speedup_legacy::omp_team_size;

#[test]
fn legacy_region_follows_the_knob_on_the_calling_thread() {
    for n in [1, 2, 3] {
        let _g = knob(n);
        assert_eq!(omp_team_size(), (n, n), "main thread, knob {n}");
    }
}

#[test]
fn legacy_region_follows_the_knob_on_a_fresh_thread() {
    for n in [1, 2, 3] {
        let _g = knob(n);
        // A new OS thread starts with OpenMP's default count (OMP_NUM_THREADS or the CPUs),
        // not with anything set on the main thread: the wrapper must set it there too.
        let seen = std::thread::spawn(omp_team_size).join().unwrap();
        assert_eq!(seen, (n, n), "spawned thread, knob {n}");
    }
}

#[test]
fn knob_changes_between_calls_on_one_thread() {
    // 3, then 1, then 2 on the same (spawned) thread: each call sets it again.
    let seen = std::thread::spawn(|| {
        [3, 1, 2]
            .iter()
            .map(|&n| {
                let _g = knob(n);
                omp_team_size()
            })
            .collect::<Vec<_>>()
    })
    .join()
    .unwrap();
    assert_eq!(seen, vec![(3, 3), (1, 1), (2, 2)]);
}

#[test]
fn inside_speedup_workers_legacy_runs_serially() {
    let _g = knob(3);
    let seen = threads::run(|| rayon::broadcast(|_| omp_team_size()));
    assert_eq!(seen, vec![(1, 1); 3]);
}
