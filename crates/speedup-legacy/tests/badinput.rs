//! Bad-input runner, Rust door: every case of the bad-input table (tests/badinput/cases.txt,
//! resolved by tests/badinput/cases.py into cases.rust.txt) through speedup-core, and through
//! speedup-legacy when the kernel has a legacy twin. Each case must give the expected `Error`
//! variant with a message "<kernel>: <argument> <rule>" and leave the sentinel-filled output,
//! the inputs and the thread knob untouched. Fails on any gap (a case it cannot express, a kernel
//! of the API without a case).
//!
//! Runs only when tests/badinput/run.sh sets SPEEDUP_BADINPUT_CASES (and SPEEDUP_BADINPUT_LOG);
//! a plain `cargo test` passes it without doing anything.

use ndarray::{Array2, ArrayView2};
use speedup_core::{self as core, Error, Reduction, Strided};
use speedup_legacy as legacy;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

const SENT_F: f64 = -7777.25;
const SENT_U: u64 = 0xDEAD_BEEF;
const SENT_I: i32 = -7777;

#[derive(Debug, Clone)]
struct Param {
    kind: String,
    ndim: usize,
    d1: usize,
    d2: usize,
    vals: Vec<i64>,
}

#[derive(Debug, Default)]
struct Case {
    id: String,
    kernel: String,
    twin: bool,
    status: String,
    arg: String,
    p: BTreeMap<String, Param>,
}

/// Why this runner cannot express a case.
struct Cannot(String);

#[path = "badinput_cases/mod.rs"]
mod cases;
use cases::parse;

fn sentinel_f(shape: (usize, usize)) -> Array2<f64> {
    Array2::from_elem(shape, SENT_F)
}

