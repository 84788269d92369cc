//! Shared pieces of the differential fuzz properties (`tests/differential.rs` here and in
//! crates/speedup-legacy): input strategies that reach the edge sizes and special values,
//! the thread setups every result is compared across, bitwise comparison (up to a NaN's sign and
//! payload), and the tally that reports how many cases ran.
//!
//! Inputs are *recipes* (a length, a value family, a seed and a few patched-in special
//! values), built into vectors only inside the property: a failure prints the short recipe,
//! not a million numbers, and shrinking is meaningful (fewer patches, a shorter length, the
//! plainest family, seed 0).
#![allow(dead_code)]

use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};

use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use speedup_core::test_support::knob;
use speedup_core::{threads, Complex64};

use crate::common::Rng;

// ------------------------------------------------------------------------------------------
// Case counts

/// Counts the cases of one property and, when the property passed, writes `fuzz: <name>: <n>
/// cases` straight to the process's stderr (past the test harness's capture, so the line
/// reaches the log of a passing run; scripts/test.sh adds the counts up).
#[derive(Debug)]
pub struct Tally {
    name: &'static str,
    cases: AtomicU64,
}

impl Tally {
    pub fn new(name: &'static str) -> Self {
        Tally {
            name,
            cases: AtomicU64::new(0),
        }
    }

    /// Called once per case the property body runs (shrinking steps included).
    pub fn hit(&self) {
        self.cases.fetch_add(1, Ordering::Relaxed);
    }
}

impl Drop for Tally {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let line = format!(
                "fuzz: {}: {} cases\n",
                self.name,
                self.cases.load(Ordering::Relaxed)
            );
            let _ = std::io::stderr().write_all(line.as_bytes());
        }
    }
}

/// A property: `proptest!` over `$cases` cases (see [`cases`]) of the strategies in the
/// closure's argument list, each case counted by a [`Tally`] named `$name`.
macro_rules! property {
    ($name:literal, $cases:expr, |($($strategies:tt)*)| $body:block) => {{
        let tally = $crate::fuzz::Tally::new($name);
        proptest::proptest!($crate::fuzz::cases($cases), |($($strategies)*)| {
            tally.hit();
            $body
        });
    }};
}

/// A property's configuration with `default` cases; `PROPTEST_CASES` overrides it (proptest's
/// macro reads the variable over any configured count), e.g. `PROPTEST_CASES=5000`.
pub fn cases(default: u32) -> ProptestConfig {
    ProptestConfig::with_cases(default)
}

// ------------------------------------------------------------------------------------------
// Thread setups

/// Every property compares a kernel's answer across these setups: `(threads, force)` where
/// `force` makes every kernel take its parallel path even below its serial cut-off
/// (`threads::set_ignore_cutoffs`), so that small random inputs exercise the parallel code.
pub const SETUPS: [(usize, bool); 4] = [(1, false), (2, false), (2, true), (3, true)];

struct ForceGuard;

impl Drop for ForceGuard {
    fn drop(&mut self) {
        threads::set_ignore_cutoffs(false);
    }
}

/// Runs `f` at `threads` threads (the knob held, so setups never interleave) with the
/// parallel path forced or not.
pub fn at_setup<R>(threads_: usize, force: bool, f: impl FnOnce() -> R) -> R {
    let _knob = knob(threads_);
    let _force = ForceGuard;
    threads::set_ignore_cutoffs(force);
    f()
}

/// `f`'s result at every setup of [`SETUPS`], labelled.
pub fn across_setups<R>(mut f: impl FnMut() -> R) -> Vec<(String, R)> {
    SETUPS
        .iter()
        .map(|&(t, force)| {
            let label = format!(
                "{t} thread(s){}",
                if force { ", forced parallel" } else { "" }
            );
            (label, at_setup(t, force, &mut f))
        })
        .collect()
}

/// Asserts that every setup gave the first setup's answer, under `same`.
pub fn all_same<R: std::fmt::Debug>(
    what: &str,
    results: &[(String, R)],
    same: impl Fn(&R, &R) -> bool,
) -> Result<(), TestCaseError> {
    let (l0, r0) = &results[0];
    for (l, r) in &results[1..] {
        prop_assert!(
            same(r0, r),
            "{what}: {l} gave {r:?}, {l0} gave {r0:?}",
            r = Short(r),
            r0 = Short(r0)
        );
    }
    Ok(())
}

