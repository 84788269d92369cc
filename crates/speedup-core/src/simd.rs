//! Which instruction-set extensions the kernels use on this CPU, decided in one place: each
//! kernel with a wider path asks [`avx512`], [`avx2`] or [`popcnt`] (run-time detection, cached by the
//! standard library after the first call), and [`crate::config`] reports the same answers, so
//! the report names the path a call takes. The paths compute the same IEEE operations as the
//! baseline loops (no FMA: Rust never contracts), so they give the same bits.
//!
//! The environment may narrow the choice: `SPEEDUP_SIMD=avx2` keeps the kernels off AVX-512,
//! `SPEEDUP_SIMD=baseline` off every extension (AVX2, AVX-512 and POPCNT), `SPEEDUP_SIMD=avx512`
//! is the default (the widest the CPU runs). It is read once, at the first call that asks; a
//! value that is none of these is ignored, and [`limit`] says so. Only the speed changes: every
//! path gives the same bits, which is what the variable lets a user check on their own machine,
//! or compare paths, or keep AVX-512 off where it slows the clock of the cores.

/// The body of a detection function below: returns whether this CPU has every x86-64 feature
/// named (run-time detection, cached by the standard library after the first call); false off
/// x86-64.
macro_rules! return_x86_has {
    ($($feature:tt),+) => {
        #[cfg(target_arch = "x86_64")]
        return $(std::arch::is_x86_feature_detected!($feature))&&+;
        #[cfg(not(target_arch = "x86_64"))]
        return false;
    };
}

/// The widest extensions the kernels may use, as `SPEEDUP_SIMD` sets it (see the module
/// documentation), and the variable's value when it was ignored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limit {
    /// `None`: no limit (the variable is unset, empty, `avx512`, or not understood); else
    /// `"avx2"` or `"baseline"`.
    pub to: Option<&'static str>,
    /// The variable's value when it is none of `avx512`, `avx2`, `baseline`.
    pub ignored: Option<String>,
}

/// Parses a `SPEEDUP_SIMD` value: the level it allows (2: AVX-512, 1: AVX2 and POPCNT, 0: none
/// of them), case and surrounding blanks aside; `None` when it names none of them. An empty
/// value is no limit.
#[doc(hidden)]
pub fn parse_limit(v: &str) -> Option<u8> {
    match v.trim().to_ascii_lowercase().as_str() {
        "" | "avx512" => Some(2),
        "avx2" => Some(1),
        "baseline" => Some(0),
        _ => None,
    }
}

/// `SPEEDUP_SIMD` as read once: the level it allows ([`parse_limit`]; 2 when unset or not
/// understood) and, when it was not understood, its value.
struct Setting {
    level: u8,
    ignored: Option<String>,
}

static SETTING: std::sync::OnceLock<Setting> = std::sync::OnceLock::new();

/// The variable, read at the first call that asks (and only then: the report and the
/// dispatch see the same reading).
fn setting() -> &'static Setting {
    SETTING.get_or_init(|| {
        let raw = std::env::var("SPEEDUP_SIMD").ok();
        let level = raw.as_deref().and_then(parse_limit);
        Setting {
            level: level.unwrap_or(2),
            ignored: raw.filter(|_| level.is_none()),
        }
    })
}

/// [`Setting::level`], kept where the dispatch reads it with one relaxed load (every kernel
/// call asks, some once per task): `u8::MAX` until the first read.
static LEVEL: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(u8::MAX);

/// The level the kernels may use (see [`parse_limit`]).
#[inline(always)]
fn level() -> u8 {
    let l = LEVEL.load(std::sync::atomic::Ordering::Relaxed);
    if l != u8::MAX {
        return l;
    }
    first_level()
}

/// [`level`]'s first read, out of line (it runs once; the dispatch inlines only the load).
#[cold]
#[inline(never)]
fn first_level() -> u8 {
    let l = setting().level;
    LEVEL.store(l, std::sync::atomic::Ordering::Relaxed);
    l
}

/// What `SPEEDUP_SIMD` does in this process (for the configuration report).
pub fn limit() -> Limit {
    let s = setting();
    let to = match s.level {
        0 => Some("baseline"),
        1 => Some("avx2"),
        _ => None,
    };
    Limit {
        to,
        ignored: s.ignored.clone(),
    }
}

