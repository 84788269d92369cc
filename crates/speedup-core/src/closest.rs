//! Closest pair of points in the plane, O(n log n), exactly the brute-force answer.
//!
//! The contract (`docs/contract.md`): `d2 = dx*dx + dy*dy` with `dx = x_i - x_j`,
//! `dy = y_i - y_j`; the minimal `d2` over all pairs `i < j`, ties broken by the smallest
//! `(i, j)`; `dist = sqrt(d2)`. "Exactly" means the same `i`, `j` and bits of `dist` as the
//! O(n^2) loop over all pairs, including ties, duplicates, overflow to `inf` and underflow to 0.
//!
//! # How
//! 1. Copy the points (any layout) into `(x, y, original index)` records and sort them by
//!    `(x, y, index)` (a total order on finite values, so an unstable parallel sort is still
//!    deterministic).
//! 2. Collapse runs of equal points to their first (smallest-index) member. Equal points
//!    (`==`, so `-0.0` equals `0.0`) have bitwise the same `d2` to every other point, so only the
//!    representative matters for pairs between groups, and a group of two or more gives `d2 = 0`.
//! 3. If there was a duplicate, the minimum is `0`: go to step 5. Otherwise run the classic
//!    divide and conquer on the distinct points (split by x, merge by y, scan the strip), with
//!    `rayon::join` above [`JOIN_CUTOFF`]. Every pruning test compares a *lower bound of the
//!    computed* `d2` against the best so far: the strip keeps a point when
//!    `(x - x_mid)^2 <= best` and the scan stops at `(y_b - y_a)^2 > best`. Rounding is monotone
//!    (`|x_q - x_p| >= |x_mid - x_p|` implies the same for the rounded differences and their
//!    rounded squares, and adding the other nonnegative square never rounds below it), so no
//!    pair whose `d2` is `<=` the best is ever skipped, and ties are settled by comparing
//!    `(min index, max index)` of the original indices.
//! 4. Two minima would let ties be unbounded in number and make that O(n^2): `0` (points whose
//!    differences underflow when squared, below about `1e-162`) and `inf` (every difference
//!    overflows when squared). While the best is `0` or `inf` the pruning is strict (`>=`), which
//!    still finds the minimal *value*; the tie is then settled separately:
//!    - `inf`: every pair has `d2 = inf`, so the answer is `(0, 1)`.
//!    - `0` (step 5): the answer's `i` is the smallest index that has any partner at `d2 = 0`.
//!      "`d2 = 0`" is `fl(dx*dx) == 0 && fl(dy*dy) == 0`, a threshold on each exact
//!      coordinate difference, so a sweep over x with a window of zero-`dx` points and an ordered
//!      set on y finds, for every point, whether its nearest y-neighbours in the window are
//!      partners. Then `j` is the smallest partner of `i`, by one linear pass.
//! 5. The final `d2` is recomputed from the caller's array with the contract's formula.
//!
//! The recursion tree depends only on the input, never on the thread count, and the answer is
//! the unique lexicographic minimum anyway, so every thread count gives the same result.

use std::collections::BTreeSet;
use std::ops::Bound;

use ndarray::ArrayView2;

use crate::error::check_shape;
use crate::error::{Error, Result};
use crate::threads;

const K: &str = "closest_pair";

/// Below this many points the whole kernel runs on the calling thread. Set from timings at
/// 4096..65536 uniform points, 1 vs 2 threads, on a shared 2-CPU machine (noisy): from here on
/// two threads were not slower. Worth re-measuring on a quiet many-core machine.
pub const PARALLEL_CUTOFF: usize = 1 << 14;
/// Subproblems at least this large split into two rayon tasks.
const JOIN_CUTOFF: usize = 1 << 13;
/// Subproblems at most this large are solved by brute force.
const BASE: usize = 16;

/// The closest pair: `i < j`, `dist = sqrt(d2)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClosestPair {
    /// Index of the first point (the smaller).
    pub i: usize,
    /// Index of the second point.
    pub j: usize,
    /// Euclidean distance, `sqrt(dx*dx + dy*dy)`.
    pub dist: f64,
}

#[derive(Debug, Clone, Copy)]
struct Pt {
    x: f64,
    y: f64,
    i: usize,
}

