//! The 5-point Laplacian over strided views: the interior in parallel row blocks, then the ring
//! of edge cells of a padded mode.

use ndarray::{s, ArrayView2, ArrayViewMut2, Axis};

use super::{ends, Mode, TASK};
use crate::real::Real;
use crate::threads;

/// The coefficients, computed once in the data's precision.
#[derive(Clone, Copy)]
pub(super) struct Coef<T> {
    ax: T,
    ay: T,
    c: T,
}

impl<T: Real> Coef<T> {
    pub(super) fn new(dx: T, dy: T) -> Self {
        let ax = T::ONE / (dx * dx);
        let ay = T::ONE / (dy * dy);
        Coef {
            ax,
            ay,
            c: T::TWO * ax + T::TWO * ay,
        }
    }

    /// The coefficients of the transposed grid: `ax` and `ay` trade places; `c` keeps its bits
    /// (`2*ay + 2*ax` is the same IEEE sum).
    fn transposed(self) -> Self {
        Coef {
            ax: self.ay,
            ay: self.ax,
            c: self.c,
        }
    }
}

/// `((up + down)*ax + (left + right)*ay) - centre*c`, the contract's one formula.
#[inline(always)]
fn lap_one<T: Real>(up: T, down: T, left: T, right: T, centre: T, k: Coef<T>) -> T {
    (((up + down) * k.ax + (left + right) * k.ay) - centre * k.c).canon()
}

#[inline(always)]
fn lap_row_generic<T: Real>(up: &[T], mid: &[T], down: &[T], k: Coef<T>, out: &mut [T]) {
    let n = out.len();
    let (up, down) = (&up[1..n + 1], &down[1..n + 1]);
    let (left, centre, right) = (&mid[..n], &mid[1..n + 1], &mid[2..n + 2]);
    for j in 0..n {
        out[j] = lap_one(up[j], down[j], left[j], right[j], centre[j], k);
    }
}

avx2_dispatch!(
    /// One output row of the Laplacian from input rows `up`, `mid`, `down` (all `out.len() + 2`
    /// long).
    fn lap_row<T: Real> => lap_row_generic(up: &[T], mid: &[T], down: &[T], k: Coef<T>, out: &mut [T])
);

/// The whole kernel after its checks.
pub(super) fn run<T: Real>(
    f: ArrayView2<T>,
    k: Coef<T>,
    mode: Mode,
    cval: T,
    mut out: ArrayViewMut2<T>,
) {
    if mode == Mode::Valid {
        interior(f, k, out);
        return;
    }
    let (rows, cols) = f.dim();
    if rows >= 3 && cols >= 3 {
        interior(f, k, out.slice_mut(s![1..rows - 1, 1..cols - 1]));
    }
    let at = |i: isize, j: isize| match (mode.source(i, rows), mode.source(j, cols)) {
        (Some(a), Some(b)) => f[[a, b]],
        _ => cval,
    };
    let mut edge = |i: usize, j: usize| {
        let (a, b) = (i as isize, j as isize);
        out[[i, j]] = lap_one(
            at(a - 1, b),
            at(a + 1, b),
            at(a, b - 1),
            at(a, b + 1),
            f[[i, j]],
            k,
        );
    };
    for i in ends(rows) {
        for j in 0..cols {
            edge(i, j);
        }
    }
    for i in 1..rows.saturating_sub(1) {
        for j in ends(cols) {
            edge(i, j);
        }
    }
}

/// Rows per block of a strided output (see [`rows_of`]).
const BLOCK: usize = 16;

