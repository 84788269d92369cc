//! `sum`, `mean` and `std` along axes, of `f64` or `f32` data in any strided layout, read in
//! place.
//!
//! Each lane (the elements of the reduced axes for one index of the kept axes, in C order of the
//! reduced axes) is reduced with exactly the flat kernel's tree ([`mod@crate::reduce`]): leaves of
//! [`LEAF`] elements, element `i` of a leaf to sublane `i % 8` with TwoSum, the same fixed
//! pairwise tree. So a lane's result has the bits [`crate::sum`] (or `mean`, `std`) gives for
//! that lane copied out, at every thread count: the thread count decides only who computes a
//! lane or a subtree. An `f32` element is widened to `f64` exactly as it is read.
//!
//! Three leaf readers, the same operations in the same order:
//! - a contiguous lane, `f64` or `f32`, is handed to the flat kernel's own (vectorised) leaf,
//!   which reads either type in place;
//! - any other lane (strided, several reduced axes that do not step like one) is read into a
//!   leaf-sized buffer on the stack, widened, and handed to the same leaf;
//! - when the lanes lie side by side in memory (the last kept axis has stride 1) and each lane
//!   steps with one stride (the reduced axes merge into one), as in `sum(axis=0)` of a C-order
//!   matrix, `reduce_tiles` reads a tile of neighbouring lanes a row at a time and
//!   keeps each lane's eight sublanes apart, vectorised across the lanes: memory speed.

use crate::error::{Error, Result};
use crate::nan::canon;
use crate::reduce::{
    join_leaves, leaf_pair_term, leaf_term, term_tree, tree_of, Acc, EachLeaf, Term, GRAIN, LEAF,
    PAIRED_FROM,
};
use crate::strided::{plan, Elem, Plan, Strided};
use crate::{reduce_cols, reduce_tiles};
use rayon::prelude::*;

/// Which reduction runs along the lanes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reduction {
    /// The deterministic sum.
    Sum,
    /// `sum / n`.
    Mean,
    /// The two-pass standard deviation with `ddof` delta degrees of freedom.
    Std {
        /// Delta degrees of freedom (`n - ddof` divides).
        ddof: usize,
    },
}

impl Reduction {
    pub(crate) fn kernel(self) -> &'static str {
        match self {
            Reduction::Sum => "sum",
            Reduction::Mean => "mean",
            Reduction::Std { .. } => "std",
        }
    }
}

/// A checked call of [`reduce`]: the view, its plan, and the reduction, which the row paths
/// take together.
#[derive(Clone, Copy)]
pub(crate) struct Call<'a, T> {
    pub(crate) x: &'a Strided<'a, T>,
    pub(crate) p: &'a Plan,
    pub(crate) red: Reduction,
}

/// How the elements of one lane are found from the lane's origin.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Walk {
    /// One stride (the reduced axes merged into one, or a lane of at most one element).
    Step(isize),
    /// Several reduced axes: the plan's `element_offset`.
    General,
}

/// The lanes' results of reducing `x` over `axes` (`None`: all of them), written to `out` in C
/// order of the kept axes (`out.len()` must be the number of lanes). Checks everything before
/// it writes: axes in range and not repeated, `out`'s length, a lane that is not empty for
/// `mean` and `std`, `ddof` below the lane length.
pub fn reduce<T: Elem>(
    x: Strided<'_, T>,
    axes: Option<&[usize]>,
    red: Reduction,
    out: &mut [f64],
) -> Result<()> {
    let k = red.kernel();
    let p = check(k, &x, axes, red, out.len())?;
    if p.lanes == 0 {
        return Ok(());
    }
    let call = Call { x: &x, p: &p, red };
    if let Some(tiles) = reduce_tiles::Tiles::new(&p) {
        return reduce_tiles::run(&call, &tiles, out);
    }
    if let Some(cols) = reduce_cols::Cols::new(&p) {
        return reduce_cols::run(&call, &cols, out);
    }
    let lanes = Lanes {
        x: &x,
        p: &p,
        walk: walk_of(&p),
    };
    let par = worth_parallel(&p);
    let per_task = (GRAIN / p.lane_len.max(1)).max(1);
    if lanes.paired() {
        // Lane `i` of the first half beside lane `i` of the second: two streams far apart.
        let h = p.lanes / 2;
        let (first, second) = out.split_at_mut(h);
        let (second, last) = second.split_at_mut(h);
        let pair = |i: usize, (a, b): (&mut f64, &mut f64)| {
            [*a, *b] = lanes.result_pair([i, h + i], red);
        };
        if par {
            crate::threads::run(|| {
                first
                    .par_iter_mut()
                    .zip(second.par_iter_mut())
                    .with_min_len(per_task.div_ceil(2))
                    .enumerate()
                    .for_each(|(i, ab)| pair(i, ab));
            });
        } else {
            first
                .iter_mut()
                .zip(second)
                .enumerate()
                .for_each(|(i, ab)| pair(i, ab));
        }
        if let [o] = last {
            *o = lanes.result(2 * h, red, false);
        }
    } else if par {
        crate::threads::run(|| {
            out.par_iter_mut()
                .with_min_len(per_task)
                .enumerate()
                .for_each(|(q, o)| *o = lanes.result(q, red, true));
        });
    } else {
        for (q, o) in out.iter_mut().enumerate() {
            *o = lanes.result(q, red, false);
        }
    }
    Ok(())
}

