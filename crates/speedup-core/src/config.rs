//! What this build of speedup is and what it does on this machine: version, build, thread count
//! and where it came from, and the instruction-set path each kernel family takes on this CPU.
//!
//! The one source of these facts for every door: `speedup_config` (C, Fortran), `speedup.config()`
//! / `speedup.show_config()` and `speedup info` (Python) print [`report`], to which the C layer
//! appends what only it knows (the legacy routines and the OpenMP runtime). The report is plain
//! text, one `key: value` per line, keys in a fixed order; `docs/config.md` lists them.
//!
//! The serial/parallel cut-offs are those of [`crate::calibrate`] at the current thread count
//! (reading the report measures the machine, once per process, when more than one thread is set).
//!
//! The SIMD paths are the answers of [`crate::simd`], which the kernels' run-time dispatch asks
//! too (`reduce.rs`, `stencil.rs` and `comb.rs` through `avx2_dispatch!`, `mandelbrot.rs`,
//! `primes/sieve.rs`), so the report names the path a call takes here and now.

use std::fmt;

/// The facts of [`report`], as values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// The version of speedup ([`crate::VERSION`]).
    pub version: &'static str,
    /// The target triple this library was compiled for.
    pub target: &'static str,
    /// The cargo profile's kind: `"release"` or `"debug"`.
    pub profile: &'static str,
    /// The optimisation level (`"0"` to `"3"`, `"s"`, `"z"`).
    pub opt_level: &'static str,
    /// Whether debug assertions (and the checks they enable) are compiled in.
    pub debug_assertions: bool,
    /// The CPUs this process may use now (affinity mask, cgroup quota).
    pub cpus: usize,
    /// The thread count the next kernel call will use ([`crate::threads::get_num_threads`]).
    pub threads: usize,
    /// Where [`Config::threads`] comes from ([`crate::threads::num_threads_source`]):
    /// `"SPEEDUP_NUM_THREADS"`, `"OMP_NUM_THREADS"`, `"cpus"` or `"set_num_threads"`.
    pub threads_source: &'static str,
    /// The instruction-set extensions of this CPU that matter to speedup (x86-64: `popcnt`,
    /// `avx`, `avx2`, `fma`, `avx512f`, those present); empty elsewhere.
    pub cpu_features: Vec<&'static str>,
    /// What `SPEEDUP_SIMD` does here: `"none"` (the kernels take the widest paths the CPU
    /// runs), `"avx2 (SPEEDUP_SIMD)"` or `"baseline (SPEEDUP_SIMD)"`; a value that was not
    /// understood is named: `none (SPEEDUP_SIMD="..." ignored: not avx512, avx2 or baseline)`.
    pub simd_limit: String,
    /// `(kernel family, path)`: the instruction set each family's loops run on here.
    pub simd: Vec<(&'static str, &'static str)>,
    /// What the cut-offs' calibration measured (or why it did not run), one line.
    pub calibration: String,
    /// `(kernel, cut-off, source)`: the serial/parallel cut-off of each kernel at
    /// [`Config::threads`] (`usize::MAX`: never parallel) and where it comes from
    /// ([`crate::calibrate::Source::label`]: `calibrated`, `default` or a variable's name).
    pub cutoffs: Vec<(&'static str, usize, &'static str)>,
}

/// The x86-64 features listed in [`Config::cpu_features`], in this order when present.
#[cfg(target_arch = "x86_64")]
fn cpu_features() -> Vec<&'static str> {
    let mut out = Vec::new();
    macro_rules! probe {
        ($($f:tt),*) => {$(
            if std::arch::is_x86_feature_detected!($f) {
                out.push($f);
            }
        )*};
    }
    probe!("popcnt", "avx", "avx2", "fma", "avx512f");
    out
}

#[cfg(not(target_arch = "x86_64"))]
fn cpu_features() -> Vec<&'static str> {
    Vec::new()
}

/// The `simd_limit` line ([`Config::simd_limit`]).
fn simd_limit() -> String {
    let l = crate::simd::limit();
    match (l.to, l.ignored) {
        (Some(to), _) => format!("{to} (SPEEDUP_SIMD)"),
        (None, Some(v)) => {
            format!("none (SPEEDUP_SIMD={v:?} ignored: not avx512, avx2 or baseline)")
        }
        (None, None) => "none".to_owned(),
    }
}

