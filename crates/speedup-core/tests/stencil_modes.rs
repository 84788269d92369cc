//! Boundary modes, float32 and strided layouts of the stencils and comb filters, against a
//! reference written from the contract (an explicitly padded copy, the formula element by
//! element in the data's precision), and every layout against the C-ordered run, bit for bit.

use ndarray::{s, Array1, Array2, ArrayView2, ShapeBuilder};
use speedup_core::test_support::at_thread_counts;
use speedup_core::{
    comb_backward, comb_forward, laplacian_mode, second_derivative_mode, Mode, Real,
};

/// A value stream with NaNs, infinities, signed zeros and ordinary numbers of every sign.
fn data<T: Real>(n: usize, seed: u64) -> Vec<T> {
    let mut s = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..n)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            let v = match s % 97 {
                0 => f64::NAN,
                1 => f64::INFINITY,
                2 => -0.0,
                _ => ((s >> 11) as f64 / (1u64 << 53) as f64 - 0.5) * 8.0,
            };
            T::from_f64(v)
        })
        .collect()
}

/// The padded index of `i` in `-1..=n` (the contract's table, written out again).
fn pad_src(mode: Mode, i: isize, n: usize) -> Option<usize> {
    let n = n as isize;
    let k = match mode {
        _ if (0..n).contains(&i) => i,
        _ if n == 0 => return None,
        Mode::Constant | Mode::Valid => return None,
        Mode::Nearest | Mode::Reflect => i.clamp(0, n - 1),
        Mode::Mirror => {
            if n == 1 {
                0
            } else if i < 0 {
                1
            } else {
                n - 2
            }
        }
        Mode::Wrap => i.rem_euclid(n),
    };
    Some(k as usize)
}

fn padded<T: Real>(f: &Array2<T>, mode: Mode, cval: T) -> Array2<T> {
    let (r, c) = f.dim();
    Array2::from_shape_fn((r + 2, c + 2), |(i, j)| {
        match (
            pad_src(mode, i as isize - 1, r),
            pad_src(mode, j as isize - 1, c),
        ) {
            (Some(a), Some(b)) => f[[a, b]],
            _ => cval,
        }
    })
}

fn lap_ref<T: Real>(f: &Array2<T>, dx: f64, dy: f64, mode: Mode, cval: f64) -> Array2<T> {
    let g = if mode == Mode::Valid {
        f.clone()
    } else {
        padded(f, mode, T::from_f64(cval))
    };
    let (dx, dy) = (T::from_f64(dx), T::from_f64(dy));
    let ax = T::ONE / (dx * dx);
    let ay = T::ONE / (dy * dy);
    let c = T::TWO * ax + T::TWO * ay;
    let (r, cc) = g.dim();
    Array2::from_shape_fn((r - 2, cc - 2), |(i, j)| {
        let (i, j) = (i + 1, j + 1);
        (((g[[i - 1, j]] + g[[i + 1, j]]) * ax + (g[[i, j - 1]] + g[[i, j + 1]]) * ay)
            - g[[i, j]] * c)
            .canon()
    })
}

fn bits<T: Real>(a: &Array2<T>) -> Vec<u64> {
    a.iter().map(|v| v.to_f64().to_bits()).collect()
}

fn lap<T: Real>(f: ArrayView2<T>, dx: f64, dy: f64, mode: Mode, cval: f64) -> Array2<T> {
    let (r, c) = f.dim();
    let shape = if mode == Mode::Valid {
        (r - 2, c - 2)
    } else {
        (r, c)
    };
    let mut out = Array2::from_elem(shape, T::from_f64(7.0));
    laplacian_mode(f, dx, dy, mode, cval, out.view_mut()).unwrap();
    out
}

