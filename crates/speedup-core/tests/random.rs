//! The Philox stream and the Monte Carlo kernels against the committed numpy references
//! (written by tools/gen_philox_vectors.py from numpy and plain Python, never from speedup).

use ndarray::{Array2, ArrayView2};
use proptest::prelude::*;
use speedup_core::philox::{uniform, Path, Philox4x64};
use speedup_core::random::{
    markov_chains, markov_chains_on, markov_path, monte_carlo_pi, monte_carlo_pi_finish,
    monte_carlo_pi_inside_on,
};
use speedup_core::test_support::at_thread_counts;
use speedup_core::Error;

fn data(name: &str) -> String {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn hex(s: &str) -> u64 {
    u64::from_str_radix(s, 16).unwrap_or_else(|e| panic!("{s}: {e}"))
}

/// Blocks of a stream file: ((k0, k1, start), values).
fn stream_cases(name: &str) -> Vec<((u64, u64, u64), Vec<u64>)> {
    let text = data(name);
    let mut lines = text.lines().filter(|l| !l.starts_with('#'));
    let mut cases = Vec::new();
    while let Some(head) = lines.next() {
        let f: Vec<u64> = head
            .split_whitespace()
            .map(|x| x.parse().unwrap())
            .collect();
        let vals = (0..f[3]).map(|_| hex(lines.next().unwrap())).collect();
        cases.push(((f[0], f[1], f[2]), vals));
    }
    assert!(cases.len() >= 30, "{name}: too few cases");
    cases
}

#[test]
fn words_match_numpy_random_raw() {
    for ((k0, k1, start), want) in stream_cases("philox_words.txt") {
        let g = Philox4x64::new(k0, k1);
        let mut got = vec![0u64; want.len()];
        g.fill_words(start, &mut got);
        assert_eq!(got, want, "key ({k0}, {k1}) from {start}");
        let it: Vec<u64> = g.words(start).take(want.len()).collect();
        assert_eq!(it, want);
        for (i, &w) in want.iter().enumerate() {
            let idx = start + i as u64;
            assert_eq!(g.block(idx / 4)[(idx % 4) as usize], w);
        }
    }
}

#[test]
fn uniforms_match_numpy_generator_random() {
    for ((k0, k1, start), want) in stream_cases("philox_uniforms.txt") {
        let g = Philox4x64::new(k0, k1);
        let mut got = vec![0.0f64; want.len()];
        g.fill_uniforms(start, &mut got);
        let got: Vec<u64> = got.iter().map(|u| u.to_bits()).collect();
        assert_eq!(got, want, "key ({k0}, {k1}) from {start}");
        let via_words: Vec<u64> = g
            .words(start)
            .take(want.len())
            .map(|w| uniform(w).to_bits())
            .collect();
        assert_eq!(via_words, want);
    }
}

#[test]
fn monte_carlo_pi_matches_numpy() {
    let text = data("philox_pi.txt");
    let mut n = 0;
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let f: Vec<&str> = line.split_whitespace().collect();
        let (n_points, seed) = (f[0].parse::<u64>().unwrap(), f[1].parse::<u64>().unwrap());
        let want = hex(f[3]);
        let got = at_thread_counts(&[1, 2, 3, 8], || monte_carlo_pi(n_points, seed).unwrap());
        for g in got {
            assert_eq!(g.to_bits(), want, "n_points {n_points} seed {seed}: {g}");
        }
        n += 1;
    }
    assert!(n >= 4);
}

struct MarkovCase {
    name: String,
    p: Array2<f64>,
    start: usize,
    n_steps: u64,
    seed: u64,
    counts: Array2<u64>,
    path_chain: u64,
    path: Vec<i32>,
}

