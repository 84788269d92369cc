//! Differential fuzzing of the NumPy-grade features: `sum`/`mean`/`std` along random axes of
//! random 1-D to 4-D arrays of `f64` and `f32` held in random strided layouts (any axis order in
//! memory, steps, reversed axes), and the stencils' boundary modes in `f64` and `f32` and any
//! layout. Each must give the same bits at every setup of `fuzz::SETUPS` and in every layout,
//! and match an independent reference: the flat kernel on each lane copied out (bitwise; no
//! worse than NumPy's pairwise sum against `fsum`), the contract's formula on a padded copy
//! built from the contract's table of modes (bitwise, in the data's precision).

use crate::common::{fsum, numpy_pairwise};
use crate::fuzz::*;
use ndarray::{s, Array1, Array2, ArrayView2, ShapeBuilder};
use proptest::prelude::*;
use speedup_core::strided::Elem;
use speedup_core::{self as core, Mode, Real, Reduction, Strided};

// ------------------------------------------------------------------------------------------
// Reductions along axes

/// How a logical array lies in memory: its axes stored in the order `perm`, every `step[d]`-th
/// element along axis `d`, axes with `flip[d]` stored reversed (negative strides).
#[derive(Debug, Clone)]
struct Held {
    shape: Vec<usize>,
    perm: Vec<usize>,
    step: Vec<usize>,
    flip: Vec<bool>,
}

impl Held {
    /// The buffer, the origin's offset in it and the strides (in elements) that hold `values`
    /// (C order of `shape`); the gaps hold a NaN never read.
    fn build<T: Elem + Real>(&self, values: &[f64]) -> (Vec<T>, usize, Vec<isize>) {
        let nd = self.shape.len();
        let mem: Vec<usize> = self
            .perm
            .iter()
            .map(|&d| self.shape[d].max(1) * self.step[d])
            .collect();
        let mut mem_stride = vec![1isize; nd];
        for m in (0..nd.saturating_sub(1)).rev() {
            mem_stride[m] = mem_stride[m + 1] * mem[m + 1] as isize;
        }
        let mut strides = vec![0isize; nd];
        let mut origin = 0isize;
        for (m, &d) in self.perm.iter().enumerate() {
            let st = mem_stride[m] * self.step[d] as isize;
            if self.flip[d] {
                origin += (self.shape[d].max(1) - 1) as isize * st;
                strides[d] = -st;
            } else {
                strides[d] = st;
            }
        }
        let mut buf = vec![T::from_f64(f64::NAN); mem.iter().product::<usize>().max(1)];
        for (j, &v) in values.iter().enumerate() {
            let (mut r, mut off) = (j, origin);
            for d in (0..nd).rev() {
                off += (r % self.shape[d]) as isize * strides[d];
                r /= self.shape[d];
            }
            buf[off as usize] = T::from_f64(v);
        }
        (buf, origin as usize, strides)
    }
}

/// Shapes of 1 to 4 axes (0 to 6 elements; sometimes one axis around or past the 1024-element
/// leaf, the others at most 2), a memory order, steps, reversed axes, and the axes to reduce
/// (`None`: every axis; else a subset in any order).
fn held_and_axes() -> impl Strategy<Value = (Held, Option<Vec<usize>>)> {
    let long = prop_oneof![
        Just(None),
        (
            0usize..4,
            prop::sample::select(vec![1023, 1024, 1025, 2049, 5000])
        )
            .prop_map(Some)
    ];
    (1usize..5, long)
        .prop_flat_map(|(nd, long)| {
            let idx: Vec<usize> = (0..nd).collect();
            (
                prop::collection::vec(0usize..7, nd).prop_map(move |mut sh| {
                    if let Some((k, len)) = long {
                        sh.iter_mut().for_each(|v| *v = (*v).min(2));
                        sh[k % nd] = len;
                    }
                    sh
                }),
                Just(idx.clone()).prop_shuffle(),
                prop::collection::vec(1usize..4, nd),
                prop::collection::vec(any::<bool>(), nd),
                prop::option::weighted(0.85, prop::sample::subsequence(idx, 0..=nd).prop_shuffle()),
            )
        })
        .prop_map(|(shape, perm, step, flip, axes)| {
            (
                Held {
                    shape,
                    perm,
                    step,
                    flip,
                },
                axes,
            )
        })
}