/// Debug output cut to a readable length.
pub struct Short<'a, T>(pub &'a T);

impl<T: std::fmt::Debug> std::fmt::Debug for Short<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = format!("{:?}", self.0);
        if s.len() > 400 {
            write!(f, "{}... ({} chars)", &s[..400], s.len())
        } else {
            f.write_str(&s)
        }
    }
}

// ------------------------------------------------------------------------------------------
// Bitwise comparison

/// Bitwise equality, NaNs included: every NaN a kernel writes is the canonical quiet NaN
/// (`speedup_core::nan`), on every path, so two results of the contract agree bit for bit.
pub fn same_f64(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits()
}

/// A kernel's value `got` against the test's own evaluation `want` of the contract's formula:
/// bitwise where `want` is a number; where `want` is a NaN (of whatever sign and payload the
/// test's arithmetic made), `got` must be the canonical NaN.
pub fn same_as_reference(got: f64, want: f64) -> bool {
    if want.is_nan() {
        got.to_bits() == speedup_core::nan::CANONICAL_NAN_BITS
    } else {
        got.to_bits() == want.to_bits()
    }
}

/// [`same_as_reference`] elementwise; `Err` names the first difference.
pub fn matches_reference(what: &str, got: &[f64], want: &[f64]) -> Result<(), TestCaseError> {
    first_difference(what, got, want, same_as_reference, ("got ", ", contract "))
}

/// [`same_f64`] elementwise; `Err` names the first difference.
pub fn same_slices(what: &str, a: &[f64], b: &[f64]) -> Result<(), TestCaseError> {
    first_difference(what, a, b, same_f64, ("", " vs "))
}

/// `same` elementwise; `Err` names the first difference, its two values written as
/// `{la}a ({bits}){lb}b ({bits})`.
fn first_difference(
    what: &str,
    a: &[f64],
    b: &[f64],
    same: impl Fn(f64, f64) -> bool,
    (la, lb): (&str, &str),
) -> Result<(), TestCaseError> {
    prop_assert_eq!(a.len(), b.len(), "{}: lengths differ", what);
    if let Some(i) = (0..a.len()).find(|&i| !same(a[i], b[i])) {
        return Err(TestCaseError::fail(format!(
            "{what}: first difference at {i} of {}: {la}{:e} ({:#018x}){lb}{:e} ({:#018x})",
            a.len(),
            a[i],
            a[i].to_bits(),
            b[i],
            b[i].to_bits()
        )));
    }
    Ok(())
}

/// `Ok` results compared with [`same_f64`], errors by their message.
pub fn same_result(a: &speedup_core::Result<f64>, b: &speedup_core::Result<f64>) -> bool {
    match (a, b) {
        (Ok(x), Ok(y)) => same_f64(*x, *y),
        (Err(x), Err(y)) => x == y,
        _ => false,
    }
}

// ------------------------------------------------------------------------------------------
// Values

/// Special values every float input may contain: signed zeros, the smallest subnormal and
/// normal numbers, huge magnitudes, infinities and NaN.
pub const SPECIALS: [f64; 16] = [
    0.0,
    -0.0,
    f64::NAN,
    f64::INFINITY,
    f64::NEG_INFINITY,
    5e-324,
    -5e-324,
    2.225_073_858_507_201e-308, // largest subnormal
    f64::MIN_POSITIVE,
    f64::MAX,
    f64::MIN,
    1e300,
    -1e300,
    1e-300,
    1.0,
    -1.0,
];

/// Any value, special values often: finite values of every magnitude, subnormals, infinities,
/// NaN.
pub fn any_f64() -> impl Strategy<Value = f64> {
    prop_oneof![
        3 => -1e3..1e3f64,
        2 => prop::sample::select(SPECIALS.to_vec()),
        1 => prop::num::f64::ANY,
    ]
}

/// Finite values only (kernels that refuse non-finite input, or steps that must be finite).
pub fn finite_f64() -> impl Strategy<Value = f64> {
    prop_oneof![
        3 => -1e3..1e3f64,
        1 => prop::sample::select(vec![0.0, -0.0, 5e-324, -5e-324, f64::MIN_POSITIVE, f64::MAX, f64::MIN, 1e300, -1e-300]),
        1 => prop::num::f64::NORMAL | prop::num::f64::SUBNORMAL | prop::num::f64::ZERO,
    ]
}