/// True when this CPU runs the AVX2 paths (reductions' leaves, stencils, comb filters,
/// Mandelbrot) and `SPEEDUP_SIMD` allows them; always false off x86-64.
#[inline(always)]
pub fn avx2() -> bool {
    if level() < 1 {
        return false;
    }
    return_x86_has!("avx2");
}

/// True when this CPU runs the AVX-512 paths: the foundation (F) plus the doubleword/quadword
/// (DQ), byte/word (BW) and vector-length (VL) extensions that every AVX-512 CPU since 2017 has,
/// and `SPEEDUP_SIMD` allows them; always false off x86-64.
#[inline(always)]
pub fn avx512() -> bool {
    if level() < 2 {
        return false;
    }
    return_x86_has!("avx512f", "avx512dq", "avx512bw", "avx512vl");
}

/// True when this CPU runs the POPCNT path of the prime sieve and `SPEEDUP_SIMD` allows it;
/// always false off x86-64.
#[inline(always)]
pub fn popcnt() -> bool {
    if level() < 1 {
        return false;
    }
    return_x86_has!("popcnt");
}

/// An instruction-set path of the kernels that have several: the best one this CPU runs is
/// [`Isa::best`]; a kernel's dispatch takes it, and its tests run every path in
/// [`Isa::available`] to check that they give the same bits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[doc(hidden)]
pub enum Isa {
    /// The loops compiled for the target's base instruction set.
    Baseline,
    /// Intrinsics for AVX2 ([`avx2`]).
    Avx2,
    /// Intrinsics for AVX-512 F, DQ, BW and VL ([`avx512`]).
    Avx512,
}

impl Isa {
    /// The widest path this CPU runs.
    #[inline(always)]
    pub(crate) fn best() -> Isa {
        if avx512() {
            Isa::Avx512
        } else if avx2() {
            Isa::Avx2
        } else {
            Isa::Baseline
        }
    }

    /// Every path this CPU runs, narrowest first.
    #[cfg(test)]
    pub(crate) fn available() -> Vec<Isa> {
        [Isa::Baseline, Isa::Avx2, Isa::Avx512]
            .into_iter()
            .filter(|&i| match i {
                Isa::Baseline => true,
                Isa::Avx2 => avx2(),
                Isa::Avx512 => avx512(),
            })
            .collect()
    }
}