fn markov_cases() -> Vec<MarkovCase> {
    let text = data("philox_markov.txt");
    let mut lines = text.lines().filter(|l| !l.starts_with('#'));
    let mut cases = Vec::new();
    while let Some(head) = lines.next() {
        let f: Vec<&str> = head.split_whitespace().collect();
        assert_eq!(f[0], "case");
        let k: usize = f[2].parse().unwrap();
        let n_chains: usize = f[5].parse().unwrap();
        let mut p = Array2::zeros((k, k));
        for i in 0..k {
            for (j, x) in lines.next().unwrap().split_whitespace().enumerate() {
                p[[i, j]] = f64::from_bits(hex(x));
            }
        }
        let mut counts = Array2::zeros((n_chains, k));
        for c in 0..n_chains {
            for (j, x) in lines.next().unwrap().split_whitespace().enumerate() {
                counts[[c, j]] = x.parse().unwrap();
            }
        }
        let ph: Vec<&str> = lines.next().unwrap().split_whitespace().collect();
        assert_eq!(ph[0], "path");
        let path = lines
            .next()
            .unwrap()
            .split_whitespace()
            .map(|x| x.parse().unwrap())
            .collect();
        cases.push(MarkovCase {
            name: f[1].to_string(),
            p,
            start: f[3].parse().unwrap(),
            n_steps: f[4].parse().unwrap(),
            seed: f[6].parse().unwrap(),
            counts,
            path_chain: ph[1].parse().unwrap(),
            path,
        });
    }
    assert!(cases.len() >= 4);
    cases
}

/// The counts of `case` at 1, 2, 3 and 8 threads, on `path` (the best one when `None`).
fn markov_counts(case: &MarkovCase, path: Option<Path>) -> Vec<Array2<u64>> {
    at_thread_counts(&[1, 2, 3, 8], || {
        let mut counts = Array2::<u64>::from_elem(case.counts.dim(), 99);
        let (p, c) = (case.p.view(), counts.view_mut());
        match path {
            Some(path) => markov_chains_on(path, p, case.start, case.n_steps, case.seed, c),
            None => markov_chains(p, case.start, case.n_steps, case.seed, c),
        }
        .unwrap();
        counts
    })
}

#[test]
fn markov_matches_python_reference() {
    for case in markov_cases() {
        for counts in markov_counts(&case, None) {
            assert_eq!(counts, case.counts, "{}", case.name);
        }
        let mut path = vec![-1i32; case.n_steps as usize];
        markov_path(
            case.p.view(),
            case.start,
            case.n_steps,
            case.seed,
            case.path_chain,
            &mut path,
        )
        .unwrap();
        assert_eq!(path, case.path, "{}", case.name);
    }
}

#[test]
fn markov_accepts_strided_views() {
    let case = &markov_cases()[0];
    let pt = case.p.t().to_owned();
    let p = pt.t(); // same values, Fortran order
    let mut big = Array2::<u64>::zeros((case.counts.nrows(), 2 * case.p.ncols()));
    let mut counts = big.slice_mut(ndarray::s![.., ..;2]);
    markov_chains(p, case.start, case.n_steps, case.seed, counts.view_mut()).unwrap();
    assert_eq!(counts, case.counts);
}

#[test]
fn large_runs_are_bitwise_identical_across_thread_counts() {
    let pis = at_thread_counts(&[1, 2, 3, 8], || monte_carlo_pi(3_000_017, 99).unwrap());
    assert!(
        pis.iter().all(|p| p.to_bits() == pis[0].to_bits()),
        "{pis:?}"
    );
    assert!((pis[0] - std::f64::consts::PI).abs() < 0.01);

    let p = ndarray::array![
        [0.1, 0.2, 0.3, 0.4],
        [0.25, 0.25, 0.25, 0.25],
        [0.0, 0.5, 0.5, 0.0],
        [0.7, 0.1, 0.1, 0.1]
    ];
    let runs = at_thread_counts(&[1, 2, 3, 8], || {
        let mut counts = Array2::<u64>::zeros((13, 4));
        markov_chains(p.view(), 3, 20_011, 5, counts.view_mut()).unwrap();
        counts
    });
    for r in &runs {
        assert_eq!(r, &runs[0]);
        assert!(r.rows().into_iter().all(|row| row.sum() == 20_011));
    }
    // Chain c of markov_chains is markov_path with chain = c.
    let mut path = vec![0i32; 20_011];
    markov_path(p.view(), 3, 20_011, 5, 12, &mut path).unwrap();
    for s in 0..4 {
        let n = path.iter().filter(|&&x| x == s as i32).count() as u64;
        assert_eq!(runs[0][[12, s]], n);
    }
}

fn msg(e: Error) -> String {
    e.to_string()
}