/// The plan of the call, after every check of [`reduce`].
pub fn check<T: Elem>(
    k: &'static str,
    x: &Strided<'_, T>,
    axes: Option<&[usize]>,
    red: Reduction,
    out_len: usize,
) -> Result<Plan> {
    let p = plan(k, x.shape(), x.strides(), axes)?;
    if out_len != p.lanes {
        return Err(Error::length(
            k,
            "out",
            format_args!("length {} (the kept axes' size)", p.lanes),
            format_args!("length {out_len}"),
        ));
    }
    if p.lanes > 0 {
        // The flat call (every axis) words its errors as the flat kernels do.
        let (empty, per) = match axes {
            None => ("must not be empty", "number of elements"),
            Some(_) => (
                "must not be empty along the reduced axes",
                "number of elements per lane",
            ),
        };
        match red {
            Reduction::Mean | Reduction::Std { .. } if p.lane_len == 0 => {
                return Err(Error::invalid(k, "x", empty));
            }
            Reduction::Std { ddof } if ddof >= p.lane_len => {
                return Err(Error::invalid(
                    k,
                    "ddof",
                    format!(
                        "must be smaller than the {per} ({}), got {ddof}",
                        p.lane_len
                    ),
                ));
            }
            _ => {}
        }
    }
    Ok(p)
}

/// True when the whole call is big enough for speedup's pool: the flat `sum`'s cut-off (the
/// calibrated one, or the environment's) on the elements of every lane together.
pub(crate) fn worth_parallel(p: &Plan) -> bool {
    crate::threads::go_parallel(
        p.lanes.saturating_mul(p.lane_len),
        crate::threads::Kernel::Sum,
    )
}

pub(crate) fn walk_of(p: &Plan) -> Walk {
    match p.lane.as_slice() {
        [] => Walk::Step(1),
        [(_, s)] => Walk::Step(*s),
        _ => Walk::General,
    }
}

/// The lanes of a call that no row path takes, read one lane at a time.
pub(crate) struct Lanes<'a, T> {
    pub(crate) x: &'a Strided<'a, T>,
    pub(crate) p: &'a Plan,
    pub(crate) walk: Walk,
}

