//! Strided n-d views for the reductions along axes ([`crate::reduce_axes`]): a pointer, a shape
//! and strides counted in ELEMENTS (NumPy's byte strides divided by the item size), read in
//! place, never copied. The element type is `f64` or `f32` ([`Elem`]); an `f32` is widened to
//! `f64` exactly as it is read.
//!
//! [`plan`] turns a view and the axes to reduce into lanes: the kept axes index the lanes (in C
//! order), the reduced axes, flattened in C order of those axes, are each lane's elements.

use crate::error::{Error, Result};
use std::marker::PhantomData;

mod sealed {
    pub trait Sealed {}
    impl Sealed for f64 {}
    impl Sealed for f32 {}
}

/// An element type the reductions read: `f64` or `f32`, widened exactly to `f64`.
pub trait Elem: Copy + Send + Sync + 'static + sealed::Sealed {
    /// The element as an `f64` (exact for both types).
    fn widen(self) -> f64;
    /// `Some` when the elements already are `f64` (the contiguous fast path reads them as they are).
    fn as_f64s(xs: &[Self]) -> Option<&[f64]>;
    /// Four neighbouring elements widened into an AVX2 register.
    ///
    /// # Safety
    /// The CPU must support AVX2 and `p .. p + 4` must be readable.
    #[doc(hidden)]
    #[cfg(target_arch = "x86_64")]
    unsafe fn load4(p: *const Self) -> std::arch::x86_64::__m256d;
    /// Eight neighbouring elements widened into an AVX-512 register.
    ///
    /// # Safety
    /// The CPU must support AVX-512 F and `p .. p + 8` must be readable.
    #[doc(hidden)]
    #[cfg(target_arch = "x86_64")]
    unsafe fn load8(p: *const Self) -> std::arch::x86_64::__m512d;
    /// [`Elem::load8`] of the lanes whose bit is set in `k`; the others are `+0.0` and not read.
    ///
    /// # Safety
    /// The CPU must support AVX-512 F and VL, and the lanes set in `k` must be readable.
    #[doc(hidden)]
    #[cfg(target_arch = "x86_64")]
    unsafe fn load8_masked(p: *const Self, k: u8) -> std::arch::x86_64::__m512d;
}

impl Elem for f64 {
    #[inline(always)]
    fn widen(self) -> f64 {
        self
    }
    #[inline(always)]
    fn as_f64s(xs: &[f64]) -> Option<&[f64]> {
        Some(xs)
    }
    #[cfg(target_arch = "x86_64")]
    #[inline(always)]
    unsafe fn load4(p: *const f64) -> std::arch::x86_64::__m256d {
        // SAFETY: the caller's promise.
        unsafe { std::arch::x86_64::_mm256_loadu_pd(p) }
    }
    #[cfg(target_arch = "x86_64")]
    #[inline(always)]
    unsafe fn load8(p: *const f64) -> std::arch::x86_64::__m512d {
        // SAFETY: the caller's promise.
        unsafe { std::arch::x86_64::_mm512_loadu_pd(p) }
    }
    #[cfg(target_arch = "x86_64")]
    #[inline(always)]
    unsafe fn load8_masked(p: *const f64, k: u8) -> std::arch::x86_64::__m512d {
        // SAFETY: the caller's promise.
        unsafe { std::arch::x86_64::_mm512_maskz_loadu_pd(k, p) }
    }
}

impl Elem for f32 {
    #[inline(always)]
    fn widen(self) -> f64 {
        f64::from(self)
    }
    #[inline(always)]
    fn as_f64s(_: &[f32]) -> Option<&[f64]> {
        None
    }
    #[cfg(target_arch = "x86_64")]
    #[inline(always)]
    unsafe fn load4(p: *const f32) -> std::arch::x86_64::__m256d {
        use std::arch::x86_64::*;
        // SAFETY: the caller's promise; the widening is exact.
        unsafe { _mm256_cvtps_pd(_mm_loadu_ps(p)) }
    }
    #[cfg(target_arch = "x86_64")]
    #[inline(always)]
    unsafe fn load8(p: *const f32) -> std::arch::x86_64::__m512d {
        use std::arch::x86_64::*;
        // SAFETY: the caller's promise; the widening is exact.
        unsafe { _mm512_cvtps_pd(_mm256_loadu_ps(p)) }
    }
    #[cfg(target_arch = "x86_64")]
    #[inline(always)]
    unsafe fn load8_masked(p: *const f32, k: u8) -> std::arch::x86_64::__m512d {
        use std::arch::x86_64::*;
        // SAFETY: the caller's promise; the widening is exact.
        unsafe { _mm512_cvtps_pd(_mm256_maskz_loadu_ps(k, p)) }
    }
}