/// Defines `$name`, which runs the `#[inline(always)]` function `$generic` with the same
/// arguments, compiled for AVX2 when the CPU has it (detected at run time) and for the baseline
/// instruction set otherwise. The element formulas are the same IEEE operations either way (no
/// FMA: Rust never contracts), so the bits are too; AVX2 only makes the vectors wider and the
/// canonical-NaN select
/// ([`crate::nan::canon`]) one blend.
///
/// `fn name<T: Bound> => generic(...)` defines a generic `name` over a generic `generic` (the
/// `f64`/`f32` kernels of [`crate::real::Real`]): each type gets its own AVX2 and baseline build.
macro_rules! avx2_dispatch {
    ($(#[$m:meta])* fn $name:ident<$t:ident: $bound:path> => $generic:ident($($arg:ident: $ty:ty),* $(,)?)) => {
        $(#[$m])*
        fn $name<$t: $bound>($($arg: $ty),*) {
            #[cfg(target_arch = "x86_64")]
            {
                #[target_feature(enable = "avx2")]
                unsafe fn wide<$t: $bound>($($arg: $ty),*) {
                    $generic::<$t>($($arg),*)
                }
                if $crate::simd::avx2() {
                    // SAFETY: the CPU supports AVX2 (checked just above).
                    return unsafe { wide::<$t>($($arg),*) };
                }
            }
            $generic::<$t>($($arg),*)
        }
    };
    ($(#[$m:meta])* fn $name:ident => $generic:ident($($arg:ident: $ty:ty),* $(,)?)) => {
        $(#[$m])*
        fn $name($($arg: $ty),*) {
            #[cfg(target_arch = "x86_64")]
            {
                #[target_feature(enable = "avx2")]
                unsafe fn wide($($arg: $ty),*) {
                    $generic($($arg),*)
                }
                if $crate::simd::avx2() {
                    // SAFETY: the CPU supports AVX2 (checked just above).
                    return unsafe { wide($($arg),*) };
                }
            }
            $generic($($arg),*)
        }
    };
}

/// Proof that this CPU runs the AVX2 paths: only code compiled for AVX2 (which the dispatch
/// calls after [`avx2`] said yes) makes one without `unsafe`, so the generic SIMD loops take one
/// and call the intrinsics through it.
#[cfg(target_arch = "x86_64")]
#[derive(Clone, Copy, Debug)]
pub(crate) struct HasAvx2(());

#[cfg(target_arch = "x86_64")]
impl HasAvx2 {
    /// The proof, in code compiled for AVX2.
    #[inline]
    #[target_feature(enable = "avx2")]
    pub(crate) fn new() -> HasAvx2 {
        HasAvx2(())
    }
}

/// Proof that this CPU runs the AVX-512 paths ([`avx512`]), as [`HasAvx2`] for AVX2.
#[cfg(target_arch = "x86_64")]
#[derive(Clone, Copy, Debug)]
pub(crate) struct HasAvx512(());

#[cfg(target_arch = "x86_64")]
impl HasAvx512 {
    /// The proof, in code compiled for AVX-512 F, DQ, BW and VL.
    #[inline]
    #[target_feature(enable = "avx512f,avx512dq,avx512bw,avx512vl")]
    pub(crate) fn new() -> HasAvx512 {
        HasAvx512(())
    }
}

/// Defines a trait of register operations that are one intrinsic each (or a closure around a
/// few) and its impls, one per instruction set, from a table: after `for`, the implementors
/// (each [`HasAvx2`] or [`HasAvx512`], with the trait's type argument where it has one), then
/// one row per associated type, `type V = one type per implementor;`, and one per method,
/// `fn name(args) -> Type = one intrinsic per implementor;`. The methods take `self`, the proof
/// that the CPU runs the instructions; they are `#[inline(always)]` and have no target features
/// of their own, so they inline into the `#[target_feature]` function that instantiates a
/// generic loop, and compile with its instructions.
#[cfg(target_arch = "x86_64")]
macro_rules! simd_ops {
    (
        $(#[$m:meta])*
        $vis:vis trait $name:ident$(<$p:ident>)? for $($isa:ident$(<$g:ty>)?),+ {
            $(type $assoc:ident = $($aty:ty),+;)*
            $(
                $(#[$fm:meta])*
                fn $f:ident($($a:ident: $t:ty),*) -> $out:ty = $($i:expr),+;
            )*
        }
    ) => {
        $(#[$m])*
        $vis trait $name$(<$p>)?: Copy {
            $(type $assoc: Copy;)*
            $(
                $(#[$fm])*
                fn $f(self, $($a: $t),*) -> $out;
            )*
        }
        simd_ops!(
            @impls $name [$($isa$(<$g>)?),+] [$($assoc = [$($aty),+])*]
            $($f($($a: $t),*) -> $out = [$($i),+])*
        );
    };
    (@impls $name:ident [] [$($assoc:ident = [])*] $($f:ident($($a:ident: $t:ty),*) -> $out:ty = [])*) => {};
    (
        @impls $name:ident [$isa:ident$(<$g:ty>)? $(, $isas:ident$(<$gs:ty>)?)*]
        [$($assoc:ident = [$aty:ty $(, $atys:ty)*])*]
        $($f:ident($($a:ident: $t:ty),*) -> $out:ty = [$i:expr $(, $is:expr)*])*
    ) => {
        impl $name$(<$g>)? for $crate::simd::$isa {
            $(type $assoc = $aty;)*
            $(
                #[inline(always)]
                fn $f(self, $($a: $t),*) -> $out {
                    // SAFETY: `self` is a proof that the CPU runs these instructions; the
                    // arguments are registers, as the table's own unsafe helpers require.
                    unsafe { $i($($a),*) }
                }
            )*
        }
        simd_ops!(
            @impls $name [$($isas$(<$gs>)?),*] [$($assoc = [$($atys),*])*]
            $($f($($a: $t),*) -> $out = [$($is),*])*
        );
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simd_limit_values() {
        assert_eq!(parse_limit("avx512"), Some(2));
        assert_eq!(parse_limit(" AVX2 "), Some(1));
        assert_eq!(parse_limit("Baseline"), Some(0));
        assert_eq!(parse_limit(""), Some(2));
        assert_eq!(parse_limit("sse4"), None);
        assert_eq!(parse_limit("avx-512"), None);
        // Never wider than the CPU: the limit only takes paths away.
        assert!(!avx512() || avx2());
        #[cfg(target_arch = "x86_64")]
        assert!(!avx2() || std::arch::is_x86_feature_detected!("avx2"));
        #[cfg(not(target_arch = "x86_64"))]
        assert!(!avx2());
    }
}
