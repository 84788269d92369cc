//! The serial/parallel cut-offs choose where a call runs, never what it returns: every kernel
//! gives the same bits with every cut-off forced to 0 (parallel whenever there is more than one
//! thread), to `never` (serial), calibrated, and at the documented defaults. The cut-offs and
//! their overrides are read once per process, so each case runs this test binary again in a
//! child process with the environment under test.

mod rerun;

use ndarray::Array2;
use speedup_core::test_support::lcg_uniforms;
use speedup_core::{self as sp, threads, Complex64};

const CHILD: &str = "SPEEDUP_TEST_CUTOFF_DIGEST";

/// FNV-1a over 64-bit words.
#[derive(Default)]
struct Digest(u64);

impl Digest {
    fn add(&mut self, word: u64) {
        for b in word.to_le_bytes() {
            self.0 = (self.0 ^ b as u64).wrapping_mul(0x100_0000_01b3);
        }
    }
    fn f64s<'a>(&mut self, xs: impl IntoIterator<Item = &'a f64>) {
        for x in xs {
            self.add(x.to_bits());
        }
    }
}

/// Every kernel with a cut-off, on inputs several parallel tasks long.
fn digest_of_every_kernel() -> u64 {
    let mut d = Digest(0xcbf2_9ce4_8422_2325);
    let x = lcg_uniforms(300_001, 1);
    d.add(sp::sum(&x).to_bits());
    d.add(sp::mean(&x).unwrap().to_bits());
    d.add(sp::std(&x, 1).unwrap().to_bits());
    let mut o = vec![0.0; x.len() - 2];
    sp::second_derivative(&x, 0.1, &mut o).unwrap();
    d.f64s(&o);
    let g = Array2::from_shape_vec((301, 299), lcg_uniforms(301 * 299, 2)).unwrap();
    let mut lo = Array2::zeros((299, 297));
    sp::laplacian(g.view(), 0.1, 0.2, lo.view_mut()).unwrap();
    d.f64s(lo.iter());
    let xs = Array2::from_shape_vec((50_000, 3), lcg_uniforms(150_000, 3)).unwrap();
    let mut y = Array2::zeros((50_000, 3));
    sp::comb_forward(xs.view(), 5, 0.5, y.view_mut()).unwrap();
    d.f64s(y.iter());
    let c: Vec<Complex64> = (0..10_000)
        .map(|k| {
            Complex64::new(
                -2.0 + 3.0 * (k % 100) as f64 / 100.0,
                -1.5 + 0.03 * (k / 100) as f64,
            )
        })
        .collect();
    let mut m = vec![0i32; c.len()];
    sp::mandelbrot(&c, 50, &mut m).unwrap();
    m.iter().for_each(|&v| d.add(v as u64));
    let odd: Vec<u64> = (0..10_000).map(|i| 1_000_000_000_001 + 2 * i).collect();
    let mut p = vec![false; odd.len()];
    sp::is_prime_many(&odd, &mut p).unwrap();
    p.iter().for_each(|&v| d.add(v as u64));
    d.add(sp::sum_primes_below(12_000_000).unwrap());
    d.add(sp::monte_carlo_pi(1_000_003, 9).unwrap().to_bits());
    let t = Array2::from_shape_vec((2, 2), vec![0.9, 0.1, 0.4, 0.6]).unwrap();
    let mut counts = Array2::zeros((9, 2));
    sp::markov_chains(t.view(), 0, 20_000, 4, counts.view_mut()).unwrap();
    counts.iter().for_each(|&v| d.add(v));
    let pts = Array2::from_shape_vec((40_000, 2), lcg_uniforms(80_000, 5)).unwrap();
    let cp = sp::closest_pair(pts.view()).unwrap();
    d.add(cp.i as u64);
    d.add(cp.j as u64);
    d.add(cp.dist.to_bits());
    let mut mo = vec![0.0; 10_000];
    sp::map_f64(|v| v.sqrt() * 3.0, &x[..10_000], &mut mo).unwrap();
    d.f64s(&mo);
    d.0
}

#[test]
fn cutoff_digest_in_child() {
    if std::env::var_os(CHILD).is_none() {
        return;
    }
    let digest = digest_of_every_kernel();
    // Where a tiny map ran: on a speedup worker exactly when its cut-off let it go parallel.
    let mut on_worker = [0.0; 4];
    sp::map_f64(
        |_| threads::in_worker() as u8 as f64,
        &[0.0; 4],
        &mut on_worker,
    )
    .unwrap();
    println!("DIGEST={digest:016x} TINY_MAP_ON_WORKER={}", on_worker[0]);
    let report = sp::config::report();
    for line in report
        .lines()
        .filter(|l| l.starts_with("cutoff.") || l.starts_with("calibration"))
    {
        println!("REPORT {line}");
    }
}

