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
//! - Speed: on x86-64 CPUs with AVX-512 or AVX2 (detected at run time) the leaves of `sum`,
//!   `mean` and `std` run as one 8-wide or two 4-wide registers of lanes, the same operations in
//!   the same order, so the same bits as the portable loop (a unit test compares every path);
//!   that makes a single thread's sum of a large array memory-bound instead of add-bound.
//!   A node of up to 1024 leaves sums its leaves first, two at a time when it has enough (leaf
//!   `k` of its first half beside leaf `k` of its second half), then joins them along the same
//!   tree: each leaf is the same chain as alone, and one core reads two streams far apart
//!   faster than one (about 1.25x from memory here).

use crate::error::{Error, Result};

pub use crate::reduce_leaf::LEAF;
pub(crate) use crate::reduce_leaf::{
    finish_leaf, leaf_pair_term, leaf_sum, leaf_term, leaf_value_on, two_sum_into, Term,
};
use crate::strided::Elem;
/// Subtrees smaller than this many elements are summed on one thread.
pub(crate) const GRAIN: usize = 1 << 16;
/// The default cut-off, `SPEEDUP_CALIBRATE=0` (`crate::calibrate` measures one per machine):
/// below this many elements a reduction stays serial. With the AVX2 leaves one thread
/// sums 2^19 elements in about 140 us, while a call on the pool costs 30-120 us before any work
/// (waking the workers), so at 2^19 two threads are as likely to lose as to win; from 2^20 they
/// win (from 2^22 with the pool asleep). Re-measure with
/// `cargo bench -p speedup-core --bench kernels -- sweep [--cold]`.
pub const PARALLEL_CUTOFF: usize = 1 << 20;

/// A sum and the accumulated rounding error of the additions that made it.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Acc {
    pub(crate) s: f64,
    pub(crate) c: f64,
}

impl Acc {
    /// TwoSum: `s + c` grows by exactly `a.s + b.s` plus the carried errors.
    #[inline(always)]
    pub(crate) fn join(a: Acc, b: Acc) -> Acc {
        let t = a.s + b.s;
        let z = t - a.s;
        let e = (a.s - (t - z)) + (b.s - z);
        Acc {
            s: t,
            c: (a.c + b.c) + e,
        }
    }

    #[inline(always)]
    pub(crate) fn value(self) -> f64 {
        if self.s.is_finite() {
            self.s + self.c
        } else {
            self.s
        }
    }
}

/// Where a range of `n > LEAF` elements splits: after its first `leaves / 2` leaves.
#[inline(always)]
pub(crate) fn split_point(n: usize) -> usize {
    let leaves = n.div_ceil(LEAF);
    (leaves / 2) * LEAF
}

/// Elements per block: a node of the tree this small has its leaves summed first, into a
/// table on the stack, then joined by [`join_leaves`].
const BLOCK: usize = 1024 * LEAF;

/// A block of at least this many leaves sums them two at a time, leaf `k` of its first half
/// beside leaf `k` of its second half: two independent chains read as two streams far apart
/// in memory, which one core reads faster than one stream (about 1.25x measured from memory
/// with AVX-512 here, one thread; the bits are the same, since each leaf is the same chain as
/// alone).
pub(crate) const PAIRED_FROM: usize = 32;

/// The leaf sums a tree is built from: `one` sums the leaf of elements `lo..hi`; `two` sums
/// two whole leaves (of [`LEAF`] elements, from `a` and from `b`) with the bits of two calls of
/// `one`, faster where it can.
pub(crate) trait Leaves: Sync {
    fn one(&self, lo: usize, hi: usize) -> Acc;
    fn two(&self, a: usize, b: usize) -> [Acc; 2] {
        [self.one(a, a + LEAF), self.one(b, b + LEAF)]
    }
}

/// [`Leaves`] from a function of `(lo, hi)`, one leaf at a time.
pub(crate) struct EachLeaf<F>(pub(crate) F);

