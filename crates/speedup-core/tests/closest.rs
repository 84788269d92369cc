//! `closest_pair` against an independent O(n^2) reference written from `docs/contract.md`:
//! d2 = dx*dx + dy*dy with dx = x_i - x_j, dy = y_i - y_j (i < j); the minimal d2, ties broken
//! by the smallest (i, j); dist = sqrt(d2). Results must match bit for bit.

use ndarray::{s, Array2, ShapeBuilder};
use proptest::prelude::*;
use speedup_core::test_support::at_thread_counts;
use speedup_core::{closest_pair, ClosestPair, Error};

/// The contract, literally: every pair, in order, strict `<` keeps the first minimum.
fn reference(p: &Array2<f64>) -> (usize, usize, u64) {
    let pts: Vec<(f64, f64)> = p.rows().into_iter().map(|r| (r[0], r[1])).collect();
    let mut best: Option<(f64, usize, usize)> = None;
    for (i, &(xi, yi)) in pts.iter().enumerate() {
        for (j, &(xj, yj)) in pts.iter().enumerate().skip(i + 1) {
            let dx = xi - xj;
            let dy = yi - yj;
            let d2 = dx * dx + dy * dy;
            // Pairs come in lexicographic order, so the first pair with the minimal d2 wins.
            let better = match best {
                None => true,
                Some((b, _, _)) => d2 < b,
            };
            if better {
                best = Some((d2, i, j));
            }
        }
    }
    let (d2, i, j) = best.expect("n >= 2");
    (i, j, d2.sqrt().to_bits())
}

fn bits(r: ClosestPair) -> (usize, usize, u64) {
    (r.i, r.j, r.dist.to_bits())
}

fn assert_matches(p: &Array2<f64>, what: &str) {
    let got = bits(closest_pair(p.view()).unwrap());
    let want = reference(p);
    assert_eq!(got, want, "{what}: n = {}", p.nrows());
}

/// SplitMix64: a small deterministic generator for the fixed cases.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Named generators of point sets of size `n`.
/// Makes a point set of the given size.
type Maker = fn(&mut Rng, usize) -> Array2<f64>;

