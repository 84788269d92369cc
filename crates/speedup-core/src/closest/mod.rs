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
//!    `rayon::join` above `JOIN_CUTOFF` (a private constant). Every pruning test compares a *lower bound of the
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

use ndarray::ArrayView2;

use crate::error::check_shape;
use crate::error::{Error, Result};
use crate::threads;

mod divide;
mod zero_ties;

#[cfg(test)]
use divide::beyond;
use divide::solve;
#[cfg(test)]
use zero_ties::zero_gap;
use zero_ties::{first_with_zero_partner, ykey};

const K: &str = "closest_pair";

/// The default cut-off (`crate::calibrate` measures one per machine): below this many points
/// the whole kernel runs on the calling thread. From here on two
/// threads are not slower than one (timings at 4096..65536 uniform points on a shared 2-CPU
/// machine, which are noisy; worth re-measuring on a quiet many-core machine).
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
    let par = threads::go_parallel(n, threads::Kernel::ClosestPair);
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
    buf: Vec<Pt>,
    par: bool,
) -> (usize, usize) {
    sorted_copy(points, &mut pts, par);
    let zero_first = match collapse_equal(&mut pts, par) {
        // The minimum is 0; reps are still sorted by (x, y, i).
        Some(d) => Some(first_with_zero_partner(&pts).map_or(d, |z| z.min(d))),
        None => match closest_distinct(pts, buf, par) {
            Ok(pair) => return pair,
            Err(first) => first,
        },
    };
    let i = zero_first.expect("a pair at d2 == 0 exists");
    let j = (i + 1..points.nrows())
        .find(|&j| d2_of(points, i, j) == 0.0)
        .expect("the point with the smallest index in a zero pair has a later partner");
    (i, j)
}

/// Fills `pts` with the caller's points sorted by `(x, y, index)`. The copy is made on the
/// pool when it runs, so that its pages are first touched by the threads that sort them.
fn sorted_copy(points: &ArrayView2<f64>, pts: &mut Vec<Pt>, par: bool) {
    let n = points.nrows();
    let pt = |i: usize| Pt {
        x: points[[i, 0]],
        y: points[[i, 1]],
        i,
    };
    if par {
        use rayon::prelude::*;
        (0..n).into_par_iter().map(pt).collect_into_vec(pts);
        pts.par_sort_unstable_by_key(xyi_key);
    } else {
        pts.extend((0..n).map(pt));
        pts.sort_unstable_by_key(xyi_key);
    }
}

/// Collapses runs of equal points of sorted `pts` to their smallest index (the first of the
/// run); returns the smallest index of a point that has an equal one, if any. On the pool,
/// first looks for any (in parallel): usually there is none and nothing moves.
fn collapse_equal(pts: &mut Vec<Pt>, par: bool) -> Option<usize> {
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
    dup_first
}

/// The closest pair among distinct points, `Ok((i, j))`; or, when their minimum `d2` is 0
/// (differences below ~1e-162), `Err` of the smallest index with a partner at 0, for the
/// caller to settle.
fn closest_distinct(
    mut pts: Vec<Pt>,
    mut buf: Vec<Pt>,
    par: bool,
) -> std::result::Result<(usize, usize), Option<usize>> {
    // Scratch for the merges (its contents are never read before written).
    if par {
        use rayon::prelude::*;
        pts.par_iter().copied().collect_into_vec(&mut buf);
    } else {
        buf.extend_from_slice(&pts);
    }
    let best = solve(&mut pts, &mut buf, false, par);
    if best.d2 == f64::INFINITY {
        return Ok((0, 1));
    }
    if best.d2 > 0.0 {
        return Ok((best.i, best.j));
    }
    // The recursion left the points sorted by y; sort them back for the sweep.
    pts.sort_unstable_by_key(xyi_key);
    Err(first_with_zero_partner(&pts))
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
            self.0 = crate::test_support::lcg_step(self.0);
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
                let base = if g.next().is_multiple_of(2) {
                    0.0
                } else {
                    1e-150
                };
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
