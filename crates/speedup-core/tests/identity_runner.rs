//! Identity runner, Rust door: every case of the identity suite's vectors through speedup-core
//! directly, at 1, 2, 3 and 8 threads (tests/identity/, format in gen_vectors.py). Its outputs are
//! the judge's reference. Runs only when tests/identity/run.sh sets SPEEDUP_IDENTITY_VECTORS and
//! SPEEDUP_IDENTITY_OUT; a plain `cargo test` passes it without doing anything.

use ndarray::{Array2, ArrayView2};
use speedup_core::strided::Elem;
use speedup_core::{self as core, Complex32, Complex64, Mode, Reduction, Strided};
use std::fs;
use std::path::{Path, PathBuf};

fn f64s(b: &[u8]) -> Vec<f64> {
    b.chunks_exact(8)
        .map(|c| f64::from_le_bytes(c.try_into().unwrap()))
        .collect()
}

fn u64s(b: &[u8]) -> Vec<u64> {
    b.chunks_exact(8)
        .map(|c| u64::from_le_bytes(c.try_into().unwrap()))
        .collect()
}

fn bytes_f64(v: &[f64]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

fn bytes_u64(v: &[u64]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

fn emit(dir: &Path, id: &str, r: core::Result<Vec<u8>>) {
    match r {
        Ok(b) => fs::write(dir.join(format!("{id}.bin")), b).unwrap(),
        Err(e) => fs::write(dir.join(format!("{id}.err")), format!("{e}\n")).unwrap(),
    }
}

fn f32s(b: &[u8]) -> Vec<f32> {
    b.chunks_exact(4)
        .map(|c| f32::from_le_bytes(c.try_into().unwrap()))
        .collect()
}

fn bytes<T: core::Real>(v: &[T]) -> Vec<u8> {
    v.iter()
        .flat_map(|x| {
            let w = x.to_f64();
            if std::mem::size_of::<T>() == 4 {
                (w as f32).to_le_bytes().to_vec()
            } else {
                w.to_le_bytes().to_vec()
            }
        })
        .collect()
}

fn lap_mode<T: core::Real>(
    x: &[T],
    dim: (usize, usize),
    mode: Mode,
    cval: f64,
    h: (f64, f64),
) -> core::Result<Vec<u8>> {
    let f = ArrayView2::from_shape(dim, x).unwrap();
    let shape = core::stencil::laplacian_out_dim_mode(dim, mode).unwrap_or((0, 0));
    let mut o = Array2::<T>::default(shape);
    core::laplacian_mode(f, h.0, h.1, mode, cval, o.view_mut())
        .map(|_| bytes(o.as_slice().unwrap()))
}

fn d2_mode<T: core::Real>(x: &[T], mode: Mode, cval: f64, dx: f64) -> core::Result<Vec<u8>> {
    let len = core::stencil::second_derivative_out_len_mode(x.len(), mode).unwrap_or(0);
    let mut o = vec![T::default(); len];
    core::second_derivative_mode(x.into(), dx, mode, cval, (&mut o[..]).into()).map(|_| bytes(&o))
}

/// `sum`, `mean` or `std` (with `ddof`) by the kernel's name.
fn reduction(kernel: &str, ddof: usize) -> Reduction {
    match kernel.split('_').next() {
        Some("sum") => Reduction::Sum,
        Some("mean") => Reduction::Mean,
        _ => Reduction::Std { ddof },
    }
}

/// The reduction along `axis` of the `n x m` C-order array `x`, held in the layout the case id
/// names (gen_vectors.py: "_F" a Fortran-order copy, "_R" the reversed copy read backwards),
/// each result rounded once to `f32` when `single`.
fn axis_reduce<T: Elem>(
    x: &[T],
    id: &str,
    (n, m): (usize, usize),
    axis: usize,
    red: Reduction,
    single: bool,
) -> core::Result<Vec<u8>> {
    let shape = [n, m];
    let (held, strides, origin): (Vec<T>, [isize; 2], usize) = if id.ends_with("_F") {
        let c = (0..n * m).map(|k| x[(k % n) * m + k / n]).collect();
        (c, [1, n as isize], 0)
    } else if id.ends_with("_R") && n * m > 0 {
        (
            x.iter().rev().copied().collect(),
            [-(m as isize), -1],
            n * m - 1,
        )
    } else {
        (x.to_vec(), [m as isize, 1], 0)
    };
    // SAFETY: every offset the view reaches from `origin` lies inside `held`.
    let v = unsafe { Strided::from_raw("identity", held.as_ptr().add(origin), &shape, &strides) }?;
    let mut out = vec![0.0; if axis == 0 { m } else { n }];
    core::reduce(v, Some(&[axis]), red, &mut out)?;
    Ok(if single {
        out.iter().flat_map(|&v| (v as f32).to_le_bytes()).collect()
    } else {
        bytes_f64(&out)
    })
}

/// The kernels with a boundary mode or in float32 (a = the mode's code or tau, b = cval) and
/// the reductions along axes or of float32 data (a = axis or ddof, b = ddof).
fn ext_kernel(
    kernel: &str,
    id: &str,
    dim: (usize, usize),
    (a, b): (usize, usize),
    (r1, r2): (f64, f64),
    raw: &[u8],
) -> Option<core::Result<Vec<u8>>> {
    let mode = || Mode::from_code("identity", a as i32).unwrap();
    let cval = f64::from_bits(b as u64);
    Some(match kernel {
        "sum_axis" | "mean_axis" | "std_axis" => {
            axis_reduce(&f64s(raw), id, dim, a, reduction(kernel, b), false)
        }
        "sum_axis_f32" | "mean_axis_f32" | "std_axis_f32" => {
            axis_reduce(&f32s(raw), id, dim, a, reduction(kernel, b), true)
        }
        "sum_f32" | "mean_f32" | "std_f32" => {
            core::reduce_f32(&f32s(raw), reduction(kernel, a)).map(|v| v.to_le_bytes().to_vec())
        }
        "laplacian_mode" => lap_mode(&f64s(raw), dim, mode(), cval, (r1, r2)),
        "laplacian_f32" => lap_mode(&f32s(raw), dim, mode(), cval, (r1, r2)),
        "second_derivative_mode" => d2_mode(&f64s(raw), mode(), cval, r1),
        "second_derivative_f32" => d2_mode(&f32s(raw), mode(), cval, r1),
        "comb_forward_f32" | "comb_backward_f32" => {
            let x = f32s(raw);
            let f = ArrayView2::from_shape(dim, &x).unwrap();
            let mut o = Array2::<f32>::zeros(dim);
            let r = if kernel == "comb_forward_f32" {
                core::comb_forward(f, a, r1, o.view_mut())
            } else {
                core::comb_backward(f, a, r1, o.view_mut())
            };
            r.map(|_| bytes(o.as_slice().unwrap()))
        }
        _ => return None,
    })
}

#[test]
fn identity_runner() {
    let (Ok(vec), Ok(out)) = (
        std::env::var("SPEEDUP_IDENTITY_VECTORS"),
        std::env::var("SPEEDUP_IDENTITY_OUT"),
    ) else {
        eprintln!("identity_runner: SPEEDUP_IDENTITY_VECTORS / SPEEDUP_IDENTITY_OUT not set, nothing to do");
        return;
    };
    let vec = PathBuf::from(vec);
    let manifest = fs::read_to_string(vec.join("manifest.txt")).unwrap();
    let mut ran = 0;
    for t in [1usize, 2, 3, 8] {
        core::threads::set_num_threads(t).unwrap();
        assert_eq!(core::threads::get_num_threads(), t);
        let dir = PathBuf::from(&out).join(format!("t{t}"));
        fs::create_dir_all(&dir).unwrap();
        for line in manifest.lines().filter(|l| !l.trim().is_empty()) {
            let w: Vec<&str> = line.split_whitespace().collect();
            let (id, kernel) = (w[0], w[1]);
            let i: Vec<i64> = w[2..8].iter().map(|s| s.parse().unwrap()).collect();
            let (n, m, a, b) = (i[0] as usize, i[1] as usize, i[2] as usize, i[3] as usize);
            let (r1, r2) = (f64::from_bits(i[4] as u64), f64::from_bits(i[5] as u64));
            let raw = fs::read(vec.join(format!("{id}.bin"))).unwrap();
            let x = f64s(&raw);
            let r: core::Result<Vec<u8>> = match kernel {
                "sum" => Ok(bytes_f64(&[core::sum(&x)])),
                "mean" => core::mean(&x).map(|v| bytes_f64(&[v])),
                "std" => core::std(&x, a).map(|v| bytes_f64(&[v])),
                "second_derivative" => {
                    let mut o = vec![0.0; n.saturating_sub(2)];
                    core::second_derivative(&x, r1, &mut o).map(|_| bytes_f64(&o))
                }
                "laplacian" => {
                    let f = ArrayView2::from_shape((n, m), &x).unwrap();
                    let mut o = Array2::<f64>::zeros((n.saturating_sub(2), m.saturating_sub(2)));
                    core::laplacian(f, r1, r2, o.view_mut())
                        .map(|_| bytes_f64(o.as_slice().unwrap()))
                }
                "comb_forward" | "comb_backward" => {
                    let f = ArrayView2::from_shape((n, m), &x).unwrap();
                    let mut o = Array2::<f64>::zeros((n, m));
                    let r = if kernel == "comb_forward" {
                        core::comb_forward(f, a, r1, o.view_mut())
                    } else {
                        core::comb_backward(f, a, r1, o.view_mut())
                    };
                    r.map(|_| bytes_f64(o.as_slice().unwrap()))
                }
                "is_prime" => {
                    let q = u64s(&raw);
                    let mut o = vec![false; q.len()];
                    core::is_prime_many(&q, &mut o).map(|_| o.iter().map(|&p| p as u8).collect())
                }
                "sum_primes_below" => {
                    let q = u64s(&raw);
                    let mut o = vec![0u64; q.len()];
                    core::sum_primes_below_many(&q, &mut o).map(|_| bytes_u64(&o))
                }
                "monte_carlo_pi" => {
                    core::monte_carlo_pi(n as u64, i[4] as u64).map(|v| bytes_f64(&[v]))
                }
                "markov_chains" => {
                    let p = ArrayView2::from_shape((m, m), &x).unwrap();
                    let mut c = Array2::<u64>::zeros((b, m));
                    core::markov_chains(p, a, n as u64, i[4] as u64, c.view_mut())
                        .map(|_| bytes_u64(c.as_slice().unwrap()))
                }
                "closest_pair" => {
                    let p = ArrayView2::from_shape((n, 2), &x).unwrap();
                    core::closest_pair(p).map(|c| {
                        let mut v = bytes_u64(&[c.i as u64, c.j as u64]);
                        v.extend(c.dist.to_le_bytes());
                        v
                    })
                }
                "mandelbrot" => {
                    let c: Vec<Complex64> = x
                        .chunks_exact(2)
                        .map(|p| Complex64::new(p[0], p[1]))
                        .collect();
                    let mut o = vec![0i32; c.len()];
                    core::mandelbrot(&c, a as i32, &mut o)
                        .map(|_| o.iter().flat_map(|v| v.to_le_bytes()).collect())
                }
                "mandelbrot_f32" => {
                    let c: Vec<Complex32> = raw
                        .chunks_exact(8)
                        .map(|p| {
                            let part =
                                |k: usize| f32::from_le_bytes(p[k..k + 4].try_into().unwrap());
                            Complex32::new(part(0), part(4))
                        })
                        .collect();
                    let mut o = vec![0i32; c.len()];
                    core::mandelbrot_f32(&c, a as i32, &mut o)
                        .map(|_| o.iter().flat_map(|v| v.to_le_bytes()).collect())
                }
                other => ext_kernel(other, id, (n, m), (a, b), (r1, r2), &raw)
                    .unwrap_or_else(|| panic!("identity_runner: unknown kernel {other}")),
            };
            emit(&dir, id, r);
            ran += 1;
        }
    }
    core::threads::set_num_threads(0).unwrap();
    eprintln!("run_rust: {ran} kernel calls");
}