fn families() -> Vec<(&'static str, Maker)> {
    vec![
        ("uniform", |g, n| {
            Array2::from_shape_fn((n, 2), |_| g.unit())
        }),
        ("clustered", |g, n| {
            let centres: Vec<(f64, f64)> = (0..5).map(|_| (g.unit() * 100.0, g.unit())).collect();
            let mut p = Array2::zeros((n, 2));
            for mut row in p.rows_mut() {
                let (cx, cy) = centres[g.below(5) as usize];
                row[0] = cx + g.unit() * 1e-3;
                row[1] = cy + g.unit() * 1e-3;
            }
            p
        }),
        ("integer grid, many ties", |g, n| {
            let side = ((n as f64).sqrt() as u64 * 2).max(2);
            Array2::from_shape_fn((n, 2), |_| g.below(side) as f64)
        }),
        ("distinct grid points, all ties at 1", |g, n| {
            // A shuffled full grid: every neighbour pair ties at d2 = 1.
            let side = (n as f64).sqrt().ceil() as usize;
            let mut cells: Vec<usize> = (0..side * side).collect();
            for k in (1..cells.len()).rev() {
                cells.swap(k, g.below(k as u64 + 1) as usize);
            }
            Array2::from_shape_fn((n, 2), |(i, c)| {
                let cell = cells[i];
                (if c == 0 { cell % side } else { cell / side }) as f64 - 3.0
            })
        }),
        ("duplicates", |g, n| {
            let base: Vec<(f64, f64)> = (0..(n / 3).max(1)).map(|_| (g.unit(), g.unit())).collect();
            let mut p = Array2::zeros((n, 2));
            for mut row in p.rows_mut() {
                let (x, y) = base[g.below(base.len() as u64) as usize];
                row[0] = x;
                row[1] = y;
            }
            p
        }),
        ("collinear", |g, n| {
            let mut p = Array2::zeros((n, 2));
            for mut row in p.rows_mut() {
                let t = g.unit() * 10.0;
                row[0] = t;
                row[1] = 3.0 * t - 1.0;
            }
            p
        }),
        ("same x", |g, n| {
            Array2::from_shape_fn((n, 2), |(_, c)| if c == 0 { 2.5 } else { g.unit() })
        }),
        ("same y, integer x", |g, n| {
            Array2::from_shape_fn((n, 2), |(_, c)| {
                if c == 0 {
                    g.below(4 * n as u64) as f64
                } else {
                    -1.0
                }
            })
        }),
        ("identical", |_, n| Array2::from_elem((n, 2), 0.75)),
        ("signed zeros", |g, n| {
            Array2::from_shape_fn((n, 2), |_| match g.below(3) {
                0 => 0.0,
                1 => -0.0,
                _ => g.below(4) as f64,
            })
        }),
        ("huge, d2 overflows", |g, n| {
            Array2::from_shape_fn((n, 2), |_| (g.unit() - 0.5) * 1e300)
        }),
        ("huge and small mixed", |g, n| {
            Array2::from_shape_fn((n, 2), |_| match g.below(3) {
                0 => (g.unit() - 0.5) * 1e300,
                1 => g.unit() * 1e150,
                _ => g.unit(),
            })
        }),
        ("tiny, d2 underflows", |g, n| {
            Array2::from_shape_fn((n, 2), |_| g.unit() * 1e-160)
        }),
        ("subnormal", |g, n| {
            Array2::from_shape_fn((n, 2), |_| g.below(64) as f64 * 5e-324)
        }),
        ("tiny steps around two centres", |g, n| {
            Array2::from_shape_fn((n, 2), |(_, c)| {
                let base = if g.below(2) == 0 { 0.0 } else { 1e-150 };
                base + g.below(400) as f64 * (1e-163 + c as f64 * 1e-164)
            })
        }),
    ]
}

#[test]
fn families_match_the_reference() {
    let mut g = Rng(2024);
    for (name, make) in families() {
        for n in [2, 3, 4, 5, 7, 16, 17, 33, 100, 257, 900] {
            for _ in 0..2 {
                let p = make(&mut g, n);
                assert_matches(&p, name);
            }
        }
    }
}

#[test]
fn hand_picked_cases() {
    type Case = (Vec<[f64; 2]>, (usize, usize));
    let cases: Vec<Case> = vec![
        (vec![[0.0, 0.0], [3.0, 4.0]], (0, 1)),
        (vec![[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]], (0, 1)),
        // Equal distances: (1, 2) and (0, 2) tie at 1; (0, 2) is smaller.
        (vec![[0.0, 0.0], [2.0, 0.0], [1.0, 0.0]], (0, 2)),
        // Duplicates: the first two indices of the duplicate group.
        (
            vec![[5.0, 5.0], [1.0, 1.0], [9.0, 9.0], [1.0, 1.0], [1.0, 1.0]],
            (1, 3),
        ),
        // Two duplicate groups: the one whose pair is lexicographically smaller wins.
        (vec![[7.0, 7.0], [1.0, 1.0], [7.0, 7.0], [1.0, 1.0]], (0, 2)),
        // Every pair overflows: all tie at inf.
        (vec![[1e300, 0.0], [-1e300, 0.0], [0.0, 1e300]], (0, 1)),
        // Only one pair is finite.
        (
            vec![[1e300, 0.0], [-1e300, 0.0], [0.0, 1e300], [-1e300, 1.0]],
            (1, 3),
        ),
        // Distinct points at d2 == 0 (underflow) tie with an exact duplicate.
        (
            vec![[1.0, 1.0], [0.0, 0.0], [1e-170, 0.0], [1.0, 1.0]],
            (0, 3),
        ),
        (
            vec![[1.0, 1.0], [0.0, 0.0], [1.0, 1.0], [1e-170, 0.0]],
            (0, 2),
        ),
        // A chain at zero distance that is not transitive: 0~1, 1~2, but 0 and 2 are apart.
        (
            vec![[2.4e-162, 0.0], [1.0, 0.0], [0.0, 0.0], [1.2e-162, 0.0]],
            (0, 3),
        ),
    ];
    for (pts, want) in cases {
        let p = Array2::from_shape_vec((pts.len(), 2), pts.concat()).unwrap();
        let got = closest_pair(p.view()).unwrap();
        assert_eq!((got.i, got.j), want, "{p:?}");
        assert_matches(&p, "hand-picked");
    }
}

