//! Deterministic summation: the one reduction every kernel that adds many floats uses.
//!
//! The input is cut into leaves of [`LEAF`] elements (the last may be shorter). A leaf is summed
//! with eight interleaved accumulators (element `i` of the leaf goes to accumulator `i % 8`),
//! which are then combined as `((a0+a1)+(a2+a3)) + ((a4+a5)+(a6+a7))`. Leaves are combined by a
//! fixed pairwise tree: a range of `b` leaves splits into its first `b / 2` leaves and the rest.
//! This is numpy's pairwise summation with block-aligned splits, so the error grows like
//! `O(eps * log n)`; and because the tree depends only on `n`, never on the thread count, every
//! thread count gives the same bits. Parallel runs hand whole subtrees to rayon.

/// Elements per leaf.
pub const LEAF: usize = 128;
/// Subtrees smaller than this many elements are summed on one thread.
const GRAIN: usize = 1 << 15;
/// Below this many elements a reduction never goes parallel (measured: see the bench binary).
pub const PARALLEL_CUTOFF: usize = 1 << 17;

#[inline(always)]
fn leaf_sum(x: &[f64], f: &impl Fn(f64) -> f64) -> f64 {
    let mut acc = [0.0f64; 8];
    let mut chunks = x.chunks_exact(8);
    for c in &mut chunks {
        for k in 0..8 {
            acc[k] += f(c[k]);
        }
    }
    for (k, &v) in chunks.remainder().iter().enumerate() {
        acc[k] += f(v);
    }
    ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]))
}

/// Where a range of `n > LEAF` elements splits: after its first `leaves / 2` leaves.
#[inline(always)]
fn split_point(n: usize) -> usize {
    let leaves = n.div_ceil(LEAF);
    (leaves / 2) * LEAF
}

fn tree_serial(x: &[f64], f: &impl Fn(f64) -> f64) -> f64 {
    if x.len() <= LEAF {
        leaf_sum(x, f)
    } else {
        let (a, b) = x.split_at(split_point(x.len()));
        tree_serial(a, f) + tree_serial(b, f)
    }
}

fn tree_parallel(x: &[f64], f: &(impl Fn(f64) -> f64 + Sync)) -> f64 {
    if x.len() <= GRAIN {
        tree_serial(x, f)
    } else {
        let (a, b) = x.split_at(split_point(x.len()));
        let (sa, sb) = rayon::join(|| tree_parallel(a, f), || tree_parallel(b, f));
        sa + sb
    }
}

/// The deterministic sum of `f(x_i)`, on speedup's pool when `x` is large. Empty gives 0.0.
pub fn sum_map(x: &[f64], f: impl Fn(f64) -> f64 + Sync) -> f64 {
    if crate::threads::parallel_worthwhile(x.len(), PARALLEL_CUTOFF) {
        crate::threads::run(|| tree_parallel(x, &f))
    } else {
        tree_serial(x, &f)
    }
}

/// The same sum, always on the calling thread (used by tests and by callers already parallel).
pub fn sum_map_serial(x: &[f64], f: impl Fn(f64) -> f64) -> f64 {
    tree_serial(x, &f)
}