/// Lane `q`'s elements (C order of the reduced axes) from the C-order `values`, by index
/// arithmetic on the logical shape only.
fn lane(values: &[f64], shape: &[usize], axes: &[usize], q: usize) -> Vec<f64> {
    let nd = shape.len();
    let kept: Vec<usize> = (0..nd).filter(|d| !axes.contains(d)).collect();
    let mut red = axes.to_vec();
    red.sort_unstable();
    let mut idx = vec![0usize; nd];
    let mut r = q;
    for &d in kept.iter().rev() {
        idx[d] = r % shape[d];
        r /= shape[d];
    }
    let len: usize = red.iter().map(|&d| shape[d]).product();
    (0..len)
        .map(|mut j| {
            for &d in red.iter().rev() {
                idx[d] = j % shape[d];
                j /= shape[d];
            }
            values[idx.iter().zip(shape).fold(0, |acc, (&i, &n)| acc * n + i)]
        })
        .collect()
}

fn flat(red: Reduction, x: &[f64]) -> core::Result<f64> {
    match red {
        Reduction::Sum => Ok(core::sum(x)),
        Reduction::Mean => core::mean(x),
        Reduction::Std { ddof } => core::std(x, ddof),
    }
}

fn reduction() -> impl Strategy<Value = Reduction> {
    prop_oneof![
        Just(Reduction::Sum),
        Just(Reduction::Mean),
        (0usize..4).prop_map(|ddof| Reduction::Std { ddof })
    ]
}

/// The lanes' results and the error, if any, of one call.
type Reduced = (Vec<f64>, Option<core::Error>);

/// The reduction of `values` held as `h`, in `T`, at every setup: `(results, error)`, with
/// `out` prefilled with a sentinel (an error must leave it as it was).
fn reduce_held<T: Elem + Real>(
    h: &Held,
    values: &[f64],
    axes: Option<&[usize]>,
    red: Reduction,
    lanes: usize,
) -> Vec<(String, Reduced)> {
    let (buf, origin, strides) = h.build::<T>(values);
    across_setups(|| {
        // SAFETY: `build` placed every element the view reaches inside `buf`.
        let v = unsafe { Strided::from_raw("fuzz", buf.as_ptr().add(origin), &h.shape, &strides) }
            .unwrap();
        let mut out = vec![-7.25; lanes];
        let e = core::reduce(v, axes, red, &mut out).err();
        (out, e)
    })
}

#[test]
fn reductions_along_axes_vs_lanes_copied_out() {
    property!("reductions_along_axes_vs_lanes_copied_out", 256, |((h, axes) in held_and_axes(), family in family(), seed in any::<u64>(),
                             patches in prop::collection::vec((any::<usize>(), any_f64()), 0..8), red in reduction())| {
        let n: usize = h.shape.iter().product();
        let values = Recipe { len: n, family, seed, patches }.build();
        let values32: Vec<f64> = values.iter().map(|&v| v as f32 as f64).collect();
        let all: Vec<usize> = (0..h.shape.len()).collect();
        let red_axes = axes.clone().unwrap_or_else(|| all.clone());
        let lanes: usize = (0..h.shape.len()).filter(|d| !red_axes.contains(d)).map(|d| h.shape[d]).product();
        let lane_len = n.checked_div(lanes).unwrap_or_else(|| red_axes.iter().map(|&d| h.shape[d]).product());
        let refused = lanes > 0 && match red {
            Reduction::Sum => false,
            Reduction::Mean => lane_len == 0,
            Reduction::Std { ddof } => ddof >= lane_len,
        };
        for (single, vals) in [(false, &values), (true, &values32)] {
            let got = if single {
                reduce_held::<f32>(&h, &values, axes.as_deref(), red, lanes)
            } else {
                reduce_held::<f64>(&h, &values, axes.as_deref(), red, lanes)
            };
            all_same("reduce", &got, |a, b| a.1 == b.1 && same_slices("", &a.0, &b.0).is_ok())?;
            let (out, err) = &got[0].1;
            prop_assert_eq!(err.is_some(), refused, "{:?} {:?} lanes {} x {}: {:?}", red, axes, lanes, lane_len, err);
            if refused {
                prop_assert!(out.iter().all(|&v| v == -7.25), "nothing written on error");
                continue;
            }
            for (q, &o) in out.iter().enumerate() {
                let l = lane(vals, &h.shape, &red_axes, q);
                let want = flat(red, &l).unwrap();
                prop_assert!(same_f64(o, want), "lane {} ({} elements, f32 {}): {:e} vs flat {:e}", q, l.len(), single, o, want);
                if red == Reduction::Sum && q < 8 && l.iter().all(|v| v.is_finite()) {
                    let (exact, np) = (fsum(&l), numpy_pairwise(&l));
                    if exact.is_finite() && np.is_finite() && l.iter().map(|v| v.abs()).sum::<f64>().is_finite() {
                        let ulp = f64::from_bits(exact.abs().to_bits() + 1) - exact.abs();
                        prop_assert!((o - exact).abs() <= (np - exact).abs() + ulp, "lane {}: {:e}, fsum {:e}, numpy {:e}", q, o, exact, np);
                    }
                }
            }
        }
        // The flat float32 kernel: the f64 tree of the widened data, rounded once.
        let x32: Vec<f32> = values.iter().map(|&v| v as f32).collect();
        let want = flat(red, &values32).map(|v| v as f32);
        let got = core::reduce_f32(&x32, red);
        prop_assert!(match (&got, &want) { (Ok(a), Ok(b)) => a.to_bits() == b.to_bits(), (Err(a), Err(b)) => a == b, _ => false },
                     "reduce_f32 {:?} vs {:?}", got, want);
    });
}

