use super::env::{from_vars, parse_calibrate, parse_cutoff};
use super::*;

/// The model's own prediction: does a parallel call of `n` units win by the margin?
fn wins(n: usize, w: f64, c: f64, p: usize, g: usize) -> bool {
    let n = n as f64;
    let parallel = w + c * (n / p as f64).max(n.min(g as f64));
    n * c > MARGIN * parallel
}

#[test]
fn model_cutoff_is_the_first_size_the_model_says_wins() {
    for (w, c, p, g) in [
        (20e-6, 0.25e-9, 2, 1 << 16),
        (60e-6, 0.25e-9, 2, 1 << 16),
        (20e-6, 0.3e-9, 8, 1 << 14),
        (5e-6, 2e-9, 4, 1 << 11),
        (30e-6, 40e-9, 16, 1),
        (20e-6, 5e-9, 2, 1 << 18),
    ] {
        let n = model_cutoff(w, c, p, g);
        assert!(wins(n, w, c, p, g), "{w} {c} {p} {g}: {n} should win");
        assert!(
            !wins(n - 1, w, c, p, g),
            "{w} {c} {p} {g}: {} should not",
            n - 1
        );
        assert!(n >= g);
    }
}

#[test]
fn model_cutoff_worked_example() {
    // 20 us round trip, 0.25 ns an element, 2 threads, tasks of 2^16: the shared term
    // 1.05 * 80000 / (1 - 1.05 / 2) = 176842.1..., above the one-task term 1.05 * (80000 + 65536).
    assert_eq!(model_cutoff(20e-6, 0.25e-9, 2, 1 << 16), 176_843);
    // Tasks so large that a second thread only helps beyond two of them.
    assert_eq!(
        model_cutoff(20e-6, 0.25e-9, 2, 1 << 20),
        (1.05f64 * (80_000.0 + 1_048_576.0)).ceil() as usize
    );
}

#[test]
fn model_cutoff_moves_the_right_way() {
    let base = model_cutoff(20e-6, 0.25e-9, 2, 1024);
    assert!(
        model_cutoff(40e-6, 0.25e-9, 2, 1024) > base,
        "dearer wake-up"
    );
    assert!(model_cutoff(20e-6, 0.5e-9, 2, 1024) < base, "dearer work");
    assert!(model_cutoff(20e-6, 0.25e-9, 8, 1024) < base, "more threads");
    assert_eq!(
        model_cutoff(0.0, 1e-9, 2, 1024),
        1076,
        "free wake-up: the one-task bound"
    );
}

#[test]
fn model_cutoff_never_when_parallel_cannot_win_or_inputs_are_bad() {
    assert_eq!(model_cutoff(20e-6, 1e-9, 1, 1), usize::MAX, "one thread");
    assert_eq!(model_cutoff(20e-6, 0.0, 2, 1), usize::MAX, "free work");
    assert_eq!(model_cutoff(f64::NAN, 1e-9, 2, 1), usize::MAX);
    assert_eq!(model_cutoff(20e-6, f64::INFINITY, 2, 1), usize::MAX);
    assert_eq!(model_cutoff(-1.0, 1e-9, 2, 1), usize::MAX);
    assert_eq!(
        model_cutoff(1e300, 1e-300, 2, 1),
        usize::MAX,
        "beyond usize"
    );
}

#[test]
fn cutoff_values_parse_or_say_what_they_must_be() {
    assert_eq!(parse_cutoff("0"), Ok(0));
    assert_eq!(parse_cutoff(" 262144 "), Ok(262_144));
    assert_eq!(parse_cutoff("never"), Ok(usize::MAX));
    assert_eq!(parse_cutoff("Never"), Ok(usize::MAX));
    assert_eq!(parse_cutoff("99999999999999999999999999"), Ok(usize::MAX));
    for bad in ["", " ", "-1", "+5", "1e6", "2^20", "1_000", "0x100", "big"] {
        let e = parse_cutoff(bad).unwrap_err();
        assert!(
            e.contains("non-negative integer") && e.contains("never"),
            "{bad:?}: {e}"
        );
    }
    assert_eq!(parse_calibrate("0"), Ok(false));
    assert_eq!(parse_calibrate(" 1"), Ok(true));
    assert!(parse_calibrate("off")
        .unwrap_err()
        .contains("must be 0 or 1"));
}