/// The path of each kernel family on this CPU. `"avx512"` / `"avx2"` / `"popcnt"`: the loops
/// compiled for that extension; `"baseline"`: the same loops compiled for the target's base instruction set
/// (auto-vectorised where the compiler can); `"scalar"`: one element at a time by design.
fn simd_paths() -> Vec<(&'static str, &'static str)> {
    let (avx2, popcnt) = (crate::simd::avx2(), crate::simd::popcnt());
    let wide = if avx2 { "avx2" } else { "baseline" };
    let widest = match crate::simd::Isa::best() {
        crate::simd::Isa::Avx512 => "avx512",
        crate::simd::Isa::Avx2 => "avx2",
        crate::simd::Isa::Baseline => "baseline",
    };
    vec![
        // reduce.rs: the compensated leaf sums (sum, mean, std).
        ("sum_mean_std", widest),
        // stencil.rs: second_derivative and laplacian rows (avx2_dispatch!).
        ("stencils", wide),
        // comb.rs: comb_forward and comb_backward (avx2_dispatch!).
        ("comb_filters", wide),
        // mandelbrot.rs: eight points per AVX-512 register, or four per AVX2 register.
        ("mandelbrot", widest),
        // primes.rs: the segmented sieve of sum_primes_below counts bits with POPCNT.
        (
            "sum_primes_below",
            if popcnt { "popcnt" } else { "baseline" },
        ),
        // philox/: monte_carlo_pi and markov_chains draw Philox4x64-10 blocks eight per AVX-512
        // register, four per AVX2 register, or in scalar code.
        ("philox", crate::philox::Path::best().name()),
    ]
}

/// The `calibration` line: the measurement, or why there is none.
fn calibration_line() -> String {
    use crate::calibrate::{env, measured_so_far};
    if let Some((m, retries)) = measured_so_far() {
        let again = match retries {
            0 => String::new(),
            1 => " (measured once more: the machine was busy)".to_owned(),
            n => format!(" (measured {n} more times: the machine was busy)"),
        };
        let own: Vec<String> = crate::calibrate::Kernel::ALL
            .iter()
            .filter_map(|&k| Some(format!("{} {:.1} us", k.name(), m.split[k as usize]? * 1e6)))
            .collect();
        let own = if own.is_empty() {
            String::new()
        } else {
            format!(" (a parallel call: {})", own.join(", "))
        };
        format!(
            "pool round trip {:.1} us{own}, {} of {} threads at once, took {:.2} ms{again}",
            m.wake * 1e6,
            m.at_once,
            m.threads,
            m.took * 1e3
        )
    } else if !env::overrides().calibrate {
        "off (SPEEDUP_CALIBRATE=0)".to_owned()
    } else if crate::threads::get_num_threads() <= 1 {
        "not run (1 thread)".to_owned()
    } else {
        "not run (every measured cut-off set by the environment)".to_owned()
    }
}

/// Each kernel's cut-off at `threads` and its source (measures the machine if due).
fn cutoffs(threads: usize) -> Vec<(&'static str, usize, &'static str)> {
    use crate::calibrate::{cutoff, Kernel};
    Kernel::ALL
        .iter()
        .map(|&k| {
            let (n, source) = cutoff(k, threads);
            (k.name(), n, source.label())
        })
        .collect()
}

impl Config {
    /// The facts as they stand now (the thread count is read at this call).
    pub fn current() -> Config {
        let threads = crate::threads::get_num_threads();
        let cutoffs = cutoffs(threads);
        Config {
            version: crate::VERSION,
            target: env!("SPEEDUP_BUILD_TARGET"),
            profile: if env!("SPEEDUP_BUILD_PROFILE") == "release" {
                "release"
            } else {
                "debug"
            },
            opt_level: env!("SPEEDUP_BUILD_OPT_LEVEL"),
            debug_assertions: cfg!(debug_assertions),
            cpus: std::thread::available_parallelism().map_or(1, |n| n.get()),
            threads,
            threads_source: crate::threads::num_threads_source(),
            cpu_features: cpu_features(),
            simd_limit: simd_limit(),
            simd: simd_paths(),
            calibration: calibration_line(),
            cutoffs,
        }
    }

    /// The `(key, value)` pairs of the report, in its order.
    pub fn entries(&self) -> Vec<(String, String)> {
        let yes_no = |b: bool| if b { "yes" } else { "no" }.to_owned();
        let mut out = vec![
            ("version".to_owned(), self.version.to_owned()),
            ("target".to_owned(), self.target.to_owned()),
            ("profile".to_owned(), self.profile.to_owned()),
            ("opt_level".to_owned(), self.opt_level.to_owned()),
            ("debug_assertions".to_owned(), yes_no(self.debug_assertions)),
            ("cpus".to_owned(), self.cpus.to_string()),
            ("threads".to_owned(), self.threads.to_string()),
            ("threads_source".to_owned(), self.threads_source.to_owned()),
            (
                "cpu_features".to_owned(),
                if self.cpu_features.is_empty() {
                    "none".to_owned()
                } else {
                    self.cpu_features.join(" ")
                },
            ),
            ("simd_limit".to_owned(), self.simd_limit.clone()),
        ];
        out.extend(
            self.simd
                .iter()
                .map(|(family, path)| (format!("simd.{family}"), (*path).to_owned())),
        );
        out.push(("calibration".to_owned(), self.calibration.clone()));
        out.extend(self.cutoffs.iter().map(|&(kernel, n, source)| {
            let n = if n == usize::MAX {
                "never".to_owned()
            } else {
                n.to_string()
            };
            (format!("cutoff.{kernel}"), format!("{n} ({source})"))
        }));
        out
    }
}

