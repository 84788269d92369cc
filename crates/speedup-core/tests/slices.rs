//! The slice kernels that let one run be split into tasks (speedup.dask): any split gives the
//! whole run's answer bit for bit.

use ndarray::{s, Array2};
use speedup_core::test_support::at_thread_counts;
use speedup_core::{markov_chains, markov_chains_from, monte_carlo_pi, monte_carlo_pi_inside};

#[test]
fn pi_slices_add_up_to_the_whole_run() {
    let n = 1_000_003u64;
    let whole = monte_carlo_pi(n, 17).unwrap();
    for cuts in [
        vec![0, n],
        vec![0, 1, n],
        vec![0, 3, 262_144, 500_001, 999_999, n],
    ] {
        let got = at_thread_counts(&[1, 2, 3], || {
            let inside: u64 = cuts
                .windows(2)
                .map(|w| monte_carlo_pi_inside(w[0], w[1] - w[0], 17).unwrap())
                .sum();
            (4.0 * inside as f64) / n as f64
        });
        assert!(
            got.iter().all(|g| g.to_bits() == whole.to_bits()),
            "{cuts:?}: {got:?} vs {whole}"
        );
    }
    assert_eq!(monte_carlo_pi_inside(5, 0, 1).unwrap(), 0);
    let e = monte_carlo_pi_inside(1 << 63, 1, 0).unwrap_err();
    assert!(e.to_string().contains("first"), "{e}");
    assert!(monte_carlo_pi_inside(u64::MAX, 2, 0).is_err());
    assert!(monte_carlo_pi_inside((1 << 63) - 1, 1, 0).is_ok());
}

#[test]
fn markov_chain_slices_are_the_rows_of_the_whole_run() {
    let p =
        Array2::from_shape_vec((3, 3), vec![0.5, 0.5, 0.0, 0.1, 0.0, 0.9, 0.3, 0.3, 0.4]).unwrap();
    let mut whole = Array2::zeros((10, 3));
    markov_chains(p.view(), 1, 5000, 99, whole.view_mut()).unwrap();
    for (a, b) in [(0, 10), (0, 4), (4, 10), (7, 8), (3, 3)] {
        let mut part = Array2::zeros((b - a, 3));
        markov_chains_from(p.view(), 1, 5000, 99, a as u64, part.view_mut()).unwrap();
        assert_eq!(part, whole.slice(s![a..b, ..]));
    }
    let mut one = Array2::zeros((2, 3));
    let e = markov_chains_from(p.view(), 1, 10, 99, u64::MAX, one.view_mut()).unwrap_err();
    assert!(e.to_string().contains("first_chain"), "{e}");
    assert_eq!(one, Array2::<u64>::zeros((2, 3)));
}

/// Rebuilds the whole sum from the nodes of its parts, as the doc of `sum_nodes` says.
fn rebuild(n: usize, nodes: &[speedup_core::reduce::TreeNode]) -> f64 {
    fn join(a: (f64, f64), b: (f64, f64)) -> (f64, f64) {
        let t = a.0 + b.0;
        let z = t - a.0;
        (t, (a.1 + b.1) + ((a.0 - (t - z)) + (b.0 - z)))
    }
    fn tree(lo: usize, hi: usize, nodes: &[speedup_core::reduce::TreeNode]) -> (f64, f64) {
        if let Some(nd) = nodes.iter().find(|nd| nd.lo == lo && nd.hi == hi) {
            return (nd.sum, nd.err);
        }
        let leaf = speedup_core::reduce::LEAF;
        assert!(hi - lo > leaf, "no node covers {lo}..{hi}");
        let mid = lo + (hi - lo).div_ceil(leaf) / 2 * leaf;
        join(tree(lo, mid, nodes), tree(mid, hi, nodes))
    }
    let (s, e) = tree(0, n, nodes);
    if s.is_finite() {
        s + e
    } else {
        s
    }
}