/// A finite, nonzero step (dx, dy), of any magnitude including subnormal and huge (where
/// `1/(dx*dx)` over- or underflows).
pub fn step() -> impl Strategy<Value = f64> {
    prop_oneof![
        3 => 1e-3..10.0f64,
        1 => prop::sample::select(vec![1.0, -1.0, 0.5, 1e-200, 1e200, 5e-324, f64::MAX, -3.0, 1e-160]),
        1 => prop::num::f64::NORMAL | prop::num::f64::SUBNORMAL,
    ]
}

/// How a recipe fills its vector before the patches go in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Family {
    /// Uniform in [-1, 1).
    Uniform,
    /// Small integers: exact sums, many equal values.
    Integers,
    /// Values of every binary exponent, subnormal to huge, either sign (sums may overflow).
    Wide,
    /// Large values that cancel exactly, between small ones: ill-conditioned sums.
    Cancelling,
    /// The same value everywhere.
    Constant,
}

/// A vector of `len` floats: `family` filled from `seed`, then `patches` (index modulo the
/// length, value) written over it.
#[derive(Debug, Clone)]
pub struct Recipe {
    pub len: usize,
    pub family: Family,
    pub seed: u64,
    pub patches: Vec<(usize, f64)>,
}

impl Recipe {
    pub fn build(&self) -> Vec<f64> {
        let mut g = Rng(self.seed);
        let (mut i, mut big) = (0usize, 0.0f64);
        let mut v: Vec<f64> = (0..self.len)
            .map(|_| match self.family {
                Family::Uniform => g.uniform(-1.0, 1.0),
                Family::Integers => (g.next_u64() % 7) as f64 - 3.0,
                Family::Wide => {
                    let w = g.next_u64();
                    let bits = (w & 0x800F_FFFF_FFFF_FFFF) | ((w >> 52) % 0x7FF) << 52;
                    f64::from_bits(bits)
                }
                Family::Cancelling => {
                    // Triples (b, small, -b) with |b| up to 1e16: the exact sum is the sum of
                    // the small values, far below the terms.
                    i += 1;
                    match i % 3 {
                        1 => {
                            big = (g.uniform(-1.0, 1.0)) * 1e16;
                            big
                        }
                        2 => g.uniform(-1.0, 1.0),
                        _ => -big,
                    }
                }
                Family::Constant => 0.1,
            })
            .collect();
        if self.len > 0 {
            for &(i, x) in &self.patches {
                v[i % self.len] = x;
            }
        }
        v
    }

    /// True when the built vector holds only finite values.
    pub fn all_finite(&self) -> bool {
        self.build().iter().all(|v| v.is_finite())
    }
}

/// Families, the plainest first (shrinking goes towards `Uniform`).
pub fn family() -> impl Strategy<Value = Family> {
    prop_oneof![
        Just(Family::Uniform),
        Just(Family::Integers),
        Just(Family::Wide),
        Just(Family::Cancelling),
        Just(Family::Constant),
    ]
}

/// Recipes of a length from `len`, with up to 8 special values patched in.
pub fn recipe(len: impl Strategy<Value = usize>) -> impl Strategy<Value = Recipe> {
    recipe_with(len, any_f64())
}

/// Recipes whose patches come from `value`.
pub fn recipe_with(
    len: impl Strategy<Value = usize>,
    value: impl Strategy<Value = f64>,
) -> impl Strategy<Value = Recipe> {
    (
        len,
        family(),
        any::<u64>(),
        prop::collection::vec((any::<usize>(), value), 0..8),
    )
        .prop_map(|(len, family, seed, patches)| Recipe {
            len,
            family,
            seed,
            patches,
        })
}

