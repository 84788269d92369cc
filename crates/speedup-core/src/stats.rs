//! `sum`, `mean`, `std`: deterministic reductions (see [`crate::reduce`]).

use crate::nan::canon;
use crate::reduce::{sum_squared_deviations, sum_values};
use crate::{Error, Result};

/// The deterministic blocked sum of `x`; empty gives 0.0, NaN propagates (as the canonical NaN).
pub fn sum(x: &[f64]) -> f64 {
    canon(sum_values(x))
}

/// The bad-input rules of `mean` (shared with the legacy twin): `x` must not be empty.
pub fn check_mean(x: &[f64]) -> Result<()> {
    if x.is_empty() {
        return Err(Error::invalid("mean", "x", "must not be empty"));
    }
    Ok(())
}

/// The bad-input rules of `std` (shared with the legacy twin): `x` not empty, `ddof < n`.
pub fn check_std(x: &[f64], ddof: usize) -> Result<()> {
    let n = x.len();
    if n == 0 {
        return Err(Error::invalid("std", "x", "must not be empty"));
    }
    if ddof >= n {
        return Err(Error::invalid(
            "std",
            "ddof",
            format!("must be smaller than the number of elements ({n}), got {ddof}"),
        ));
    }
    Ok(())
}

/// `sum(x) / n`. Errors when `x` is empty.
pub fn mean(x: &[f64]) -> Result<f64> {
    check_mean(x)?;
    Ok(canon(sum(x) / x.len() as f64))
}

/// Two passes: `m = sum(x) / n`, then `ss = sum((x_i - m) * (x_i - m))`;
/// `std = sqrt(ss / (n - ddof))`. Errors when `x` is empty or `ddof >= n`.
pub fn std(x: &[f64], ddof: usize) -> Result<f64> {
    check_std(x, ddof)?;
    let n = x.len();
    let m = sum(x) / n as f64;
    let ss = sum_squared_deviations(x, m);
    Ok(canon((ss / (n - ddof) as f64).sqrt()))
}