impl<F: Fn(usize, usize) -> Acc + Sync> Leaves for EachLeaf<F> {
    fn one(&self, lo: usize, hi: usize) -> Acc {
        (self.0)(lo, hi)
    }
}

/// The leaves of `term` over a contiguous slice, on the vectorised leaf paths.
struct TermLeaves<'a, T> {
    x: &'a [T],
    term: Term,
}

impl<T: Elem> Leaves for TermLeaves<'_, T> {
    fn one(&self, lo: usize, hi: usize) -> Acc {
        leaf_term(&self.x[lo..hi], self.term)
    }
    fn two(&self, a: usize, b: usize) -> [Acc; 2] {
        leaf_pair_term([&self.x[a..a + LEAF], &self.x[b..b + LEAF]], [self.term; 2])
    }
}

/// The tree over `term` of the contiguous `x` (on speedup's pool when `par`).
pub(crate) fn term_tree<T: Elem>(x: &[T], term: Term, par: bool) -> Acc {
    tree_of(x.len(), par, &TermLeaves { x, term })
}

/// The flat kernel's tree over elements `0..n`, leaves from `leaves`. With `par` (the caller
/// runs on speedup's pool) subtrees run as rayon tasks down to about eight tasks per thread
/// (at least [`GRAIN`] elements, at most a block); the thread count decides only who computes
/// a node, never the tree.
pub(crate) fn tree_of(n: usize, par: bool, leaves: &impl Leaves) -> Acc {
    fn rec(lo: usize, hi: usize, task: usize, leaves: &impl Leaves) -> Acc {
        let len = hi - lo;
        if len <= LEAF {
            return leaves.one(lo, hi);
        }
        if (2 * PAIRED_FROM * LEAF..=task.min(BLOCK)).contains(&len) {
            return block(lo, hi, leaves);
        }
        let mid = lo + split_point(len);
        let (a, b) = if len > task {
            rayon::join(|| rec(lo, mid, task, leaves), || rec(mid, hi, task, leaves))
        } else {
            (rec(lo, mid, task, leaves), rec(mid, hi, task, leaves))
        };
        Acc::join(a, b)
    }
    let task = if par {
        (n / (8 * rayon::current_num_threads())).clamp(GRAIN, BLOCK)
    } else {
        usize::MAX
    };
    rec(0, n, task, leaves)
}

/// The node over `lo..hi` (at least `2 * PAIRED_FROM` leaves, at most [`BLOCK`] elements; a
/// smaller node recurses leaf by leaf without the table): its leaves into a table, paired,
/// then the tree over them.
fn block(lo: usize, hi: usize, leaves: &impl Leaves) -> Acc {
    let b = (hi - lo).div_ceil(LEAF);
    let whole = (hi - lo) / LEAF;
    let h = b / 2;
    let mut acc = [Acc::default(); BLOCK / LEAF];
    let start = |l: usize| lo + l * LEAF;
    let mut k = 0;
    while k < h && h + k < whole {
        [acc[k], acc[h + k]] = leaves.two(start(k), start(h + k));
        k += 1;
    }
    for l in (k..h).chain(h + k..b) {
        acc[l] = leaves.one(start(l), (start(l) + LEAF).min(hi));
    }
    join_leaves(&|l| acc[l], 0, b)
}

/// The flat kernel's tree over leaves `lo..hi` (a range of `b` leaves splits after its first
/// `b / 2`, as the tree over elements does).
pub(crate) fn join_leaves(leaf: &impl Fn(usize) -> Acc, lo: usize, hi: usize) -> Acc {
    if hi - lo == 1 {
        return leaf(lo);
    }
    let mid = lo + (hi - lo) / 2;
    Acc::join(join_leaves(leaf, lo, mid), join_leaves(leaf, mid, hi))
}

/// [`tree_of`] over `n` elements, on speedup's pool when `n` is past the `sum` cut-off.
fn tree(n: usize, leaves: &impl Leaves) -> Acc {
    if crate::threads::go_parallel(n, crate::threads::Kernel::Sum) {
        crate::threads::run(|| tree_of(n, true, leaves))
    } else {
        tree_of(n, false, leaves)
    }
}