fn laplacian_all_modes_and_layouts<T: Real>() {
    for (r, c) in [
        (1, 1),
        (1, 5),
        (2, 2),
        (3, 3),
        (4, 7),
        (9, 2),
        (33, 65),
        (130, 300),
    ] {
        let f = Array2::from_shape_vec((r, c), data::<T>(r * c, (r * 1000 + c) as u64)).unwrap();
        for mode in Mode::ALL {
            if mode == Mode::Valid && (r < 3 || c < 3) {
                continue;
            }
            let (dx, dy) = (0.3, 1.7);
            let want = lap_ref(&f, dx, dy, mode, -2.5);
            let got = lap(f.view(), dx, dy, mode, -2.5);
            assert_eq!(bits(&got), bits(&want), "{r}x{c} {mode:?} {}", T::NAME);
            // Fortran order, reversed axes and a strided output: the same bits.
            let mut fort = Array2::from_elem((r, c).f(), T::from_f64(0.0));
            fort.assign(&f);
            assert_eq!(bits(&lap(fort.view(), dx, dy, mode, -2.5)), bits(&want));
            let mut rev = f.clone();
            rev.invert_axis(ndarray::Axis(0));
            let rev = rev.as_standard_layout().to_owned();
            let back = rev.slice(s![..;-1, ..]);
            assert_eq!(bits(&lap(back, dx, dy, mode, -2.5)), bits(&want));
            let big = Array2::from_shape_fn((2 * r + 1, 3 * c + 2), |(i, j)| {
                if i % 2 == 0 && j % 3 == 1 && j / 3 < c && i / 2 < r {
                    f[[i / 2, j / 3]]
                } else {
                    T::from_f64(99.0)
                }
            });
            let view = big.slice(s![..2 * r;2, 1..3 * c;3]);
            assert_eq!(bits(&lap(view, dx, dy, mode, -2.5)), bits(&want));
            let mut wide = Array2::from_elem((want.nrows(), 2 * want.ncols()).f(), T::default());
            let o = wide.slice_mut(s![.., ..;2]);
            laplacian_mode(fort.t(), dy, dx, mode, -2.5, o.reversed_axes()).unwrap();
            let o = wide.slice(s![.., ..;2]).to_owned();
            assert_eq!(bits(&o), bits(&want), "transposed");
        }
    }
}

#[test]
fn laplacian_modes_layouts_f64() {
    laplacian_all_modes_and_layouts::<f64>();
}

#[test]
fn laplacian_modes_layouts_f32() {
    laplacian_all_modes_and_layouts::<f32>();
}

fn d2_all<T: Real>() {
    for n in [0usize, 1, 2, 3, 4, 17, 40_000] {
        let f = Array1::from(data::<T>(n, n as u64 + 5));
        for mode in Mode::ALL {
            if mode == Mode::Valid && n < 3 {
                continue;
            }
            let f2 = f.clone().into_shape_with_order((1, n)).unwrap();
            let want_2d = if mode == Mode::Valid {
                f2.clone()
            } else {
                padded(&f2, mode, T::from_f64(0.25))
                    .slice(s![1..2, ..])
                    .to_owned()
            };
            let g = want_2d.row(0);
            let h = T::from_f64(0.7);
            let scale = T::ONE / (h * h);
            let want: Vec<u64> = (0..g.len().saturating_sub(2))
                .map(|i| (((g[i] - T::TWO * g[i + 1]) + g[i + 2]) * scale).canon())
                .map(|v| v.to_f64().to_bits())
                .collect();
            let len = want.len();
            let mut out = Array1::from_elem(len, T::default());
            second_derivative_mode(f.view(), 0.7, mode, 0.25, out.view_mut()).unwrap();
            let got: Vec<u64> = out.iter().map(|v| v.to_f64().to_bits()).collect();
            assert_eq!(got, want, "{n} {mode:?}");
            let spread = Array1::from_shape_fn(2 * n, |i| f[i / 2]);
            let mut out2 = Array1::from_elem(2 * len, T::default());
            let runs = at_thread_counts(&[1, 2, 3], || {
                second_derivative_mode(
                    spread.slice(s![..;2]),
                    0.7,
                    mode,
                    0.25,
                    out2.slice_mut(s![..;2]),
                )
                .unwrap();
                out2.iter()
                    .step_by(2)
                    .map(|v| v.to_f64().to_bits())
                    .collect::<Vec<_>>()
            });
            assert!(runs.iter().all(|r| *r == want), "{n} {mode:?} strided");
        }
    }
}

#[test]
fn second_derivative_modes_layouts() {
    d2_all::<f64>();
    d2_all::<f32>();
}

