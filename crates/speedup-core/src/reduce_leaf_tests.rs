//! Every leaf path against the portable loop, and the exact `f32` path against the TwoSum leaf
//! on the widened copy.

use super::*;
use crate::reduce::tests::awkward;
use crate::test_support::lcg_step;

/// The bits of a leaf's sum and error, every NaN as the canonical one: where the sum is not
/// finite the error is never read ([`Acc::value`]), and which NaN an operation on two NaNs
/// gives depends on the operand order the compiler chose.
fn bits(a: Acc) -> (u64, u64) {
    let canon = crate::nan::canon;
    (canon(a.s).to_bits(), canon(a.c).to_bits())
}

#[test]
fn vectorised_leaves_match_the_portable_loop_bit_for_bit() {
    for n in (0..40).chain([63, 64, 65, 1000, 1023, 1024]) {
        for seed in 1..4 {
            let mut x = awkward(n, seed);
            let m = 0.3 * seed as f64;
            for isa in Isa::available() {
                assert_eq!(
                    bits(leaf_term_on(isa, &x, Term::Value)),
                    bits(leaf_sum(&x, &|v| v)),
                    "{isa:?} n={n}"
                );
                assert_eq!(
                    bits(leaf_term_on(isa, &x, Term::SquaredDeviation(m))),
                    bits(leaf_sum(&x, &|v| (v - m) * (v - m))),
                    "{isa:?} n={n}"
                );
            }
            if n > 3 {
                x[n / 2] = f64::INFINITY;
                x[n / 3] = f64::NAN;
                for isa in Isa::available() {
                    assert_eq!(
                        bits(leaf_term_on(isa, &x, Term::Value)),
                        bits(leaf_sum(&x, &|v| v)),
                        "{isa:?} n={n} with inf and NaN"
                    );
                }
            }
        }
    }
}

/// `f32` values whose nonzero magnitudes span `span` binades from `2^top` down: random
/// mantissas and signs, some zeros of either sign, the ends of the span always present.
fn spanning(n: usize, top: i32, span: i32, seed: u64) -> Vec<f32> {
    let mut s = seed;
    let mut x: Vec<f32> = (0..n)
        .map(|i| {
            s = lcg_step(s);
            let e = top - (s >> 40) as i32 % (span + 1);
            let m = 1.0 + ((s >> 11) & 0x7f_ffff) as f64 / (1u64 << 23) as f64;
            let sign = if (s >> 9) & 1 == 1 { -1.0 } else { 1.0 };
            match i % 13 {
                5 => 0.0,
                6 => -0.0,
                _ => (sign * m * 2f64.powi(e)) as f32,
            }
        })
        .collect();
    if n > 1 {
        x[0] = (1.9999999 * 2f64.powi(top)) as f32;
        x[n - 1] = 2f64.powi(top - span) as f32;
    }
    x
}

/// The exact path on every leaf length and a range of spans around the bound, on either side of
/// the subnormal range, all one sign (the largest partial sums) or mixed: whenever it answers,
/// the bits are the TwoSum leaf's on the widened copy; it answers exactly when the span is
/// within the bound.
#[test]
fn exact_f32_leaf_equals_the_twosum_leaf() {
    let paths = Isa::available();
    let mut answered = 0;
    for n in (1..70).chain([255, 256, 257, 1000, 1023, 1024]) {
        for (top, span) in [
            (0, 0),
            (3, 10),
            (20, 22),
            (-1, 23),
            (100, 22),
            (-120, 22),
            (-126, 20),
            (5, 30),
        ] {
            for seed in 1..4 {
                let mut x = spanning(n, top, span, seed + n as u64);
                if seed == 3 {
                    x.iter_mut().for_each(|v| *v = v.abs());
                }
                let wide: Vec<f64> = x.iter().map(|&v| f64::from(v)).collect();
                let want = bits(leaf_sum(&wide, &|v| v));
                for &isa in &paths {
                    let got = exact_f32(isa, &x);
                    if let Some(acc) = got {
                        assert_eq!(bits(acc), want, "{isa:?} n={n} top={top} span={span}");
                        answered += 1;
                    }
                    let (hi, lo) = x.iter().fold((0u32, u32::MAX), |(h, l), v| {
                        let b = v.to_bits() & 0x7fff_ffff;
                        (h.max(b), l.min(b.wrapping_sub(1)))
                    });
                    assert_eq!(got.is_some(), exact_span_ok(hi, lo), "{isa:?} n={n}");
                    assert_eq!(bits(leaf_term_on(isa, &x, Term::Value)), want);
                }
            }
        }
    }
    assert!(answered > 1000, "{answered}");
}