#[test]
fn bad_input_is_refused_with_a_message_and_nothing_written() {
    assert_eq!(
        msg(monte_carlo_pi(0, 0).unwrap_err()),
        "monte_carlo_pi: n_points must be >= 1, got 0"
    );
    let good = ndarray::array![[0.5, 0.5], [0.25, 0.75]];
    let mut counts = Array2::<u64>::from_elem((3, 2), 7);
    let run = |p: ArrayView2<f64>, start: usize, counts: &mut Array2<u64>| {
        let e = markov_chains(p, start, 10, 1, counts.view_mut()).unwrap_err();
        assert!(matches!(
            e,
            Error::InvalidArgument { .. } | Error::Length { .. }
        ));
        msg(e)
    };
    let empty = Array2::<f64>::zeros((0, 0));
    assert_eq!(
        run(empty.view(), 0, &mut counts),
        "markov_chains: p must have at least one state (k >= 1), got 0x0"
    );
    let rect = Array2::<f64>::from_elem((2, 3), 0.5);
    assert_eq!(
        run(rect.view(), 0, &mut counts),
        "markov_chains: p must be a square k x k matrix, got 2x3"
    );
    let neg = ndarray::array![[1.5, -0.5], [0.5, 0.5]];
    assert_eq!(
        run(neg.view(), 0, &mut counts),
        "markov_chains: p entries must be finite and >= 0, got p[0][1] = -0.5"
    );
    let nan = ndarray::array![[0.5, 0.5], [f64::NAN, 0.5]];
    assert_eq!(
        run(nan.view(), 0, &mut counts),
        "markov_chains: p entries must be finite and >= 0, got p[1][0] = NaN"
    );
    let inf = ndarray::array![[0.5, 0.5], [f64::INFINITY, 0.5]];
    assert!(run(inf.view(), 0, &mut counts).contains("p[1][0] = inf"));
    let off = ndarray::array![[0.5, 0.5], [0.5, 0.5 + 1e-8]];
    assert!(run(off.view(), 0, &mut counts).starts_with(
        "markov_chains: p rows must sum to 1 (within 1e-9), got row 1 summing to 1.00000001"
    ));
    assert_eq!(
        run(good.view(), 2, &mut counts),
        "markov_chains: start must be a state in 0..2, got 2"
    );
    let mut wrong = Array2::<u64>::from_elem((3, 3), 7);
    assert_eq!(
        run(good.view(), 0, &mut wrong),
        "markov_chains: counts must have shape 3x2, got shape 3x3"
    );
    assert!(wrong.iter().all(|&c| c == 7));
    assert!(counts.iter().all(|&c| c == 7));
    // Within tolerance is fine.
    let near = ndarray::array![[0.5, 0.5 + 1e-10], [0.5, 0.5]];
    markov_chains(near.view(), 0, 10, 1, counts.view_mut()).unwrap();

    let mut path = vec![5i32; 4];
    let e = markov_path(good.view(), 0, 5, 1, 0, &mut path).unwrap_err();
    assert_eq!(
        msg(e),
        "markov_path: path must have length 5 (n_steps), got length 4"
    );
    let e = markov_path(neg.view(), 0, 4, 1, 0, &mut path).unwrap_err();
    assert!(msg(e).starts_with("markov_path: p entries"));
    let e = markov_path(good.view(), 9, 4, 1, 0, &mut path).unwrap_err();
    assert_eq!(msg(e), "markov_path: start must be a state in 0..2, got 9");
    assert_eq!(path, vec![5; 4]);
}

#[test]
fn edge_cases() {
    let p = ndarray::array![[0.5, 0.5], [0.5, 0.5]];
    // No chains: nothing to do.
    let mut none = Array2::<u64>::zeros((0, 2));
    markov_chains(p.view(), 0, 10, 1, none.view_mut()).unwrap();
    // Zero steps: all counts zero (overwritten, not added).
    let mut counts = Array2::<u64>::from_elem((2, 2), 3);
    markov_chains(p.view(), 1, 0, 1, counts.view_mut()).unwrap();
    assert!(counts.iter().all(|&c| c == 0));
    let mut path: Vec<i32> = vec![];
    markov_path(p.view(), 1, 0, 1, 0, &mut path).unwrap();
    // One point.
    let one = monte_carlo_pi(1, 0).unwrap();
    assert!(one == 0.0 || one == 4.0);
}

