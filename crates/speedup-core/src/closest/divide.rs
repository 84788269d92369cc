//! The divide and conquer over distinct points (step 3 of the parent module): split by x,
//! merge by y, scan the strip, with pruning tests that never skip a pair tying the best.

use super::{Pt, BASE, JOIN_CUTOFF};

/// The best pair seen so far: `d2` and original indices `i < j`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Best {
    pub(super) d2: f64,
    pub(super) i: usize,
    pub(super) j: usize,
}

impl Best {
    const NONE: Best = Best {
        d2: f64::INFINITY,
        i: usize::MAX,
        j: usize::MAX,
    };

    #[inline(always)]
    fn better_than(&self, other: &Best) -> bool {
        self.d2 < other.d2 || (self.d2 == other.d2 && (self.i, self.j) < (other.i, other.j))
    }

    #[inline(always)]
    fn min(self, other: Best) -> Best {
        if other.better_than(&self) {
            other
        } else {
            self
        }
    }

    /// Considers the pair `(a, b)`.
    ///
    /// `d2` is symmetric bit for bit: round-to-nearest is symmetric under negation, so
    /// `x_a - x_b == -(x_b - x_a)` exactly and the squares are equal.
    #[inline(always)]
    fn consider(&mut self, a: &Pt, b: &Pt) {
        let dx = a.x - b.x;
        let dy = a.y - b.y;
        let d2 = dx * dx + dy * dy;
        let (i, j) = if a.i < b.i { (a.i, b.i) } else { (b.i, a.i) };
        let cand = Best { d2, i, j };
        if cand.better_than(self) {
            *self = cand;
        }
    }
}

/// True when a pair whose computed `d2` is at least `lower` cannot improve on `best`.
///
/// Strict (`>`) in general, so that pairs tying with the best are still compared by index;
/// `>=` when the best is `0` or `inf`, whose ties are settled outside the recursion.
#[inline(always)]
pub(super) fn beyond(lower: f64, best: f64) -> bool {
    lower > best || (lower == best && (best == 0.0 || best == f64::INFINITY))
}

/// Brute force on a small slice, which is left sorted by y.
fn solve_base(pts: &mut [Pt]) -> Best {
    let mut best = Best::NONE;
    for a in 0..pts.len() {
        for b in a + 1..pts.len() {
            best.consider(&pts[a], &pts[b]);
        }
    }
    // Insertion sort by y.
    for a in 1..pts.len() {
        let p = pts[a];
        let mut b = a;
        while b > 0 && pts[b - 1].y > p.y {
            pts[b] = pts[b - 1];
            b -= 1;
        }
        pts[b] = p;
    }
    best
}

/// Merges the y-sorted runs `src[..mid]` and `src[mid..]` into `dst`, as a stable merge would.
///
/// Bidirectional: each step places the smallest remaining point at the front (the left one on a
/// tie) and the largest at the back (the right one on a tie), two independent chains of loads,
/// for as many steps as the shorter run has points (so no cursor can run off its run); what is
/// left in the middle is merged plainly.
fn merge_by_y(src: &[Pt], mid: usize, dst: &mut [Pt]) {
    let n = src.len();
    let (l, r) = src.split_at(mid);
    let steps = l.len().min(r.len());
    let (mut lf, mut rf, mut le, mut re) = (0, 0, l.len(), r.len());
    for k in 0..steps {
        let (pl, pr) = (l[lf], r[rf]);
        let take_r = pr.y < pl.y;
        dst[k] = if take_r { pr } else { pl };
        rf += take_r as usize;
        lf += !take_r as usize;

        let (ql, qr) = (l[le - 1], r[re - 1]);
        let take_l = ql.y > qr.y;
        dst[n - 1 - k] = if take_l { ql } else { qr };
        le -= take_l as usize;
        re -= !take_l as usize;
    }
    let (l, r) = (&l[lf..le], &r[rf..re]);
    let dst = &mut dst[steps..n - steps];
    let (mut a, mut b) = (0, 0);
    for k in 0..dst.len() {
        if a < l.len() && b < r.len() {
            let (pl, pr) = (l[a], r[b]);
            let take_r = pr.y < pl.y;
            dst[k] = if take_r { pr } else { pl };
            b += take_r as usize;
            a += !take_r as usize;
        } else if a < l.len() {
            dst[k..].copy_from_slice(&l[a..]);
            return;
        } else {
            dst[k..].copy_from_slice(&r[b..]);
            return;
        }
    }
}

/// Divide and conquer over `a`, sorted by `(x, y, i)`, all points distinct. Leaves the points
/// sorted by y in `b` when `to_b`, else in `a`; the other slice (same length) is scratch.
pub(super) fn solve(a: &mut [Pt], b: &mut [Pt], to_b: bool, par: bool) -> Best {
    let n = a.len();
    if n <= BASE {
        let best = solve_base(a);
        if to_b {
            b.copy_from_slice(a);
        }
        return best;
    }
    let mid = n / 2;
    let xmid = a[mid].x;
    let mut best = {
        let (al, ar) = a.split_at_mut(mid);
        let (bl, br) = b.split_at_mut(mid);
        let (l, r) = if par && n >= JOIN_CUTOFF {
            rayon::join(|| solve(al, bl, !to_b, par), || solve(ar, br, !to_b, par))
        } else {
            (solve(al, bl, !to_b, false), solve(ar, br, !to_b, false))
        };
        l.min(r)
    };
    // The halves are sorted by y in the other slice; merge them into this one.
    let (sorted, scratch) = if to_b {
        merge_by_y(a, mid, b);
        (&*b, a)
    } else {
        merge_by_y(b, mid, a);
        (&*a, b)
    };

    // The strip: every point of the left half has x <= xmid, every point of the right half
    // x >= xmid, so for a pair across the split |fl(dx)| >= |fl(x - xmid)| for both points.
    let bound = best.d2;
    let mut m = 0;
    for p in sorted {
        let dx = p.x - xmid;
        if !beyond(dx * dx, bound) {
            scratch[m] = *p;
            m += 1;
        }
    }
    let strip = &scratch[..m];
    for (k, pa) in strip.iter().enumerate() {
        for pb in &strip[k + 1..] {
            let dy = pb.y - pa.y;
            if beyond(dy * dy, best.d2) {
                break;
            }
            best.consider(pa, pb);
        }
    }
    best
}