/// Runs one case through the Rust kernel (`twin = false`) or its legacy twin. `Ok(None)`: the
/// call succeeded; `Ok(Some(e))`: it failed with `e`. Checks that outputs stayed sentinels.
fn call(c: &Case, twin: bool) -> Result<(Option<Error>, Option<&'static str>), Cannot> {
    let k = c.kernel.as_str();
    let err = |r: core::Result<()>| r.err();
    let untouched_f = |o: &Array2<f64>| o.iter().all(|v| v.to_bits() == SENT_F.to_bits());
    macro_rules! pick {
        ($f:ident) => {
            if twin {
                legacy::$f
            } else {
                core::$f
            }
        };
    }
    Ok(match k {
        "mean" => {
            let (x, _, _) = c.arr("x")?;
            (pick!(mean)(&x).err(), None)
        }
        "std" => {
            let (x, _, _) = c.arr("x")?;
            let ddof = c.us("ddof", 0)?;
            (pick!(std)(&x, ddof).err(), None)
        }
        "second_derivative" => {
            let (f, n, _) = c.arr("f")?;
            let mut o = sentinel_f(c.out_shape("out", (n.saturating_sub(2), 1))?);
            let e = err(pick!(second_derivative)(
                &f,
                c.f("dx", 1.0)?,
                o.as_slice_mut().unwrap(),
            ));
            (e, (!untouched_f(&o)).then_some("out was written"))
        }
        "laplacian" => {
            let (f, r, cc) = c.arr("f")?;
            if c.get("f").unwrap().ndim != 2 {
                return Err(Cannot("f: not 2-D".into()));
            }
            let nat = if r >= 3 && cc >= 3 {
                (r - 2, cc - 2)
            } else {
                (0, 0)
            };
            let mut o = sentinel_f(c.out_shape("out", nat)?);
            let fv = ArrayView2::from_shape((r, cc), &f).unwrap();
            let e = err(pick!(laplacian)(
                fv,
                c.f("dx", 1.0)?,
                c.f("dy", 1.0)?,
                o.view_mut(),
            ));
            (e, (!untouched_f(&o)).then_some("out was written"))
        }
        "comb_forward" | "comb_backward" => {
            let (x, n, kk) = c.arr("x")?;
            let mut o = sentinel_f(c.out_shape("out", (n, kk))?);
            let xv = ArrayView2::from_shape((n, kk), &x).unwrap();
            let tau = c.us("tau", 1)?;
            let alpha = c.f("alpha", 0.5)?;
            let e = if k == "comb_forward" {
                err(pick!(comb_forward)(xv, tau, alpha, o.view_mut()))
            } else {
                err(pick!(comb_backward)(xv, tau, alpha, o.view_mut()))
            };
            (e, (!untouched_f(&o)).then_some("out was written"))
        }
        "is_prime_many" => {
            let n = c.queries("n")?;
            let (r, _) = c.out_shape("out", (n.len(), 1))?;
            let mut o = vec![true; r];
            let e = err(pick!(is_prime_many)(&n, &mut o));
            (e, (!o.iter().all(|&b| b)).then_some("out was written"))
        }
        "sum_primes_below" => {
            let n = c.u("n", 0)?;
            (pick!(sum_primes_below)(n).err(), None)
        }
        "sum_primes_below_u128" => {
            let n = c.u("n", 0)?;
            (core::sum_primes_below_u128(n).err(), None)
        }
        "sum_primes_below_many" => {
            let n = c.queries("n")?;
            let (r, _) = c.out_shape("out", (n.len(), 1))?;
            let mut o = vec![SENT_U; r];
            let e = err(pick!(sum_primes_below_many)(&n, &mut o));
            (
                e,
                (!o.iter().all(|&v| v == SENT_U)).then_some("out was written"),
            )
        }
        "closest_pair" => {
            let (p, r, cc) = c.arr("points")?;
            if c.get("points").unwrap().ndim != 2 {
                return Err(Cannot("points: not 2-D".into()));
            }
            let pv = ArrayView2::from_shape((r, cc), &p).unwrap();
            (pick!(closest_pair)(pv).err(), None)
        }
        "mandelbrot" => {
            let z = c.complex("c")?;
            let (r, cc) = c.out_shape("out", (z.len(), 1))?;
            let mut o = vec![SENT_I; r * cc];
            let e = err(pick!(mandelbrot)(&z, c.i32("max_iter", 20)?, &mut o));
            (
                e,
                (!o.iter().all(|&v| v == SENT_I)).then_some("out was written"),
            )
        }
        _ if twin => return Err(Cannot(format!("{k}: no legacy twin"))),
        "mandelbrot_f32" => {
            let z: Vec<core::Complex32> = c
                .complex("c")?
                .iter()
                .map(|v| core::Complex32::new(v.re as f32, v.im as f32))
                .collect();
            let (r, cc) = c.out_shape("out", (z.len(), 1))?;
            let mut o = vec![SENT_I; r * cc];
            let e = err(core::mandelbrot_f32(&z, c.i32("max_iter", 20)?, &mut o));
            (
                e,
                (!o.iter().all(|&v| v == SENT_I)).then_some("out was written"),
            )
        }
        "monte_carlo_pi" => (
            core::monte_carlo_pi(c.u("n_points", 1)?, c.u("seed", 0)?).err(),
            None,
        ),
        "monte_carlo_pi_inside" => (
            core::monte_carlo_pi_inside(c.u("first", 0)?, c.u("n_points", 1)?, c.u("seed", 0)?)
                .err(),
            None,
        ),
        "markov_chains" | "markov_chains_from" => {
            let (p, r, cc) = c.arr("p")?;
            if c.get("p").unwrap().ndim != 2 {
                return Err(Cannot("p: not 2-D".into()));
            }
            let pv = ArrayView2::from_shape((r, cc), &p).unwrap();
            let chains = c.us("n_chains", 1)?;
            if chains > 1 << 20 {
                return Err(Cannot("n_chains: an allocation this large".into()));
            }
            let shape = match c.get("counts") {
                Some(q) if q.ndim == 2 => (q.d1, q.d2),
                Some(_) => return Err(Cannot("counts: not 2-D".into())),
                None => (chains, r),
            };
            let mut o = Array2::from_elem(shape, SENT_U);
            let (start, steps, seed) = (c.us("start", 0)?, c.u("n_steps", 1)?, c.u("seed", 0)?);
            let e = if k == "markov_chains" {
                err(core::markov_chains(pv, start, steps, seed, o.view_mut()))
            } else {
                let first = c.u("first_chain", 0)?;
                err(core::markov_chains_from(
                    pv,
                    start,
                    steps,
                    seed,
                    first,
                    o.view_mut(),
                ))
            };
            (
                e,
                (!o.iter().all(|&v| v == SENT_U)).then_some("counts was written"),
            )
        }
        "map_f64" => {
            if c.get("fn").is_some() {
                return Err(Cannot("fn: only a closure".into()));
            }
            let (x, n, _) = c.arr("x")?;
            let mut o = sentinel_f(c.out_shape("out", (n, 1))?);
            let e = err(core::map_f64(|v| v * v, &x, o.as_slice_mut().unwrap()));
            (e, (!untouched_f(&o)).then_some("out was written"))
        }
        "sum_nodes" => {
            let (x, _, _) = c.arr("x")?;
            let r = core::reduce::sum_nodes(&x, c.us("offset", 0)?, c.us("n_total", x.len())?);
            (r.err(), None)
        }
        "sum_nodes_check" => {
            let (len, offset) = (c.us("len", 0)?, c.us("offset", 0)?);
            let r = core::reduce::check_part("sum_nodes_check", len, offset, c.us("n_total", 0)?);
            (r.err(), None)
        }
        "join_nodes" => {
            let b = c.queries("bounds")?;
            let (acc, _, _) = c.arr("acc")?;
            let nodes: Vec<_> = b
                .chunks_exact(2)
                .zip(acc.chunks_exact(2))
                .map(|(b, a)| core::reduce::TreeNode {
                    lo: b[0] as usize,
                    hi: b[1] as usize,
                    sum: a[0],
                    err: a[1],
                })
                .collect();
            (
                core::reduce::join_nodes(&nodes, c.us("n_total", 0)?).err(),
                None,
            )
        }
        "mean_finish" => (
            core::mean_finish(c.f("sum", 0.0)?, c.us("n", 1)?).err(),
            None,
        ),
        "std_finish" => (
            core::std_finish(c.f("ss", 0.0)?, c.us("n", 1)?, c.us("ddof", 0)?).err(),
            None,
        ),
        "monte_carlo_pi_finish" => (
            core::monte_carlo_pi_finish(c.u("inside", 0)?, c.u("n_points", 1)?).err(),
            None,
        ),
        "laplacian_shape" => {
            let dim = (c.us("rows", 3)?, c.us("cols", 3)?);
            let (dx, dy) = (c.f("dx", 1.0)?, c.f("dy", 1.0)?);
            (core::laplacian_shape(dim, dx, dy).err(), None)
        }
        "second_derivative_len" => (
            core::second_derivative_len(c.us("n", 3)?, c.f("dx", 1.0)?).err(),
            None,
        ),
        "set_num_threads" => (core::threads::set_num_threads(c.us("n", 0)?).err(), None),
        _ if k.contains("_axis") || matches!(k, "sum_f32" | "mean_f32" | "std_f32") => {
            reduction_case(c, k)?
        }
        _ => return Err(Cannot(format!("{k}: no Rust call"))),
    })
}