/// The valid Laplacian of `f` into `out` (`(rows - 2) x (cols - 2)`), whatever the strides.
fn interior<T: Real>(mut f: ArrayView2<T>, mut k: Coef<T>, mut out: ArrayViewMut2<T>) {
    // A reversed axis swaps `up`/`down` or `left`/`right`: operands of a commutative sum.
    for ax in [Axis(0), Axis(1)] {
        if f.stride_of(ax) < 0 {
            f.invert_axis(ax);
            out.invert_axis(ax);
        }
    }
    // Read along the contiguous axis: transpose when a column is contiguous and a row is not.
    if f.strides()[1] != 1 && f.strides()[0] == 1 {
        f = f.reversed_axes();
        out = out.reversed_axes();
        k = k.transposed();
    }
    let (orows, ocols) = out.dim();
    if orows == 0 || ocols == 0 {
        return;
    }
    let mut rows_per_task = (TASK / ocols).max(1);
    if ocols > 1 && out.strides()[1] != 1 {
        // Rows stored through strides (a transposed output): whole blocks of rows per task, and
        // enough of them that two tasks do not share the output's cache lines.
        rows_per_task = rows_per_task.max(4 * BLOCK).next_multiple_of(BLOCK);
    }
    let parallel = threads::go_parallel(orows * ocols, threads::Kernel::Stencils);
    threads::row_blocks(parallel, out, rows_per_task, |first, o| {
        rows_of(f, k, first, o)
    });
}

/// Output rows `first..first + out.nrows()` (input rows `first..first + out.nrows() + 2`).
fn rows_of<T: Real>(f: ArrayView2<T>, k: Coef<T>, first: usize, mut out: ArrayViewMut2<T>) {
    let mut rows = Rows::new(f);
    if out.ncols() <= 1 || out.strides()[1] == 1 {
        for (r, mut orow) in out.outer_iter_mut().enumerate() {
            let [up, mid, down] = rows.three(first + r);
            lap_row(up, mid, down, k, orow.as_slice_mut().expect("unit stride"));
        }
        return;
    }
    // Rows that are not contiguous (a transposed or Fortran-order output): a block of rows is
    // computed into a buffer, then stored column by column, so that consecutive stores are
    // neighbours in memory when the output's columns are contiguous (one row apart would be a
    // cache miss each).
    let ocols = out.ncols();
    let mut tmp = vec![T::default(); BLOCK * ocols];
    for (b, mut blk) in out.axis_chunks_iter_mut(Axis(0), BLOCK).enumerate() {
        let nb = blk.nrows();
        for (r, t) in tmp.chunks_exact_mut(ocols).take(nb).enumerate() {
            let [up, mid, down] = rows.three(first + b * BLOCK + r);
            lap_row(up, mid, down, k, t);
        }
        for (j, mut col) in blk.columns_mut().into_iter().enumerate() {
            for (o, &v) in col.iter_mut().zip(tmp[j..].iter().step_by(ocols)) {
                *o = v;
            }
        }
    }
}

/// Input rows as slices: borrowed when a row is contiguous, else gathered into three buffers
/// that roll down the grid (each row is gathered once per task).
struct Rows<'a, T> {
    f: ArrayView2<'a, T>,
    bufs: [Vec<T>; 3],
    tags: [usize; 3],
}

impl<'a, T: Real> Rows<'a, T> {
    fn new(f: ArrayView2<'a, T>) -> Self {
        Rows {
            f,
            bufs: [Vec::new(), Vec::new(), Vec::new()],
            tags: [usize::MAX; 3],
        }
    }

    /// Rows `i`, `i + 1`, `i + 2`.
    fn three(&mut self, i: usize) -> [&[T]; 3] {
        let f = self.f;
        if f.strides()[1] == 1 || f.ncols() <= 1 {
            let row = |r: usize| {
                f.index_axis_move(Axis(0), r)
                    .to_slice()
                    .expect("unit stride")
            };
            return [row(i), row(i + 1), row(i + 2)];
        }
        if self.tags[1] == i && self.tags[2] == i + 1 {
            self.bufs.rotate_left(1);
            self.tags.rotate_left(1);
        }
        for d in 0..3 {
            if self.tags[d] != i + d {
                self.bufs[d].clear();
                self.bufs[d].extend(f.row(i + d).iter().copied());
                self.tags[d] = i + d;
            }
        }
        [&self.bufs[0], &self.bufs[1], &self.bufs[2]]
    }
}