// ------------------------------------------------------------------------------------------
// Boundary modes

/// The padded index of `i` in `-1..=n` as the contract's table says, `None` for `cval`.
fn padded_index(mode: Mode, i: isize, n: usize) -> Option<usize> {
    let n = n as isize;
    if (0..n).contains(&i) {
        return Some(i as usize);
    }
    // The contract's table: reflect d c b a | a b c d | d c b a, nearest a a a | a b c d | d d d,
    // mirror d c b | a b c d | c b a (one cell: a | a | a), wrap b c d | a b c d | a b c.
    let k = match mode {
        Mode::Valid | Mode::Constant => return None,
        Mode::Reflect | Mode::Nearest => i.clamp(0, n - 1),
        Mode::Mirror if n == 1 => 0,
        Mode::Mirror if i < 0 => -i,
        Mode::Mirror => 2 * (n - 1) - i,
        Mode::Wrap => i.rem_euclid(n),
    };
    Some(k as usize)
}

/// The contract's Laplacian at every output point, in `T`, on the input padded by one cell.
fn laplacian_reference<T: Real>(
    f: &Array2<T>,
    dx: f64,
    dy: f64,
    mode: Mode,
    cval: f64,
) -> Array2<T> {
    let (r, c) = f.dim();
    let one = T::from_f64(1.0);
    let (tdx, tdy) = (T::from_f64(dx), T::from_f64(dy));
    let (ax, ay) = (one / (tdx * tdx), one / (tdy * tdy));
    let cc = T::from_f64(2.0) * ax + T::from_f64(2.0) * ay;
    let at = |i: isize, j: isize| match (padded_index(mode, i, r), padded_index(mode, j, c)) {
        (Some(i), Some(j)) => f[[i, j]],
        _ => T::from_f64(cval),
    };
    let (o, (nr, nc)) = if mode == Mode::Valid {
        (1, (r.saturating_sub(2), c.saturating_sub(2)))
    } else {
        (0, (r, c))
    };
    Array2::from_shape_fn((nr, nc), |(i, j)| {
        let (i, j) = ((i + o) as isize, (j + o) as isize);
        ((at(i - 1, j) + at(i + 1, j)) * ax + (at(i, j - 1) + at(i, j + 1)) * ay) - at(i, j) * cc
    })
}

fn d2_reference<T: Real>(f: &[T], dx: f64, mode: Mode, cval: f64) -> Vec<T> {
    let n = f.len();
    let tdx = T::from_f64(dx);
    let scale = T::from_f64(1.0) / (tdx * tdx);
    let at = |i: isize| padded_index(mode, i, n).map_or(T::from_f64(cval), |k| f[k]);
    let (o, len) = if mode == Mode::Valid {
        (1, n.saturating_sub(2))
    } else {
        (0, n)
    };
    (0..len)
        .map(|i| {
            let i = (i + o) as isize;
            ((at(i - 1) - T::from_f64(2.0) * at(i)) + at(i + 1)) * scale
        })
        .collect()
}

/// The C-order grid `a` in layout `k`: C, Fortran, every second row and column of a larger
/// array, both axes reversed (negative strides).
fn held_grid<T: Real, R>(a: &Array2<T>, k: u8, f: impl FnOnce(ArrayView2<T>) -> R) -> R {
    let dim = a.dim();
    match k {
        0 => f(a.view()),
        1 => {
            let mut b = Array2::from_elem(dim.f(), T::default());
            b.assign(a);
            f(b.view())
        }
        2 => {
            let mut big = Array2::from_elem((2 * dim.0, 2 * dim.1), T::from_f64(f64::NAN));
            big.slice_mut(s![..;2, ..;2]).assign(a);
            f(big.slice(s![..;2, ..;2]))
        }
        _ => {
            let rev = a.slice(s![..;-1, ..;-1]).to_owned();
            f(rev.slice(s![..;-1, ..;-1]))
        }
    }
}