#[test]
fn the_kernels_own_variable_beats_the_global_one() {
    let ov = from_vars([
        ("SPEEDUP_PARALLEL_CUTOFF", "1000"),
        ("SPEEDUP_CUTOFF_SUM", "never"),
        ("SPEEDUP_CUTOFF_STENCILS", "0"),
        ("PATH", "/bin"),
    ]);
    assert!(ov.calibrate && ov.warnings.is_empty(), "{ov:?}");
    assert_eq!(
        ov.cutoff(Kernel::Sum),
        Some((usize::MAX, Source::Env("SPEEDUP_CUTOFF_SUM")))
    );
    assert_eq!(
        ov.cutoff(Kernel::Stencils),
        Some((0, Source::Env("SPEEDUP_CUTOFF_STENCILS")))
    );
    assert_eq!(
        ov.cutoff(Kernel::MapF64),
        Some((1000, Source::Env("SPEEDUP_PARALLEL_CUTOFF")))
    );
    assert_eq!(from_vars([]).cutoff(Kernel::Sum), None);
}

#[test]
fn bad_values_and_unknown_kernels_are_ignored_with_a_warning() {
    let ov = from_vars([
        ("SPEEDUP_PARALLEL_CUTOFF", "4096"),
        ("SPEEDUP_CUTOFF_SUM", "lots"),
        ("SPEEDUP_CUTOFF_SUMS", "10"),
        ("SPEEDUP_CALIBRATE", "no"),
    ]);
    // The bad per-kernel value falls back to the global one; the switch keeps its default.
    assert_eq!(
        ov.cutoff(Kernel::Sum),
        Some((4096, Source::Env("SPEEDUP_PARALLEL_CUTOFF")))
    );
    assert!(ov.calibrate);
    assert_eq!(ov.warnings.len(), 3, "{:?}", ov.warnings);
    let all = ov.warnings.join("\n");
    assert!(all.contains("speedup: ignoring SPEEDUP_CUTOFF_SUM: must be a non-negative integer"));
    assert!(all.contains("SPEEDUP_CUTOFF_SUMS: names no kernel (known: SPEEDUP_CUTOFF_SUM,"));
    assert!(all.contains("SPEEDUP_CALIBRATE: must be 0 or 1, got \"no\""));
    assert!(!from_vars([("SPEEDUP_CALIBRATE", "0")]).calibrate);
}

#[test]
fn kernel_names_and_variables_agree() {
    for k in Kernel::ALL {
        assert_eq!(
            k.env_var(),
            format!("SPEEDUP_CUTOFF_{}", k.name().to_uppercase())
        );
        assert_eq!(Kernel::ALL[k.index()], k);
        assert!(k.default_cutoff() >= 1);
    }
}

#[test]
fn one_thread_uses_the_default_and_measures_nothing() {
    for k in Kernel::ALL {
        let (n, source) = cutoff(k, 1);
        if env::overrides().cutoff(k).is_none() {
            assert_eq!((n, source), (k.default_cutoff(), Source::Default));
        }
    }
}

#[test]
fn the_measurement_is_sane_and_the_cutoffs_follow_from_it() {
    let _g = crate::test_support::knob(2);
    let (_, source) = cutoff(Kernel::Sum, 2);
    let Some((m, _)) = measured_so_far() else {
        // SPEEDUP_CALIBRATE=0 or an override in this test's environment.
        assert_ne!(source, Source::Calibrated);
        return;
    };
    assert!(m.wake.is_finite() && m.wake >= 0.0, "{m:?}");
    assert!(m.took > 0.0 && m.cpus >= 1 && m.threads >= 2, "{m:?}");
    assert!((1..=m.threads).contains(&m.at_once), "{m:?}");
    for k in Kernel::ALL {
        let c = m.per_unit[k.index()];
        assert_eq!(c.is_some(), k.calibrated(), "{k:?}: {m:?}");
        if env::overrides().cutoff(k).is_some() || !k.calibrated() {
            continue;
        }
        let c = c.unwrap();
        assert!(c > 0.0 && c < 1e-3, "{k:?}: {c}");
        let (n, source) = cutoff(k, 2);
        assert_eq!(source, Source::Calibrated);
        let (w, p) = kernel_inputs(m, k, 2);
        assert!(w >= model_inputs(m, 2).0, "{k:?}: {m:?}");
        assert_eq!(n, kernel_cutoff(k, w, c, p));
        if k.cost_growth(n) == 1.0 {
            assert_eq!(n, model_cutoff(w, c, p, k.grain()).max(k.grain()));
        }
        assert!(!parallel(k.grain() - 1, k, 2), "{k:?} below its task size");
    }
}

#[test]
fn most_at_once_counts_overlapping_spins() {
    use super::probe::most_at_once;
    assert_eq!(most_at_once(&[]), 0);
    assert_eq!(most_at_once(&[(0.0, 4.0), (1.0, 5.0)]), 2, "overlap");
    assert_eq!(
        most_at_once(&[(0.0, 4.0), (4.0, 8.0)]),
        1,
        "one after the other"
    );
    assert_eq!(
        most_at_once(&[(0.0, 4.0), (1.0, 2.0), (3.0, 6.0), (5.0, 9.0)]),
        2
    );
    assert_eq!(most_at_once(&[(0.0, 9.0), (1.0, 8.0), (2.0, 7.0)]), 3);
}

