//! The strided, `f32` and tiled leaves against the flat kernel on each lane copied out.

use super::*;
use crate::test_support::{at_thread_counts, lcg_step};

/// Awkward values: cancellation, magnitudes far apart, signed zeros, subnormals.
fn awkward(n: usize, seed: u64) -> Vec<f64> {
    let mut s = seed;
    (0..n)
        .map(|i| {
            s = lcg_step(s);
            let u = (s >> 11) as f64 / (1u64 << 53) as f64 - 0.5;
            match i % 5 {
                0 => u * 1e12,
                1 => -u * 1e12 + 0.25,
                2 => -0.0,
                _ => u,
            }
        })
        .collect()
}

/// C-order strides (in elements) of `shape`.
fn c_strides(shape: &[usize]) -> Vec<isize> {
    let mut st = vec![0isize; shape.len()];
    let mut acc = 1isize;
    for k in (0..shape.len()).rev() {
        st[k] = acc;
        acc *= shape[k] as isize;
    }
    st
}

/// The flat kernel on lane `q` copied out, by plain index arithmetic (independent of the plan).
fn flat_on_copied_lane(
    data: &[f64],
    shape: &[usize],
    strides: &[isize],
    axes: &[usize],
    q: usize,
    red: Reduction,
) -> f64 {
    let kept: Vec<usize> = (0..shape.len()).filter(|k| !axes.contains(k)).collect();
    let mut red_axes = axes.to_vec();
    red_axes.sort();
    let mut base = 0isize;
    let mut r = q;
    for &k in kept.iter().rev() {
        base += (r % shape[k]) as isize * strides[k];
        r /= shape[k];
    }
    let n: usize = red_axes.iter().map(|&k| shape[k]).product();
    let lane: Vec<f64> = (0..n)
        .map(|mut j| {
            let mut off = base;
            for &k in red_axes.iter().rev() {
                off += (j % shape[k]) as isize * strides[k];
                j /= shape[k];
            }
            data[off as usize]
        })
        .collect();
    match red {
        Reduction::Sum => crate::sum(&lane),
        Reduction::Mean => crate::mean(&lane).unwrap(),
        Reduction::Std { ddof } => crate::std(&lane, ddof).unwrap(),
    }
}

fn check_case(shape: &[usize], perm: &[usize], axes: &[usize], seed: u64) {
    // A C-order buffer of the permuted shape, viewed through the inverse permutation: any
    // axis order in memory (Fortran order is the reversed permutation).
    let mem_shape: Vec<usize> = perm.iter().map(|&k| shape[k]).collect();
    let mem_strides = c_strides(&mem_shape);
    let mut strides = vec![0isize; shape.len()];
    for (m, &k) in perm.iter().enumerate() {
        strides[k] = mem_strides[m];
    }
    let data = awkward(shape.iter().product(), seed);
    let data32: Vec<f32> = data.iter().map(|&v| v as f32).collect();
    let wide32: Vec<f64> = data32.iter().map(|&v| f64::from(v)).collect();
    for red in [Reduction::Sum, Reduction::Mean, Reduction::Std { ddof: 1 }] {
        let v = Strided::from_slice("t", &data, shape, &strides).unwrap();
        let p = plan("t", shape, &strides, Some(axes)).unwrap();
        if p.lane_len < 2 {
            continue;
        }
        let mut out = vec![0.0; p.lanes];
        reduce(v, Some(axes), red, &mut out).unwrap();
        let v32 = Strided::from_slice("t", &data32, shape, &strides).unwrap();
        let mut out32 = vec![0.0; p.lanes];
        reduce(v32, Some(axes), red, &mut out32).unwrap();
        for q in 0..p.lanes {
            let want = flat_on_copied_lane(&data, shape, &strides, axes, q, red);
            assert_eq!(
                out[q].to_bits(),
                want.to_bits(),
                "{shape:?} perm {perm:?} axes {axes:?} {red:?} lane {q}"
            );
            let want32 = flat_on_copied_lane(&wide32, shape, &strides, axes, q, red);
            assert_eq!(
                out32[q].to_bits(),
                want32.to_bits(),
                "f32 {shape:?} perm {perm:?} axes {axes:?} {red:?} lane {q}"
            );
        }
    }
}