/// One `key: value` line per entry, each ending in a newline.
impl fmt::Display for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (key, value) in self.entries() {
            writeln!(f, "{key}: {value}")?;
        }
        Ok(())
    }
}

/// The report of [`Config::current`]: `key: value` lines, e.g.
///
/// ```text
/// version: 0.2.0
/// target: x86_64-unknown-linux-gnu
/// profile: release
/// opt_level: 3
/// debug_assertions: no
/// cpus: 8
/// threads: 8
/// threads_source: cpus
/// cpu_features: popcnt avx avx2 fma avx512f
/// simd_limit: none
/// simd.sum_mean_std: avx512
/// simd.stencils: avx2
/// simd.comb_filters: avx2
/// simd.mandelbrot: avx512
/// simd.sum_primes_below: popcnt
/// simd.philox: avx512
/// calibration: pool round trip 18.2 us, 8 of 8 threads at once, took 0.93 ms
/// cutoff.sum: 139810 (calibrated)
/// cutoff.stencils: 120114 (calibrated)
/// ...
/// cutoff.map_f64: 4096 (default)
/// ```
pub fn report() -> String {
    Config::current().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(report: &str) -> Vec<(String, String)> {
        report
            .lines()
            .map(|l| {
                let (k, v) = l.split_once(": ").expect("a key: value line");
                (k.to_owned(), v.to_owned())
            })
            .collect()
    }

    #[test]
    fn report_is_key_value_lines_in_a_fixed_order() {
        let text = report();
        assert!(text.ends_with('\n'));
        let keys: Vec<String> = parse(&text).into_iter().map(|(k, _)| k).collect();
        assert_eq!(
            keys,
            [
                "version",
                "target",
                "profile",
                "opt_level",
                "debug_assertions",
                "cpus",
                "threads",
                "threads_source",
                "cpu_features",
                "simd_limit",
                "simd.sum_mean_std",
                "simd.stencils",
                "simd.comb_filters",
                "simd.mandelbrot",
                "simd.sum_primes_below",
                "simd.philox",
                "calibration",
                "cutoff.sum",
                "cutoff.stencils",
                "cutoff.comb_forward",
                "cutoff.mandelbrot",
                "cutoff.is_prime_many",
                "cutoff.sum_primes_below",
                "cutoff.monte_carlo_pi",
                "cutoff.markov_chains",
                "cutoff.closest_pair",
                "cutoff.map_f64",
            ]
        );
        let c = Config::current();
        assert_eq!(c.version, crate::VERSION);
        assert!(c.target.contains(std::env::consts::ARCH), "{}", c.target);
        // The report says how this build was made (tests usually build with debug assertions,
        // `cargo test --release` without).
        assert_eq!(c.debug_assertions, cfg!(debug_assertions));
        assert!(c.cpus >= 1);
    }

    #[test]
    fn threads_and_their_source_follow_the_knob() {
        {
            let _g = crate::test_support::knob(3);
            let c = Config::current();
            assert_eq!((c.threads, c.threads_source), (3, "set_num_threads"));
            assert!(report().contains("threads: 3\nthreads_source: set_num_threads\n"));
        }
        let _g = crate::test_support::knob(0);
        let c = Config::current();
        assert_eq!(c.threads, crate::threads::get_num_threads());
        assert!(
            ["SPEEDUP_NUM_THREADS", "OMP_NUM_THREADS", "cpus"].contains(&c.threads_source),
            "{}",
            c.threads_source
        );
    }

    #[test]
    fn simd_paths_match_the_cpu() {
        let c = Config::current();
        let path = |family: &str| c.simd.iter().find(|(f, _)| *f == family).unwrap().1;
        let avx2 = c.cpu_features.contains(&"avx2");
        assert_eq!(path("stencils"), if avx2 { "avx2" } else { "baseline" });
        assert_eq!(path("stencils"), path("comb_filters"));
        let widest = if crate::simd::avx512() {
            "avx512"
        } else {
            path("stencils")
        };
        assert_eq!(path("sum_mean_std"), widest);
        assert_eq!(path("mandelbrot"), widest);
        assert_eq!(path("philox"), crate::philox::Path::best().name());
        assert_eq!(path("philox") == "scalar", !avx2);
    }

    #[test]
    fn cutoffs_say_where_they_come_from() {
        use crate::calibrate::{env, Kernel};
        let c = {
            let _g = crate::test_support::knob(2);
            Config::current()
        };
        for (k, &(name, n, source)) in Kernel::ALL.iter().zip(&c.cutoffs) {
            assert_eq!(name, k.name());
            match env::overrides().cutoff(*k) {
                Some((m, var)) => assert_eq!((n, source), (m, var.label())),
                None if !k.calibrated() || !env::overrides().calibrate => {
                    assert_eq!((n, source), (k.default_cutoff(), "default"))
                }
                None => assert_eq!(source, "calibrated", "{name}"),
            }
        }
        let text = c.to_string();
        assert!(text.contains("\ncutoff.map_f64: "), "{text}");
        assert!(!c.calibration.is_empty() && !c.calibration.contains('\n'));
    }
}