/// A read-only n-d view: `ptr`, `shape`, and `strides` in elements (any sign). Element
/// `(i_0, .., i_{d-1})` is at `ptr + sum(i_k * strides[k])`.
#[derive(Clone, Copy, Debug)]
pub struct Strided<'a, T> {
    ptr: *const T,
    shape: &'a [usize],
    strides: &'a [isize],
    _m: PhantomData<&'a [T]>,
}

// SAFETY: the view only reads, and `T` is `Sync`.
unsafe impl<T: Sync> Send for Strided<'_, T> {}
// SAFETY: as above.
unsafe impl<T: Sync> Sync for Strided<'_, T> {}

impl<'a, T: Elem> Strided<'a, T> {
    /// A view over raw memory. Checks what can be checked without the memory: `shape` and
    /// `strides` have the same length, the element count fits `usize`, and every offset the
    /// view can reach fits `isize`.
    ///
    /// # Safety
    /// When the view holds an element, every offset it reaches must be a readable `T` that
    /// lives, unchanged, for `'a`.
    pub unsafe fn from_raw(
        kernel: &'static str,
        ptr: *const T,
        shape: &'a [usize],
        strides: &'a [isize],
    ) -> Result<Self> {
        offset_range(kernel, shape, strides)?;
        Ok(Strided {
            ptr,
            shape,
            strides,
            _m: PhantomData,
        })
    }

    /// A view into `data`, checked: every offset the view can reach lies inside `data`.
    pub fn from_slice(
        kernel: &'static str,
        data: &'a [T],
        shape: &'a [usize],
        strides: &'a [isize],
    ) -> Result<Self> {
        if let Some((lo, hi)) = offset_range(kernel, shape, strides)? {
            if lo < 0 || hi >= data.len() as isize {
                return Err(Error::invalid(
                    kernel,
                    "strides",
                    format!(
                        "must keep every element inside x (offsets {lo}..={hi}, length {})",
                        data.len()
                    ),
                ));
            }
        }
        // SAFETY: every reachable offset was just checked to lie inside `data`.
        unsafe { Self::from_raw(kernel, data.as_ptr(), shape, strides) }
    }

    /// The shape.
    pub fn shape(&self) -> &'a [usize] {
        self.shape
    }

    /// The strides, in elements.
    pub fn strides(&self) -> &'a [isize] {
        self.strides
    }

    /// The element at offset `off` (in elements) from the view's origin.
    ///
    /// # Safety
    /// `off` must be an offset the view reaches.
    #[inline(always)]
    pub(crate) unsafe fn at(&self, off: isize) -> T {
        // SAFETY: the caller passes a reachable offset (see `from_raw`).
        unsafe { *self.ptr.offset(off) }
    }

    /// The origin pointer moved by `off` elements.
    ///
    /// # Safety
    /// `off` must be an offset the view reaches.
    #[inline(always)]
    pub(crate) unsafe fn ptr_at(&self, off: isize) -> *const T {
        // SAFETY: as in `at`.
        unsafe { self.ptr.offset(off) }
    }
}

/// The number of elements of `shape`, or a length error naming `x` when it overflows.
pub fn element_count(kernel: &'static str, shape: &[usize]) -> Result<usize> {
    shape
        .iter()
        .try_fold(1usize, |a, &n| a.checked_mul(n))
        .ok_or_else(|| {
            Error::length(
                kernel,
                "shape",
                "an element count that fits size_t",
                format!("{shape:?}"),
            )
        })
}