#[test]
fn lanes_equal_the_flat_kernel_on_copied_out_lanes() {
    let cases: &[(&[usize], &[usize], &[usize])] = &[
        (&[2500, 37], &[0, 1], &[0]),
        (&[2500, 37], &[0, 1], &[1]),
        (&[2500, 37], &[1, 0], &[0]),
        (&[2500, 37], &[1, 0], &[1]),
        (&[37, 2500], &[1, 0], &[0, 1]),
        (&[3, 1100, 9], &[0, 1, 2], &[1]),
        (&[3, 1100, 9], &[0, 1, 2], &[0, 2]),
        (&[3, 1100, 9], &[2, 0, 1], &[2, 0]),
        (&[3, 1100, 9], &[1, 2, 0], &[0, 1]),
        (&[5, 4, 300, 2], &[3, 1, 0, 2], &[1, 2]),
        (&[5, 4, 300, 2], &[0, 1, 2, 3], &[0, 2]),
        (&[5, 1, 7], &[0, 1, 2], &[1, 2]),
        // Contiguous lanes, two at a time: an odd count (the last alone), several leaves each.
        (&[7, 2100], &[0, 1], &[1]),
        (&[3, 1100, 9], &[0, 1, 2], &[2]),
    ];
    for (i, &(shape, perm, axes)) in cases.iter().enumerate() {
        check_case(shape, perm, axes, i as u64 + 1);
    }
}

/// Side-by-side lanes starting at every offset from a cache line (the vector strips start at
/// the first register-aligned lane: masked registers before it and after the last whole one),
/// `f64` and `f32`, both passes of `std`, on every row path.
#[test]
fn side_by_side_lanes_at_every_alignment() {
    for isa in crate::simd::Isa::available() {
        crate::reduce_tiles::on_rows_path(isa, || lanes_at_every_alignment(&format!("{isa:?}")));
    }
}

fn lanes_at_every_alignment(path: &str) {
    for (rows, cols) in [(1030usize, 300usize), (20, 77), (9, 5)] {
        let n = rows * cols;
        let base = awkward(n + 16, 11);
        let base32: Vec<f32> = base.iter().map(|&v| v as f32).collect();
        let shape = [rows, cols];
        let strides = c_strides(&shape);
        for off in 0..16 {
            let data = &base[off..off + n];
            let data32 = &base32[off..off + n];
            let wide32: Vec<f64> = data32.iter().map(|&v| f64::from(v)).collect();
            for red in [Reduction::Sum, Reduction::Std { ddof: 0 }] {
                let (mut out, mut out32) = (vec![0.0; cols], vec![0.0; cols]);
                let v = Strided::from_slice("t", data, &shape, &strides).unwrap();
                reduce(v, Some(&[0]), red, &mut out).unwrap();
                let v32 = Strided::from_slice("t", data32, &shape, &strides).unwrap();
                reduce(v32, Some(&[0]), red, &mut out32).unwrap();
                for q in 0..cols {
                    let want = flat_on_copied_lane(data, &shape, &strides, &[0], q, red);
                    let want32 = flat_on_copied_lane(&wide32, &shape, &strides, &[0], q, red);
                    let why = format!("{path} {rows}x{cols} offset {off} {red:?} lane {q}");
                    assert_eq!(out[q].to_bits(), want.to_bits(), "{why}");
                    assert_eq!(out32[q].to_bits(), want32.to_bits(), "f32 {why}");
                }
            }
        }
    }
}

#[test]
fn every_thread_count_gives_the_same_bits() {
    let shape = [1 << 11, 700];
    let strides = c_strides(&shape);
    let data = awkward(shape[0] * shape[1], 5);
    for axes in [&[0usize][..], &[1], &[0, 1]] {
        let runs = at_thread_counts(&[1, 2, 3, 8], || {
            crate::threads::set_ignore_cutoffs(true);
            let v = Strided::from_slice("t", &data, &shape, &strides).unwrap();
            let n = plan("t", &shape, &strides, Some(axes)).unwrap().lanes;
            let mut out = vec![0.0; n];
            reduce(v, Some(axes), Reduction::Std { ddof: 0 }, &mut out).unwrap();
            crate::threads::set_ignore_cutoffs(false);
            out.iter().map(|v| v.to_bits()).collect::<Vec<_>>()
        });
        assert!(runs.windows(2).all(|w| w[0] == w[1]), "axes {axes:?}");
    }
}

#[test]
fn flat_f32_rounds_the_f64_tree_once() {
    let x: Vec<f32> = awkward(5000, 3).iter().map(|&v| v as f32).collect();
    let wide: Vec<f64> = x.iter().map(|&v| f64::from(v)).collect();
    assert_eq!(
        reduce_f32(&x, Reduction::Sum).unwrap().to_bits(),
        (crate::sum(&wide) as f32).to_bits()
    );
    assert_eq!(
        reduce_f32(&x, Reduction::Std { ddof: 1 })
            .unwrap()
            .to_bits(),
        (crate::std(&wide, 1).unwrap() as f32).to_bits()
    );
}

