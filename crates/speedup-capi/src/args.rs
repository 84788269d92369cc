//! Turning the C caller's pointers and lengths into Rust slices, with every check the C door
//! owns: NULL pointers (allowed only for empty arrays), alignment, sizes that overflow, `out_len`
//! mismatches and outputs that overlap inputs. Each check names the C argument it refused.

use std::mem::{align_of, size_of};

use crate::status::Failure;

/// A caller's array as raw parts, checked by [`Raw::input`] / [`Raw::output`].
#[derive(Clone, Copy)]
pub(crate) struct Raw<T> {
    kernel: &'static str,
    arg: &'static str,
    ptr: *const T,
    len: usize,
}

impl<T> Raw<T> {
    pub(crate) fn new(kernel: &'static str, arg: &'static str, ptr: *const T, len: usize) -> Self {
        Raw {
            kernel,
            arg,
            ptr,
            len,
        }
    }

    /// The C-order `rows x cols` array `arg`: its element count `what` (e.g. `"rows * cols"`),
    /// refused when it overflows (see [`product`]).
    pub(crate) fn matrix(
        kernel: &'static str,
        arg: &'static str,
        ptr: *const T,
        (rows, cols): (usize, usize),
        what: &str,
    ) -> Result<Self, Failure> {
        Ok(Raw::new(
            kernel,
            arg,
            ptr,
            product(kernel, what, rows, cols)?,
        ))
    }

    /// NULL only when empty, aligned, and no larger than `isize::MAX` bytes.
    fn check(&self) -> Result<(), Failure> {
        if self.len == 0 {
            return Ok(());
        }
        if self.ptr.is_null() {
            return Err(Failure::Null {
                kernel: self.kernel,
                arg: self.arg,
            });
        }
        if !(self.ptr as usize).is_multiple_of(align_of::<T>()) {
            return Err(Failure::Invalid {
                kernel: self.kernel,
                message: format!("{} must be aligned to {} bytes", self.arg, align_of::<T>()),
            });
        }
        if self.len > isize::MAX as usize / size_of::<T>().max(1) {
            return Err(Failure::Length {
                kernel: self.kernel,
                message: format!(
                    "{} has {} elements, more than memory can hold",
                    self.arg, self.len
                ),
            });
        }
        Ok(())
    }

    fn byte_range(&self) -> (usize, usize) {
        let start = self.ptr as usize;
        (start, start + self.len * size_of::<T>())
    }

    /// The number of elements.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Checks the array (see [`Raw::check`]) without making a slice yet.
    pub(crate) fn checked(self) -> Result<Self, Failure> {
        self.check()?;
        Ok(self)
    }

    /// The array as a slice.
    ///
    /// # Safety
    /// The caller of the C function promised `ptr` points at `len` readable `T`s.
    pub(crate) unsafe fn input<'a>(self) -> Result<&'a [T], Failure> {
        self.check()?;
        if self.len == 0 {
            return Ok(&[]);
        }
        // SAFETY: non-null, aligned, size-checked; validity is the caller's promise.
        Ok(unsafe { std::slice::from_raw_parts(self.ptr, self.len) })
    }

    /// The array as a mutable slice, refused when it overlaps any of `inputs`.
    ///
    /// # Safety
    /// The caller of the C function promised `ptr` points at `len` writable `T`s.
    pub(crate) unsafe fn output<'a>(
        self,
        inputs: &[(&'static str, (usize, usize))],
    ) -> Result<&'a mut [T], Failure> {
        self.check()?;
        if self.len == 0 {
            return Ok(&mut []);
        }
        let (s, e) = self.byte_range();
        for &(name, (is, ie)) in inputs {
            if is < ie && s < ie && is < e {
                return Err(Failure::Invalid {
                    kernel: self.kernel,
                    message: format!("{} must not overlap {name}", self.arg),
                });
            }
        }
        // SAFETY: as for `input`, plus no overlap with the inputs handed out for this call.
        Ok(unsafe { std::slice::from_raw_parts_mut(self.ptr.cast_mut(), self.len) })
    }

    /// `(name, byte range)` of this array, for the overlap check of an output.
    pub(crate) fn span(&self) -> (&'static str, (usize, usize)) {
        if self.len == 0 || self.ptr.is_null() {
            (self.arg, (0, 0))
        } else {
            (self.arg, self.byte_range())
        }
    }
}

/// A scalar output pointer: non-NULL and aligned. Written by the caller only on success.
pub(crate) fn scalar_out<T>(
    kernel: &'static str,
    arg: &'static str,
    ptr: *mut T,
) -> Result<*mut T, Failure> {
    Raw::new(kernel, arg, ptr.cast_const(), 1).checked()?;
    Ok(ptr)
}

/// `a * b`, or an InvalidArgument failure naming the size that overflowed (the contract lists
/// "rows*cols overflows" among the bad arguments).
pub(crate) fn product(
    kernel: &'static str,
    what: &str,
    a: usize,
    b: usize,
) -> Result<usize, Failure> {
    a.checked_mul(b).ok_or_else(|| Failure::Invalid {
        kernel,
        message: format!("{what} = {a} * {b} overflows size_t"),
    })
}

/// `Err(Length)` unless `got == expected`, naming the length argument and how it is derived.
pub(crate) fn expect_len(
    kernel: &'static str,
    arg: &'static str,
    rule: &str,
    expected: usize,
    got: usize,
) -> Result<(), Failure> {
    if expected == got {
        Ok(())
    } else {
        Err(Failure::Length {
            kernel,
            message: format!("{arg} must be {expected} ({rule}), got {got}"),
        })
    }
}
