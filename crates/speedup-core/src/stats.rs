//! `sum`, `mean`, `std`: deterministic reductions (see [`mod@crate::reduce`]).

use crate::error::{Error, Result};
use crate::nan::canon;
use crate::reduce::{sum_squared_deviations, sum_values};

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
    check_count("std", "x", x.len(), ddof)
}

/// `n >= 1` (named `n_arg` in the message) and `ddof < n`.
fn check_count(kernel: &'static str, n_arg: &'static str, n: usize, ddof: usize) -> Result<()> {
    if n == 0 {
        let rule = if n_arg == "x" {
            "must not be empty"
        } else {
            "must be >= 1, got 0"
        };
        return Err(Error::invalid(kernel, n_arg, rule));
    }
    if ddof >= n {
        return Err(Error::invalid(
            kernel,
            "ddof",
            format!("must be smaller than the number of elements ({n}), got {ddof}"),
        ));
    }
    Ok(())
}

/// The last step of `mean`, from the sum of `n` elements: `sum / n` (canonical NaN). Errors when
/// `n == 0`. Distributed callers finish a sum of parts with it.
pub fn mean_finish(sum: f64, n: usize) -> Result<f64> {
    check_count("mean_finish", "n", n, 0)?;
    Ok(canon(sum / n as f64))
}

/// The last step of `std`, from the sum of squared deviations `ss` of `n` elements:
/// `sqrt(ss / (n - ddof))` (canonical NaN). Errors when `n == 0` or `ddof >= n`. Distributed
/// callers finish a sum of parts with it.
pub fn std_finish(ss: f64, n: usize, ddof: usize) -> Result<f64> {
    check_count("std_finish", "n", n, ddof)?;
    Ok(canon((ss / (n - ddof) as f64).sqrt()))
}

/// `sum(x) / n`. Errors when `x` is empty.
pub fn mean(x: &[f64]) -> Result<f64> {
    check_mean(x)?;
    mean_finish(sum(x), x.len())
}

/// Two passes: `m = sum(x) / n`, then `ss = sum((x_i - m) * (x_i - m))`;
/// `std = sqrt(ss / (n - ddof))`. Errors when `x` is empty or `ddof >= n`.
pub fn std(x: &[f64], ddof: usize) -> Result<f64> {
    check_std(x, ddof)?;
    let m = mean_finish(sum(x), x.len())?;
    std_finish(sum_squared_deviations(x, m), x.len(), ddof)
}