/// The best pair seen so far: `d2` and original indices `i < j`.
#[derive(Debug, Clone, Copy)]
struct Best {
    d2: f64,
    i: usize,
    j: usize,
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
fn beyond(lower: f64, best: f64) -> bool {
    lower > best || (lower == best && (best == 0.0 || best == f64::INFINITY))
}

/// Order key of a finite coordinate: numeric order, with `-0.0` and `0.0` the same
/// (`-0.0 + 0.0 == +0.0`).
#[inline(always)]
fn okey(v: f64) -> u64 {
    ykey(v + 0.0)
}

/// The sort key `(x, y, index)`; a total order on finite points with distinct indices.
#[inline(always)]
fn xyi_key(p: &Pt) -> (u64, u64, usize) {
    (okey(p.x), okey(p.y), p.i)
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
fn solve(a: &mut [Pt], b: &mut [Pt], to_b: bool, par: bool) -> Best {
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

/// True when `fl((a - b)^2) == 0`. Monotone in the exact `|a - b|`.
#[inline(always)]
fn zero_gap(a: f64, b: f64) -> bool {
    let d = a - b;
    d * d == 0.0
}

/// Total-order key of a finite `y` (numeric order; `-0.0` just below `0.0`).
#[inline(always)]
fn ykey(y: f64) -> u64 {
    let b = y.to_bits();
    if b >> 63 == 1 {
        !b
    } else {
        b | (1 << 63)
    }
}

/// The smallest original index among `reps` (distinct, sorted by `(x, y, i)`) that has another
/// point of `reps` at `d2 == 0`, i.e. `fl(dx*dx) == 0` and `fl(dy*dy) == 0`.
fn first_with_zero_partner(reps: &[Pt]) -> Option<usize> {
    let n = reps.len();
    let mut first: Option<usize> = None;
    let mut mark = |i: usize| first = Some(first.map_or(i, |f: usize| f.min(i)));
    // A zero-dx window reaches beyond a run of equal x only if two neighbouring distinct x are
    // within it (the test is monotone in the difference). Without that, each window is a run of
    // equal x sorted by y, and the nearest y-neighbours are adjacent.
    let wide = reps
        .windows(2)
        .any(|w| w[0].x != w[1].x && zero_gap(w[1].x, w[0].x));
    if !wide {
        for w in reps.windows(2) {
            if w[0].x == w[1].x && zero_gap(w[1].y, w[0].y) {
                mark(w[0].i);
                mark(w[1].i);
            }
        }
        return first;
    }
    // Sweep over x with the window of points at zero dx from the current one, kept in an
    // ordered set by y; a partner exists iff one of the nearest y-neighbours is one.
    let mut set: BTreeSet<(u64, usize)> = BTreeSet::new();
    let (mut lo, mut hi) = (0, 0);
    for p in 0..n {
        while hi < n && zero_gap(reps[hi].x, reps[p].x) {
            set.insert((ykey(reps[hi].y), hi));
            hi += 1;
        }
        while !zero_gap(reps[p].x, reps[lo].x) {
            set.remove(&(ykey(reps[lo].y), lo));
            lo += 1;
        }
        let key = (ykey(reps[p].y), p);
        let below = set.range(..key).next_back();
        let above = set.range((Bound::Excluded(key), Bound::Unbounded)).next();
        if below
            .into_iter()
            .chain(above)
            .any(|&(_, q)| zero_gap(reps[q].y, reps[p].y))
        {
            mark(reps[p].i);
        }
    }
    first
}

/// `d2` of points `i < j` of the caller's array, exactly as the contract writes it.
#[inline(always)]
fn d2_of(points: &ArrayView2<f64>, i: usize, j: usize) -> f64 {
    let dx = points[[i, 0]] - points[[j, 0]];
    let dy = points[[i, 1]] - points[[j, 1]];
    dx * dx + dy * dy
}

fn result(points: &ArrayView2<f64>, i: usize, j: usize) -> ClosestPair {
    ClosestPair {
        i,
        j,
        dist: d2_of(points, i, j).sqrt(),
    }
}

/// The bad-input rules of `closest_pair` (shared with the legacy twin): shape `(n, 2)`,
/// `n >= 2`, every coordinate finite.
pub fn check_closest_pair(points: &ArrayView2<f64>) -> Result<()> {
    let (n, cols) = points.dim();
    check_shape(K, "points", (n, 2), (n, cols))?;
    if n < 2 {
        return Err(Error::invalid(
            K,
            "points",
            format!("must have at least 2 rows, got {n}"),
        ));
    }
    for (i, row) in points.outer_iter().enumerate() {
        for (name, v) in [("x", row[0]), ("y", row[1])] {
            if !v.is_finite() {
                return Err(Error::invalid(
                    K,
                    "points",
                    format!("must be finite; point {i} has {name} = {v}"),
                ));
            }
        }
    }
    Ok(())
}

/// The pair with minimal `d2 = dx*dx + dy*dy`, ties broken by the smallest `(i, j)`.
/// `points` has shape `(n, 2)`, in any memory layout. Errors when the second dimension is not
/// 2, when `n < 2` or when a coordinate is not finite.
pub fn closest_pair(points: ArrayView2<f64>) -> Result<ClosestPair> {
    check_closest_pair(&points)?;
    let n = points.nrows();
    // Both buffers are reserved here, fallibly (their size is the caller's n), and filled by
    // solve_all (on the pool when it runs).
    let mut pts: Vec<Pt> = Vec::new();
    crate::alloc::try_reserve(K, "the sorted copy of the points", &mut pts, n)?;
    let mut buf: Vec<Pt> = Vec::new();
    crate::alloc::try_reserve(K, "the merge buffer", &mut buf, n)?;
    let par = threads::parallel_worthwhile(n, PARALLEL_CUTOFF);
    let (i, j) = if par {
        threads::run(|| solve_all(&points, pts, buf, true))
    } else {
        solve_all(&points, pts, buf, false)
    };
    Ok(result(&points, i, j))
}

/// `pts` and `buf` come empty, with capacity for n points.
fn solve_all(
    points: &ArrayView2<f64>,
    mut pts: Vec<Pt>,
    mut buf: Vec<Pt>,
    par: bool,
) -> (usize, usize) {
    let n = points.nrows();
    let pt = |i: usize| Pt {
        x: points[[i, 0]],
        y: points[[i, 1]],
        i,
    };
    // The copy and the scratch buffer are filled on the pool when it runs: on one thread these
    // two passes (and the first touch of their pages) were a fifth of the kernel, all serial.
    if par {
        use rayon::prelude::*;
        (0..n).into_par_iter().map(pt).collect_into_vec(&mut pts);
        pts.par_sort_unstable_by_key(xyi_key);
    } else {
        pts.extend((0..n).map(pt));
        pts.sort_unstable_by_key(xyi_key);
    }

    // Collapse runs of equal points to their smallest index (the first of the run). On the
    // pool, first look for any (in parallel): usually there is none and nothing moves.
    let mut dup_first: Option<usize> = None;
    let mut w = 0;
    let mut r = 0;
    let equal = |a: &Pt, b: &Pt| a.x == b.x && a.y == b.y;
    if par {
        use rayon::prelude::*;
        if !pts.par_windows(2).any(|p| equal(&p[0], &p[1])) {
            (w, r) = (pts.len(), pts.len());
        }
    }
    while r < pts.len() {
        let p = pts[r];
        let mut e = r + 1;
        while e < pts.len() && equal(&pts[e], &p) {
            e += 1;
        }
        if e - r >= 2 {
            dup_first = Some(dup_first.map_or(p.i, |f| f.min(p.i)));
        }
        pts[w] = p;
        w += 1;
        r = e;
    }
    pts.truncate(w);

    let zero_first = match dup_first {
        Some(d) => {
            // The minimum is 0; reps are still sorted by (x, y, i).
            let z = first_with_zero_partner(&pts);
            Some(z.map_or(d, |z| z.min(d)))
        }
        None => {
            // Scratch for the merges (its contents are never read before written).
            if par {
                use rayon::prelude::*;
                pts.par_iter().copied().collect_into_vec(&mut buf);
            } else {
                buf.extend_from_slice(&pts);
            }
            let best = solve(&mut pts, &mut buf, false, par);
            if best.d2 == f64::INFINITY {
                return (0, 1);
            }
            if best.d2 > 0.0 {
                return (best.i, best.j);
            }
            // Distinct points at d2 == 0 (differences below ~1e-162): the recursion left the
            // points sorted by y; sort them back for the sweep.
            pts.sort_unstable_by_key(xyi_key);
            first_with_zero_partner(&pts)
        }
    };
    let i = zero_first.expect("a pair at d2 == 0 exists");
    let j = (i + 1..points.nrows())
        .find(|&j| d2_of(points, i, j) == 0.0)
        .expect("the point with the smallest index in a zero pair has a later partner");
    (i, j)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{arr2, Array2};

    fn brute(p: &Array2<f64>) -> ClosestPair {
        let n = p.nrows();
        let mut best = (f64::INFINITY, usize::MAX, usize::MAX);
        for i in 0..n {
            for j in i + 1..n {
                let dx = p[[i, 0]] - p[[j, 0]];
                let dy = p[[i, 1]] - p[[j, 1]];
                let d2 = dx * dx + dy * dy;
                if d2 < best.0 || (d2 == best.0 && (i, j) < (best.1, best.2)) {
                    best = (d2, i, j);
                }
            }
        }
        ClosestPair {
            i: best.1,
            j: best.2,
            dist: best.0.sqrt(),
        }
    }

    fn check(p: &Array2<f64>) {
        let got = closest_pair(p.view()).unwrap();
        let want = brute(p);
        assert_eq!((got.i, got.j), (want.i, want.j), "{p:?}");
        assert_eq!(got.dist.to_bits(), want.dist.to_bits());
    }

    struct Lcg(u64);
    impl Lcg {
        fn next(&mut self) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            self.0 >> 11
        }
        fn unit(&mut self) -> f64 {
            self.next() as f64 * (1.0 / (1u64 << 53) as f64)
        }
    }

    #[test]
    fn pruning_is_strict_only_at_zero_and_inf() {
        assert!(!beyond(1.0, 1.0));
        assert!(beyond(1.5, 1.0));
        assert!(beyond(0.0, 0.0));
        assert!(beyond(f64::INFINITY, f64::INFINITY));
        assert!(!beyond(1.0, f64::INFINITY));
    }

    #[test]
    fn ykey_orders_numerically() {
        let ys = [-1e300, -1.0, -5e-324, -0.0, 0.0, 5e-324, 1.0, 1e300];
        for w in ys.windows(2) {
            assert!(ykey(w[0]) < ykey(w[1]), "{w:?}");
        }
    }

    #[test]
    fn small_random_sets_match_brute_force() {
        let mut g = Lcg(7);
        for n in 2..60 {
            for scale in [1.0, 4.0, 1e-160, 1e-300, 1e200] {
                let p = Array2::from_shape_fn((n, 2), |_| ((g.unit() * 8.0).floor()) * scale);
                check(&p);
                let p = Array2::from_shape_fn((n, 2), |_| g.unit() * scale);
                check(&p);
            }
        }
    }

    #[test]
    fn tiny_cluster_takes_the_sweep() {
        // Distinct points whose differences underflow when squared: all pairs tie at 0 except
        // the far ones; the generic sweep decides.
        let mut g = Lcg(3);
        for _ in 0..50 {
            let n = 2 + (g.next() % 40) as usize;
            let p = Array2::from_shape_fn((n, 2), |(_, c)| {
                let base = if g.next() % 2 == 0 { 0.0 } else { 1e-150 };
                let v = base + (g.next() % 1000) as f64 * 1e-163;
                if c == 0 {
                    v
                } else {
                    v * 3.0
                }
            });
            check(&p);
        }
    }

    #[test]
    fn zero_partner_sweep_matches_brute_force() {
        let mut g = Lcg(11);
        let mut wide_seen = 0;
        for round in 0..200 {
            let n = 2 + (g.next() % 60) as usize;
            let step = if round % 2 == 0 { 1e-163 } else { 1.0 };
            let mut reps: Vec<Pt> = (0..n)
                .map(|i| Pt {
                    x: (g.next() % 30) as f64 * step,
                    y: (g.next() % 30) as f64 * step,
                    i: (i * 7919) % 1009,
                })
                .collect();
            reps.sort_unstable_by_key(xyi_key);
            reps.dedup_by(|a, b| a.x == b.x && a.y == b.y);
            if reps
                .windows(2)
                .any(|w| w[0].x != w[1].x && zero_gap(w[1].x, w[0].x))
            {
                wide_seen += 1;
            }
            let want = reps
                .iter()
                .filter(|p| {
                    reps.iter()
                        .any(|q| q.i != p.i && zero_gap(p.x, q.x) && zero_gap(p.y, q.y))
                })
                .map(|p| p.i)
                .min();
            assert_eq!(first_with_zero_partner(&reps), want);
        }
        assert!(wide_seen > 50);
    }

    #[test]
    fn overflowing_pairs_all_tie() {
        let p = arr2(&[[1e300, 0.0], [-1e300, 0.0], [0.0, 1e300], [0.0, -1e300]]);
        let got = closest_pair(p.view()).unwrap();
        assert_eq!((got.i, got.j), (0, 1));
        assert_eq!(got.dist, f64::INFINITY);
        check(&p);
    }

    #[test]
    fn signed_zeros_are_duplicates() {
        let p = arr2(&[[5.0, 5.0], [0.0, 1.0], [-0.0, 2.0], [-0.0, 1.0]]);
        check(&p);
        assert_eq!(closest_pair(p.view()).unwrap().i, 1);
    }
}