/// A random row-stochastic matrix with some exact zeros, from integer weights.
fn stochastic(k: usize, weights: &[u32]) -> Array2<f64> {
    let mut p = Array2::<f64>::zeros((k, k));
    for i in 0..k {
        let w: Vec<f64> = (0..k)
            .map(|j| weights[(i * k + j) % weights.len()] as f64)
            .collect();
        let total: f64 = w.iter().sum();
        for j in 0..k {
            p[[i, j]] = if total == 0.0 {
                (i == j) as u8 as f64
            } else {
                w[j] / total
            };
        }
    }
    p
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn path_is_consistent_with_counts_and_p(
        k in 1usize..24,
        weights in proptest::collection::vec(0u32..4, 1..64),
        n_steps in 0u64..400,
        seed in any::<u64>(),
        start_raw in any::<usize>(),
    ) {
        let p = stochastic(k, &weights);
        let start = start_raw % k;
        let n_chains = 3;
        let mut counts = Array2::<u64>::zeros((n_chains, k));
        markov_chains(p.view(), start, n_steps, seed, counts.view_mut()).unwrap();
        for c in 0..n_chains {
            let mut path = vec![0i32; n_steps as usize];
            markov_path(p.view(), start, n_steps, seed, c as u64, &mut path).unwrap();
            let mut from_path = vec![0u64; k];
            let mut prev = start;
            for &s in &path {
                let s = s as usize;
                prop_assert!(s < k);
                // Never a transition of probability zero (u < cumsum is strict).
                prop_assert!(p[[prev, s]] > 0.0, "moved {}->{} with P = 0", prev, s);
                from_path[s] += 1;
                prev = s;
            }
            prop_assert_eq!(counts.row(c).to_vec(), from_path);
            prop_assert_eq!(counts.row(c).sum(), n_steps);
        }
    }

    #[test]
    fn any_window_of_the_stream_matches_single_blocks(
        k0 in any::<u64>(), k1 in any::<u64>(), start in 0u64..1_000_000, len in 0usize..70,
    ) {
        let g = Philox4x64::new(k0, k1);
        let mut got = vec![0u64; len];
        g.fill_words(start, &mut got);
        for (i, &w) in got.iter().enumerate() {
            let idx = start + i as u64;
            prop_assert_eq!(w, g.block(idx / 4)[(idx % 4) as usize]);
        }
    }
}

/// Chains run several abreast on a thread (in groups that depend on the thread count); every
/// row must still be the visit count of that chain's own path, for the linear search (k <= 16)
/// and the binary search (k > 16), across an interruption-check boundary (2^20 steps) and a
/// tail that is not a whole group of 16 steps.
#[test]
fn chains_run_abreast_count_their_own_paths() {
    for k in [3usize, 20] {
        let mut p = Array2::<f64>::zeros((k, k));
        for i in 0..k {
            for j in 0..k {
                p[[i, j]] = ((i * 7 + j * 3) % 5) as f64;
            }
            let s: f64 = p.row(i).sum();
            p.row_mut(i).mapv_inplace(|v| v / s);
        }
        let (n_chains, n_steps, seed) = (7usize, (1u64 << 20) + 37, 11);
        let runs = at_thread_counts(&[1, 2, 3], || {
            let mut counts = Array2::<u64>::zeros((n_chains, k));
            markov_chains(p.view(), 1, n_steps, seed, counts.view_mut()).unwrap();
            counts
        });
        let mut path = vec![0i32; n_steps as usize];
        for c in 0..n_chains {
            markov_path(p.view(), 1, n_steps, seed, c as u64, &mut path).unwrap();
            let mut want = vec![0u64; k];
            for &s in &path {
                want[s as usize] += 1;
            }
            for r in &runs {
                assert_eq!(r.row(c).to_vec(), want, "k={k} chain {c}");
            }
        }
    }
}