#[test]
fn distances_are_the_contract_bits() {
    let p = Array2::from_shape_vec((2, 2), vec![0.1, 0.7, 0.3, 0.2]).unwrap();
    let r = closest_pair(p.view()).unwrap();
    let (dx, dy) = (0.1f64 - 0.3, 0.7f64 - 0.2);
    assert_eq!(r.dist.to_bits(), (dx * dx + dy * dy).sqrt().to_bits());
}

#[test]
fn bad_input_is_refused_with_its_rule() {
    let msg = |p: Array2<f64>| closest_pair(p.view()).unwrap_err().to_string();
    assert_eq!(
        msg(Array2::zeros((1, 2))),
        "closest_pair: points must have at least 2 rows, got 1"
    );
    assert_eq!(
        msg(Array2::zeros((0, 2))),
        "closest_pair: points must have at least 2 rows, got 0"
    );
    assert_eq!(
        msg(Array2::zeros((5, 3))),
        "closest_pair: points must have shape 5x2, got shape 5x3"
    );
    assert!(matches!(
        closest_pair(Array2::zeros((4, 1)).view()),
        Err(Error::Length { .. })
    ));
    let mut p = Array2::<f64>::zeros((5, 2));
    p[[3, 1]] = f64::NAN;
    assert_eq!(
        msg(p.clone()),
        "closest_pair: points must be finite; point 3 has y = NaN"
    );
    p[[1, 0]] = f64::INFINITY;
    assert_eq!(
        msg(p.clone()),
        "closest_pair: points must be finite; point 1 has x = inf"
    );
    p[[0, 1]] = f64::NEG_INFINITY;
    assert_eq!(
        msg(p),
        "closest_pair: points must be finite; point 0 has y = -inf"
    );
    assert!(matches!(
        closest_pair(Array2::from_elem((3, 2), f64::NAN).view()),
        Err(Error::InvalidArgument { arg: "points", .. })
    ));
}

#[test]
fn any_layout_gives_the_same_answer() {
    let mut g = Rng(99);
    let n = 3000;
    let c = Array2::from_shape_fn((n, 2), |_| g.below(80) as f64 * 0.25);
    let want = bits(closest_pair(c.view()).unwrap());
    assert_eq!(want, reference(&c));

    let mut f = Array2::<f64>::zeros((n, 2).f());
    f.assign(&c);
    assert!(!f.is_standard_layout());
    assert_eq!(bits(closest_pair(f.view()).unwrap()), want);

    // Every other row of a bigger array, and columns picked out of a wider one.
    let mut big = Array2::<f64>::from_elem((2 * n, 5), f64::NAN);
    big.slice_mut(s![..;2, 1..3]).assign(&c);
    assert_eq!(bits(closest_pair(big.slice(s![..;2, 1..3])).unwrap()), want);

    // Reversed columns in memory (negative stride), swapped back by the view.
    let mut swapped = Array2::<f64>::zeros((n, 2));
    swapped.column_mut(0).assign(&c.column(1));
    swapped.column_mut(1).assign(&c.column(0));
    assert_eq!(
        bits(closest_pair(swapped.slice(s![.., ..;-1])).unwrap()),
        want
    );
}

