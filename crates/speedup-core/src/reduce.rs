//! Deterministic, compensated summation: the one reduction every kernel that adds many floats
//! uses (`sum`, `mean`, both passes of `std`).
//!
//! The input is cut into leaves of [`LEAF`] elements (the last may be shorter). Within a leaf,
//! element `i` goes to lane `i % 8`; each lane keeps a running sum and the exact rounding error
//! of every addition (Knuth's TwoSum), so a lane carries about twice the working precision.
//! Lanes, then leaves, are combined by a fixed pairwise tree (a range of `b` leaves splits into
//! its first `b / 2` leaves and the rest), again with TwoSum, and the result is `sum + error`.
//!
//! - Accuracy: the error is about `eps * |S| + n * eps^2 * sum|x_i|`, far below numpy's pairwise
//!   sum (`log2(n) * eps * sum|x_i|`) on ill-conditioned data (the tests check it, against an
//!   exact sum, on cancelling inputs).
//! - Determinism: the tree depends only on `n`, never on the thread count; parallel runs hand
//!   whole subtrees to rayon, so every thread count gives the same bits.
//! - Infinities and NaN propagate as in a plain sum: when the running sum is not finite it is
//!   returned as it is (the error term is meaningless then).

/// Elements per leaf.
pub const LEAF: usize = 1024;
/// Subtrees smaller than this many elements are summed on one thread.
const GRAIN: usize = 1 << 16;
/// Below this many elements a reduction never goes parallel (measured with
/// `cargo bench -p speedup-core --bench kernels -- sweep`).
pub const PARALLEL_CUTOFF: usize = 1 << 18;

/// A sum and the accumulated rounding error of the additions that made it.
#[derive(Clone, Copy, Debug, Default)]
struct Acc {
    s: f64,
    c: f64,
}

impl Acc {
    /// TwoSum: `s + c` grows by exactly `a.s + b.s` plus the carried errors.
    #[inline(always)]
    fn join(a: Acc, b: Acc) -> Acc {
        let t = a.s + b.s;
        let z = t - a.s;
        let e = (a.s - (t - z)) + (b.s - z);
        Acc {
            s: t,
            c: (a.c + b.c) + e,
        }
    }

    #[inline(always)]
    fn value(self) -> f64 {
        if self.s.is_finite() {
            self.s + self.c
        } else {
            self.s
        }
    }
}

#[inline(always)]
fn leaf_sum(x: &[f64], f: &impl Fn(f64) -> f64) -> Acc {
    let mut s = [0.0f64; 8];
    let mut c = [0.0f64; 8];
    let mut add = |k: usize, v: f64| {
        let t = s[k] + v;
        let z = t - s[k];
        c[k] += (s[k] - (t - z)) + (v - z);
        s[k] = t;
    };
    let mut chunks = x.chunks_exact(8);
    for ch in &mut chunks {
        for k in 0..8 {
            add(k, f(ch[k]));
        }
    }
    for (k, &v) in chunks.remainder().iter().enumerate() {
        add(k, f(v));
    }
    let lane = |k: usize| Acc { s: s[k], c: c[k] };
    Acc::join(
        Acc::join(Acc::join(lane(0), lane(1)), Acc::join(lane(2), lane(3))),
        Acc::join(Acc::join(lane(4), lane(5)), Acc::join(lane(6), lane(7))),
    )
}

/// Where a range of `n > LEAF` elements splits: after its first `leaves / 2` leaves.
#[inline(always)]
fn split_point(n: usize) -> usize {
    let leaves = n.div_ceil(LEAF);
    (leaves / 2) * LEAF
}

fn tree_serial(x: &[f64], f: &impl Fn(f64) -> f64) -> Acc {
    if x.len() <= LEAF {
        leaf_sum(x, f)
    } else {
        let (a, b) = x.split_at(split_point(x.len()));
        Acc::join(tree_serial(a, f), tree_serial(b, f))
    }
}

