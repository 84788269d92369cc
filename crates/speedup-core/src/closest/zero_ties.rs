//! The tie at `d2 == 0` (step 4 of the parent module): which point of distinct points has a
//! partner whose differences underflow to zero when squared, by a sweep over x.

use std::collections::BTreeSet;
use std::ops::Bound;

use super::Pt;

/// True when `fl((a - b)^2) == 0`. Monotone in the exact `|a - b|`.
#[inline(always)]
pub(super) fn zero_gap(a: f64, b: f64) -> bool {
    let d = a - b;
    d * d == 0.0
}

/// Total-order key of a finite `y` (numeric order; `-0.0` just below `0.0`).
#[inline(always)]
pub(super) fn ykey(y: f64) -> u64 {
    let b = y.to_bits();
    if b >> 63 == 1 {
        !b
    } else {
        b | (1 << 63)
    }
}

/// The smallest original index among `reps` (distinct, sorted by `(x, y, i)`) that has another
/// point of `reps` at `d2 == 0`, i.e. `fl(dx*dx) == 0` and `fl(dy*dy) == 0`.
pub(super) fn first_with_zero_partner(reps: &[Pt]) -> Option<usize> {
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