/// The reductions along axes (`<op>_axis[_f32[_f64]]`: `reduce` over the C-order view of `x`
/// with `shape`, reducing `axes`) and the flat float32 ones (`<op>_f32`: `reduce_f32`).
fn reduction_case(c: &Case, k: &str) -> Result<(Option<Error>, Option<&'static str>), Cannot> {
    let (x, _, _) = c.arr("x")?;
    let (name, red) = match k.split('_').next() {
        Some("sum") => ("sum", Reduction::Sum),
        Some("mean") => ("mean", Reduction::Mean),
        _ => (
            "std",
            Reduction::Std {
                ddof: c.us("ddof", 0)?,
            },
        ),
    };
    let x32: Vec<f32> = x.iter().map(|&v| v as f32).collect();
    if !k.contains("_axis") {
        return Ok((core::reduce_f32(&x32, red).err(), None));
    }
    let shape: Vec<usize> = c.queries("shape")?.iter().map(|&v| v as usize).collect();
    // An axis given as a negative number reaches the kernel as a huge one, as through C.
    let axes: Vec<usize> = c
        .get("axes")
        .map_or(Vec::new(), |p| p.vals.iter().map(|&v| v as usize).collect());
    let mut strides = vec![1isize; shape.len()];
    for d in (1..shape.len()).rev() {
        strides[d - 1] = strides[d] * shape[d] as isize;
    }
    let lanes: usize = (0..shape.len())
        .filter(|d| !axes.contains(d))
        .map(|d| shape[d])
        .product();
    let mut out = vec![SENT_F; c.out_shape("out", (lanes, 1))?.0];
    let e = if k.contains("_f32") {
        Strided::from_slice(name, &x32, &shape, &strides)
            .and_then(|v| core::reduce(v, Some(&axes), red, &mut out))
    } else {
        Strided::from_slice(name, &x, &shape, &strides)
            .and_then(|v| core::reduce(v, Some(&axes), red, &mut out))
    };
    let written = out.iter().any(|v| v.to_bits() != SENT_F.to_bits());
    Ok((e.err(), written.then_some("out was written")))
}

fn variant(e: &Error) -> &'static str {
    match e {
        Error::InvalidArgument { .. } => "INVALID",
        Error::Length { .. } => "LENGTH",
        Error::Overflow { .. } => "OVERFLOW",
        Error::Interrupted { .. } => "INTERRUPTED",
        Error::Allocation { .. } => "ALLOCATION",
        Error::Panic { .. } => "PANIC",
    }
}

fn names(msg: &str, arg: &str) -> bool {
    let Some((kernel, rest)) = msg.split_once(": ") else {
        return false;
    };
    !kernel.is_empty()
        && kernel
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && rest.strip_prefix(arg).is_some_and(|r| r.starts_with(' '))
}