/// Lengths for reductions: 0..3 elements, short, around one and two leaves of the summation
/// tree, several leaves with a ragged end, around the size where subtrees go to separate
/// tasks, and around the serial cut-off.
pub fn reduction_len() -> impl Strategy<Value = usize> {
    use speedup_core::reduce::{LEAF, PARALLEL_CUTOFF};
    prop_oneof![
        3 => 0usize..4,
        3 => 4usize..100,
        2 => (LEAF - 3)..(LEAF + 4),
        1 => (2 * LEAF - 2)..(2 * LEAF + 3),
        2 => (3 * LEAF)..(40 * LEAF),
        2 => ((1 << 16) - 2)..((1 << 16) + 3 * LEAF),
        2 => (PARALLEL_CUTOFF - 3 * LEAF)..(PARALLEL_CUTOFF + 3 * LEAF),
    ]
}

/// Lengths for elementwise kernels: tiny, short, and long enough for several parallel tasks.
pub fn elementwise_len(min: usize) -> impl Strategy<Value = usize> {
    prop_oneof![
        4 => min..(min + 4),
        4 => (min + 4)..200,
        2 => 1000usize..5000,
        1 => 16_000usize..40_000,
    ]
}

/// How a 2-D input is held in memory (the contract: every layout gives the C-order answer).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Layout {
    C,
    Fortran,
    /// Every second row and column of a grid twice as large.
    Strided,
}

pub fn layout() -> impl Strategy<Value = Layout> {
    prop_oneof![
        Just(Layout::C),
        Just(Layout::Fortran),
        Just(Layout::Strided)
    ]
}

/// The C-order array `a` held as `layout` says; `f` gets a view of it.
pub fn with_layout<R>(
    a: &ndarray::Array2<f64>,
    layout: Layout,
    f: impl FnOnce(ndarray::ArrayView2<f64>) -> R,
) -> R {
    use ndarray::{s, Array2, ShapeBuilder};
    match layout {
        Layout::C => f(a.view()),
        Layout::Fortran => {
            let mut b = Array2::zeros(a.dim().f());
            b.assign(a);
            f(b.view())
        }
        Layout::Strided => {
            let (r, c) = a.dim();
            let mut big = Array2::from_elem((2 * r, 2 * c), f64::NAN);
            big.slice_mut(s![..;2, ..;2]).assign(a);
            f(big.slice(s![..;2, ..;2]))
        }
    }
}

// ------------------------------------------------------------------------------------------
// Shapes, signals, point sets

/// Grid shapes: the smallest, odd small ones, wide and tall ones, and ones with enough output
/// rows for several parallel tasks.
pub fn grid_shape() -> impl Strategy<Value = (usize, usize)> {
    prop_oneof![
        4 => (3usize..12, 3usize..12),
        1 => (3usize..5, 100usize..3000),
        1 => (100usize..3000, 3usize..5),
        1 => (120usize..200, 100usize..160),
    ]
}

pub fn grid(
    shape: impl Strategy<Value = (usize, usize)>,
) -> impl Strategy<Value = (usize, usize, Recipe)> {
    shape.prop_flat_map(|(r, c)| (Just(r), Just(c), recipe(Just(r * c))))
}

/// Signals `n x k`: empty, tiny, long (several parallel tasks); `tau` from 1 to beyond `n`.
pub fn signal() -> impl Strategy<Value = (usize, usize, usize, Recipe)> {
    let shape = prop_oneof![
        3 => (0usize..6, 1usize..4),
        3 => (6usize..300, 1usize..5),
        1 => (8000usize..20_000, 1usize..3),
    ];
    shape.prop_flat_map(|(n, k)| (Just(n), Just(k), 1usize..n + 4, recipe(Just(n * k))))
}

