#!/usr/bin/env python3
"""The bad-input table (tests/badinput/cases.txt): parser, per-door resolution, and the resolved
files the C, Fortran and Rust runners read.

usage: cases.py OUTDIR      writes OUTDIR/cases.<door>.txt for door in c, f, rust

Resolved format (one token stream per line, every number a decimal int64 so that C and Fortran
read it with strtoll / list-directed input):

    CASE <id> <kernel> <twin 0|1> <STATUS> <argument, spaces as ~>
    P <name> <kind> <ndim> <d1> <d2> <count> <values...>
    END
    NA <id> <reason...>

kinds: I (integer scalar, int64), U (unsigned scalar above 2**63-1, decimal u64), F (float64
scalar, its bits as int64), A (float64 array, bits), MIS (the same, at a misaligned address),
Q (integer array, int64), Z (complex array: re, im bits), NULL (a NULL pointer whose length is d1), ALIAS (the output at the address of the
input named by the last token).

The Python runner imports this module and uses `load()` directly.
"""

from __future__ import annotations

import struct
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Tuple

HERE = Path(__file__).resolve().parent
DOORS = ("c", "f", "py", "rust")
STATUSES = ("NULL", "LENGTH", "INVALID", "OVERFLOW", "TYPE")
# Kernels with a legacy twin (speedup_legacy_<kernel>, speedup.legacy, speedup-legacy).
TWINS = {
    "sum", "mean", "std", "second_derivative", "laplacian", "comb_forward", "comb_backward",
    "is_prime", "is_prime_many", "sum_primes_below", "sum_primes_below_many", "closest_pair",
    "mandelbrot",
}
# Argument values that are not arrays or numbers, per door family that understands them.
PY_ONLY_KINDS = ("ro", "f32", "nc", "list", "s", "cz", "fn", "f16", "dt")


@dataclass
class Value:
    kind: str  # int, float, array, null, alias, or a Python-only kind
    shape: Tuple[int, ...] = ()
    data: List = field(default_factory=list)  # ints or floats
    num: object = None  # scalar value (int or float)
    target: str = ""  # alias target, fn flavour
    dtype: str = "f"  # array element kind: f (float64), q (integers), z (complex)


@dataclass
class Case:
    id: str
    kernel: str
    klass: str
    args: Dict[str, Value]
    expect: Dict[str, Tuple[str, str]]  # door -> (STATUS, argument) or ("na", reason)
    line: int


def scalar(tok: str) -> object:
    t = tok.strip()
    special = {"nan": float("nan"), "inf": float("inf"), "-inf": float("-inf"), "max": 2**64 - 1}
    if t in special:
        return special[t]
    if "^" in t:
        base, _, rest = t.partition("^")
        for op in ("-", "+"):
            if op in rest:
                e, _, d = rest.partition(op)
                v = int(base) ** int(e)
                return v - int(d) if op == "-" else v + int(d)
        return int(base) ** int(rest)
    if any(c in t for c in ".eE"):
        return float(t)
    return int(t)


def parse_shape(s: str) -> Tuple[int, ...]:
    return tuple(int(d) for d in s.split("x"))


def parse_value(v: str) -> Value:
    head, sep, rest = v.partition(":")
    if not sep:
        if head in ("null",):
            return Value("null", shape=(1,))
        if head in ("str", "sig"):  # fn= flavours
            return Value("fn", target=head)
        num = scalar(head)
        return Value("float" if isinstance(num, float) else "int", num=num)
    if head == "null":
        return Value("null", shape=(int(rest),))
    if head == "alias":
        return Value("alias", target=rest)
    if head == "dt":  # a NumPy dtype by name (dtype=)
        return Value("dt", target=rest)
    if head in ("a", "v", "u", "z", "mis", *PY_ONLY_KINDS):
        shape_s, _, vals = rest.partition(":")
        mods = shape_s.split("@")
        shape = parse_shape(mods[0])
        size = 1
        for d in shape:
            size *= d
        if head == "u":
            data = [scalar(x) for x in vals.split(",")] if vals else list(range(size))
            return Value("array", shape, data, dtype="q")
        if head == "z":
            return Value("array", shape, [complex(0.25 * i - 1.0, 0.125 * i) for i in range(size)], dtype="z")
        if head == "v":
            data = [float(scalar(x)) for x in vals.split(",")]
        else:
            data = [1.0 + 0.25 * i for i in range(size)]
        for m in mods[1:]:
            i, _, x = m.partition("=")
            data[int(i)] = float(scalar(x))
        if len(data) != size:
            raise ValueError(f"{v}: {len(data)} values for shape {shape}")
        kind = "array" if head in ("a", "v") else head
        return Value(kind, shape, data)  # mis: float64 values at a misaligned address
    raise ValueError(f"unknown value {v!r}")


