#!/usr/bin/env python3
"""Writes docs/fortran-api.md, the reference of the Fortran modules, from their sources.

For each module users `use` (speedup, speedup_c, speedup_legacy: fortran_src/speedup/), every
public name: the status codes, and each public procedure with its `!>` comment, its header and
its argument declarations; a generic name lists the specific procedures it resolves to. Names a
module only re-exports (speedup re-exports speedup_c) point at the module that defines them.

    python3 docs/tools/gen_fortran.py           # (re)write docs/fortran-api.md
    python3 docs/tools/gen_fortran.py --check   # fail when docs/fortran-api.md is stale

Standard library only.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from pages import page_main

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "fortran_src" / "speedup"
OUT = ROOT / "docs" / "fortran-api.md"
MODULES = ["speedup", "speedup_c", "speedup_legacy"]
FILES = ["speedup_c.f90", "speedup_door.f90", "speedup.f90", "speedup_legacy.f90"]

PROC = re.compile(
    r"^\s*(?:(?:integer|logical|real|character)(?:\([^)]*\))?\s+|pure\s+|elemental\s+|recursive\s+)*"
    r"(subroutine|function)\s+(\w+)\s*(\([^)]*\)?)?", re.I)
GENERIC = re.compile(r"^\s*interface\s+(\w+)\s*$", re.I)
MODPROC = re.compile(r"^\s*module\s+procedure\s+(.*)$", re.I)
DECL = re.compile(r"^\s*(integer|real|logical|character|type|complex|procedure)\b.*::", re.I)


def logical_lines(text: str) -> List[str]:
    """Source lines with `&` continuations joined (comments kept as their own lines)."""
    out: List[str] = []
    buf = ""
    for line in text.splitlines():
        stripped = line.rstrip()
        if buf:
            stripped = buf + " " + stripped.lstrip().lstrip("&").lstrip()
            buf = ""
        if stripped.endswith("&") and not stripped.lstrip().startswith("!"):
            buf = stripped[:-1].rstrip()
            continue
        out.append(stripped)
    return out


class Module:
    def __init__(self, name: str, lines: List[str]) -> None:
        self.name = name
        self.lines = lines
        self.public: List[str] = []
        self.constants: List[Tuple[str, str]] = []
        self.doc = ""
        self.procs: Dict[str, Tuple[str, List[str], str]] = {}  # name -> (header, decls, doc)
        self.generics: Dict[str, Tuple[List[str], str]] = {}  # name -> (specifics, doc)
        self.aliases: Dict[str, str] = {}  # `use m, only: local => original`
        self.alias_from: Dict[str, str] = {}  # local -> m, for the aliases above
        self.kinds: Dict[str, str] = {}  # `use, intrinsic :: iso_c_binding, only: wp => c_double`
        self.uses_all: List[str] = []  # `use m` without `only`
        self.default_private = False  # a bare `private` statement


def with_includes(path: Path) -> str:
    """The source with each `include 'file'` line replaced by that file, as the compiler does."""
    out = []
    for line in path.read_text().splitlines():
        m = re.match(r"\s*include\s+['\"]([^'\"]+)['\"]\s*$", line, re.I)
        out.append(with_includes(path.parent / m.group(1)) if m else line)
    return "\n".join(out)


def parse_file(path: Path) -> List[Module]:
    lines = logical_lines(with_includes(path))
    mods: List[Module] = []
    cur: Optional[Module] = None
    doc: List[str] = []
    head_doc: List[str] = []
    generic: Optional[str] = None
    i = 0
    while i < len(lines):
        line = lines[i]
        s = line.strip()
        low = s.lower()
        if s.startswith("!>"):
            doc.append(s[2:].strip())
            i += 1
            continue
        m = re.match(r"module\s+(\w+)\s*$", low)
        if m and cur is None:
            cur = Module(m.group(1), lines)
            cur.doc = "\n".join(doc)
            mods.append(cur)
            doc = []
            i += 1
            continue
        if cur is None:
            if not s:
                head_doc, doc = doc, doc
            i += 1
            continue
        if low.startswith("end module"):
            cur = None
        elif re.match(r"use\s+(\w+)\s*$", low) and not low.startswith("use,"):
            cur.uses_all.append(re.match(r"use\s+(\w+)", low).group(1))
        elif re.match(r"use\s+\w+\s*,\s*\w+\s*=>", low):  # all of a module, some renamed
            cur.uses_all.append(re.match(r"use\s+(\w+)", low).group(1))
            for item in s.split(",")[1:]:
                local, original = (t.strip() for t in item.split("=>"))
                cur.aliases[local] = original
        elif low == "private":
            cur.default_private = True
        elif re.match(r"use\s+\w+\s*,\s*only\s*:", low):
            for item in s.split(":", 1)[1].split(","):
                if "=>" in item:
                    local, original = (t.strip() for t in item.split("=>"))
                    cur.aliases[local] = original
                    cur.alias_from[local] = re.match(r"use\s+(\w+)", low).group(1)
        elif re.match(r"use\s*,\s*intrinsic\s*::\s*iso_c_binding\s*,\s*only\s*:", low):
            # A kind renamed on use (a module instantiating an include file for one kind).
            for item in s.split("only", 1)[1].lstrip(" :").split(","):
                if "=>" in item:
                    local, original = (t.strip() for t in item.split("=>"))
                    cur.kinds[local] = original
        elif re.match(r"public\s*::", low):
            cur.public += [n.strip() for n in s.split("::", 1)[1].split(",") if n.strip()]
        elif re.match(r"integer,\s*parameter,\s*public\s*::", low):
            name, value = [p.strip() for p in s.split("::", 1)[1].split("=")]
            cur.public.append(name)
            cur.constants.append((name, value))
        elif GENERIC.match(s):
            generic = GENERIC.match(s).group(1)
            cur.generics[generic] = ([], "\n".join(doc))
        elif generic and MODPROC.match(s):
            cur.generics[generic][0].extend(n.strip() for n in MODPROC.match(s).group(1).split(","))
        elif generic and low.startswith("end interface"):
            generic = None
        elif PROC.match(s) and not low.startswith("end "):
            name = PROC.match(s).group(2)
            args = set(re.findall(r"\w+", PROC.match(s).group(3) or ""))
            args |= set(re.findall(r"result\s*\((\w+)\)", s, re.I)) | {name}
            args = {a.lower() for a in args}
            decls = []
            j = i + 1
            while j < len(lines):
                t = lines[j].strip()
                if DECL.match(t):
                    names = re.sub(r"\([^)]*\)", "", t.split("::", 1)[1])
                    if {n.strip().lower() for n in names.split(",")} & args:
                        decls.append(t)
                elif t and not t.lower().startswith(("import", "!", "implicit")):
                    break
                j += 1
            for local, original in cur.kinds.items():
                decls = [re.sub(rf"\({local}\)", f"({original})", d) for d in decls]
            cur.procs[name] = (re.sub(r"\s+", " ", s), decls, "\n".join(doc))
        if s and not s.startswith("!"):
            doc = []
        i += 1
    return mods


def render() -> str:
    mods: Dict[str, Module] = {}
    for f in FILES:
        for m in parse_file(SRC / f):
            mods[m.name] = m
    # Where each procedure and generic is defined.
    procs: Dict[str, Tuple[str, List[str], str]] = {}
    generics: Dict[str, Tuple[List[str], str]] = {}
    defined_in: Dict[str, str] = {}
    for m in mods.values():
        procs.update(m.procs)
        # Qualified too: modules made from one include file define the same names.
        procs.update({f"{m.name}.{n}": v for n, v in m.procs.items()})
        generics.update(m.generics)
        for n in list(m.procs) + list(m.generics) + [c for c, _ in m.constants]:
            defined_in.setdefault(n, m.name)

    def c_link(name: str) -> str:
        base = name[2:] if name.startswith("c_speedup_") else name
        if base.startswith("speedup_") and f"### `{base}`" in (ROOT / "docs" / "capi.md").read_text():
            return f" C: [`{base}`](capi.md#{base})."
        return ""

    def proc_block(name: str, out: List[str]) -> None:
        header, decls, doc = procs[name]
        out += ["```fortran", header] + ["    " + d for d in decls] + ["```", ""]
        if doc:
            out += [doc, ""]

    out = [
        "# Fortran module reference",
        "",
        "<!-- GENERATED by docs/tools/gen_fortran.py from fortran_src/speedup/*.f90;",
        "     do not edit by hand. -->",
        "",
        "The public names of the modules a program `use`s, from their sources in",
        "`fortran_src/speedup/`. How to build, link and call them: [Fortran](fortran.md); what each",
        "kernel computes: [the contract](contract.md).",
        "",
    ]
    for m in mods.values():
        if not m.default_private and not m.public:  # public by default: what it holds and uses
            for u in m.uses_all:
                if u in mods and u not in MODULES:
                    m.public += [n for n in mods[u].public if n not in m.public]
            m.public += list(m.aliases) + [n for n in m.procs if n not in m.public]
    for mname in MODULES:
        m = mods[mname]
        out += [f"## Module `{mname}`", "", m.doc, ""]
        documented = set()
        reexported = [n for n in m.public if defined_in.get(n) not in (None, mname)]
        by_origin: Dict[str, List[str]] = {}
        for n in reexported:
            by_origin.setdefault(defined_in[n], []).append(n)
        for origin, names in by_origin.items():
            if origin in MODULES:
                out += [f"Re-exported from [`{origin}`](#module-{origin}): "
                        + ", ".join(f"`{n}`" for n in names) + ".", ""]
        if m.constants:
            out += ["| status code | value |", "|---|---|"]
            out += [f"| `{n}` | {v} |" for n, v in m.constants] + [""]
        for n in m.public:
            origin = defined_in.get(n)
            if origin in MODULES and origin != mname:
                continue
            target = m.aliases.get(n, n)  # a renamed import: document the original
            if target != n and target in procs:
                header, decls, doc = procs[target]
                procs[n] = (re.sub(rf"\b{target}\b", n, header), decls, doc)
            documented.add(n)
            if target in generics:
                specifics, doc = generics[target]
                out += [f"### `{n}`", "", f"Generic: " + ", ".join(f"`{s}`" for s in specifics)
                        + "." + c_link(n), ""]
                if doc:
                    out += [doc, ""]
                for s in specifics:
                    original = m.aliases.get(s, s)  # a specific imported under another name
                    if s in m.alias_from and f"{m.alias_from[s]}.{original}" in procs:
                        original = f"{m.alias_from[s]}.{original}"
                    if s not in procs and original in procs:
                        header, decls, doc = procs[original]
                        original = original.split(".")[-1]
                        procs[s] = (re.sub(rf"\b{original}\b", s, header), decls, doc)
                    proc_block(s, out)
            elif n in procs:
                out += [f"### `{n}`", ""]
                proc_block(n, out)
                link = c_link(n).strip()
                if link:
                    out += [link, ""]
            else:
                documented.discard(n)
        rest = [n for n in m.public if n not in documented and n.startswith("c_")
                and defined_in.get(n) not in MODULES]
        if rest:
            out += ["Also public, each declared with the interface of the `speedup_c` function of "
                    "the same kernel: " + ", ".join(f"`{n}`" for n in rest) + ".", ""]
    return "\n".join(out).rstrip("\n") + "\n"


def main(argv: Optional[List[str]] = None) -> int:
    return page_main(__doc__, "fortran", OUT, render,
                     lambda text: f"{text.count(chr(10) + '### `')} public procedures", argv)


if __name__ == "__main__":
    sys.exit(main())