/// Point sets that stress ties: a small integer grid (many duplicates and equal distances),
/// collinear points, tiny coordinates (squares underflow to 0), huge ones (squares overflow
/// to inf), signed zeros, and plain random points; sizes from 2 to past the parallel cut-off.
///
/// `max_n` bounds the size (the parallel cut-off is 2^14 points).
pub fn point_set(max_n: usize) -> impl Strategy<Value = Vec<[f64; 2]>> {
    let n = prop_oneof![6 => 2usize..64, 2 => 64usize..1500, 1 => 16_000usize..20_000]
        .prop_map(move |n| n.min(max_n));
    let kind = 0u8..7;
    (
        n,
        kind,
        any::<u64>(),
        prop::collection::vec((any::<usize>(), finite_f64(), finite_f64()), 0..4),
    )
        .prop_map(|(n, kind, seed, patches)| {
            let mut g = Rng(seed);
            let mut pts: Vec<[f64; 2]> = (0..n)
                .map(|_| {
                    let (a, b) = (g.uniform(0.0, 1.0), g.uniform(0.0, 1.0));
                    match kind {
                        0 => [a, b],
                        1 => [(g.next_u64() % 5) as f64, (g.next_u64() % 5) as f64],
                        2 => {
                            let t = (g.next_u64() % 50) as f64;
                            [1.0 + 0.5 * t, -2.0 + 0.25 * t]
                        }
                        3 => [a * 1e-160, b * 1e-160],
                        4 => [(a - 0.5) * 1.5e308, (b - 0.5) * 1.5e308],
                        5 => [
                            if a < 0.5 { 0.0 } else { -0.0 },
                            if b < 0.5 { 0.0 } else { -0.0 },
                        ],
                        _ => [(a * 1e3).round() * 1e-3, (b * 1e3).round() * 1e-3],
                    }
                })
                .collect();
            for (i, x, y) in patches {
                pts[i % n] = [x, y];
            }
            pts
        })
}

/// Points near the set (long orbits), on a lattice of exact binary values (orbits that land
/// exactly on the escape test's `|z|^2 == 16`, e.g. `c = 4` or `c = -2`), anywhere (special
/// values included), in batches from empty to several parallel tasks.
pub fn complex_points() -> impl Strategy<Value = Vec<Complex64>> {
    let near = (-2.2..1.0f64, -1.3..1.3f64).prop_map(|(re, im)| Complex64::new(re, im));
    let any_point = (any_f64(), any_f64()).prop_map(|(re, im)| Complex64::new(re, im));
    let exact = prop::sample::select(vec![
        -4.0, -2.0, -1.0, -0.5, -0.0, 0.0, 0.25, 0.5, 1.0, 2.0, 4.0,
    ]);
    let lattice = (exact.clone(), exact).prop_map(|(re, im)| Complex64::new(re, im));
    let point = prop_oneof![3 => near, 1 => lattice, 1 => any_point];
    let n = prop_oneof![4 => 0usize..40, 1 => 2000usize..5000];
    n.prop_flat_map(move |n| prop::collection::vec(point.clone(), n))
}

// ------------------------------------------------------------------------------------------
// Integers

/// Strong pseudoprimes to small bases and Carmichael numbers (all composite): the inputs a
/// wrong Miller-Rabin base set or a Fermat test gets wrong.
pub const PSEUDOPRIMES: [u64; 14] = [
    561,                  // Carmichael
    1105,                 // Carmichael
    1729,                 // Carmichael
    41041,                // Carmichael, four factors
    2047,                 // strong pseudoprime to base 2
    3215031751,           // to bases 2, 3, 5, 7
    4759123141,           // to bases 2, 7, 61 (the first beyond that 32-bit base set)
    1122004669633,        // to bases 2, 13, 23, 1662803
    2152302898747,        // to bases 2, 3, 5, 7, 11
    3474749660383,        // to bases 2 to 13
    341550071728321,      // to bases 2 to 17
    3825123056546413051,  // to bases 2 to 23
    9223372036854775807,  // 2^63 - 1
    18446744073709551615, // 2^64 - 1
];

/// Numbers to test for primality: any u64, the neighbourhoods of 2^32 and 2^64 (the largest
/// primes), pseudoprimes, Chernick numbers `(6k+1)(12k+1)(18k+1)` (Carmichael when the three
/// factors are prime), products of two numbers near the square root of 2^64 (hard
/// composites), and a prime squared.
pub fn prime_candidate() -> impl Strategy<Value = u64> {
    prop_oneof![
        3 => 0u64..10_000,
        2 => any::<u64>(),
        2 => (0u64..2000).prop_map(|d| u64::MAX - d),
        1 => (0u64..2000).prop_map(|d| (1u64 << 32) - 1000 + d),
        2 => prop::sample::select(PSEUDOPRIMES.to_vec()),
        1 => (1u64..240_000).prop_map(|k| (6 * k + 1) * (12 * k + 1) * (18 * k + 1)),
        2 => ((1u64 << 31)..(1u64 << 32), (1u64 << 31)..(1u64 << 32)).prop_map(|(a, b)| (a | 1) * (b | 1)),
        1 => (2u64..(1u64 << 32)).prop_map(|p| p * p),
    ]
}
