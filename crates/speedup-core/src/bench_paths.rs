//! Hooks for the `simd_paths` benchmark: the kernels' inner loops on a chosen instruction-set
//! path, so that one run can time the paths side by side. Not part of the API.

use num_complex::Complex64;

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

/// Mandelbrot escape counts on one thread on path `name`; `None` when this CPU does not run it.
pub fn mandelbrot(name: &str, c: &[Complex64], max_iter: i32, out: &mut [i32]) -> Option<()> {
    crate::mandelbrot::fill_on(isa(name)?, c, max_iter, out);
    Some(())
}

/// Mandelbrot on one thread on the AVX-512 path with `groups` (1 to 4) registers of eight
/// points abreast; `None` without AVX-512.
pub fn mandelbrot_avx512_groups(
    groups: usize,
    c: &[Complex64],
    max_iter: i32,
    out: &mut [i32],
) -> Option<()> {
    isa("avx512")?;
    #[cfg(target_arch = "x86_64")]
    // SAFETY: AVX-512 was detected just above.
    unsafe {
        use crate::mandelbrot::fill_avx512_groups as f;
        match groups {
            1 => f::<1>(c, max_iter, out),
            2 => f::<2>(c, max_iter, out),
            3 => f::<3>(c, max_iter, out),
            _ => f::<4>(c, max_iter, out),
        }
    }
    Some(())
}

/// `mandelbrot_f32` on one thread on path `name`; `None` when this CPU does not run it.
pub fn mandelbrot_f32(
    name: &str,
    c: &[num_complex::Complex32],
    max_iter: i32,
    out: &mut [i32],
) -> Option<()> {
    crate::mandelbrot::fill_f32_on(isa(name)?, c, max_iter, out);
    Some(())
}

/// `mandelbrot_f32` on one thread on the AVX-512 path with `groups` (1 to 4) registers of
/// sixteen points abreast; `None` without AVX-512.
pub fn mandelbrot_f32_avx512_groups(
    groups: usize,
    c: &[num_complex::Complex32],
    max_iter: i32,
    out: &mut [i32],
) -> Option<()> {
    isa("avx512")?;
    #[cfg(target_arch = "x86_64")]
    // SAFETY: AVX-512 was detected just above.
    unsafe {
        use crate::mandelbrot::fill_f32_avx512_groups as f;
        match groups {
            1 => f::<1>(c, max_iter, out),
            2 => f::<2>(c, max_iter, out),
            3 => f::<3>(c, max_iter, out),
            _ => f::<4>(c, max_iter, out),
        }
    }
    Some(())
}
