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

use crate::error::{Error, Result};

/// Elements per leaf.
pub const LEAF: usize = 1024;
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

/// The 8-lane compensated sum of one leaf, `f` applied to every element (the portable form).
#[inline(always)]
fn leaf_sum(x: &[f64], f: &impl Fn(f64) -> f64) -> Acc {
    let mut s = [0.0f64; 8];
    let mut c = [0.0f64; 8];
    let mut chunks = x.chunks_exact(8);
    for ch in &mut chunks {
        for k in 0..8 {
            two_sum_into(&mut s[k], &mut c[k], f(ch[k]));
        }
    }
    finish_leaf(s, c, chunks.remainder(), f)
}

/// Lane `(s, c)` takes `v`: TwoSum, the error added to `c`.
#[inline(always)]
pub(crate) fn two_sum_into(s: &mut f64, c: &mut f64, v: f64) {
    let t = *s + v;
    let z = t - *s;
    *c += (*s - (t - z)) + (v - z);
    *s = t;
}

/// Adds the last `rest.len() < 8` elements (element `k` to lane `k`), then combines the lanes.
#[inline(always)]
pub(crate) fn finish_leaf(
    mut s: [f64; 8],
    mut c: [f64; 8],
    rest: &[f64],
    f: &impl Fn(f64) -> f64,
) -> Acc {
    for (k, &v) in rest.iter().enumerate() {
        two_sum_into(&mut s[k], &mut c[k], f(v));
    }
    let lane = |k: usize| Acc { s: s[k], c: c[k] };
    Acc::join(
        Acc::join(Acc::join(lane(0), lane(1)), Acc::join(lane(2), lane(3))),
        Acc::join(Acc::join(lane(4), lane(5)), Acc::join(lane(6), lane(7))),
    )
}

/// What the fast reductions add up, in the two forms a leaf can take.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Term {
    /// `x_i` (sum, mean, the first pass of std).
    Value,
    /// `(x_i - m) * (x_i - m)` (the second pass of std).
    SquaredDeviation(f64),
}

impl Term {
    #[inline(always)]
    pub(crate) fn apply(self, v: f64) -> f64 {
        match self {
            Term::Value => v,
            Term::SquaredDeviation(m) => (v - m) * (v - m),
        }
    }
}

/// The leaf sum of [`leaf_sum`] in AVX2: the eight lanes are two 4-wide registers and every lane
/// performs exactly the scalar operations in the same order (IEEE add, sub and mul round the
/// same in any register width, and nothing is contracted into an FMA), so the result has the
/// same bits. LLVM's autovectoriser does not find this layout by itself (it pairs lanes 0 and
/// 4, 1 and 5, ... with shuffles and leaves lanes scalar), hence the intrinsics: 2.3x faster
/// than the portable loop on data in cache.
///
/// # Safety
/// The CPU must support AVX2 ([`crate::simd::avx2`] says so).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn leaf_sum_avx2<const SQUARED: bool>(x: &[f64], m: f64) -> Acc {
    use std::arch::x86_64::*;
    let mv = _mm256_set1_pd(m);
    let (mut s0, mut s1) = (_mm256_setzero_pd(), _mm256_setzero_pd());
    let (mut c0, mut c1) = (_mm256_setzero_pd(), _mm256_setzero_pd());
    let mut chunks = x.chunks_exact(8);
    for ch in &mut chunks {
        // SAFETY: `ch` holds 8 elements; unaligned loads.
        let (mut v0, mut v1) = unsafe {
            (
                _mm256_loadu_pd(ch.as_ptr()),
                _mm256_loadu_pd(ch.as_ptr().add(4)),
            )
        };
        if SQUARED {
            let d0 = _mm256_sub_pd(v0, mv);
            let d1 = _mm256_sub_pd(v1, mv);
            v0 = _mm256_mul_pd(d0, d0);
            v1 = _mm256_mul_pd(d1, d1);
        }
        let t0 = _mm256_add_pd(s0, v0);
        let t1 = _mm256_add_pd(s1, v1);
        let z0 = _mm256_sub_pd(t0, s0);
        let z1 = _mm256_sub_pd(t1, s1);
        let e0 = _mm256_add_pd(
            _mm256_sub_pd(s0, _mm256_sub_pd(t0, z0)),
            _mm256_sub_pd(v0, z0),
        );
        let e1 = _mm256_add_pd(
            _mm256_sub_pd(s1, _mm256_sub_pd(t1, z1)),
            _mm256_sub_pd(v1, z1),
        );
        c0 = _mm256_add_pd(c0, e0);
        c1 = _mm256_add_pd(c1, e1);
        s0 = t0;
        s1 = t1;
    }
    let (mut s, mut c) = ([0.0f64; 8], [0.0f64; 8]);
    // SAFETY: each array holds 8 elements; unaligned stores.
    unsafe {
        _mm256_storeu_pd(s.as_mut_ptr(), s0);
        _mm256_storeu_pd(s.as_mut_ptr().add(4), s1);
        _mm256_storeu_pd(c.as_mut_ptr(), c0);
        _mm256_storeu_pd(c.as_mut_ptr().add(4), c1);
    }
    let term = if SQUARED {
        Term::SquaredDeviation(m)
    } else {
        Term::Value
    };
    finish_leaf(s, c, chunks.remainder(), &|v| term.apply(v))
}

