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
use crate::reduce::{leaf_term, term_tree, tree_of, Acc, EachLeaf, Term, GRAIN, LEAF};
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
    if worth_parallel(&p) {
        let per_task = (GRAIN / p.lane_len.max(1)).max(1);
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

    /// The leaf sum of elements `lo..hi` of the lane starting at `base`.
    #[inline]
    pub(crate) fn leaf(&self, base: isize, lo: usize, hi: usize, term: Term) -> Acc {
        let (x, len) = (self.x, hi - lo);
        if let Walk::Step(1) = self.walk {
            // SAFETY: the lane's elements `lo..hi` are contiguous and inside the view.
            let xs = unsafe { std::slice::from_raw_parts(x.ptr_at(base + lo as isize), len) };
            return leaf_term(xs, term);
        }
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
    let s = canon(sum(Term::Value).value());
    match red {
        Reduction::Sum => s,
        Reduction::Mean => canon(s / n as f64),
        Reduction::Std { ddof } => {
            let m = canon(s / n as f64);
            let ss = sum(Term::SquaredDeviation(m)).value();
            canon((ss / (n - ddof) as f64).sqrt())
        }
    }
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
