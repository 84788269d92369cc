//! The C exports that hand a caller the core's rules and last steps instead of a copy of them:
//! the pieces of a sum of a part of a larger input and their join, the finishes of `mean`,
//! `std` and `monte_carlo_pi`, and the output shapes of the stencils. A distributed caller
//! (`speedup.dask` through the ctypes backend) schedules with these and computes no formula.
//!
//! Each export has a signature of its own (`exports!` serves exports that share one), so each
//! is written out; the small wrappers look alike, their bodies one call of the shared helpers
//! (`scalar`, `boundary`).

use crate::args::{product, scalar_out, Raw};
use crate::status::{boundary, speedup_status, Failure};
use crate::{put, scalar, scalar_pair};
use speedup_core as core;

/// The pieces of `speedup_sum` for a part of a larger input (for distributed callers): the
/// nodes of the summation tree of an input of `n_total` elements that lie inside the part
/// `x[0..len]` = elements `offset .. offset + len` and whose parent does not. Node `i` covers
/// elements `bounds[2i] .. bounds[2i+1]` and has the pair `(acc[2i], acc[2i+1])` = (sum,
/// carried error); `*count` nodes are written. `cap` is the room in `bounds` and `acc` in nodes
/// (128 always suffices). The part must start and end on a multiple of 1024 or the input's end.
/// The whole `speedup_sum`, bit for bit, from the pieces of all parts: join them along the same
/// tree (a range of `b` leaves of 1024 splits after its first `b / 2` leaves) with
/// `join((s1, e1), (s2, e2)) = (t, (e1 + e2) + ((s1 - (t - z)) + (s2 - z)))`, `t = s1 + s2`,
/// `z = t - s1`; the sum is `s + e` (`s` when `s` is not finite), and a NaN is replaced by the
/// canonical NaN (bits 0x7ff8000000000000) as `speedup_sum` returns it.
#[no_mangle]
pub unsafe extern "C" fn speedup_sum_nodes(
    x: *const f64,
    len: usize,
    offset: usize,
    n_total: usize,
    bounds: *mut usize,
    acc: *mut f64,
    cap: usize,
    count: *mut usize,
) -> speedup_status {
    const K: &str = "sum_nodes";
    boundary(K, || {
        let x_raw = Raw::new(K, "x", x, len).checked()?;
        let room = product(K, "cap * 2", cap, 2)?;
        let bounds_raw = Raw::new(K, "bounds", bounds.cast_const(), room).checked()?;
        let acc_raw = Raw::new(K, "acc", acc.cast_const(), room).checked()?;
        let count = scalar_out(K, "count", count)?;
        let nodes = core::reduce::sum_nodes(unsafe { x_raw.input()? }, offset, n_total)?;
        if nodes.len() > cap {
            return Err(Failure::Length {
                kernel: K,
                message: format!(
                    "cap must be at least {} (nodes of this part), got {cap}",
                    nodes.len()
                ),
            });
        }
        let bounds = unsafe { bounds_raw.output(&[x_raw.span()])? };
        let acc = unsafe { acc_raw.output(&[x_raw.span(), bounds_raw.span()])? };
        for (i, nd) in nodes.iter().enumerate() {
            bounds[2 * i] = nd.lo;
            bounds[2 * i + 1] = nd.hi;
            acc[2 * i] = nd.sum;
            acc[2 * i + 1] = nd.err;
        }
        put(count, nodes.len());
        Ok(())
    })
}

/// Checks that elements `offset .. offset + len` of an input of `n_total` elements form a part
/// `speedup_sum_nodes` accepts (start and end on a multiple of 1024, or the input's end):
/// `SPEEDUP_OK`, or `SPEEDUP_ERR_INVALID_ARGUMENT` naming the rule.
#[no_mangle]
pub extern "C" fn speedup_sum_nodes_check(
    len: usize,
    offset: usize,
    n_total: usize,
) -> speedup_status {
    const K: &str = "sum_nodes_check";
    boundary(K, || {
        core::reduce::check_part(K, len, offset, n_total)?;
        Ok(())
    })
}