fn comb_layouts<T: Real>() {
    for (n, k) in [(1, 1), (5, 1), (64, 3), (2000, 7), (300_000, 2)] {
        let x = Array2::from_shape_vec((n, k), data::<T>(n * k, 3 + n as u64)).unwrap();
        for tau in [1, 2, 5, 9] {
            for backward in [false, true] {
                let run = |x: ArrayView2<T>, out: ndarray::ArrayViewMut2<T>| {
                    if backward {
                        comb_backward(x, tau, -0.75, out).unwrap()
                    } else {
                        comb_forward(x, tau, -0.75, out).unwrap()
                    }
                };
                let a = T::from_f64(-0.75);
                let mut want = Array2::from_elem((n, k), T::default());
                for t in 0..n {
                    for c in 0..k {
                        let prev = if backward {
                            want[[t.max(tau) - tau, c]]
                        } else {
                            x[[t.max(tau) - tau, c]]
                        };
                        want[[t, c]] = if t < tau {
                            x[[t, c]]
                        } else {
                            x[[t, c]] + a * prev
                        };
                    }
                }
                want.mapv_inplace(|v| v.canon());
                let mut c_out = Array2::from_elem((n, k), T::default());
                run(x.view(), c_out.view_mut());
                assert_eq!(bits(&c_out), bits(&want), "{n}x{k} tau {tau} {backward}");
                let mut fort = Array2::from_elem((n, k).f(), T::default());
                fort.assign(&x);
                let mut f_out = Array2::from_elem((n, k).f(), T::default());
                let runs = at_thread_counts(&[1, 2], || {
                    run(fort.view(), f_out.view_mut());
                    bits(&f_out)
                });
                assert!(runs.iter().all(|r| *r == bits(&want)), "F order");
                let spread = Array2::from_shape_fn((2 * n, k), |(t, c)| x[[t / 2, c]]);
                let mut s_out = Array2::from_elem((n, 2 * k), T::default());
                run(spread.slice(s![..;2, ..]), s_out.slice_mut(s![.., ..;2]));
                assert_eq!(
                    bits(&s_out.slice(s![.., ..;2]).to_owned()),
                    bits(&want),
                    "strided"
                );
            }
        }
    }
}

#[test]
fn comb_filters_f32_and_layouts() {
    comb_layouts::<f64>();
    comb_layouts::<f32>();
}

#[test]
fn laplacian_is_the_same_at_every_thread_count() {
    let (r, c) = (700, 900);
    let f = Array2::from_shape_vec((r, c), data::<f32>(r * c, 11)).unwrap();
    let mut fort = Array2::from_elem((r, c).f(), 0.0f32);
    fort.assign(&f);
    for mode in [Mode::Valid, Mode::Wrap, Mode::Constant] {
        let want = lap_ref(&f, 0.5, 0.25, mode, 1.0);
        let runs = at_thread_counts(&[1, 2, 4], || {
            (
                bits(&lap(f.view(), 0.5, 0.25, mode, 1.0)),
                bits(&lap(fort.view(), 0.5, 0.25, mode, 1.0)),
            )
        });
        for (a, b) in runs {
            assert_eq!(a, bits(&want));
            assert_eq!(b, bits(&want));
        }
    }
}

#[test]
fn bad_input_names_the_argument() {
    let f = Array2::<f32>::zeros((2, 5));
    let mut out = Array2::<f32>::from_elem((2, 5), 3.0);
    let e = laplacian_mode(f.view(), 1.0, 1.0, Mode::Valid, 0.0, out.view_mut()).unwrap_err();
    assert!(e.to_string().contains("at least 3x3"), "{e}");
    let e = laplacian_mode(f.view(), 1e-50, 1.0, Mode::Wrap, 0.0, out.view_mut()).unwrap_err();
    assert!(
        e.to_string()
            .contains("dx must be finite and nonzero in float32"),
        "{e}"
    );
    let mut small = Array2::<f32>::zeros((2, 4));
    let e = laplacian_mode(f.view(), 1.0, 1.0, Mode::Wrap, 0.0, small.view_mut()).unwrap_err();
    assert!(e.to_string().contains("out must have shape 2x5"), "{e}");
    assert!(out.iter().all(|&v| v == 3.0));
}