fn same_as_reference_t<T: Real>(what: &str, got: &[T], want: &[T]) -> Result<(), TestCaseError> {
    let g: Vec<f64> = got.iter().map(|v| v.to_f64()).collect();
    let w: Vec<f64> = want.iter().map(|v| v.to_f64()).collect();
    matches_reference(what, &g, &w)
}

/// Two results bit for bit, or the same error.
fn same_outcome<T: Real>(a: &core::Result<Vec<T>>, b: &core::Result<Vec<T>>) -> bool {
    match (a, b) {
        (Ok(a), Ok(b)) => {
            a.len() == b.len()
                && a.iter()
                    .zip(b)
                    .all(|(x, y)| same_f64(x.to_f64(), y.to_f64()))
        }
        (Err(a), Err(b)) => a == b,
        _ => false,
    }
}

/// One case of both stencils in `T`: setups, layouts, an F-order output, the padded reference
/// and the errors of the contract.
fn modes_case<T: Real>(
    g: &Array2<T>,
    (dx, dy): (f64, f64),
    mode: Mode,
    cval: f64,
    lay: u8,
) -> Result<(), TestCaseError> {
    let bad_step = |d: f64| {
        let t = T::from_f64(d).to_f64();
        t == 0.0 || !t.is_finite()
    };
    let dim = core::stencil::laplacian_out_dim_mode(g.dim(), mode);
    let got = across_setups(|| {
        held_grid(g, lay, |v| {
            let mut o = Array2::from_elem(dim.unwrap_or((0, 0)).f(), T::from_f64(-7.25));
            core::laplacian_mode(v, dx, dy, mode, cval, o.view_mut())
                .map(|_| o.iter().copied().collect::<Vec<T>>())
        })
    });
    all_same("laplacian_mode", &got, same_outcome)?;
    match (&got[0].1, dim) {
        (Err(_), _) => prop_assert!(
            dim.is_none() || bad_step(dx) || bad_step(dy),
            "refused: {:?}",
            got[0].1
        ),
        (Ok(_), None) => prop_assert!(false, "valid on a {:?} grid must be refused", g.dim()),
        (Ok(v), Some(_)) => {
            prop_assert!(
                !bad_step(dx) && !bad_step(dy),
                "a step that is 0 or infinite in the data's type must be refused"
            );
            let want: Vec<T> = laplacian_reference(g, dx, dy, mode, cval)
                .iter()
                .copied()
                .collect();
            same_as_reference_t("laplacian_mode vs padded reference", v, &want)?;
        }
    }
    // The first row as a 1-D signal, read through a reversed view.
    let row: Array1<T> = if g.nrows() > 0 {
        g.row(0).to_owned()
    } else {
        Array1::from_elem(0, T::default())
    };
    let rev = row.slice(s![..;-1]).to_owned();
    let len = core::stencil::second_derivative_out_len_mode(row.len(), mode);
    let got = across_setups(|| {
        let mut o = vec![T::from_f64(-7.25); len.unwrap_or(0)];
        core::second_derivative_mode(rev.slice(s![..;-1]), dx, mode, cval, (&mut o[..]).into())
            .map(|_| o)
    });
    all_same("second_derivative_mode", &got, same_outcome)?;
    match &got[0].1 {
        Err(_) => prop_assert!(len.is_none() || bad_step(dx), "refused: {:?}", got[0].1),
        Ok(v) => {
            prop_assert!(len.is_some() && !bad_step(dx));
            same_as_reference_t(
                "second_derivative_mode vs padded reference",
                v,
                &d2_reference(row.as_slice().unwrap(), dx, mode, cval),
            )?;
        }
    }
    Ok(())
}

#[test]
fn boundary_modes_vs_padded_reference() {
    let shape = prop_oneof![4 => (0usize..10, 0usize..10), 1 => (1usize..4, 200usize..900), 1 => (150usize..400, 3usize..6)];
    property!("boundary_modes_vs_padded_reference", 256, |((r, c) in shape, family in family(), seed in any::<u64>(),
                             patches in prop::collection::vec((any::<usize>(), any_f64()), 0..8),
                             dx in step(), dy in step(), mode in prop::sample::select(Mode::ALL.to_vec()),
                             cval in any_f64(), lay in 0u8..4)| {
        let v = Recipe { len: r * c, family, seed, patches }.build();
        let g = Array2::from_shape_vec((r, c), v).unwrap();
        modes_case(&g, (dx, dy), mode, cval, lay)?;
        modes_case(&g.mapv(|x| x as f32), (dx, dy), mode, cval, lay)?;
    });
}