#[test]
fn every_thread_count_gives_the_same_bits() {
    let mut g = Rng(7);
    let n = 200_000;
    let sets = [
        Array2::from_shape_fn((n, 2), |_| g.unit()),
        Array2::from_shape_fn((n, 2), |_| g.below(2000) as f64),
        Array2::from_shape_fn((n, 2), |_| g.unit() * 1e-158),
    ];
    for p in &sets {
        let results = at_thread_counts(&[1, 2, 3, 8], || bits(closest_pair(p.view()).unwrap()));
        assert!(results.windows(2).all(|w| w[0] == w[1]), "{results:?}");
    }
}

#[test]
fn degenerate_large_inputs_stay_fast() {
    // Quadratic behaviour here would take minutes, not milliseconds.
    let n = 300_000;
    let same = Array2::from_elem((n, 2), -4.0);
    assert_eq!(bits(closest_pair(same.view()).unwrap()), (0, 1, 0));

    let mut g = Rng(5);
    let tiny = Array2::from_shape_fn((n, 2), |_| g.below(1000) as f64 * 1e-300);
    let r = closest_pair(tiny.view()).unwrap();
    assert_eq!((r.i, r.j, r.dist.to_bits()), (0, 1, 0));

    // All on one vertical line, distinct: answer from the sorted y gaps.
    let ys: Vec<f64> = (0..n).map(|k| ((k * 7919) % n) as f64).collect();
    let line = Array2::from_shape_fn((n, 2), |(i, c)| if c == 0 { 1.0 } else { ys[i] });
    let r = closest_pair(line.view()).unwrap();
    assert_eq!(r.dist, 1.0);
    // Pairs at distance 1 are (index of y, index of y + 1); the smallest (i, j) among them.
    let pos: std::collections::HashMap<u64, usize> =
        ys.iter().enumerate().map(|(i, y)| (*y as u64, i)).collect();
    let want = (0..n as u64 - 1)
        .map(|y| {
            let (a, b) = (pos[&y], pos[&(y + 1)]);
            (a.min(b), a.max(b))
        })
        .min()
        .unwrap();
    assert_eq!((r.i, r.j), want);

    // Every pair overflows.
    let huge = Array2::from_shape_fn((n, 2), |(i, c)| {
        if c == 0 {
            (i as f64 - n as f64 / 2.0) * 1e303
        } else {
            0.0
        }
    });
    let r = closest_pair(huge.view()).unwrap();
    assert_eq!((r.i, r.j, r.dist), (0, 1, f64::INFINITY));
}

fn coordinate() -> impl Strategy<Value = f64> {
    prop_oneof![
        4 => (-4i32..4).prop_map(f64::from),
        2 => -1.0f64..1.0,
        1 => Just(0.0),
        1 => Just(-0.0),
        1 => (-3i32..3).prop_map(|k| f64::from(k) * 1e-162),
        1 => (-3i32..3).prop_map(|k| f64::from(k) * 5e-324),
        1 => (-2i32..3).prop_map(|k| f64::from(k) * 1e154),
        1 => prop::sample::select(vec![1e300, -1e300, f64::MAX, f64::MIN, 1.5, 1.5 + f64::EPSILON]),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn matches_brute_force(pts in prop::collection::vec((coordinate(), coordinate()), 2..48)) {
        let flat: Vec<f64> = pts.iter().flat_map(|&(x, y)| [x, y]).collect();
        let p = Array2::from_shape_vec((pts.len(), 2), flat).unwrap();
        prop_assert_eq!(bits(closest_pair(p.view()).unwrap()), reference(&p));
    }

    #[test]
    fn matches_brute_force_on_clouds(
        pts in prop::collection::vec((-1e3f64..1e3, -1e3f64..1e3), 2..200),
        copies in prop::collection::vec((0usize..200, 0usize..200), 0..4),
    ) {
        let mut pts = pts;
        for (from, to) in copies {
            let (from, to) = (from % pts.len(), to % pts.len());
            pts[to] = pts[from];
        }
        let flat: Vec<f64> = pts.iter().flat_map(|&(x, y)| [x, y]).collect();
        let p = Array2::from_shape_vec((pts.len(), 2), flat).unwrap();
        prop_assert_eq!(bits(closest_pair(p.view()).unwrap()), reference(&p));
    }
}