#[test]
fn sum_nodes_of_aligned_parts_rebuild_the_sum_bit_for_bit() {
    use speedup_core::reduce::{sum_nodes, LEAF, MAX_SUM_NODES};
    let n = 1_000_003usize;
    let x: Vec<f64> = (0..n)
        .map(|i| {
            ((i * 7919) % 1013) as f64 * 1e-3 - 0.5
                + (i % 3) as f64 * 1e12 * if i % 2 == 0 { 1.0 } else { -1.0 }
        })
        .collect();
    let whole = speedup_core::sum(&x);
    for cuts in [
        vec![0, n],
        vec![0, LEAF, n],
        vec![0, 300 * LEAF, 301 * LEAF, 900 * LEAF, n],
        vec![0, 976 * LEAF, n],
    ] {
        let got = at_thread_counts(&[1, 2, 3], || {
            let mut nodes = Vec::new();
            for w in cuts.windows(2) {
                let part = sum_nodes(&x[w[0]..w[1]], w[0], n).unwrap();
                assert!(part.len() <= MAX_SUM_NODES);
                nodes.extend(part);
            }
            let joined = speedup_core::reduce::join_nodes(&nodes, n).unwrap();
            nodes.reverse(); // any order
            let reversed = speedup_core::reduce::join_nodes(&nodes, n).unwrap();
            assert_eq!(joined.to_bits(), reversed.to_bits());
            assert_eq!(joined.to_bits(), rebuild(n, &nodes).to_bits());
            joined
        });
        assert!(
            got.iter().all(|g| g.to_bits() == whole.to_bits()),
            "{cuts:?}: {got:?} vs {whole}"
        );
    }
    // Misaligned parts are refused, naming the rule.
    let e = sum_nodes(&x[10..LEAF], 10, n).unwrap_err();
    assert!(e.to_string().contains("multiple of 1024"), "{e}");
    assert!(sum_nodes(&x[..5], 0, n).is_err());
    assert!(sum_nodes(&x[..5], n, n).is_err());
    assert_eq!(sum_nodes(&[], 0, 0).unwrap(), vec![]);
}

#[test]
fn join_nodes_refuses_nodes_that_do_not_tile_the_tree() {
    use speedup_core::reduce::{join_nodes, sum_nodes, LEAF};
    let n = 5 * LEAF + 17;
    let x: Vec<f64> = (0..n).map(|i| i as f64 * 0.25 - 99.0).collect();
    let cut = 3 * LEAF;
    let a = sum_nodes(&x[..cut], 0, n).unwrap();
    let b = sum_nodes(&x[cut..], cut, n).unwrap();
    let all: Vec<_> = a.iter().chain(&b).copied().collect();
    assert_eq!(
        join_nodes(&all, n).unwrap().to_bits(),
        speedup_core::sum(&x).to_bits()
    );
    let e = join_nodes(&a, n).unwrap_err().to_string();
    assert!(e.starts_with("join_nodes: nodes must cover"), "{e}");
    let twice: Vec<_> = all.iter().chain(&a[..1]).copied().collect();
    assert!(join_nodes(&twice, n).is_err());
    assert!(join_nodes(&all, n + LEAF).is_err());
    assert_eq!(join_nodes(&[], 0).unwrap(), 0.0);
    let mut nan = x.clone();
    nan[7] = f64::from_bits(0x7ff8_dead_0000_0001);
    let parts: Vec<_> = [(0, cut), (cut, n)]
        .iter()
        .flat_map(|&(lo, hi)| sum_nodes(&nan[lo..hi], lo, n).unwrap())
        .collect();
    assert_eq!(
        join_nodes(&parts, n).unwrap().to_bits(),
        0x7ff8_0000_0000_0000
    );
}

#[test]
fn finishes_are_the_kernels_last_steps() {
    use speedup_core::{mean_finish, monte_carlo_pi_finish, std_finish};
    let x: Vec<f64> = (0..3001).map(|i| (i as f64).sin() * 1e3).collect();
    let n = x.len();
    let s = speedup_core::sum(&x);
    let m = mean_finish(s, n).unwrap();
    assert_eq!(m.to_bits(), speedup_core::mean(&x).unwrap().to_bits());
    let ss = speedup_core::reduce::sum_squared_deviations(&x, m);
    for ddof in [0, 1, 7] {
        assert_eq!(
            std_finish(ss, n, ddof).unwrap().to_bits(),
            speedup_core::std(&x, ddof).unwrap().to_bits()
        );
    }
    assert!(std_finish(1.0, 3, 3).is_err());
    assert!(mean_finish(1.0, 0).is_err());
    let inside = monte_carlo_pi_inside(0, 10_000, 5).unwrap();
    assert_eq!(
        monte_carlo_pi_finish(inside, 10_000).unwrap().to_bits(),
        monte_carlo_pi(10_000, 5).unwrap().to_bits()
    );
    assert!(monte_carlo_pi_finish(0, 0).is_err());
    assert!(monte_carlo_pi_finish(11, 10).is_err());
}