struct Child {
    stdout: String,
    stderr: String,
}

impl Child {
    fn field(&self, key: &str) -> String {
        self.stdout
            .split_whitespace()
            .find_map(|w| w.strip_prefix(key)?.strip_prefix('=').map(str::to_owned))
            .unwrap_or_else(|| panic!("child printed no {key}: {}\n{}", self.stdout, self.stderr))
    }

    /// Asserts that the child printed `text` on its standard output.
    fn printed(&self, text: &str) {
        assert!(
            self.stdout.contains(text),
            "child printed no {text:?}:\n{}",
            self.stdout
        );
    }

    /// Asserts that the child wrote `text` on its standard error (its warnings).
    fn warned(&self, text: &str) {
        assert!(
            self.stderr.contains(text),
            "child warned no {text:?}:\n{}",
            self.stderr
        );
    }
}

fn child(env: &[(&str, &str)]) -> Child {
    let mut cmd = rerun::this_test_in_child("cutoff_digest_in_child", CHILD);
    cmd.env("SPEEDUP_NUM_THREADS", "3");
    for (k, _) in std::env::vars() {
        if k.starts_with("SPEEDUP_CUTOFF_")
            || k == "SPEEDUP_PARALLEL_CUTOFF"
            || k == "SPEEDUP_CALIBRATE"
        {
            cmd.env_remove(k);
        }
    }
    let out = cmd.envs(env.iter().copied()).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    Child {
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

#[test]
fn every_cutoff_gives_the_same_bits() {
    let parallel = child(&[("SPEEDUP_PARALLEL_CUTOFF", "0")]);
    let serial = child(&[("SPEEDUP_PARALLEL_CUTOFF", "never")]);
    let calibrated = child(&[]);
    let defaults = child(&[("SPEEDUP_CALIBRATE", "0")]);
    let one_thread = child(&[("SPEEDUP_NUM_THREADS", "1")]);
    let want = serial.field("DIGEST");
    for (name, c) in [
        ("parallel", &parallel),
        ("calibrated", &calibrated),
        ("defaults", &defaults),
        ("one thread", &one_thread),
    ] {
        assert_eq!(c.field("DIGEST"), want, "{name}");
    }
    // The overrides reached the kernels and the report.
    assert_eq!(parallel.field("TINY_MAP_ON_WORKER"), "1");
    assert_eq!(serial.field("TINY_MAP_ON_WORKER"), "0");
    parallel.printed("REPORT cutoff.sum: 0 (SPEEDUP_PARALLEL_CUTOFF)");
    serial.printed("REPORT cutoff.closest_pair: never (SPEEDUP_PARALLEL_CUTOFF)");
    defaults.printed("REPORT calibration: off (SPEEDUP_CALIBRATE=0)");
    defaults.printed("REPORT cutoff.sum: 1048576 (default)");
    one_thread.printed("REPORT calibration: not run (1 thread)");
    calibrated.printed("REPORT calibration: pool round trip ");
    calibrated.printed(" (calibrated)");
}

#[test]
fn a_kernels_own_variable_wins_and_bad_values_are_ignored_with_a_warning() {
    let c = child(&[
        ("SPEEDUP_PARALLEL_CUTOFF", "never"),
        ("SPEEDUP_CUTOFF_MAP_F64", "0"),
        ("SPEEDUP_CUTOFF_SUM", "1e6"),
        ("SPEEDUP_CUTOFF_SUMM", "5"),
    ]);
    assert_eq!(c.field("TINY_MAP_ON_WORKER"), "1");
    c.printed("REPORT cutoff.map_f64: 0 (SPEEDUP_CUTOFF_MAP_F64)");
    c.printed("REPORT cutoff.sum: never (SPEEDUP_PARALLEL_CUTOFF)");
    c.warned(
        "speedup: ignoring SPEEDUP_CUTOFF_SUM: must be a non-negative integer (work units) or \"never\", got \"1e6\"",
    );
    c.warned("speedup: ignoring SPEEDUP_CUTOFF_SUMM: names no kernel");
    // Each warning once, however many calls read the cut-offs.
    assert_eq!(c.stderr.matches("ignoring SPEEDUP_CUTOFF_SUM:").count(), 1);
}
