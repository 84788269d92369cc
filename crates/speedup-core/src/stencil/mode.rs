//! Boundary modes of the stencils: which input cell stands in for a cell one step outside the
//! grid, as SciPy's `ndimage` names mean.

use crate::error::{Error, Result};

/// How `second_derivative` and `laplacian` treat the cells next to the edge.
///
/// `Valid` computes only where the stencil fits (the result is smaller by 2 along each axis);
/// the others pad the input by one cell on each side and give the input's shape:
///
/// | mode | padding of `a b c d` |
/// |---|---|
/// | `Reflect` | `a \| a b c d \| d` (`d c b a \| a b c d \| d c b a` one cell deep) |
/// | `Mirror` | `b \| a b c d \| c` |
/// | `Nearest` | `a \| a b c d \| d` |
/// | `Wrap` | `d \| a b c d \| a` |
/// | `Constant` | `cval \| a b c d \| cval` |
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(i32)]
pub enum Mode {
    /// Only where the stencil fits: `n - 2` outputs per axis.
    Valid = 0,
    /// Half-sample symmetric (`d c b a | a b c d | d c b a`).
    Reflect = 1,
    /// Repeat the edge value (`a a a | a b c d | d d d`).
    Nearest = 2,
    /// Whole-sample symmetric (`d c b | a b c d | c b a`).
    Mirror = 3,
    /// Periodic (`b c d | a b c d | a b c`).
    Wrap = 4,
    /// The value `cval` outside.
    Constant = 5,
}

impl Mode {
    /// Every mode, in the order of their codes.
    pub const ALL: [Mode; 6] = [
        Mode::Valid,
        Mode::Reflect,
        Mode::Nearest,
        Mode::Mirror,
        Mode::Wrap,
        Mode::Constant,
    ];

    /// The mode's name, as SciPy spells it (`"valid"` for the interior result).
    pub fn name(self) -> &'static str {
        match self {
            Mode::Valid => "valid",
            Mode::Reflect => "reflect",
            Mode::Nearest => "nearest",
            Mode::Mirror => "mirror",
            Mode::Wrap => "wrap",
            Mode::Constant => "constant",
        }
    }

    fn names() -> String {
        let v: Vec<String> = Mode::ALL
            .iter()
            .map(|m| format!("'{}'", m.name()))
            .collect();
        v.join(", ")
    }

    /// The mode called `name`; an error naming `kernel`'s `mode` argument otherwise.
    pub fn parse(kernel: &'static str, name: &str) -> Result<Mode> {
        Mode::ALL
            .into_iter()
            .find(|m| m.name() == name)
            .ok_or_else(|| {
                Error::invalid(
                    kernel,
                    "mode",
                    format!("must be one of {}, got '{name}'", Mode::names()),
                )
            })
    }

    /// The mode of code `code` (the C enum's value); an error naming `mode` otherwise.
    pub fn from_code(kernel: &'static str, code: i32) -> Result<Mode> {
        Mode::ALL
            .into_iter()
            .find(|&m| m as i32 == code)
            .ok_or_else(|| {
                Error::invalid(kernel, "mode", format!("must be a code 0 to 5, got {code}"))
            })
    }

    /// The input cell that stands for cell `i` (`-1 <= i <= n`) of an axis of `n` cells, or
    /// `None` for `cval` (constant mode; also what `Valid` would need, which never asks).
    #[inline]
    pub(crate) fn source(self, i: isize, n: usize) -> Option<usize> {
        if i >= 0 && (i as usize) < n {
            return Some(i as usize);
        }
        let before = i < 0;
        match self {
            Mode::Valid | Mode::Constant => None,
            Mode::Reflect | Mode::Nearest => Some(if before { 0 } else { n - 1 }),
            Mode::Mirror if n < 2 => Some(0),
            Mode::Mirror => Some(if before { 1 } else { n - 2 }),
            Mode::Wrap => Some(if before { n - 1 } else { 0 }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_one_cell_out() {
        let n = 4;
        let pad = |m: Mode| (m.source(-1, n), m.source(n as isize, n));
        assert_eq!(pad(Mode::Reflect), (Some(0), Some(3)));
        assert_eq!(pad(Mode::Nearest), (Some(0), Some(3)));
        assert_eq!(pad(Mode::Mirror), (Some(1), Some(2)));
        assert_eq!(pad(Mode::Wrap), (Some(3), Some(0)));
        assert_eq!(pad(Mode::Constant), (None, None));
        for m in Mode::ALL {
            assert_eq!(Mode::parse("k", m.name()).unwrap(), m);
            assert_eq!(Mode::from_code("k", m as i32).unwrap(), m);
        }
        let e = Mode::parse("laplacian", "edge").unwrap_err().to_string();
        assert!(e.contains("mode") && e.contains("'edge'"), "{e}");
    }
}
