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