/// The bound itself: spans up to [`EXACT_SPAN`] qualify, wider ones, infinities and NaN do not.
#[test]
fn exact_span_gate() {
    let bits = |v: f32| v.to_bits() & 0x7fff_ffff;
    let gate = |hi: f32, lo: f32| exact_span_ok(bits(hi), bits(lo).wrapping_sub(1));
    assert!(gate(1.5, 1.0));
    assert!(gate(1.9, 2f32.powi(-22)));
    assert!(!gate(1.9, 2f32.powi(-23)));
    assert!(gate(f32::MAX, 2f32.powi(127 - 22)));
    assert!(!gate(f32::MAX, 2f32.powi(127 - 23)));
    assert!(gate(2f32.powi(-126), f32::from_bits(1)));
    assert!(gate(2f32.powi(-104), f32::from_bits(1)));
    assert!(!gate(2f32.powi(-103), f32::from_bits(1)));
    assert!(!gate(f32::INFINITY, 1.0));
    assert!(!gate(f32::NAN, 1.0));
    assert!(exact_span_ok(0, u32::MAX));
    // The bound counts at most LEAF / 8 values per sublane.
    assert!(exact_f32(Isa::Baseline, &vec![1.0f32; LEAF]).is_some());
    assert!(exact_f32(Isa::Baseline, &vec![1.0f32; LEAF + 1]).is_none());
}

/// Why the gate is needed: one binade past the bound, a sublane of 128 values has a nonzero
/// TwoSum error (so the exact path, whose errors are all zero, would give other bits); at the
/// bound the error is zero and the plain sum is the TwoSum leaf's sum.
#[test]
fn the_bound_is_tight() {
    let full = (1u32 << 24) - 1; // 24 significant bits
    let big = full as f32; // biased exponent 150
    for (q, exact) in [(-22, true), (-23, false)] {
        let small = (f64::from(full) * 2f64.powi(q)) as f32; // the span is -q binades
        let mut leaf = vec![0.0f32; LEAF];
        for i in 0..128 {
            leaf[8 * i] = if i == 64 { small } else { big };
        }
        let (hi, lo) = (big.to_bits(), small.to_bits() - 1);
        assert_eq!(exact_span_ok(hi, lo), exact, "q={q}");
        let wide: Vec<f64> = leaf.iter().map(|&v| f64::from(v)).collect();
        let acc = leaf_sum(&wide, &|v| v);
        let plain: f64 = wide.iter().sum();
        assert_eq!(
            acc.c == 0.0 && acc.s == plain,
            exact,
            "q={q}: {acc:?} {plain}"
        );
    }
}

/// Two leaves summed at once (two streams) have, on every path, the bits of each leaf alone:
/// `f64` and `f32`, both terms, the exact `f32` path taken by both, one or neither.
#[test]
fn paired_leaves_equal_single_leaves() {
    for n in [0, 5, 8, 31, 32, 33, 1000, 1024] {
        for seed in 1..4 {
            let (a, b) = (awkward(n, seed), awkward(n, seed + 10));
            let fa: Vec<f32> = a.iter().map(|&v| v as f32).collect();
            let nice: Vec<f32> = (0..n).map(|i| (i % 17) as f32 * 0.5).collect();
            for isa in Isa::available() {
                for term in [Term::Value, Term::SquaredDeviation(0.25)] {
                    let got = leaves_term_on(isa, [&a[..], &b[..]], [term; 2]);
                    let want = [leaf_term_on(isa, &a, term), leaf_term_on(isa, &b, term)];
                    assert_eq!(got.map(bits), want.map(bits), "{isa:?} n={n} {term:?}");
                    for (x, y) in [(&fa, &nice), (&nice, &fa), (&nice, &nice)] {
                        let got = leaves_term_on(isa, [&x[..], &y[..]], [term; 2]);
                        let want = [leaf_term_on(isa, x, term), leaf_term_on(isa, y, term)];
                        assert_eq!(got.map(bits), want.map(bits), "{isa:?} n={n} f32");
                        let wide: Vec<f64> = x.iter().map(|&v| f64::from(v)).collect();
                        let portable = match term {
                            Term::Value => leaf_sum(&wide, &|v| v),
                            Term::SquaredDeviation(m) => leaf_sum(&wide, &|v| (v - m) * (v - m)),
                        };
                        assert_eq!(bits(got[0]), bits(portable), "{isa:?} n={n} f32 portable");
                    }
                }
            }
        }
    }
}
