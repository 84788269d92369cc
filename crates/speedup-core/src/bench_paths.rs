//! Hooks for the `simd_paths` benchmark: the kernels' inner loops on a chosen instruction-set
//! path, so that one run can time the paths side by side. Not part of the API.

use crate::mandelbrot::Point;
use crate::simd::Isa;

/// The path named `"baseline"`, `"avx2"` or `"avx512"`, when this CPU runs it.
fn isa(name: &str) -> Option<Isa> {
    let isa = match name {
        "baseline" => Isa::Baseline,
        "avx2" if crate::simd::avx2() => Isa::Avx2,
        "avx512" if crate::simd::avx512() => Isa::Avx512,
        _ => return None,
    };
    Some(isa)
}

/// The compensated leaf sums of `x` (leaf by leaf, one thread) on path `name`; `None` when this
/// CPU does not run it.
pub fn sum_leaves(name: &str, x: &[f64]) -> Option<f64> {
    let isa = isa(name)?;
    Some(
        x.chunks(crate::reduce::LEAF)
            .map(|leaf| crate::reduce::leaf_value_on(isa, leaf))
            .sum(),
    )
}

/// The leaf sums of `x` (whole leaves only, one thread) on path `name`, two leaves at a time
/// with `paired` (leaf `2k` beside leaf `2k + 1`); `None` when this CPU does not run the path.
pub fn sum_leaves_paired<T: crate::strided::Elem>(
    name: &str,
    x: &[T],
    paired: bool,
) -> Option<f64> {
    use crate::reduce::{Term, LEAF};
    use crate::reduce_leaf::{leaf_term_on, leaves_term_on};
    let isa = isa(name)?;
    let mut total = 0.0;
    for two in x.chunks_exact(2 * LEAF) {
        let (a, b) = two.split_at(LEAF);
        let [p, q] = if paired {
            leaves_term_on(isa, [a, b], [Term::Value; 2])
        } else {
            [a, b].map(|l| leaf_term_on(isa, l, Term::Value))
        };
        total += p.value() + q.value();
    }
    Some(total)
}

/// Mandelbrot escape counts on one thread on path `name` (`Complex64` or `Complex32` points);
/// `None` when this CPU does not run it.
pub fn mandelbrot<T: Point>(name: &str, c: &[T], max_iter: i32, out: &mut [i32]) -> Option<()> {
    T::fill_on(isa(name)?, c, max_iter, out);
    Some(())
}

/// Mandelbrot on one thread on the AVX-512 path with `groups` (1 to 4) registers of points
/// abreast; `None` without AVX-512.
pub fn mandelbrot_avx512_groups<T: Point>(
    groups: usize,
    c: &[T],
    max_iter: i32,
    out: &mut [i32],
) -> Option<()> {
    crate::mandelbrot::fill_avx512_with(groups, c, max_iter, out)
}

/// The orders in which a plain read walks a C-order `rows x cols` matrix of `f64`, for the
/// `axes` benchmark: each the order one of the exact paths reads in, with nothing but a load
/// and an add per register (and the path's software prefetch). Not lower bounds: what the
/// order alone costs the machine.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReadOrder {
    /// Memory order, two streams half the matrix apart (as the flat `sum` reads).
    Memory,
    /// `sum(x, axis=0)`'s order on AVX-512: per block of 1024 rows, strips of 96 columns, each
    /// strip's rows `k, k + 8, ...` for `k` in `0..8`.
    Strips,
    /// The whole `sum` of `x.T` on AVX-512: tiles of 1024 columns (8 KiB of each row), each
    /// tile's rows `k, k + 8, ...` for `k` in `0..8`, then its first 1024 rows again (the
    /// heads' second read).
    Passes,
    /// Memory order with the exact state of every column held across rows: the TwoSum of row
    /// `r` into sublane `r % 8` of each column (`16 cols` bytes per sublane, eight sublanes),
    /// the order that reads memory as the flat `sum` does but keeps 128 bytes per column.
    MemoryWithState,
}

