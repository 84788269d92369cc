//! Test inputs and independent references written from KERNELS.md.
#![allow(dead_code)]

/// SplitMix64 for test inputs.
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