/// The leaf sum of [`leaf_sum`] in AVX-512: the eight lanes are one 8-wide register, the same
/// operations in the same order as [`leaf_sum_avx2`] and the portable loop, so the same bits.
///
/// # Safety
/// The CPU must support AVX-512 F ([`crate::simd::avx512`] says so).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq,avx512bw,avx512vl")]
unsafe fn leaf_sum_avx512<const SQUARED: bool>(x: &[f64], m: f64) -> Acc {
    use std::arch::x86_64::*;
    let mv = _mm512_set1_pd(m);
    let (mut s0, mut c0) = (_mm512_setzero_pd(), _mm512_setzero_pd());
    let mut chunks = x.chunks_exact(8);
    for ch in &mut chunks {
        // SAFETY: `ch` holds 8 elements; an unaligned load.
        let mut v0 = unsafe { _mm512_loadu_pd(ch.as_ptr()) };
        if SQUARED {
            let d0 = _mm512_sub_pd(v0, mv);
            v0 = _mm512_mul_pd(d0, d0);
        }
        let t0 = _mm512_add_pd(s0, v0);
        let z0 = _mm512_sub_pd(t0, s0);
        let e0 = _mm512_add_pd(
            _mm512_sub_pd(s0, _mm512_sub_pd(t0, z0)),
            _mm512_sub_pd(v0, z0),
        );
        c0 = _mm512_add_pd(c0, e0);
        s0 = t0;
    }
    let (mut s, mut c) = ([0.0f64; 8], [0.0f64; 8]);
    // SAFETY: each array holds 8 elements; unaligned stores.
    unsafe {
        _mm512_storeu_pd(s.as_mut_ptr(), s0);
        _mm512_storeu_pd(c.as_mut_ptr(), c0);
    }
    let term = if SQUARED {
        Term::SquaredDeviation(m)
    } else {
        Term::Value
    };
    finish_leaf(s, c, chunks.remainder(), &|v| term.apply(v))
}

/// The leaf sum of `term` over `x` on the widest path this CPU runs (same bits on every path).
#[inline(always)]
pub(crate) fn leaf_term(x: &[f64], term: Term) -> Acc {
    leaf_term_on(crate::simd::Isa::best(), x, term)
}

/// The leaf sum of `term` over `x` on path `isa`, which the CPU must run (the tests call every
/// path; everything else goes through [`leaf_term`]).
#[inline(always)]
fn leaf_term_on(isa: crate::simd::Isa, x: &[f64], term: Term) -> Acc {
    #[cfg(target_arch = "x86_64")]
    {
        use crate::simd::Isa;
        let m = match term {
            Term::Value => 0.0,
            Term::SquaredDeviation(m) => m,
        };
        let squared = matches!(term, Term::SquaredDeviation(_));
        match isa {
            // SAFETY (both arms): `isa` is a path this CPU runs (detected at run time).
            Isa::Avx512 => {
                return unsafe {
                    if squared {
                        leaf_sum_avx512::<true>(x, m)
                    } else {
                        leaf_sum_avx512::<false>(x, m)
                    }
                };
            }
            Isa::Avx2 => {
                return unsafe {
                    if squared {
                        leaf_sum_avx2::<true>(x, m)
                    } else {
                        leaf_sum_avx2::<false>(x, m)
                    }
                };
            }
            Isa::Baseline => {}
        }
    }
    let _ = isa;
    match term {
        Term::Value => leaf_sum(x, &|v| v),
        Term::SquaredDeviation(m) => leaf_sum(x, &|v| (v - m) * (v - m)),
    }
}