/// The Philox paths this CPU runs (scalar, AVX2, AVX-512), each forced in turn by the tests
/// below: on an AVX-512 machine all three.
fn paths() -> Vec<Path> {
    let p: Vec<Path> = Path::ALL.into_iter().filter(|p| p.available()).collect();
    assert!(p.contains(&Path::Scalar) && p.contains(&Path::best()));
    p
}

/// Every path against the committed numpy words and uniforms, from the cases' starts and from
/// starts a few words later (inside a block, odd blocks), over lengths of every remainder.
#[test]
fn every_path_matches_the_committed_vectors() {
    for path in paths() {
        for name in ["philox_words.txt", "philox_uniforms.txt"] {
            for ((k0, k1, start), want) in stream_cases(name) {
                let g = Philox4x64::new(k0, k1);
                for skip in [0usize, 1, 3, 5, 9]
                    .into_iter()
                    .filter(|&s| s <= want.len())
                {
                    let want = &want[skip..];
                    let from = start + skip as u64;
                    let got: Vec<u64> = if name == "philox_words.txt" {
                        let mut w = vec![0u64; want.len()];
                        g.fill_words_on(path, from, &mut w);
                        w
                    } else {
                        let mut u = vec![0.0f64; want.len()];
                        g.fill_uniforms_on(path, from, &mut u);
                        u.iter().map(|u| u.to_bits()).collect()
                    };
                    assert_eq!(got, want, "{path:?} {name} key ({k0}, {k1}) from {from}");
                }
            }
        }
    }
}

/// `monte_carlo_pi` on every path: the committed numpy results at several thread counts, and a
/// long slice from an odd point (half a block first) against the scalar path.
#[test]
fn every_path_gives_monte_carlo_pi_its_results() {
    let text = data("philox_pi.txt");
    for path in paths() {
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            let f: Vec<&str> = line.split_whitespace().collect();
            let (n, seed) = (f[0].parse::<u64>().unwrap(), f[1].parse::<u64>().unwrap());
            let got = at_thread_counts(&[1, 2, 3, 8], || {
                let inside = monte_carlo_pi_inside_on(path, 0, n, seed).unwrap();
                monte_carlo_pi_finish(inside, n).unwrap()
            });
            for g in got {
                assert_eq!(g.to_bits(), hex(f[3]), "{path:?} n_points {n} seed {seed}");
            }
        }
        for (first, n) in [(12_345u64, 3_000_017u64), (7, 61), (1, 26)] {
            let want = monte_carlo_pi_inside_on(Path::Scalar, first, n, 99).unwrap();
            let got = at_thread_counts(&[1, 2, 3, 8], || {
                monte_carlo_pi_inside_on(path, first, n, 99).unwrap()
            });
            assert!(
                got.iter().all(|&g| g == want),
                "{path:?} {first} {n}: {got:?} vs {want}"
            );
        }
    }
}

/// `markov_chains` on every path: the committed Python results at several thread counts, and a
/// run whose length is no multiple of any batch, linear and binary search, against the scalar
/// path.
#[test]
fn every_path_gives_markov_chains_its_counts() {
    let cases = markov_cases();
    for path in paths() {
        for case in &cases {
            for counts in markov_counts(case, Some(path)) {
                assert_eq!(counts, case.counts, "{path:?} {}", case.name);
            }
        }
        for k in [4usize, 20] {
            let p = stochastic(k, &[3, 1, 4, 1, 5, 9, 2, 6]);
            let run = |path: Path| {
                // Eleven chains: on one thread eight abreast, then three.
                let mut counts = Array2::<u64>::zeros((11, k));
                markov_chains_on(path, p.view(), 1, 10_007, 3, counts.view_mut()).unwrap();
                counts
            };
            let want = run(Path::Scalar);
            // The scalar run against markov_path, chain by chain (one chain at a time).
            let mut states = vec![0i32; 10_007];
            for c in 0..11 {
                markov_path(p.view(), 1, 10_007, 3, c as u64, &mut states).unwrap();
                let mut visits = vec![0u64; k];
                for &s in &states {
                    visits[s as usize] += 1;
                }
                assert_eq!(want.row(c).to_vec(), visits, "k={k} chain {c}");
            }
            for got in at_thread_counts(&[1, 2, 3], || run(path)) {
                assert_eq!(got, want, "{path:?} k={k}");
            }
        }
    }
}
