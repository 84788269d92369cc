//! The `speedup_legacy_*` exports: the C door's checks and statuses, results equal to the Rust
//! door's, and the knob (`speedup_set_num_threads`) reaching the legacy OpenMP regions from the
//! thread that calls.

use speedup::*;

fn last_error() -> String {
    let mut buf = [0 as std::ffi::c_char; 256];
    let n = unsafe { speedup_last_error(buf.as_mut_ptr(), buf.len()) };
    let bytes: Vec<u8> = buf[..n.min(255)].iter().map(|&c| c as u8).collect();
    String::from_utf8(bytes).unwrap()
}

/// A Rust export and its legacy twin, each writing `len` elements (into buffers that start
/// different, so that both must write): both succeed with the same elements.
fn assert_twins<T: Copy + From<u8> + PartialEq + std::fmt::Debug>(
    len: usize,
    rust: impl FnOnce(*mut T, usize) -> speedup_status,
    legacy: impl FnOnce(*mut T, usize) -> speedup_status,
) {
    let mut a = vec![T::from(0); len];
    let mut b = vec![T::from(1); len];
    assert_eq!(rust(a.as_mut_ptr(), len), SPEEDUP_OK, "{}", last_error());
    assert_eq!(legacy(b.as_mut_ptr(), len), SPEEDUP_OK, "{}", last_error());
    assert_eq!(a, b);
}

#[test]
fn legacy_doors_match_rust_doors() {
    let (rows, cols) = (40usize, 30usize);
    let f: Vec<f64> = (0..rows * cols)
        .map(|k| ((k * 7919) % 1000) as f64 / 7.0)
        .collect();
    let lap = (rows - 2) * (cols - 2);
    assert_twins(
        lap,
        |o, n| unsafe { speedup_laplacian(f.as_ptr(), rows, cols, 0.3, 0.7, o, n) },
        |o, n| unsafe { speedup_legacy_laplacian(f.as_ptr(), rows, cols, 0.3, 0.7, o, n) },
    );
    assert_twins(
        f.len(),
        |o, n| unsafe { speedup_comb_backward(f.as_ptr(), rows, cols, 3, 0.5, o, n) },
        |o, n| unsafe { speedup_legacy_comb_backward(f.as_ptr(), rows, cols, 3, 0.5, o, n) },
    );
    let c = [0.0, 0.0, 2.0, 2.0, -0.75, 0.1];
    assert_twins(
        3,
        |o, n| unsafe { speedup_mandelbrot(c.as_ptr(), 3, 50, o, n) },
        |o, n| unsafe { speedup_legacy_mandelbrot(c.as_ptr(), 3, 50, o, n) },
    );

    let mut s = 0u64;
    let mut p = false;
    let (mut i, mut j, mut d) = (0usize, 0usize, 0.0);
    let pts = [0.0, 0.0, 5.0, 5.0, 1.0, 1.0, 5.0, 6.0];
    unsafe {
        assert_eq!(speedup_legacy_sum_primes_below(100, &mut s), SPEEDUP_OK);
        assert_eq!(speedup_legacy_is_prime(97, &mut p), SPEEDUP_OK);
        assert_eq!(
            speedup_legacy_closest_pair(pts.as_ptr(), 4, &mut i, &mut j, &mut d),
            SPEEDUP_OK
        );
    }
    assert_eq!((s, p, i, j, d), (1060, true, 1, 3, 1.0));
}

#[test]
fn legacy_doors_check_like_rust_doors() {
    let f = [1.0; 12];
    let mut out = [7.0; 3];
    unsafe {
        let st = speedup_legacy_laplacian(f.as_ptr(), 3, 4, 1.0, 1.0, out.as_mut_ptr(), 3);
        assert_eq!(st, SPEEDUP_ERR_LENGTH);
        let legacy_msg = last_error();
        assert_eq!(
            speedup_laplacian(f.as_ptr(), 3, 4, 1.0, 1.0, out.as_mut_ptr(), 3),
            st
        );
        assert_eq!(legacy_msg, last_error());
        assert_eq!(
            speedup_legacy_laplacian(f.as_ptr(), 3, 4, 0.0, 1.0, out.as_mut_ptr(), 2),
            SPEEDUP_ERR_INVALID_ARGUMENT
        );
        assert_eq!(
            last_error(),
            "laplacian: dx must be finite and nonzero, got 0"
        );
        assert_eq!(
            speedup_legacy_sum(std::ptr::null(), 3, out.as_mut_ptr()),
            SPEEDUP_ERR_NULL_POINTER
        );
        let mut m = 0.0;
        assert_eq!(
            speedup_legacy_std(f.as_ptr(), 2, 2, &mut m),
            SPEEDUP_ERR_INVALID_ARGUMENT
        );
        assert_eq!(
            speedup_legacy_comb_forward(f.as_ptr(), 12, 1, 1, 1.0, out.as_mut_ptr(), 3),
            SPEEDUP_ERR_LENGTH
        );
    }
    assert_eq!(out, [7.0; 3]);
}

fn team() -> (usize, usize) {
    let (mut t, mut d) = (0, 0);
    assert_eq!(
        unsafe { speedup_legacy_omp_team_size(&mut t, &mut d) },
        SPEEDUP_OK
    );
    (t, d)
}

#[test]
fn the_knob_reaches_legacy_openmp_from_any_thread() {
    // The only test in this binary that touches the knob.
    for n in [1usize, 2, 3] {
        assert_eq!(speedup_set_num_threads(n), SPEEDUP_OK);
        assert_eq!(team(), (n, n), "calling thread, knob {n}");
        assert_eq!(
            std::thread::spawn(team).join().unwrap(),
            (n, n),
            "new thread, knob {n}"
        );
    }
    assert_eq!(speedup_set_num_threads(0), SPEEDUP_OK);
    let default = speedup_get_num_threads();
    assert_eq!(team(), (default, default));
}
