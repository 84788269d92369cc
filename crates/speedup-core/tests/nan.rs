//! Every NaN a kernel writes is the canonical quiet NaN (0x7ff8000000000000), whatever NaN the
//! input held (sign, payload, signalling) and however the formula made it (`inf - inf`,
//! `0 * inf`, an input NaN meeting one of those), on the serial and the parallel path.
//! (`cargo test` builds at opt-level 2; the release build's own bits are checked through every
//! door by tests/identity/ and tests/python/test_differential.py.)

use ndarray::Array2;
use speedup_core::nan::CANONICAL_NAN_BITS;
use speedup_core::test_support::knob;
use speedup_core::{self as core};

const NANS: [u64; 5] = [
    0x7FF8_0000_0000_0000,
    0xFFF8_0000_0000_0000,
    0x7FF4_0000_0000_0001,
    0xFFFF_FFFF_FFFF_FFFF,
    0x7FF8_DEAD_BEEF_0000,
];

fn nan(i: usize) -> f64 {
    f64::from_bits(NANS[i % NANS.len()])
}

fn assert_canonical(what: &str, xs: &[f64]) {
    for (i, x) in xs.iter().enumerate() {
        if x.is_nan() {
            assert_eq!(
                x.to_bits(),
                CANONICAL_NAN_BITS,
                "{what}: element {i} is the NaN {:#018x}",
                x.to_bits()
            );
        }
    }
}

/// A signal where NaNs of every kind meet `inf - inf` and `0 * inf`, long enough for the
/// parallel path.
fn signal(n: usize) -> Vec<f64> {
    (0..n)
        .map(|i| match i % 7 {
            0 | 1 => f64::NEG_INFINITY,
            2 => nan(i),
            3 => f64::INFINITY,
            _ => (i as f64).sin(),
        })
        .collect()
}

#[test]
fn stencils_comb_filters_and_reductions_write_the_canonical_nan() {
    for threads in [1, 2] {
        let _g = knob(threads);
        for n in [3, 1000, 1 << 19] {
            let f = signal(n);
            let mut out = vec![0.0; n - 2];
            core::second_derivative(&f, 1.0, &mut out).unwrap();
            assert!(out.iter().any(|x| x.is_nan()));
            assert_canonical("second_derivative", &out);

            let x = Array2::from_shape_vec((n, 1), f.clone()).unwrap();
            let mut y = Array2::zeros((n, 1));
            core::comb_forward(x.view(), 2, 0.5, y.view_mut()).unwrap();
            assert_canonical("comb_forward", y.as_slice().unwrap());
            core::comb_backward(x.view(), 2, 0.5, y.view_mut()).unwrap();
            assert_canonical("comb_backward", y.as_slice().unwrap());
            assert_eq!(core::sum(&f).to_bits(), CANONICAL_NAN_BITS);
            assert_eq!(core::mean(&f).unwrap().to_bits(), CANONICAL_NAN_BITS);
            assert_eq!(core::std(&f, 0).unwrap().to_bits(), CANONICAL_NAN_BITS);
        }
        // An input NaN meets 0 * inf (dy = 1e-200 makes ay infinite): found by fuzzing.
        let g = Array2::from_shape_vec(
            (3, 5),
            vec![
                -6.5e15,
                -0.46,
                6.5e15,
                -4.0e15,
                0.63,
                4.0e15,
                -7.5e15,
                0.46,
                7.5e15,
                2.3e15,
                0.63,
                -2.3e15,
                f64::NAN,
                -0.93,
                -9.6e15,
            ],
        )
        .unwrap();
        let mut out = Array2::zeros((1, 3));
        core::laplacian(g.view(), 1.0, 1e-200, out.view_mut()).unwrap();
        assert!(out[[0, 1]].is_nan() && out[[0, 2]].is_nan());
        assert_canonical("laplacian", out.as_slice().unwrap());
        let big = Array2::from_shape_fn((700, 600), |(i, j)| signal(600)[(j + i) % 600]);
        let mut out = Array2::zeros((698, 598));
        core::laplacian(big.view(), 0.5, 1e-200, out.view_mut()).unwrap();
        assert_canonical("laplacian, large", out.as_slice().unwrap());
    }
}
