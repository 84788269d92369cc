#!/usr/bin/env python3
"""Writes the committed reference vectors of speedup's random stream and Monte Carlo kernels.

Everything here comes from numpy (and plain Python written from docs/contract.md), never from
speedup itself, so the Rust tests compare against an independent reference.

Output (crates/speedup-core/tests/data/):
  philox_words.txt     key words: "k0 k1 start n" then n raw u64 words (hex) of
                       numpy.random.Philox(key=k0 + (k1 << 64)).random_raw, from word `start`
  philox_uniforms.txt  same layout, but the u64 bit patterns (hex) of
                       numpy.random.Generator(Philox(...)).random(n), from uniform `start`
  philox_pi.txt        "n_points seed inside pi_bits" per line (pi as u64 bit pattern, hex)
  philox_markov.txt    blocks: "case <name> k start n_steps n_chains seed", k lines of P as hex
                       f64 bit patterns, then n_chains lines of counts, then "path <chain>" and
                       n_steps states of that chain on one line

Run: /work/main/.venv/bin/python tools/gen_philox_vectors.py   (from the repository root)
"""

from __future__ import annotations

import itertools
import struct
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parent.parent / "crates" / "speedup-core" / "tests" / "data"
M64 = (1 << 64) - 1

KEYS = [
    (0, 0),
    (12345, 0),
    (42, 3),
    (2026, 7),
    (0xDEADBEEFCAFEF00D, 0x0123456789ABCDEF),
    (M64, M64),
]
# (start, n) windows: the beginning, inside a block, across block boundaries, far away.
WINDOWS = [(0, 40), (1, 9), (3, 13), (1000, 17), (1 << 20, 8), (123_456_789, 11)]


def f64_bits(x: float) -> int:
    return struct.unpack("<Q", struct.pack("<d", float(x)))[0]


def bitgen(k0: int, k1: int) -> np.random.Philox:
    return np.random.Philox(key=k0 + (k1 << 64))