/// The legacy routines that can refuse an input: every `speedup_legacy_<kernel>` that
/// include/speedup_legacy.h declares, but `sum` and `is_prime` (total: no argument can be
/// wrong) and `omp_team_size` (no input).
fn legacy_twins() -> Vec<&'static str> {
    let twins: Vec<&str> = include_str!("../../../include/speedup_legacy.h")
        .lines()
        .filter_map(|l| {
            l.strip_prefix("speedup_status speedup_legacy_")?
                .split_once('(')
        })
        .map(|(kernel, _)| kernel)
        .filter(|k| !["sum", "is_prime", "omp_team_size"].contains(k))
        .collect();
    assert!(
        twins.contains(&"mean"),
        "no legacy routine read from the header"
    );
    twins
}

#[test]
fn badinput_runner() {
    let Ok(path) = std::env::var("SPEEDUP_BADINPUT_CASES") else {
        eprintln!("badinput_runner: SPEEDUP_BADINPUT_CASES not set, nothing to do");
        return;
    };
    let text = std::fs::read_to_string(&path).unwrap();
    let (cases, na) = parse(&text);
    let _knob = core::test_support::knob(0);
    let mut log = String::new();
    let mut failures = Vec::new();
    let mut counts: BTreeMap<&str, [usize; 3]> = BTreeMap::new();
    let mut covered: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for (id, reason) in &na {
        writeln!(log, "n/a  {:10} {id:32} {reason}", "rust").unwrap();
        counts.entry("rust").or_default()[2] += 1;
    }
    for c in &cases {
        for twin in [false, true] {
            if twin && !c.twin {
                continue;
            }
            let door = if twin { "rust-legacy" } else { "rust" };
            let knob = core::threads::get_num_threads();
            let problem = match call(c, twin) {
                Err(Cannot(why)) => {
                    Some(format!("gap: this runner cannot express the case: {why}"))
                }
                Ok((None, _)) => Some("no error".to_string()),
                Ok((Some(e), touched)) => {
                    let msg = e.to_string();
                    if variant(&e) != c.status {
                        Some(format!(
                            "{} error, expected {}: {msg}",
                            variant(&e),
                            c.status
                        ))
                    } else if !names(&msg, &c.arg) {
                        Some(format!(
                            "message does not read '<kernel>: {} <rule>': {msg}",
                            c.arg
                        ))
                    } else if let Some(t) = touched {
                        Some(format!("{t}: {msg}"))
                    } else if core::threads::get_num_threads() != knob {
                        Some(format!("the thread knob changed: {msg}"))
                    } else {
                        writeln!(log, "ok   {door:10} {:32} {}: {msg}", c.id, c.status).unwrap();
                        None
                    }
                }
            };
            let entry = counts.entry(door).or_default();
            match problem {
                None => entry[0] += 1,
                Some(p) => {
                    entry[1] += 1;
                    writeln!(log, "FAIL {door:10} {:32} {p}", c.id).unwrap();
                    failures.push(format!("{door} {}: {p}", c.id));
                }
            }
            covered.entry(door).or_default().insert(c.kernel.clone());
            core::threads::set_num_threads(0).unwrap();
        }
    }
    // The kernels the legacy routines have too: a case through both doors each.
    let twins = legacy_twins();
    // Every function of the Rust API that can refuse an input has a case: the twins and these.
    // (`sum`, `is_prime` and `get_num_threads` are total: they take no argument that can be
    // wrong.)
    let rust_only = [
        "mandelbrot_f32",
        "sum_primes_below_u128",
        "monte_carlo_pi",
        "monte_carlo_pi_inside",
        "markov_chains",
        "markov_chains_from",
        "map_f64",
        "sum_nodes",
        "sum_nodes_check",
        "join_nodes",
        "mean_finish",
        "std_finish",
        "monte_carlo_pi_finish",
        "laplacian_shape",
        "second_derivative_len",
        "set_num_threads",
    ];
    let api: Vec<&str> = twins.iter().chain(&rust_only).copied().collect();
    for (door, list) in [("rust", &api[..]), ("rust-legacy", &twins[..])] {
        for k in list {
            if !covered.get(door).is_some_and(|s| s.contains(*k)) {
                failures.push(format!("{door}: gap: {k} has no bad-input case"));
            }
        }
    }
    if let Ok(p) = std::env::var("SPEEDUP_BADINPUT_LOG") {
        std::fs::write(p, &log).unwrap();
    }
    for (door, [p, f, n]) in &counts {
        println!("badinput {door}: {p} passed, {f} failed, {n} not applicable");
    }
    assert!(
        failures.is_empty(),
        "bad-input gaps:\n{}",
        failures.join("\n")
    );
}