/// The lowest and highest offsets the view reaches (`None` when it holds no element), checked
/// for overflow.
fn offset_range(
    kernel: &'static str,
    shape: &[usize],
    strides: &[isize],
) -> Result<Option<(isize, isize)>> {
    if shape.len() != strides.len() {
        return Err(Error::length(
            kernel,
            "strides",
            format_args!("length {} (ndim)", shape.len()),
            format_args!("length {}", strides.len()),
        ));
    }
    if element_count(kernel, shape)? == 0 {
        return Ok(None);
    }
    let too_far = || {
        Error::invalid(
            kernel,
            "strides",
            "must keep every offset within the address range (isize)",
        )
    };
    let (mut lo, mut hi) = (0isize, 0isize);
    for (&n, &s) in shape.iter().zip(strides) {
        let last = isize::try_from(n - 1).map_err(|_| too_far())?;
        let reach = last.checked_mul(s).ok_or_else(too_far)?;
        if reach < 0 {
            lo = lo.checked_add(reach).ok_or_else(too_far)?;
        } else {
            hi = hi.checked_add(reach).ok_or_else(too_far)?;
        }
    }
    Ok(Some((lo, hi)))
}

/// Which elements a reduction adds up, lane by lane.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    /// The kept axes as `(length, stride)`, in axis order: they index the lanes in C order.
    pub kept: Vec<(usize, isize)>,
    /// The reduced axes as `(length, stride)`, in axis order, with axes of length 1 dropped
    /// and neighbours that step like one axis merged (same elements, same order).
    pub lane: Vec<(usize, isize)>,
    /// Elements per lane.
    pub lane_len: usize,
    /// Number of lanes (the result's size).
    pub lanes: usize,
}

/// The lanes of reducing `shape`/`strides` over `axes` (`None`: every axis). Errors when an
/// axis is out of range or given twice.
pub fn plan(
    kernel: &'static str,
    shape: &[usize],
    strides: &[isize],
    axes: Option<&[usize]>,
) -> Result<Plan> {
    let ndim = shape.len();
    let mut reduced = vec![false; ndim];
    match axes {
        None => reduced.iter_mut().for_each(|r| *r = true),
        Some(list) => {
            for &a in list {
                if a >= ndim {
                    return Err(Error::invalid(
                        kernel,
                        "axes",
                        format!("must each be < ndim ({ndim}), got {a}"),
                    ));
                }
                if reduced[a] {
                    return Err(Error::invalid(
                        kernel,
                        "axes",
                        format!("must not repeat an axis, got {a} twice"),
                    ));
                }
                reduced[a] = true;
            }
        }
    }
    let mut kept = Vec::new();
    let mut lane: Vec<(usize, isize)> = Vec::new();
    for k in 0..ndim {
        let d = (shape[k], strides[k]);
        if !reduced[k] {
            kept.push(d);
        } else if d.0 != 1 {
            match lane.last_mut() {
                Some(last) if d.0 > 0 && last.1 == d.1.wrapping_mul(d.0 as isize) => {
                    *last = (last.0 * d.0, d.1);
                }
                _ => lane.push(d),
            }
        }
    }
    let lane_len = element_count(kernel, &lane.iter().map(|d| d.0).collect::<Vec<_>>())?;
    let lanes = element_count(kernel, &kept.iter().map(|d| d.0).collect::<Vec<_>>())?;
    Ok(Plan {
        kept,
        lane,
        lane_len,
        lanes,
    })
}

impl Plan {
    /// The offset of lane `p` (C order over the kept axes) from the view's origin.
    pub fn lane_offset(&self, p: usize) -> isize {
        offset(&self.kept, p)
    }

    /// The offset of element `j` of a lane from the lane's origin.
    pub fn element_offset(&self, j: usize) -> isize {
        offset(&self.lane, j)
    }
}

/// The offset of element `i` (C order) of the axes `dims` (`(length, stride)` each).
#[inline]
fn offset(dims: &[(usize, isize)], mut i: usize) -> isize {
    let mut off = 0isize;
    for &(n, s) in dims.iter().rev() {
        off += (i % n) as isize * s;
        i /= n;
    }
    off
}
