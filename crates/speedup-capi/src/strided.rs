//! Strided arrays at the C door: a pointer, a shape and strides counted in ELEMENTS (not
//! bytes), any sign, as a caller's sub-array, transpose or Fortran-order array has them. Turned
//! into `ndarray` views after the door's checks: NULL only when empty, aligned, a memory span
//! that fits, an output whose elements are distinct (no stride 0 or overlapping axes) and that
//! does not overlap any input.

use std::mem::{align_of, size_of};

use ndarray::{ArrayView2, ArrayViewMut2, Axis, ShapeBuilder};

use crate::status::Failure;

/// A caller's 2-D strided array as raw parts (a 1-D array is `n x 1`).
#[derive(Clone, Copy)]
pub(crate) struct Strided<T> {
    pub(crate) kernel: &'static str,
    pub(crate) arg: &'static str,
    pub(crate) ptr: *const T,
    pub(crate) dim: (usize, usize),
    pub(crate) strides: (isize, isize),
}

impl<T> Strided<T> {
    /// The array `arg` at `ptr` of shape `dim`, with `strides`, or in C order (strides
    /// `(cols, 1)`) when `None`.
    pub(crate) fn new(
        kernel: &'static str,
        arg: &'static str,
        ptr: *const T,
        dim: (usize, usize),
        strides: Option<(isize, isize)>,
    ) -> Self {
        Strided {
            kernel,
            arg,
            ptr,
            dim,
            strides: strides.unwrap_or((dim.1 as isize, 1)),
        }
    }

    fn empty(&self) -> bool {
        self.dim.0 == 0 || self.dim.1 == 0
    }

    fn invalid(&self, what: String) -> Failure {
        Failure::Invalid {
            kernel: self.kernel,
            message: format!("{} {what}", self.arg),
        }
    }

    /// The lowest and one past the highest element offset the array touches.
    fn extent(&self) -> Result<(isize, isize), Failure> {
        let (mut lo, mut hi) = (0isize, 0isize);
        for (n, s) in [(self.dim.0, self.strides.0), (self.dim.1, self.strides.1)] {
            let reach = isize::try_from(n - 1)
                .ok()
                .and_then(|m| m.checked_mul(s))
                .ok_or_else(|| self.too_big())?;
            if reach < 0 {
                lo = lo.checked_add(reach).ok_or_else(|| self.too_big())?;
            } else {
                hi = hi.checked_add(reach).ok_or_else(|| self.too_big())?;
            }
        }
        let elems = hi.checked_sub(lo).and_then(|d| d.checked_add(1));
        match elems {
            Some(e) if e.checked_mul(size_of::<T>() as isize).is_some() => Ok((lo, hi + 1)),
            _ => Err(self.too_big()),
        }
    }

    fn too_big(&self) -> Failure {
        Failure::Length {
            kernel: self.kernel,
            message: format!(
                "{} of shape {}x{} with strides ({}, {}) elements spans more than memory can hold",
                self.arg, self.dim.0, self.dim.1, self.strides.0, self.strides.1
            ),
        }
    }

    /// NULL only when empty, aligned, a span that fits. Returns the byte range touched.
    pub(crate) fn check(&self) -> Result<(usize, usize), Failure> {
        if self.empty() {
            return Ok((0, 0));
        }
        if self.ptr.is_null() {
            return Err(Failure::Null {
                kernel: self.kernel,
                arg: self.arg,
            });
        }
        if !(self.ptr as usize).is_multiple_of(align_of::<T>()) {
            return Err(self.invalid(format!("must be aligned to {} bytes", align_of::<T>())));
        }
        let (lo, hi) = self.extent()?;
        let base = self.ptr as isize;
        let size = size_of::<T>() as isize;
        Ok(((base + lo * size) as usize, (base + hi * size) as usize))
    }

    /// The array's lowest element and its strides made non-negative, with the axes that were
    /// reversed: what `ndarray`'s raw constructors take.
    fn normalised(&self) -> (*const T, (usize, usize), [bool; 2]) {
        let (n0, n1) = self.dim;
        let (s0, s1) = self.strides;
        let mut p = self.ptr;
        for (n, s) in [(n0, s0), (n1, s1)] {
            if s < 0 {
                p = p.wrapping_offset((n as isize - 1) * s);
            }
        }
        (p, (s0.unsigned_abs(), s1.unsigned_abs()), [s0 < 0, s1 < 0])
    }

    /// The array as a read-only view.
    ///
    /// # Safety
    /// The caller of the C function promised every element the shape and strides reach is
    /// readable.
    pub(crate) unsafe fn view<'a>(self) -> Result<ArrayView2<'a, T>, Failure> {
        self.check()?;
        if self.empty() {
            return Ok(ArrayView2::from_shape(self.dim, &[]).expect("empty"));
        }
        let (p, st, rev) = self.normalised();
        // SAFETY: non-NULL, aligned, span checked; validity is the caller's promise.
        let mut v = unsafe { ArrayView2::from_shape_ptr(self.dim.strides(st), p) };
        for (ax, r) in rev.into_iter().enumerate() {
            if r {
                v.invert_axis(Axis(ax));
            }
        }
        Ok(v)
    }

    /// The array as a writable view: its elements distinct, not overlapping `inputs`.
    ///
    /// # Safety
    /// As [`Strided::view`], for writing.
    pub(crate) unsafe fn view_mut<'a>(
        self,
        inputs: &[(&'static str, (usize, usize))],
    ) -> Result<ArrayViewMut2<'a, T>, Failure> {
        let (s, e) = self.check()?;
        if self.empty() {
            return Ok(ArrayViewMut2::from_shape(self.dim, &mut []).expect("empty"));
        }
        self.check_distinct()?;
        for &(name, (is, ie)) in inputs {
            if is < ie && s < ie && is < e {
                return Err(self.invalid(format!("must not overlap {name}")));
            }
        }
        let (p, st, rev) = self.normalised();
        // SAFETY: as for `view`; distinct elements, no overlap with the inputs of this call.
        let mut v = unsafe { ArrayViewMut2::from_shape_ptr(self.dim.strides(st), p.cast_mut()) };
        for (ax, r) in rev.into_iter().enumerate() {
            if r {
                v.invert_axis(Axis(ax));
            }
        }
        Ok(v)
    }

    /// Every index reaches its own element: the smaller stride (of axes longer than 1) is at
    /// least 1 and the larger one steps over a whole run of the smaller axis.
    fn check_distinct(&self) -> Result<(), Failure> {
        let mut axes: Vec<(usize, usize)> =
            [(self.dim.0, self.strides.0), (self.dim.1, self.strides.1)]
                .into_iter()
                .filter(|&(n, _)| n > 1)
                .map(|(n, s)| (s.unsigned_abs(), n))
                .collect();
        axes.sort_unstable();
        let ok = match axes.as_slice() {
            [] => true,
            [(s, _)] => *s >= 1,
            [(s0, n0), (s1, _)] => *s0 >= 1 && *s1 >= s0.saturating_mul(*n0),
            _ => unreachable!("two axes"),
        };
        if ok {
            Ok(())
        } else {
            Err(self.invalid(format!(
                "strides ({}, {}) make elements of the {}x{} output overlap",
                self.strides.0, self.strides.1, self.dim.0, self.dim.1
            )))
        }
    }

    /// `(name, byte range)`, for the overlap check of an output.
    pub(crate) fn span(&self) -> Result<(&'static str, (usize, usize)), Failure> {
        Ok((self.arg, self.check()?))
    }
}
