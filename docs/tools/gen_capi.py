#!/usr/bin/env python3
"""Writes docs/capi.md, the C API page, from the two headers and the bad-input table.

Every function of include/speedup.h and include/speedup_legacy.h appears with its declaration,
its doc comment (the header's, which cbindgen copies from crates/speedup-capi) and its errors:
the status codes and arguments that tests/badinput/cases.txt makes the C door return (each case
is checked at every run of the test command), plus the codes no table can provoke on demand
(interruption, allocation failure, internal error).

    python3 docs/tools/gen_capi.py           # (re)write docs/capi.md
    python3 docs/tools/gen_capi.py --check   # fail when docs/capi.md differs from what it would write

Standard library only.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Dict, List, Tuple

from pages import page_main

ROOT = Path(__file__).resolve().parents[2]
HEADERS = [ROOT / "include" / "speedup.h", ROOT / "include" / "speedup_legacy.h"]
CASES = ROOT / "tests" / "badinput" / "cases.txt"
OUT = ROOT / "docs" / "capi.md"

STATUS = {
    "NULL": "SPEEDUP_ERR_NULL_POINTER",
    "LENGTH": "SPEEDUP_ERR_LENGTH",
    "INVALID": "SPEEDUP_ERR_INVALID_ARGUMENT",
    "OVERFLOW": "SPEEDUP_ERR_OVERFLOW",
}
# Kernels that poll speedup_request_interrupt() (speedup-core's cancel tokens).
INTERRUPTIBLE = {
    "sum_primes_below", "sum_primes_below_many", "monte_carlo_pi", "monte_carlo_pi_inside",
    "markov_chains", "markov_chains_from",
}
# Kernels with scratch buffers whose size the caller controls, allocated fallibly.
ALLOCATING = {"closest_pair", "sum_primes_below_many", "markov_chains", "markov_chains_from"}

COMMENT = re.compile(r"/\*(.*?)\*/[ \t]*\n", re.S)
DEFINE = re.compile(r"#define (\w+) (\S+)")
NAME = re.compile(r"\b(speedup_\w+)\s*\(")


def doc_text(raw: str) -> str:
    lines = [l[1:] if l.startswith(" ") else l for l in raw.rstrip("\n").split("\n")]
    return "\n".join(lines).strip()


def parse_header(path: Path) -> Tuple[List[Tuple[str, str, str]], List[Tuple[str, str, str]]]:
    """(functions as (name, declaration, doc), constants as (name, value, doc)): each comment
    and the declaration right after it."""
    text = path.read_text()
    funcs, consts = [], []
    for m in COMMENT.finditer(text):
        after = text[m.end():]
        if not after or after[0] == "\n":  # a file or section comment: nothing follows directly
            continue
        doc = doc_text(m.group(1).lstrip("\n"))
        d = DEFINE.match(after)
        if d:
            consts.append((d.group(1), d.group(2), doc))
            continue
        decl = " ".join(after[: after.index(";") + 1].split())
        n = NAME.search(decl)
        if n and not decl.startswith("typedef"):
            funcs.append((n.group(1), decl, doc))
    return funcs, consts


def c_errors() -> Dict[str, Dict[str, Dict[str, List[str]]]]:
    """kernel -> status -> argument -> [classes], as the C door must answer."""
    na_classes = set()
    errors: Dict[str, Dict[str, Dict[str, List[str]]]] = {}
    for line in CASES.read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith("na "):
            door, cls = line.split()[1:3]
            if door == "c":
                na_classes.add(cls)
            continue
        fields = [f.strip() for f in line.split("|")]
        kernel, cls, expect = fields[0], fields[1], fields[3]
        if cls in na_classes:
            continue
        for override in fields[4:]:
            door, _, rest = override.partition("=")
            if door.strip() == "c":
                expect = rest.strip()
        if expect.startswith("na") or expect.split()[0] not in STATUS:
            continue
        status, arg = expect.split()[:2]
        classes = errors.setdefault(kernel, {}).setdefault(STATUS[status], {}).setdefault(arg, [])
        if cls not in classes:
            classes.append(cls)
    return errors


def errors_of(name: str, decl: str, table: Dict[str, Dict[str, Dict[str, List[str]]]]) -> List[str]:
    if not decl.startswith("speedup_status "):
        return []
    kernel = name[len("speedup_"):]
    twin = kernel[len("legacy_"):] if kernel.startswith("legacy_") else None
    found = table.get(kernel) or (table.get(twin, {}) if twin else {})
    lines = []
    for status in STATUS.values():
        args = found.get(status)
        if args:
            what = ", ".join(f"`{a}` ({', '.join(c)})" for a, c in args.items())
            lines.append(f"- `{status}`: {what}")
    base = twin or kernel
    if base in INTERRUPTIBLE and not twin:
        lines.append("- `SPEEDUP_ERR_INTERRUPTED`: `speedup_request_interrupt()` was called while it ran")
    if base in ALLOCATING and not twin:
        lines.append("- `SPEEDUP_ERR_ALLOCATION`: a scratch buffer could not be allocated")
    lines.append("- `SPEEDUP_ERR_PANIC`: an internal error (a bug in speedup), caught")
    return lines


def render() -> str:
    table = c_errors()
    out = [
        "# C API reference",
        "",
        "<!-- GENERATED by docs/tools/gen_capi.py from include/speedup.h, include/speedup_legacy.h",
        "     and tests/badinput/cases.txt; do not edit by hand. -->",
        "",
        "Every function of [`speedup.h`](../include/speedup.h) and",
        "[`speedup_legacy.h`](../include/speedup_legacy.h), with the header's own comment. The rules",
        "they all follow (C order, NULL only with length 0, output lengths, outputs written only on",
        "success, `speedup_last_error`) are in [C](c.md); the semantics of each kernel in",
        "[the contract](contract.md).",
        "",
        "**Errors** lists, for each function returning a `speedup_status`, the codes and the",
        "arguments that the bad-input matrix ([`tests/badinput/cases.txt`](../tests/badinput/cases.txt))",
        "makes it return at every test run, with the classes of bad input in parentheses",
        "(`null`: a NULL pointer with a nonzero length, `outlen`: an output length that is not the",
        "result's size, `size`: a size that overflows, `overlap`: an output overlapping an input,",
        "`misaligned`: a pointer not aligned for its type, ...). The detailed message, from",
        "`speedup_last_error`, reads `<kernel>: <argument> <rule>`. The general rules of [C](c.md)",
        "hold for every pointer and length, also where the table has no case of its own.",
        "",
    ]
    for path in HEADERS:
        funcs, consts = parse_header(path)
        out += [f"## `{path.name}`", ""]
        if consts:
            out += ["### Status codes", "", "| code | value | meaning |", "|---|---|---|"]
            for name, value, doc in consts:
                out.append(f"| `{name}` | {value} | {' '.join(doc.split())} |")
            out.append("")
        for name, decl, doc in funcs:
            out += [f"### `{name}`", "", "```c", decl, "```", "", doc, ""]
            errs = errors_of(name, decl, table)
            if errs:
                out += ["Errors:", ""] + errs + [""]
    return "\n".join(out).rstrip("\n") + "\n"


def main(argv: List[str] | None = None) -> int:
    return page_main(__doc__, "capi", OUT, render,
                     lambda text: f"{text.count(chr(10) + '### `speedup_')} functions", argv)


if __name__ == "__main__":
    sys.exit(main())