fn tree_parallel(x: &[f64], f: &(impl Fn(f64) -> f64 + Sync)) -> Acc {
    if x.len() <= GRAIN {
        tree_serial(x, f)
    } else {
        let (a, b) = x.split_at(split_point(x.len()));
        let (sa, sb) = rayon::join(|| tree_parallel(a, f), || tree_parallel(b, f));
        Acc::join(sa, sb)
    }
}

/// The deterministic sum of `f(x_i)`, on speedup's pool when `x` is large. Empty gives 0.0.
pub fn sum_map(x: &[f64], f: impl Fn(f64) -> f64 + Sync) -> f64 {
    if crate::threads::parallel_worthwhile(x.len(), PARALLEL_CUTOFF) {
        crate::threads::run(|| tree_parallel(x, &f)).value()
    } else {
        tree_serial(x, &f).value()
    }
}

/// One node of the fixed summation tree: elements `lo..hi` of the whole input and the node's
/// running sum and carried rounding error (see the module doc).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TreeNode {
    /// First element of the node (index into the whole input).
    pub lo: usize,
    /// One past its last element.
    pub hi: usize,
    /// The node's sum, before its error is added.
    pub sum: f64,
    /// The carried rounding error of the additions that made `sum`.
    pub err: f64,
}

/// The most nodes [`sum_nodes`] can return (two per level of a tree over at most 2^64 elements).
pub const MAX_SUM_NODES: usize = 128;

/// The nodes of the summation tree of an input of `n_total` elements that lie inside the part
/// `x = input[offset .. offset + x.len()]` and whose parent does not: the pieces a distributed
/// caller (speedup.dask) needs to rebuild the whole sum bit for bit. It joins the pieces of all
/// parts along the same tree (a range of `b` leaves splits after its first `b / 2` leaves):
/// `join((s1, e1), (s2, e2)) = (t, (e1 + e2) + ((s1 - (t - z)) + (s2 - z)))` with `t = s1 + s2`,
/// `z = t - s1`, and the result is `s + e` (or `s` when `s` is not finite).
///
/// The part must start and end on a leaf boundary (a multiple of [`LEAF`], or the input's end).
pub fn sum_nodes(x: &[f64], offset: usize, n_total: usize) -> crate::Result<Vec<TreeNode>> {
    const K: &str = "sum_nodes";
    let end = offset
        .checked_add(x.len())
        .filter(|&e| e <= n_total)
        .ok_or_else(|| {
            crate::Error::invalid(
                K,
                "offset",
                format!(
                    "+ len(x) must be at most n_total ({n_total}), got {offset} + {}",
                    x.len()
                ),
            )
        })?;
    for (arg, at) in [("offset", offset), ("offset + len(x)", end)] {
        if at % LEAF != 0 && at != n_total {
            return Err(crate::Error::invalid(
                K,
                if arg == "offset" { "offset" } else { "x" },
                format!("part must start and end on a multiple of {LEAF} (or the input's end); {arg} = {at}"),
            ));
        }
    }
    let mut nodes = Vec::new();
    if x.is_empty() {
        return Ok(nodes);
    }
    fn walk(lo: usize, hi: usize, part: (usize, usize), x: &[f64], out: &mut Vec<TreeNode>) {
        let (a, b) = part;
        if hi <= a || b <= lo {
            return;
        }
        if a <= lo && hi <= b {
            let acc = if crate::threads::parallel_worthwhile(hi - lo, PARALLEL_CUTOFF) {
                crate::threads::run(|| tree_parallel(&x[lo - a..hi - a], &|v| v))
            } else {
                tree_serial(&x[lo - a..hi - a], &|v| v)
            };
            out.push(TreeNode {
                lo,
                hi,
                sum: acc.s,
                err: acc.c,
            });
            return;
        }
        // The part's ends are leaf boundaries, so a straddled node is larger than a leaf.
        let mid = lo + split_point(hi - lo);
        walk(lo, mid, part, x, out);
        walk(mid, hi, part, x, out);
    }
    walk(0, n_total, (offset, end), x, &mut nodes);
    Ok(nodes)
}

/// The same sum, always on the calling thread (for callers that are already parallel).
pub fn sum_map_serial(x: &[f64], f: impl Fn(f64) -> f64) -> f64 {
    tree_serial(x, &f).value()
}
