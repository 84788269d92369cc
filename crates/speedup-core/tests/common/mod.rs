//! Shared test helpers (also of crates/speedup-legacy's tests): a small deterministic generator
//! for inputs (not the Philox stream under test) and references written from docs/contract.md.
#![allow(dead_code)]

/// SplitMix64: a tiny, well-known generator for test inputs.
pub struct Rng(pub u64);

impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [lo, hi).
    pub fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * ((self.next_u64() >> 11) as f64 / (1u64 << 53) as f64)
    }

    pub fn vec(&mut self, n: usize, lo: f64, hi: f64) -> Vec<f64> {
        (0..n).map(|_| self.uniform(lo, hi)).collect()
    }
}

/// Shewchuk's exact summation (Python's `math.fsum`), correctly rounded for finite inputs.
pub fn fsum(x: &[f64]) -> f64 {
    let mut partials: Vec<f64> = Vec::new();
    for &v in x {
        let mut v = v;
        let mut i = 0;
        for j in 0..partials.len() {
            let mut y = partials[j];
            if v.abs() < y.abs() {
                std::mem::swap(&mut v, &mut y);
            }
            let hi = v + y;
            let lo = y - (hi - v);
            if lo != 0.0 {
                partials[i] = lo;
                i += 1;
            }
            v = hi;
        }
        partials.truncate(i);
        partials.push(v);
    }
    // Sum the partials from the top, with CPython's half-even correction (mathmodule.c).
    let mut n = partials.len();
    if n == 0 {
        return 0.0;
    }
    n -= 1;
    let mut hi = partials[n];
    let mut lo = 0.0;
    while n > 0 {
        let x = hi;
        n -= 1;
        let y = partials[n];
        hi = x + y;
        let yr = hi - x;
        lo = y - yr;
        if lo != 0.0 {
            break;
        }
    }
    if n > 0 && ((lo < 0.0 && partials[n - 1] < 0.0) || (lo > 0.0 && partials[n - 1] > 0.0)) {
        let y = lo * 2.0;
        let x = hi + y;
        if y == x - hi {
            hi = x;
        }
    }
    hi
}

/// numpy's pairwise summation (numpy/_core/src/umath/loops_utils.h.src), written from its
/// source: below 8 a plain loop, up to 128 eight accumulators, else split at n/2 rounded down
/// to a multiple of 8.
pub fn numpy_pairwise(x: &[f64]) -> f64 {
    let n = x.len();
    if n < 8 {
        let mut res = -0.0;
        for &v in x {
            res += v;
        }
        res
    } else if n <= 128 {
        let mut r = [0.0f64; 8];
        r.copy_from_slice(&x[..8]);
        let mut i = 8;
        while i < n - (n % 8) {
            for k in 0..8 {
                r[k] += x[i + k];
            }
            i += 8;
        }
        let mut res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for &v in &x[i..] {
            res += v;
        }
        res
    } else {
        let n2 = (n / 2) - ((n / 2) % 8);
        numpy_pairwise(&x[..n2]) + numpy_pairwise(&x[n2..])
    }
}

/// Bitwise equality of two f64 slices, reporting the first difference.
pub fn assert_bits_eq(a: &[f64], b: &[f64], what: &str) {
    assert_eq!(a.len(), b.len(), "{what}: lengths differ");
    if let Some(i) = (0..a.len()).find(|&i| a[i].to_bits() != b[i].to_bits()) {
        panic!("{what}: first difference at {i}: {:e} vs {:e}", a[i], b[i]);
    }
}

/// Sieve of Eratosthenes: element `i` says whether `i` is prime, `i < n`.
pub fn sieve(n: usize) -> Vec<bool> {
    let mut p = vec![true; n.max(2)];
    p[0] = false;
    p[1] = false;
    let mut i = 2;
    while i * i < n {
        if p[i] {
            let mut j = i * i;
            while j < n {
                p[j] = false;
                j += i;
            }
        }
        i += 1;
    }
    p.truncate(n);
    p
}

/// Serial brute force over every pair i < j in order: the first strict minimum of d2 is the
/// smallest (i, j) among ties. Returns (i, j, d2).
pub fn closest_reference(pts: &[[f64; 2]]) -> (usize, usize, f64) {
    let mut best = (0, 0, f64::INFINITY);
    for i in 0..pts.len() {
        for j in i + 1..pts.len() {
            let dx = pts[i][0] - pts[j][0];
            let dy = pts[i][1] - pts[j][1];
            let d2 = dx * dx + dy * dy;
            if d2 < best.2 {
                best = (i, j, d2);
            }
        }
    }
    best
}

/// A `w x h` grid of complex numbers in row order: point `(i, j)` is
/// `(x0 + xs * j / w, y0 + ys * i / h)` for `x = (x0, xs)`, `y = (y0, ys)`.
pub fn complex_grid(
    (w, h): (usize, usize),
    (x0, xs): (f64, f64),
    (y0, ys): (f64, f64),
) -> Vec<speedup_core::Complex64> {
    (0..w * h)
        .map(|p| {
            let (i, j) = (p / w, p % w);
            speedup_core::Complex64::new(
                x0 + xs * j as f64 / w as f64,
                y0 + ys * i as f64 / h as f64,
            )
        })
        .collect()
}

/// The contract's Mandelbrot escape loop for one point: the iteration count at which
/// |z|^2 >= 16, or -1 when z has not escaped after max_iter iterations. Written from
/// docs/contract.md, apart from the kernel it checks (src/mandelbrot.rs).
pub fn escape_reference(c: speedup_core::Complex64, max_iter: i32) -> i32 {
    let (mut re, mut im) = (c.re, c.im);
    for it in 0..max_iter {
        if re * re + im * im >= 16.0 {
            return it;
        }
        let new_re = (re * re - im * im) + c.re;
        im = (2.0 * re) * im + c.im;
        re = new_re;
    }
    -1
}

/// Forks; the child runs `child` (its return value is the exit code) and must finish within
/// `limit`. Returns the child's exit code; a child past its deadline is killed and fails.
pub fn in_forked_child(limit: std::time::Duration, child: impl FnOnce() -> i32) -> i32 {
    // SAFETY: the child only computes and calls _exit; it never returns into the test harness.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0, "fork failed");
    if pid == 0 {
        let code = std::panic::catch_unwind(std::panic::AssertUnwindSafe(child)).unwrap_or(101);
        unsafe { libc::_exit(code) };
    }
    let deadline = std::time::Instant::now() + limit;
    let mut status = 0;
    loop {
        // SAFETY: waiting on our own child.
        let r = unsafe { libc::waitpid(pid, &mut status, libc::WNOHANG) };
        if r == pid {
            break;
        }
        if std::time::Instant::now() > deadline {
            unsafe {
                libc::kill(pid, libc::SIGKILL);
                libc::waitpid(pid, &mut status, 0);
            }
            panic!("the forked child hung (killed after {limit:?})");
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert!(
        libc::WIFEXITED(status),
        "the child died (status {status:#x})"
    );
    libc::WEXITSTATUS(status)
}