def skip(bg: np.random.Philox, start: int) -> None:
    """Advance `bg` by `start` words (advance() counts 4-word blocks; the rest is drawn)."""
    bg.advance(start // 4)
    if start % 4:
        bg.random_raw(start % 4)


def words(k0: int, k1: int, start: int, n: int) -> list[int]:
    bg = bitgen(k0, k1)
    skip(bg, start)
    return [int(w) for w in bg.random_raw(n)]


def uniforms(k0: int, k1: int, start: int, n: int) -> list[float]:
    bg = bitgen(k0, k1)
    skip(bg, start)
    return [float(u) for u in np.random.Generator(bg).random(n)]


def check_skip() -> None:
    """advance() + partial draws must equal drawing from the beginning."""
    for k0, k1 in KEYS:
        full = words(k0, k1, 0, 64)
        for start in (1, 3, 4, 5, 17):
            assert words(k0, k1, start, 64 - start) == full[start:], (k0, k1, start)
        u = uniforms(k0, k1, 0, 64)
        assert u == [(w >> 11) * 2.0**-53 for w in full]
        assert uniforms(k0, k1, 5, 20) == u[5:25]
    far = words(2026, 7, 0, (1 << 20) + 9)
    assert words(2026, 7, (1 << 20) + 1, 8) == far[-8:]


def write_stream_files() -> None:
    wl = ["# k0 k1 start n, then n words (hex) of numpy Philox random_raw"]
    ul = ["# k0 k1 start n, then n f64 bit patterns (hex) of numpy Generator(Philox).random"]
    for k0, k1 in KEYS:
        for start, n in WINDOWS:
            wl.append(f"{k0} {k1} {start} {n}")
            wl.extend(f"{w:016x}" for w in words(k0, k1, start, n))
            ul.append(f"{k0} {k1} {start} {n}")
            ul.extend(f"{f64_bits(u):016x}" for u in uniforms(k0, k1, start, n))
    (OUT / "philox_words.txt").write_text("\n".join(wl) + "\n")
    (OUT / "philox_uniforms.txt").write_text("\n".join(ul) + "\n")


def monte_carlo_pi(n_points: int, seed: int) -> tuple[int, float]:
    """docs/contract.md: point i takes u[2i], u[2i+1] of key (seed, 0); inside when
    x*x + y*y < 1."""
    u = np.random.Generator(bitgen(seed, 0)).random(2 * n_points)
    x, y = u[0::2], u[1::2]
    inside = int(np.count_nonzero(x * x + y * y < 1.0))
    return inside, (4.0 * inside) / n_points


def write_pi_file() -> None:
    lines = ["# n_points seed inside pi (f64 bit pattern, hex)"]
    for n_points, seed in [(1, 0), (2, 0), (7, 42), (1000, 1), (4097, 5), (100_001, 2026),
                           (1_000_000, 12345)]:
        inside, pi = monte_carlo_pi(n_points, seed)
        lines.append(f"{n_points} {seed} {inside} {f64_bits(pi):016x}")
    (OUT / "philox_pi.txt").write_text("\n".join(lines) + "\n")


def markov(P: list[list[float]], start: int, n_steps: int, n_chains: int, seed: int):
    """docs/contract.md, as a plain loop: chain c uses key (seed, c); step t takes u[t]; next
    state is the first j with u < cumsum(P[s])[j] (added left to right), k-1 if none."""
    k = len(P)
    cums = [list(itertools.accumulate(row)) for row in P]
    counts, paths = [], []
    for chain in range(n_chains):
        u = np.random.Generator(bitgen(seed, chain)).random(n_steps)
        s, row, path = start, [0] * k, []
        for t in range(n_steps):
            ut = float(u[t])
            nxt = k - 1
            for j in range(k):
                if ut < cums[s][j]:
                    nxt = j
                    break
            s = nxt
            row[s] += 1
            path.append(s)
        counts.append(row)
        paths.append(path)
    return counts, paths


MARKOV_CASES = [
    # name, P, start, n_steps, n_chains, seed
    ("three_with_zero", [[0.5, 0.5, 0.0], [0.1, 0.0, 0.9], [0.3, 0.3, 0.4]], 0, 1000, 3, 7),
    ("three_with_zero_seed2", [[0.5, 0.5, 0.0], [0.1, 0.0, 0.9], [0.3, 0.3, 0.4]], 2, 257, 5, 2),
    ("one_state", [[1.0]], 0, 50, 2, 9),
    ("four_thirds", [[0.1, 0.2, 0.3, 0.4], [0.25, 0.25, 0.25, 0.25], [1 / 3, 1 / 3, 1 / 3, 0.0],
                     [0.0, 0.0, 0.0, 1.0]], 1, 777, 4, 2026),
    ("absorbing", [[0.0, 1.0], [0.0, 1.0]], 0, 10, 2, 0),
    ("zero_steps", [[0.5, 0.5], [0.5, 0.5]], 1, 0, 2, 3),
]


def write_markov_file() -> None:
    lines = ["# see tools/gen_philox_vectors.py for the layout"]
    for name, P, start, n_steps, n_chains, seed in MARKOV_CASES:
        counts, paths = markov(P, start, n_steps, n_chains, seed)
        k = len(P)
        lines.append(f"case {name} {k} {start} {n_steps} {n_chains} {seed}")
        lines.extend(" ".join(f"{f64_bits(v):016x}" for v in row) for row in P)
        lines.extend(" ".join(str(c) for c in row) for row in counts)
        chain = n_chains - 1
        lines.append(f"path {chain}")
        lines.append(" ".join(str(s) for s in paths[chain]))
    (OUT / "philox_markov.txt").write_text("\n".join(lines) + "\n")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    check_skip()
    write_stream_files()
    write_pi_file()
    write_markov_file()
    print(f"numpy {np.__version__}: wrote vectors to {OUT}")


if __name__ == "__main__":
    main()
