//! Bad input is refused before any C or Fortran runs, with the same error (and message) as
//! the Rust kernel, and nothing is written.

use ndarray::{array, Array2};
use speedup_core::{self as core, Complex64, Error};
use speedup_legacy as legacy;

#[test]
fn same_errors_as_the_rust_kernels() {
    let f = [1.0, 2.0];
    let mut o = [9.0; 1];
    assert_eq!(
        legacy::second_derivative(&f, 1.0, &mut []),
        core::second_derivative(&f, 1.0, &mut [])
    );
    let f = [1.0, 2.0, 4.0, 8.0];
    for dx in [0.0, f64::NAN, f64::INFINITY] {
        let e = legacy::second_derivative(&f, dx, &mut [0.0; 2]).unwrap_err();
        assert_eq!(Err(e), core::second_derivative(&f, dx, &mut [0.0; 2]));
    }
    let e = legacy::second_derivative(&f, 1.0, &mut o).unwrap_err();
    assert_eq!(Err(e), core::second_derivative(&f, 1.0, &mut o));
    assert_eq!(o, [9.0]);

    let g = Array2::<f64>::zeros((2, 5));
    let mut out = Array2::<f64>::zeros((0, 3));
    assert_eq!(
        legacy::laplacian(g.view(), 1.0, 1.0, out.view_mut()),
        core::laplacian(g.view(), 1.0, 1.0, out.view_mut())
    );
    let g = Array2::<f64>::ones((4, 5));
    let mut out = Array2::<f64>::from_elem((2, 2), 9.0);
    let e = legacy::laplacian(g.view(), 1.0, 1.0, out.view_mut()).unwrap_err();
    assert!(matches!(e, Error::Length { .. }));
    assert_eq!(Err(e), core::laplacian(g.view(), 1.0, 1.0, out.view_mut()));
    assert!(out.iter().all(|&v| v == 9.0));
    let mut out = Array2::<f64>::zeros((2, 3));
    assert_eq!(
        legacy::laplacian(g.view(), 1.0, 0.0, out.view_mut()),
        core::laplacian(g.view(), 1.0, 0.0, out.view_mut())
    );

    let x = array![[1.0], [2.0]];
    let mut y = Array2::zeros((2, 1));
    assert_eq!(
        legacy::comb_forward(x.view(), 0, 1.0, y.view_mut()),
        core::comb_forward(x.view(), 0, 1.0, y.view_mut())
    );
    assert_eq!(
        legacy::comb_backward(x.view(), 0, 1.0, y.view_mut()),
        core::comb_backward(x.view(), 0, 1.0, y.view_mut())
    );
    let mut y = Array2::zeros((3, 1));
    assert_eq!(
        legacy::comb_backward(x.view(), 1, 1.0, y.view_mut()),
        core::comb_backward(x.view(), 1, 1.0, y.view_mut())
    );

    assert_eq!(legacy::mean(&[]), core::mean(&[]));
    assert_eq!(legacy::std(&[], 0), core::std(&[], 0));
    assert_eq!(legacy::std(&[1.0, 2.0], 2), core::std(&[1.0, 2.0], 2));
    assert!(legacy::std(&[1.0, 2.0], 2)
        .unwrap_err()
        .to_string()
        .starts_with("std: ddof"));

    let c = [Complex64::new(0.0, 0.0); 2];
    let mut out = [5; 2];
    assert_eq!(
        legacy::mandelbrot(&c, -1, &mut out),
        core::mandelbrot(&c, -1, &mut out)
    );
    assert_eq!(
        legacy::mandelbrot(&c, 3, &mut out[..1]),
        core::mandelbrot(&c, 3, &mut out[..1])
    );
    assert_eq!(out, [5, 5]);
}

#[test]
fn closest_pair_bad_input() {
    let one = array![[0.0, 1.0]];
    assert!(matches!(
        legacy::closest_pair(one.view()),
        Err(Error::InvalidArgument { arg: "points", .. })
    ));
    let nan = array![[0.0, 1.0], [f64::NAN, 2.0], [3.0, 3.0]];
    let e = legacy::closest_pair(nan.view()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "closest_pair: points must be finite; point 1 has x = NaN"
    );
    let three = Array2::<f64>::zeros((4, 3));
    assert!(matches!(
        legacy::closest_pair(three.view()),
        Err(Error::Length { .. })
    ));
}

#[test]
fn primes_many_lengths() {
    let mut out = [false; 2];
    assert!(matches!(
        legacy::is_prime_many(&[2, 3, 4], &mut out),
        Err(Error::Length { .. })
    ));
    let mut sums = [0u64; 1];
    assert!(legacy::sum_primes_below_many(&[10, 20], &mut sums).is_err());
}