#[test]
fn bad_axes_and_lengths_are_refused() {
    let data = [1.0; 6];
    let v = Strided::from_slice("t", &data, &[2, 3], &[3, 1]).unwrap();
    let mut out = [0.0; 3];
    let e = reduce(v, Some(&[2]), Reduction::Sum, &mut out).unwrap_err();
    assert_eq!(e.to_string(), "sum: axes must each be < ndim (2), got 2");
    let e = reduce(v, Some(&[0, 0]), Reduction::Sum, &mut out).unwrap_err();
    assert_eq!(
        e.to_string(),
        "sum: axes must not repeat an axis, got 0 twice"
    );
    let e = reduce(v, Some(&[1]), Reduction::Sum, &mut out).unwrap_err();
    assert!(
        e.to_string().starts_with("sum: out must have length 2"),
        "{e}"
    );
    let e = reduce(v, Some(&[0]), Reduction::Std { ddof: 2 }, &mut out).unwrap_err();
    assert!(
        e.to_string().starts_with("std: ddof must be smaller"),
        "{e}"
    );
    assert!(Strided::from_slice("t", &data, &[2, 3], &[3, 2]).is_err());
    assert!(Strided::from_slice("t", &data, &[usize::MAX, 3], &[3, 1]).is_err());
    assert_eq!(out, [0.0; 3]);
}

#[test]
fn f32_leaf_matches_the_f64_leaf_on_the_widened_copy() {
    for n in (0..40).chain([63, 64, 65, 1000, 1023, 1024]) {
        let x: Vec<f32> = awkward(n, 7).iter().map(|&v| v as f32).collect();
        let wide: Vec<f64> = x.iter().map(|&v| f64::from(v)).collect();
        for term in [Term::Value, Term::SquaredDeviation(0.375)] {
            let shape = [n];
            let v = Strided::from_slice("t", &x, &shape, &[1]).unwrap();
            let p = plan("t", &shape, &[1], None).unwrap();
            let lanes = Lanes {
                x: &v,
                p: &p,
                walk: Walk::Step(1),
            };
            let got = lanes.leaf(0, 0, n, term);
            let want = leaf_term(&wide, term);
            let bits = |a: Acc| (a.s.to_bits(), a.c.to_bits());
            assert_eq!(bits(got), bits(want), "n={n}");
            // Every wide path this CPU runs, not only the widest.
            #[cfg(target_arch = "x86_64")]
            for isa in crate::simd::Isa::available() {
                let acc = crate::reduce_leaf::leaf_term_on(isa, &x, term);
                assert_eq!(bits(acc), bits(want), "n={n} {isa:?}");
            }
        }
    }
}

/// The row-at-a-time paths (lanes side by side, and rows side by side within a lane: a
/// Fortran-order whole sum) on the portable row loop, the AVX2 one and AVX-512, at several thread
/// counts: rows that are and are not a multiple of the leaf or of 8 long, more rows than a tile
/// holds, leaves that straddle rows, and kept axes around such lanes.
#[test]
fn row_paths_equal_the_flat_kernel_on_every_isa_and_thread_count() {
    let cases: &[(&[usize], &[usize], &[usize])] = &[
        (&[300, 1100], &[1, 0], &[0, 1]),
        (&[600, 1030], &[1, 0], &[0, 1]),
        (&[5, 2048], &[1, 0], &[0, 1]),
        (&[260, 1025], &[1, 0], &[0, 1]),
        (&[3, 40, 1100], &[0, 2, 1], &[1, 2]),
        (&[1100, 300], &[0, 1], &[0]),
        // Rows a multiple of 8 long (the AVX-512 passes in cycles of one pass): kept axes
        // around such lanes, and more rows than a tile of `f32` holds.
        (&[3, 40, 1096], &[0, 2, 1], &[1, 2]),
        (&[2100, 1040], &[1, 0], &[0, 1]),
    ];
    for isa in crate::simd::Isa::available() {
        crate::reduce_tiles::on_rows_path(isa, || {
            for (i, &(shape, perm, axes)) in cases.iter().enumerate() {
                at_thread_counts(&[1, 3], || {
                    crate::threads::set_ignore_cutoffs(true);
                    check_case(shape, perm, axes, i as u64 + 40);
                    crate::threads::set_ignore_cutoffs(false);
                });
            }
        });
    }
}
