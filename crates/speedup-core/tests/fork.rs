//! rayon's worker threads do not survive `fork()`: a child that reused the parent's pool would
//! wait forever. speedup notices the fork and builds a new pool in the child.

use std::time::{Duration, Instant};

#[test]
fn a_forked_child_gets_a_working_pool() {
    speedup_core::threads::set_num_threads(2).unwrap();
    let x: Vec<f64> = (0..2_000_000).map(|i| (i % 97) as f64).collect();
    let want = speedup_core::sum(&x); // the parent's pool is now running
                                      // SAFETY: the child only computes and calls _exit; it never returns into the test harness.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0, "fork failed");
    if pid == 0 {
        let ok = speedup_core::sum(&x) == want && speedup_core::threads::get_num_threads() == 2;
        unsafe { libc::_exit(if ok { 0 } else { 1 }) };
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut status = 0;
    loop {
        // SAFETY: waiting on our own child.
        let r = unsafe { libc::waitpid(pid, &mut status, libc::WNOHANG) };
        if r == pid {
            break;
        }
        if Instant::now() > deadline {
            unsafe { libc::kill(pid, libc::SIGKILL) };
            panic!("the forked child hung (pool not rebuilt after fork)");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "child computed a wrong sum"
    );
}