/// The deterministic sum of `f(x_i)`, on speedup's pool when `x` is large. Empty gives 0.0.
///
/// Any `f` runs through the portable leaf loop; `sum` and `std` use the same tree with
/// vectorised leaves ([`sum_values`], [`sum_squared_deviations`]), which give the same bits.
pub fn sum_map(x: &[f64], f: impl Fn(f64) -> f64 + Sync) -> f64 {
    tree(x.len(), &EachLeaf(|lo, hi| leaf_sum(&x[lo..hi], &f))).value()
}

/// `sum_map(x, |v| v)`, with vectorised leaves where the CPU has them.
pub fn sum_values(x: &[f64]) -> f64 {
    tree(
        x.len(),
        &TermLeaves {
            x,
            term: Term::Value,
        },
    )
    .value()
}

/// `sum_map(x, |v| (v - m) * (v - m))`, with vectorised leaves where the CPU has them.
pub fn sum_squared_deviations(x: &[f64], m: f64) -> f64 {
    let term = Term::SquaredDeviation(m);
    tree(x.len(), &TermLeaves { x, term }).value()
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
/// caller (speedup.dask) needs to rebuild the whole sum bit for bit with [`join_nodes`], which
/// joins the pieces of all parts along the same tree (a range of `b` leaves splits after its
/// first `b / 2` leaves): `join((s1, e1), (s2, e2)) = (t, (e1 + e2) + ((s1 - (t - z)) + (s2 -
/// z)))` with `t = s1 + s2`, `z = t - s1`; the result is `s + e` (or `s` when `s` is not finite),
/// passed through [`crate::nan::canon`] as [`crate::sum`] does.
///
/// The part must start and end on a leaf boundary (a multiple of [`LEAF`], or the input's end).
pub fn sum_nodes(x: &[f64], offset: usize, n_total: usize) -> Result<Vec<TreeNode>> {
    let end = check_part("sum_nodes", x.len(), offset, n_total)?;
    let mut nodes = Vec::new();
    if !x.is_empty() {
        walk_part(0, n_total, (offset, end), x, &mut nodes);
    }
    Ok(nodes)
}

/// The rule of a part handed to [`sum_nodes`]: elements `offset .. offset + len` of an input of
/// `n_total`, starting and ending on a multiple of [`LEAF`] (or the input's end). Returns the
/// part's end. Exposed so that a distributed caller asks the core, not a copy of the rule,
/// whether its chunks fit the tree.
pub fn check_part(
    kernel: &'static str,
    len: usize,
    offset: usize,
    n_total: usize,
) -> Result<usize> {
    let end = offset
        .checked_add(len)
        .filter(|&e| e <= n_total)
        .ok_or_else(|| {
            Error::invalid(
                kernel,
                "offset",
                format!("+ len(x) must be at most n_total ({n_total}), got {offset} + {len}"),
            )
        })?;
    for (arg, at) in [("offset", offset), ("offset + len(x)", end)] {
        if at % LEAF != 0 && at != n_total {
            return Err(Error::invalid(
                kernel,
                if arg == "offset" { "offset" } else { "x" },
                format!("part must start and end on a multiple of {LEAF} (or the input's end); {arg} = {at}"),
            ));
        }
    }
    Ok(end)
}

/// Appends to `out` the nodes of the tree over `lo..hi` that lie inside `part` and whose parent
/// does not; `x` holds the part's elements.
fn walk_part(lo: usize, hi: usize, part: (usize, usize), x: &[f64], out: &mut Vec<TreeNode>) {
    let (a, b) = part;
    if hi <= a || b <= lo {
        return;
    }
    if a <= lo && hi <= b {
        let x = &x[lo - a..hi - a];
        let acc = tree(
            x.len(),
            &TermLeaves {
                x,
                term: Term::Value,
            },
        );
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
    walk_part(lo, mid, part, x, out);
    walk_part(mid, hi, part, x, out);
}

/// The whole sum of an input of `n_total` elements from the [`sum_nodes`] of all its parts (in
/// any order): the nodes are joined along the summation tree with the TwoSum join, so the result
/// is bit for bit [`crate::sum`] of the whole input, canonical NaN included.
///
/// Errors when the nodes do not tile `0..n_total` along the tree: a range no node covers, a node
/// given twice, or a node that is not one of the tree's.
pub fn join_nodes(nodes: &[TreeNode], n_total: usize) -> Result<f64> {
    const K: &str = "join_nodes";
    let mut by_range = std::collections::BTreeMap::new();
    for nd in nodes {
        if by_range.insert((nd.lo, nd.hi), *nd).is_some() {
            return Err(Error::invalid(
                K,
                "nodes",
                format!("must hold each node once, got {}..{} twice", nd.lo, nd.hi),
            ));
        }
    }
    let mut used = 0usize;
    let acc = if n_total == 0 && nodes.is_empty() {
        Acc::default()
    } else {
        join_range(0, n_total, &by_range, &mut used)?
    };
    if used != nodes.len() {
        return Err(Error::invalid(
            K,
            "nodes",
            format!(
                "must be nodes of the summation tree of {n_total} elements; {} of {} are not",
                nodes.len() - used,
                nodes.len()
            ),
        ));
    }
    Ok(crate::nan::canon(acc.value()))
}

/// The node over `lo..hi`: given, or joined from its two children.
fn join_range(
    lo: usize,
    hi: usize,
    nodes: &std::collections::BTreeMap<(usize, usize), TreeNode>,
    used: &mut usize,
) -> Result<Acc> {
    if let Some(nd) = nodes.get(&(lo, hi)) {
        *used += 1;
        return Ok(Acc {
            s: nd.sum,
            c: nd.err,
        });
    }
    if hi - lo <= LEAF {
        return Err(Error::invalid(
            "join_nodes",
            "nodes",
            format!("must cover every element; no node holds elements {lo}..{hi}"),
        ));
    }
    let mid = lo + split_point(hi - lo);
    let a = join_range(lo, mid, nodes, used)?;
    let b = join_range(mid, hi, nodes, used)?;
    Ok(Acc::join(a, b))
}

/// The same sum, always on the calling thread (for callers that are already parallel).
pub fn sum_map_serial(x: &[f64], f: impl Fn(f64) -> f64) -> f64 {
    // Its own recursion, not [`tree_of`]: `f` need not be `Sync` here, and the same tree.
    fn rec(x: &[f64], f: &impl Fn(f64) -> f64) -> Acc {
        if x.len() <= LEAF {
            return leaf_sum(x, f);
        }
        let (a, b) = x.split_at(split_point(x.len()));
        Acc::join(rec(a, f), rec(b, f))
    }
    rec(x, &f).value()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Inputs that exercise the compensation: cancellation, magnitudes far apart, signed zeros,
    /// subnormals, and every tail length.
    pub(crate) fn awkward(n: usize, seed: u64) -> Vec<f64> {
        let mut s = seed;
        (0..n)
            .map(|i| {
                s = crate::test_support::lcg_step(s);
                let u = (s >> 11) as f64 / (1u64 << 53) as f64 - 0.5;
                match i % 7 {
                    0 => u * 1e16,
                    1 => -u * 1e16 + 0.25,
                    2 => u * 1e-300,
                    3 => -0.0,
                    4 => 5e-324,
                    _ => u,
                }
            })
            .collect()
    }

    #[test]
    fn fast_sums_equal_the_generic_reduction() {
        for n in [0, 1, 7, 1025, 5000, PARALLEL_CUTOFF + 3333] {
            let x = awkward(n, 9);
            let m = 0.125;
            assert_eq!(
                sum_values(&x).to_bits(),
                sum_map_serial(&x, |v| v).to_bits()
            );
            assert_eq!(
                sum_squared_deviations(&x, m).to_bits(),
                sum_map_serial(&x, |v| (v - m) * (v - m)).to_bits()
            );
        }
    }
}