impl<T: Elem> Lanes<'_, T> {
    /// The finished result of lane `q`: the flat kernel's sum, mean or std of that lane.
    fn result(&self, q: usize, red: Reduction, par: bool) -> f64 {
        let base = self.p.lane_offset(q);
        let n = self.p.lane_len;
        let sum = |term: Term| {
            if let Walk::Step(1) = self.walk {
                // SAFETY: the lane's `n` elements are contiguous and inside the view.
                let xs = unsafe { std::slice::from_raw_parts(self.x.ptr_at(base), n) };
                return term_tree(xs, term, par);
            }
            tree_of(n, par, &EachLeaf(|lo, hi| self.leaf(base, lo, hi, term)))
        };
        finish(red, n, sum)
    }

    /// Whether lanes go two at a time ([`Lanes::result_pair`]): contiguous lanes, at least two,
    /// too short for the flat tree to pair their leaves itself.
    fn paired(&self) -> bool {
        matches!(self.walk, Walk::Step(1)) && self.p.lanes >= 2 && self.p.lane_len <= PAIRED_LANE
    }

    /// [`Lanes::result`] of two contiguous lanes at once, leaf `l` of one beside leaf `l` of the
    /// other (the same bits as two calls).
    fn result_pair(&self, qs: [usize; 2], red: Reduction) -> [f64; 2] {
        let n = self.p.lane_len;
        // SAFETY: each lane's `n` elements are contiguous and inside the view.
        let xs = qs.map(|q| unsafe {
            std::slice::from_raw_parts(self.x.ptr_at(self.p.lane_offset(q)), n)
        });
        finish_n(red, n, |terms| pair_tree(xs, terms))
    }

    /// The leaf sum of elements `lo..hi` of the lane starting at `base`, read into a buffer
    /// (a contiguous lane goes to [`term_tree`] instead, which reads it in place).
    #[inline]
    pub(crate) fn leaf(&self, base: isize, lo: usize, hi: usize, term: Term) -> Acc {
        let (x, len) = (self.x, hi - lo);
        let mut buf = [0.0f64; LEAF];
        match self.walk {
            Walk::Step(s) => {
                for (j, b) in buf[..len].iter_mut().enumerate() {
                    // SAFETY: element `lo + j` of a lane inside the view.
                    *b = unsafe { x.at(base + (lo + j) as isize * s) }.widen();
                }
            }
            Walk::General => {
                for (j, b) in buf[..len].iter_mut().enumerate() {
                    // SAFETY: as above.
                    *b = unsafe { x.at(base + self.p.element_offset(lo + j)) }.widen();
                }
            }
        }
        leaf_term(&buf[..len], term)
    }
}

/// The flat kernel's last steps for a lane of `n` elements, from its tree sums: `sum`,
/// `sum / n`, or the two passes of `std`.
pub(crate) fn finish(red: Reduction, n: usize, sum: impl Fn(Term) -> Acc) -> f64 {
    let [v] = finish_n(red, n, |[term]| [sum(term)]);
    v
}

/// [`finish`] for `N` lanes of `n` elements at once, `sum` giving the tree sums of lane `q`'s
/// `terms[q]`.
fn finish_n<const N: usize>(
    red: Reduction,
    n: usize,
    sum: impl Fn([Term; N]) -> [Acc; N],
) -> [f64; N] {
    let s = sum([Term::Value; N]).map(|a| canon(a.value()));
    match red {
        Reduction::Sum => s,
        Reduction::Mean => s.map(|s| canon(s / n as f64)),
        Reduction::Std { ddof } => {
            let m = s.map(|s| canon(s / n as f64));
            let ss = sum(m.map(Term::SquaredDeviation));
            ss.map(|a| canon((a.value() / (n - ddof) as f64).sqrt()))
        }
    }
}

/// Lanes up to this many elements go two at a time: longer ones are trees whose own leaves go
/// two at a time ([`mod@crate::reduce`]).
const PAIRED_LANE: usize = 2 * PAIRED_FROM * LEAF;

/// The flat kernel's trees over two contiguous lanes of one length (at most [`PAIRED_LANE`]),
/// lane `q` adding `terms[q]`, their leaves summed side by side.
fn pair_tree<T: Elem>(xs: [&[T]; 2], terms: [Term; 2]) -> [Acc; 2] {
    let n = xs[0].len();
    let b = n.div_ceil(LEAF).max(1);
    let mut acc = [[Acc::default(); 2]; PAIRED_LANE / LEAF];
    for (l, a) in acc[..b].iter_mut().enumerate() {
        let (lo, hi) = (l * LEAF, ((l + 1) * LEAF).min(n));
        *a = leaf_pair_term([&xs[0][lo..hi], &xs[1][lo..hi]], terms);
    }
    [0, 1].map(|q| join_leaves(&|l| acc[l][q], 0, b))
}

/// The flat `sum`, `mean` or `std` of a contiguous `f32` array: each element widened exactly,
/// the `f64` kernel's tree, the result rounded once to `f32`.
pub fn reduce_f32(x: &[f32], red: Reduction) -> Result<f32> {
    let shape = [x.len()];
    let v = Strided::from_slice(red.kernel(), x, &shape, &[1])?;
    let mut out = [0.0f64];
    reduce(v, None, red, &mut out)?;
    Ok(out[0] as f32)
}

#[cfg(test)]
#[path = "reduce_axes_tests.rs"]
mod tests;