#[test]
fn a_busy_machine_charges_a_time_slice() {
    let m = |at_once| Measured {
        at_once,
        ..two_cpus(20e-6, &[], &[])
    };
    assert_eq!(model_inputs(&m(2), 2), (20e-6, 2));
    assert_eq!(
        model_inputs(&m(2), 8),
        (20e-6, 2),
        "no more threads than CPUs"
    );
    assert_eq!(model_inputs(&m(1), 2), (BUSY_ROUND_TRIP, 2));
    // 0.25 ns an element: parallel only from about 35 million elements (8.8 ms of work).
    let (w, p) = model_inputs(&m(1), 2);
    assert_eq!(model_cutoff(w, 0.25e-9, p, 1 << 16), 35_368_422);
    // Such a measurement is made again later; one that saw every worker at once is kept, and
    // so is one on a single CPU (a second worker could never run beside the first).
    assert!(m(1).busy() && !m(2).busy());
    assert!(!Measured { cpus: 1, ..m(1) }.busy());
    // A round trip of a time slice or more (the program's own threads outnumbered the CPUs
    // for a while) is made again too, and the model never charges more than the slice: a
    // half-second round trip must not keep a 0.3 s call serial for the process's lifetime.
    let slow = Measured { wake: 0.5, ..m(2) };
    assert!(slow.busy());
    assert_eq!(model_inputs(&slow, 2), (BUSY_ROUND_TRIP, 2));
    let (w, p) = model_inputs(&slow, 2);
    assert!(model_cutoff(w, 0.3e-6, p, 1 << 10) < 1_100_000);
}

#[test]
fn a_kernels_own_overhead_counts_where_it_is_larger() {
    let (stencils, sum) = (Kernel::Stencils, Kernel::Sum);
    let m = two_cpus(
        12e-6,
        &[(stencils, 0.3e-9), (sum, 0.3e-9)],
        &[(stencils, 30e-6), (sum, 5e-6)],
    );
    let cut = |k| from_measurement(&m, k, 2).unwrap();
    let grain = |k: Kernel| k.grain();
    // The stencils charge their own 30 us; the sum's 5 us is below the round trip, which stays.
    assert_eq!(
        cut(Kernel::Stencils),
        model_cutoff(30e-6, 0.3e-9, 2, grain(Kernel::Stencils))
    );
    assert_eq!(
        cut(Kernel::Sum),
        model_cutoff(12e-6, 0.3e-9, 2, grain(Kernel::Sum))
    );
    // On a busy machine the busy round trip rules.
    let busy = Measured {
        at_once: 1,
        ..m.clone()
    };
    assert_eq!(
        from_measurement(&busy, Kernel::Stencils, 2).unwrap(),
        model_cutoff(BUSY_ROUND_TRIP, 0.3e-9, 2, grain(Kernel::Stencils))
    );
}

#[test]
fn closest_pair_costs_more_per_point_at_its_cut_off() {
    let m = two_cpus(40e-6, &[(Kernel::ClosestPair, 0.1e-6)], &[]);
    let flat = model_cutoff(40e-6, 0.1e-6, 2, 1 << 13);
    let n = from_measurement(&m, Kernel::ClosestPair, 2).unwrap();
    assert!(n < flat, "{n} {flat}");
    // The answer is the model's at the cost per point of that size, within a few percent.
    let at_n = model_cutoff(
        40e-6,
        0.1e-6 * Kernel::ClosestPair.cost_growth(n),
        2,
        1 << 13,
    );
    assert!((n as f64 / at_n as f64 - 1.0).abs() < 0.03, "{n} {at_n}");
    assert_eq!(Kernel::ClosestPair.cost_growth(512), 1.0);
    assert_eq!(Kernel::Sum.cost_growth(1 << 30), 1.0);
}

/// A measurement on two CPUs, both workers seen at once, with round trip `wake` and the given
/// kernels' costs per unit and own parallel overheads (seconds).
fn two_cpus(wake: f64, per_unit: &[(Kernel, f64)], split: &[(Kernel, f64)]) -> Measured {
    let table = |given: &[(Kernel, f64)]| {
        let mut t = [None; Kernel::ALL.len()];
        for &(k, v) in given {
            t[k.index()] = Some(v);
        }
        t
    };
    Measured {
        wake,
        threads: 2,
        at_once: 2,
        cpus: 2,
        per_unit: table(per_unit),
        split: table(split),
        took: 0.0,
        at: std::time::Instant::now(),
    }
}