/// A read of `x` (`rows x cols`, C order, `cols` a multiple of 8) in `order`, one thread; its
/// sum (to keep the work), or `None` without AVX-512.
pub fn read_in_order(x: &[f64], rows: usize, cols: usize, order: ReadOrder) -> Option<f64> {
    assert!(cols.is_multiple_of(8) && x.len() == rows * cols);
    #[cfg(target_arch = "x86_64")]
    if crate::simd::avx512() {
        // SAFETY: AVX-512 was detected at run time; the reads stay inside `x`.
        return Some(unsafe { read_avx512(x, rows, cols, order) });
    }
    None
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
unsafe fn read_avx512(x: &[f64], rows: usize, cols: usize, order: ReadOrder) -> f64 {
    use std::arch::x86_64::*;
    let p = x.as_ptr();
    let mut acc = [_mm512_setzero_pd(); 12];
    // SAFETY (every load): the offsets stay below `rows * cols`; a prefetch never faults.
    match order {
        ReadOrder::Memory => {
            let h = x.len() / 2 / 8 * 8;
            for i in (0..h).step_by(8) {
                unsafe {
                    acc[0] = _mm512_add_pd(acc[0], _mm512_loadu_pd(p.add(i)));
                    acc[1] = _mm512_add_pd(acc[1], _mm512_loadu_pd(p.add(h + i)));
                }
            }
        }
        ReadOrder::Strips => {
            for lo in (0..rows).step_by(1024) {
                let hi = (lo + 1024).min(rows);
                for s in (0..cols).step_by(96) {
                    let regs = (cols - s).min(96) / 8;
                    for k in 0..8 {
                        for r in (lo + k..hi).step_by(8) {
                            let row = unsafe { p.add(r * cols + s) };
                            if r + 64 < rows {
                                for l in 0..regs {
                                    let a = row.wrapping_add(64 * cols + 8 * l).cast::<i8>();
                                    _mm_prefetch::<_MM_HINT_T0>(a);
                                }
                            }
                            for (l, a) in acc.iter_mut().enumerate().take(regs) {
                                *a = _mm512_add_pd(*a, unsafe { _mm512_loadu_pd(row.add(8 * l)) });
                            }
                        }
                    }
                }
            }
        }
        ReadOrder::Passes => {
            for t in (0..cols).step_by(1024) {
                let w = (cols - t).min(1024);
                for k in 0..8 {
                    let sweep = |acc: &mut [__m512d; 12], to: usize| {
                        for r in (k..to).step_by(8) {
                            let row = unsafe { p.add(r * cols + t) };
                            for l in (0..w).step_by(8) {
                                if r + 8 < rows {
                                    let a = row.wrapping_add(8 * cols + l).cast::<i8>();
                                    _mm_prefetch::<_MM_HINT_T0>(a);
                                }
                                let v = unsafe { _mm512_loadu_pd(row.add(l)) };
                                acc[l / 8 % 12] = _mm512_add_pd(acc[l / 8 % 12], v);
                            }
                        }
                    };
                    sweep(&mut acc, rows);
                    sweep(&mut acc, 1024.min(rows));
                }
            }
        }
        ReadOrder::MemoryWithState => {
            let mut s = vec![0.0f64; 8 * cols];
            let mut c = vec![0.0f64; 8 * cols];
            for r in 0..rows {
                let (sp, cp) = (
                    s[r % 8 * cols..].as_mut_ptr(),
                    c[r % 8 * cols..].as_mut_ptr(),
                );
                for l in (0..cols).step_by(8) {
                    unsafe {
                        let v = _mm512_loadu_pd(p.add(r * cols + l));
                        let sv = _mm512_loadu_pd(sp.add(l));
                        let t = _mm512_add_pd(sv, v);
                        let z = _mm512_sub_pd(t, sv);
                        let e = _mm512_add_pd(
                            _mm512_sub_pd(sv, _mm512_sub_pd(t, z)),
                            _mm512_sub_pd(v, z),
                        );
                        _mm512_storeu_pd(cp.add(l), _mm512_add_pd(_mm512_loadu_pd(cp.add(l)), e));
                        _mm512_storeu_pd(sp.add(l), t);
                    }
                }
            }
            return s.iter().chain(&c).sum();
        }
    }
    let mut total = _mm512_setzero_pd();
    for a in acc {
        total = _mm512_add_pd(total, a);
    }
    _mm512_reduce_add_pd(total)
}