/// The sum of one leaf of values on path `isa` (for the path benchmark).
pub(crate) fn leaf_value_on(isa: crate::simd::Isa, x: &[f64]) -> f64 {
    leaf_term_on(isa, x, Term::Value).value()
}

/// Where a range of `n > LEAF` elements splits: after its first `leaves / 2` leaves.
#[inline(always)]
pub(crate) fn split_point(n: usize) -> usize {
    let leaves = n.div_ceil(LEAF);
    (leaves / 2) * LEAF
}

fn tree_serial(x: &[f64], leaf: &impl Fn(&[f64]) -> Acc) -> Acc {
    if x.len() <= LEAF {
        leaf(x)
    } else {
        let (a, b) = x.split_at(split_point(x.len()));
        Acc::join(tree_serial(a, leaf), tree_serial(b, leaf))
    }
}

fn tree_parallel(x: &[f64], leaf: &(impl Fn(&[f64]) -> Acc + Sync)) -> Acc {
    if x.len() <= GRAIN {
        tree_serial(x, leaf)
    } else {
        let (a, b) = x.split_at(split_point(x.len()));
        let (sa, sb) = rayon::join(|| tree_parallel(a, leaf), || tree_parallel(b, leaf));
        Acc::join(sa, sb)
    }
}

/// The tree over `x` with leaves summed by `leaf`, on speedup's pool when `x` is large.
fn tree(x: &[f64], leaf: impl Fn(&[f64]) -> Acc + Sync) -> Acc {
    if crate::threads::go_parallel(x.len(), crate::threads::Kernel::Sum) {
        crate::threads::run(|| tree_parallel(x, &leaf))
    } else {
        tree_serial(x, &leaf)
    }
}

/// The deterministic sum of `f(x_i)`, on speedup's pool when `x` is large. Empty gives 0.0.
///
/// Any `f` runs through the portable leaf loop; `sum` and `std` use the same tree with
/// vectorised leaves ([`sum_values`], [`sum_squared_deviations`]), which give the same bits.
pub fn sum_map(x: &[f64], f: impl Fn(f64) -> f64 + Sync) -> f64 {
    tree(x, |leaf| leaf_sum(leaf, &f)).value()
}

/// `sum_map(x, |v| v)`, with vectorised leaves where the CPU has them.
pub fn sum_values(x: &[f64]) -> f64 {
    tree(x, |leaf| leaf_term(leaf, Term::Value)).value()
}

/// `sum_map(x, |v| (v - m) * (v - m))`, with vectorised leaves where the CPU has them.
pub fn sum_squared_deviations(x: &[f64], m: f64) -> f64 {
    tree(x, |leaf| leaf_term(leaf, Term::SquaredDeviation(m))).value()
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
        let acc = tree(&x[lo - a..hi - a], |leaf| leaf_term(leaf, Term::Value));
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
    tree_serial(x, &|leaf: &[f64]| leaf_sum(leaf, &f)).value()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simd::Isa;

    /// Inputs that exercise the compensation: cancellation, magnitudes far apart, signed zeros,
    /// subnormals, and every tail length.
    fn awkward(n: usize, seed: u64) -> Vec<f64> {
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

    fn bits(a: Acc) -> (u64, u64) {
        (a.s.to_bits(), a.c.to_bits())
    }

    #[test]
    fn vectorised_leaves_match_the_portable_loop_bit_for_bit() {
        for n in (0..40).chain([63, 64, 65, 1000, 1023, 1024]) {
            for seed in 1..4 {
                let mut x = awkward(n, seed);
                let m = 0.3 * seed as f64;
                for isa in Isa::available() {
                    assert_eq!(
                        bits(leaf_term_on(isa, &x, Term::Value)),
                        bits(leaf_sum(&x, &|v| v)),
                        "{isa:?} n={n}"
                    );
                    assert_eq!(
                        bits(leaf_term_on(isa, &x, Term::SquaredDeviation(m))),
                        bits(leaf_sum(&x, &|v| (v - m) * (v - m))),
                        "{isa:?} n={n}"
                    );
                }
                if n > 3 {
                    x[n / 2] = f64::INFINITY;
                    x[n / 3] = f64::NAN;
                    for isa in Isa::available() {
                        assert_eq!(
                            bits(leaf_term_on(isa, &x, Term::Value)),
                            bits(leaf_sum(&x, &|v| v)),
                            "{isa:?} n={n} with inf and NaN"
                        );
                    }
                }
            }
        }
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