def load(path: Path = HERE / "cases.txt") -> Tuple[List[Case], Dict[Tuple[str, str], str]]:
    """The cases, and the class-wide na reasons {(door, class): reason}."""
    na: Dict[Tuple[str, str], str] = {}
    cases: List[Case] = []
    seen: Dict[str, int] = {}
    for lineno, raw in enumerate(path.read_text().splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("na "):
            _, door, klass, reason = line.split(None, 3)
            assert door in DOORS, f"line {lineno}: door {door}"
            na[(door, klass)] = reason
            continue
        fields = [f.strip() for f in line.split("|")]
        if len(fields) < 4:
            raise ValueError(f"cases.txt:{lineno}: need kernel | class | args | expect")
        kernel, klass, args_s, expect_s, *overrides = fields
        args = {}
        for tok in args_s.split():
            name, _, v = tok.partition("=")
            args[name] = parse_value(v)
        status, _, arg = expect_s.partition(" ")
        assert status in STATUSES, f"cases.txt:{lineno}: status {status}"
        expect: Dict[str, Tuple[str, str]] = {}
        explicit: Dict[str, Tuple[str, str]] = {}
        for o in overrides:
            door, _, e = o.partition("=")
            st, _, a = e.partition(" ")
            assert door in DOORS, f"cases.txt:{lineno}: door {door}"
            assert st == "na" or st in STATUSES, f"cases.txt:{lineno}: {o}"
            if st == "na" and (door, a) in na:  # a class's reason, named by its class
                a = na[(door, a)]
            explicit[door] = (st, a)
        for door in DOORS:
            if door in explicit:
                expect[door] = explicit[door]
            elif (door, klass) in na:
                expect[door] = ("na", na[(door, klass)])
            else:
                expect[door] = (status, arg)
        n = seen.get(kernel, 0) + 1
        seen[kernel] = n
        cases.append(Case(f"{kernel}.{klass}.{n}", kernel, klass, args, expect, lineno))
    return cases, na


def bits(x: float) -> int:
    return struct.unpack("<q", struct.pack("<d", x))[0]


def resolved(case: Case, door: str) -> str:
    st, arg = case.expect[door]
    if st == "na":
        return f"NA {case.id} {arg}\n"
    twin = 1 if case.kernel in TWINS else 0
    out = [f"CASE {case.id} {case.kernel} {twin} {st} {arg.replace(' ', '~')}"]
    for name, v in case.args.items():
        shape = list(v.shape) + [0, 0]
        nd = len(v.shape)
        if v.kind == "int":
            n = v.num
            assert isinstance(n, int)
            if n > 2**63 - 1:
                out.append(f"P {name} U 0 0 0 1 {n}")
            else:
                out.append(f"P {name} I 0 0 0 1 {n}")
        elif v.kind == "float":
            out.append(f"P {name} F 0 0 0 1 {bits(float(v.num))}")  # type: ignore[arg-type]
        elif v.kind == "null":
            out.append(f"P {name} NULL 1 {v.shape[0]} 0 0")
        elif v.kind == "alias":
            out.append(f"P {name} ALIAS 0 0 0 0 {v.target}")
        elif v.kind == "array" and v.dtype == "f":
            vals = " ".join(str(bits(x)) for x in v.data)
            out.append(f"P {name} A {nd} {shape[0]} {shape[1]} {len(v.data)} {vals}".rstrip())
        elif v.kind == "array" and v.dtype == "q":
            if any(x > 2**63 - 1 for x in v.data):
                raise ValueError(f"{case.id}: {door} cannot take integers above 2**63-1 in an array")
            vals = " ".join(str(int(x)) for x in v.data)
            out.append(f"P {name} Q {nd} {shape[0]} {shape[1]} {len(v.data)} {vals}".rstrip())
        elif v.kind == "array" and v.dtype == "z":
            vals = " ".join(f"{bits(z.real)} {bits(z.imag)}" for z in v.data)
            out.append(f"P {name} Z {nd} {shape[0]} {shape[1]} {2 * len(v.data)} {vals}".rstrip())
        elif v.kind == "mis":
            vals = " ".join(str(bits(x)) for x in v.data)
            out.append(f"P {name} MIS {nd} {shape[0]} {shape[1]} {len(v.data)} {vals}".rstrip())
        else:  # a Python-only value at a door that is not na: the runner reports the gap
            out.append(f"P {name} PYONLY 0 0 0 0 {v.kind}")
    out.append("END")
    if max(len(line) for line in out) >= 1 << 18:  # the C and Fortran runners' line buffers
        raise ValueError(f"{case.id}: an array too large for the resolved format")
    return "\n".join(out) + "\n"


def main() -> int:
    outdir = Path(sys.argv[1])
    outdir.mkdir(parents=True, exist_ok=True)
    cases, _ = load()
    for door in ("c", "f", "rust"):
        text = "".join(resolved(c, door) for c in cases)
        (outdir / f"cases.{door}.txt").write_text(text)
    print(f"cases.py: {len(cases)} cases -> {outdir}/cases.{{c,f,rust}}.txt")
    return 0


if __name__ == "__main__":
    sys.exit(main())