/// The whole `speedup_sum` of an input of `n_total` elements, bit for bit, from the nodes that
/// `speedup_sum_nodes` gave for all its parts (`count` nodes in any order, laid out as that
/// function writes them: `bounds[2i], bounds[2i+1]` and `acc[2i], acc[2i+1]`), into `*out`.
/// Errors when the nodes do not tile the input along the summation tree.
#[no_mangle]
pub unsafe extern "C" fn speedup_join_nodes(
    bounds: *const usize,
    acc: *const f64,
    count: usize,
    n_total: usize,
    out: *mut f64,
) -> speedup_status {
    const K: &str = "join_nodes";
    boundary(K, || {
        let room = product(K, "count * 2", count, 2)?;
        let bounds = unsafe { Raw::new(K, "bounds", bounds, room).input()? };
        let acc = unsafe { Raw::new(K, "acc", acc, room).input()? };
        let out = scalar_out(K, "out", out)?;
        let nodes: Vec<core::reduce::TreeNode> = bounds
            .chunks_exact(2)
            .zip(acc.chunks_exact(2))
            .map(|(b, a)| core::reduce::TreeNode {
                lo: b[0],
                hi: b[1],
                sum: a[0],
                err: a[1],
            })
            .collect();
        put(out, core::reduce::join_nodes(&nodes, n_total)?);
        Ok(())
    })
}

/// The last step of `speedup_mean` from the sum of `n` elements: `sum / n` into `*out`.
/// Errors when `n == 0`.
#[no_mangle]
pub unsafe extern "C" fn speedup_mean_finish(sum: f64, n: usize, out: *mut f64) -> speedup_status {
    scalar("mean_finish", "out", out, || core::mean_finish(sum, n))
}

/// The last step of `speedup_std` from the sum of squared deviations `ss` of `n` elements:
/// `sqrt(ss / (n - ddof))` into `*out`. Errors when `n == 0` or `ddof >= n`.
#[no_mangle]
pub unsafe extern "C" fn speedup_std_finish(
    ss: f64,
    n: usize,
    ddof: usize,
    out: *mut f64,
) -> speedup_status {
    scalar("std_finish", "out", out, || core::std_finish(ss, n, ddof))
}

/// The last step of `speedup_monte_carlo_pi` from the count of points inside the circle (e.g.
/// the sum of `speedup_monte_carlo_pi_inside` over slices): `(4.0 * inside) / n_points` into
/// `*out`. Errors when `n_points == 0` or `inside > n_points`.
#[no_mangle]
pub unsafe extern "C" fn speedup_monte_carlo_pi_finish(
    inside: u64,
    n_points: u64,
    out: *mut f64,
) -> speedup_status {
    scalar("monte_carlo_pi_finish", "out", out, || {
        core::monte_carlo_pi_finish(inside, n_points)
    })
}

/// The output shape of `speedup_laplacian` over a `rows x cols` grid with steps `dx`, `dy`:
/// `(rows - 2, cols - 2)` into `*out_rows`, `*out_cols`, after the kernel's rules on the grid
/// and the steps.
#[no_mangle]
pub unsafe extern "C" fn speedup_laplacian_shape(
    rows: usize,
    cols: usize,
    dx: f64,
    dy: f64,
    out_rows: *mut usize,
    out_cols: *mut usize,
) -> speedup_status {
    const K: &str = "laplacian_shape";
    scalar_pair(K, ("out_rows", out_rows), ("out_cols", out_cols), || {
        Ok(core::laplacian_shape((rows, cols), dx, dy)?)
    })
}

/// The output length of `speedup_second_derivative` over `n` points with step `dx`: `n - 2`
/// into `*out_len`, after the kernel's rules on `n` and `dx`.
#[no_mangle]
pub unsafe extern "C" fn speedup_second_derivative_len(
    n: usize,
    dx: f64,
    out_len: *mut usize,
) -> speedup_status {
    scalar("second_derivative_len", "out_len", out_len, || {
        core::second_derivative_len(n, dx)
    })
}
