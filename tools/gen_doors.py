#!/usr/bin/env python3
"""Writes what is mechanical in the Fortran and Python doors from the C headers.

cbindgen's headers (include/speedup.h, include/speedup_legacy.h, generated from
crates/speedup-capi) are the one source. From their function declarations this script writes:

  * the bind(C) interface block (and its `public ::` list) of
    fortran_src/speedup/speedup_c.f90 (module speedup_c, from speedup.h) and of
    fortran_src/speedup/speedup_legacy.f90 (module speedup_legacy, from speedup_legacy.h),
    between the lines `! BEGIN GENERATED ...` and `! END GENERATED`; the rest of each file is
    written by hand;
  * python/speedup/_signatures.py, the ctypes argtypes/restype of every function of both
    headers, which python/speedup/_ctypes_backend.py and speedup.legacy use.

    python3 tools/gen_doors.py            # rewrite the generated parts
    python3 tools/gen_doors.py --check    # exit 1, saying what differs, when they are stale
    python3 tools/gen_doors.py --self-test  # --check must catch a header with one more function

The rules (the conventions of the hand-written bindings before this script):

  C parameter                  Fortran (bind(C) interface)                    ctypes
  double / size_t / uint64_t   real(c_double) / integer(c_size_t) /           c_double / c_size_t /
  / int32_t / bool (value)     integer(c_int64_t) / integer(c_int32_t) /      c_uint64 / c_int32 /
                               logical(c_bool), all `value, intent(in)`       c_bool
  float / ptrdiff_t /          real(c_float) / integer(c_ptrdiff_t) /         c_float / c_ssize_t /
  speedup_mode (value)         integer(c_int32_t)                             c_int32
  const T *p                   T, intent(in) :: p(*)                          c_void_p (an address)
  T *p, an array               T, intent(inout) :: p(*)                       c_void_p
  T *p, a scalar output        T, intent(inout) :: p                          POINTER(T)
  char *buf                    character(kind=c_char), intent(inout) :: buf(*)  c_char_p
  void *ctx                    type(c_ptr), value, intent(in)                 c_void_p
  double (*f)(double, void *)  type(c_funptr), value, intent(in)              c_void_p

A non-const pointer is an array when the first value parameter after it is its length: named
`len`, `cap`, `<anything>_len`, `_rows` or `_stride` (`out, out_len`; `bounds, acc, cap`;
the strided `out, out_rows` and `out, out_row_stride`); otherwise it is a scalar
output (`*out`, `*count`, `*i`). Every output is `intent(inout)`, so it keeps its value when a
call fails. uint64_t is integer(c_int64_t) in Fortran (the same bits). Results: speedup_status
-> integer(c_int32_t) function / c_int32; size_t -> integer(c_size_t) / c_size_t;
`const char *` -> type(c_ptr) function / c_char_p; void -> subroutine / None.

What the rules cannot see is in EXCEPTIONS below (keyed by the kernel's name without its
`speedup_` / `speedup_legacy_` prefix, so that a legacy twin follows its kernel). Standard
library only.
"""

from __future__ import annotations

import argparse
import difflib
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

ROOT = Path(__file__).resolve().parent.parent

# (kernel, parameter) -> (Fortran type, a note written above the interface).
EXCEPTIONS: Dict[Tuple[str, str], Tuple[str, str]] = {
    # The C door takes 2n interleaved doubles (C99 `double complex`); Fortran passes n complex
    # values, which are laid out the same.
    ("mandelbrot", "c"): (
        "complex(c_double_complex)",
        "c holds n complex values (2n doubles, interleaved), like complex(c_double_complex).",
    ),
    # The same for the single-precision kernel: 2n interleaved floats, complex(c_float_complex).
    ("mandelbrot_f32", "c"): (
        "complex(c_float_complex)",
        "c holds n complex values (2n floats, interleaved), like complex(c_float_complex).",
    ),
}

# C type -> (Fortran type, its kind name, ctypes name).
SCALARS: Dict[str, Tuple[str, str, str]] = {
    "double": ("real(c_double)", "c_double", "c_double"),
    "float": ("real(c_float)", "c_float", "c_float"),
    "ptrdiff_t": ("integer(c_ptrdiff_t)", "c_ptrdiff_t", "c_ssize_t"),
    "speedup_mode": ("integer(c_int32_t)", "c_int32_t", "c_int32"),
    "size_t": ("integer(c_size_t)", "c_size_t", "c_size_t"),
    "uint64_t": ("integer(c_int64_t)", "c_int64_t", "c_uint64"),
    "int32_t": ("integer(c_int32_t)", "c_int32_t", "c_int32"),
    "speedup_status": ("integer(c_int32_t)", "c_int32_t", "c_int32"),
    "bool": ("logical(c_bool)", "c_bool", "c_bool"),
    "char": ("character(kind=c_char)", "c_char", "c_char"),
}

MAX_LINE = 100


@dataclass
class Param:
    name: str
    ctype: str  # the base type: double, size_t, ..., void; "funptr" for a function pointer
    const: bool = False
    pointer: bool = False
    array: bool = False  # a pointer that is an array (const pointers always are)


@dataclass
class Function:
    name: str  # the C name, e.g. speedup_sum
    ret: str  # speedup_status, size_t, void, const char *
    params: List[Param]

    @property
    def kernel(self) -> str:
        return re.sub(r"^speedup_(legacy_)?", "", self.name)


# ---------------------------------------------------------------------------------------------
# Parsing cbindgen's declarations

_DECL = re.compile(r"^(?P<ret>[A-Za-z_][\w ]*?[\w*]) ?\b(?P<name>speedup_\w+)\((?P<params>.*)\);$")
_FUNPTR = re.compile(r"^\w+ \(\*(?P<name>\w+)\)\(.*\)$")
_PARAM = re.compile(r"^(?P<const>const )?(?P<type>\w+) (?P<ptr>\*)?(?P<name>\w+)$")


def split_params(text: str) -> List[str]:
    out, depth, cur = [], 0, ""
    for ch in text:
        if ch == "," and depth == 0:
            out.append(cur.strip())
            cur = ""
            continue
        depth += (ch == "(") - (ch == ")")
        cur += ch
    if cur.strip() and cur.strip() != "void":
        out.append(cur.strip())
    return out


def parse_header(text: str, where: str = "header") -> List[Function]:
    funcs = []
    for lineno, line in enumerate(text.splitlines(), 1):
        m = _DECL.match(line.strip())
        if not m:
            continue
        ret = m["ret"].strip()
        if ret not in ("speedup_status", "size_t", "void", "const char *"):
            raise SystemExit(f"{where}:{lineno}: unsupported return type {ret!r}")
        params = []
        for p in split_params(m["params"]):
            fm = _FUNPTR.match(p)
            if fm:
                params.append(Param(fm["name"], "funptr"))
                continue
            pm = _PARAM.match(p)
            if not pm or (pm["type"] not in SCALARS and pm["type"] != "void"):
                raise SystemExit(f"{where}:{lineno}: unsupported parameter {p!r}")
            if pm["type"] == "void" and not pm["ptr"]:
                raise SystemExit(f"{where}:{lineno}: unsupported parameter {p!r}")
            params.append(Param(pm["name"], pm["type"], bool(pm["const"]), bool(pm["ptr"])))
        for i, p in enumerate(params):
            if p.pointer and p.ctype != "void":
                p.array = p.const or is_sized(params[i + 1:])
        funcs.append(Function(m["name"], ret, params))
    return funcs


def is_sized(rest: Sequence[Param]) -> bool:
    """Whether the first value parameter in `rest` is a length (the rule for non-const
    pointers: `out, out_len`, `bounds, acc, cap`, `buf, len`)."""
    for p in rest:
        if not p.pointer and p.ctype != "funptr":
            return p.name in ("len", "cap") or p.name.endswith(("_len", "_rows", "_stride"))
    return False


# ---------------------------------------------------------------------------------------------
# Fortran


def fortran_decl(f: Function, p: Param) -> Tuple[str, str, Optional[str]]:
    """(the declaration's left side, the name as declared, its kind to import)."""
    if p.ctype == "funptr":
        return "type(c_funptr), value, intent(in)", p.name, "c_funptr"
    if p.ctype == "void":
        return "type(c_ptr), value, intent(in)", p.name, "c_ptr"
    ftype, kind, _ = SCALARS[p.ctype]
    exc = EXCEPTIONS.get((f.kernel, p.name))
    if exc:
        ftype = exc[0]
        kind = re.search(r"\((?:kind=)?(\w+)\)", ftype).group(1)  # type: ignore[union-attr]
    if not p.pointer:
        return f"{ftype}, value, intent(in)", p.name, kind
    intent = "intent(in)" if p.const else "intent(inout)"
    return f"{ftype}, {intent}", p.name + ("(*)" if p.array else ""), kind


def wrap(first: str, words: Sequence[str], indent: str, cont: str) -> List[str]:
    """`indent + first` followed by `words` joined with ", ", broken with Fortran `&`
    continuations (continuation lines start with `cont`) to stay within MAX_LINE."""
    lines, cur = [], indent + first
    for i, w in enumerate(words):
        piece = w + ("," if i < len(words) - 1 else "")
        sep = "" if cur.endswith(("(", ":: ")) else " "
        if len(cur + sep + piece) + 2 > MAX_LINE:
            lines.append(cur + " &")
            cur = cont + piece
        else:
            cur = cur + sep + piece
    lines.append(cur)
    return lines


def fortran_interface(f: Function) -> List[str]:
    ind, body = " " * 8, " " * 12
    fname = "c_" + f.name
    bind = f"bind(C, name='{f.name}')"
    if f.ret == "void":
        head, end = f"subroutine {fname}", f"end subroutine {fname}"
        result_kind = None
    else:
        rtype, result_kind = {
            "speedup_status": ("integer(c_int32_t)", "c_int32_t"),
            "size_t": ("integer(c_size_t)", "c_size_t"),
            "const char *": ("type(c_ptr)", "c_ptr"),
        }[f.ret]
        head, end = f"{rtype} function {fname}", f"end function {fname}"
    out: List[str] = []
    for p in f.params:
        exc = EXCEPTIONS.get((f.kernel, p.name))
        if exc:
            out.append(f"{ind}!> {exc[1]}")
    args = [p.name for p in f.params]
    one = f"{ind}{head}({', '.join(args)}) {bind}"
    if len(one) <= MAX_LINE:
        out.append(one)
    else:
        call = f"{head}({', '.join(args)})"
        if len(ind + call) + 2 <= MAX_LINE:
            out += [f"{ind}{call} &", f"{body}{bind}"]
        else:
            lines = wrap(head + "(", args, ind, body)
            lines[-1] += ")"
            if len(lines[-1]) + 1 + len(bind) <= MAX_LINE:
                lines[-1] += " " + bind
            else:
                lines[-1] += " &"
                lines.append(body + bind)
            out += lines
    decls = [fortran_decl(f, p) for p in f.params]
    kinds: List[str] = []
    for _, _, k in decls:
        if k and k not in kinds:
            kinds.append(k)
    if result_kind and result_kind not in kinds:
        kinds.append(result_kind)
    if kinds:
        out.append(f"{body}import :: {', '.join(kinds)}")
    # Parameters with the same declaration share one line (in the order of the first of them;
    # the order of declarations in an interface body does not matter in Fortran).
    groups: Dict[str, List[str]] = {}
    for left, name, _ in decls:
        groups.setdefault(left, []).append(name)
    for left, names in groups.items():
        out += wrap(f"{left} :: ", names, body, body + "    ")
    out.append(f"{ind}{end}")
    return out


def twin_of(f: Function, twins: Sequence[Function]) -> Optional[Function]:
    """The function of `twins` with f's kernel and the very same C signature, or None: the
    ctypes table then gives f the twin's entry."""
    for t in twins:
        if t.kernel == f.kernel and t.ret == f.ret and t.params == f.params:
            return t
    return None


def fortran_block(funcs: Sequence[Function], header: str) -> List[str]:
    """The generated block: the public list and one interface body per function."""
    names = ["c_" + f.name for f in funcs]
    out = [f"    ! BEGIN GENERATED by tools/gen_doors.py from {header}; do not edit by hand."]
    out += wrap("public :: ", names, " " * 4, " " * 8)
    out.append("")
    out.append("    interface")
    for f in funcs:  # one after the other: each ends with its `end` line
        out += fortran_interface(f)
    out.append("    end interface")
    out.append("    ! END GENERATED")
    return out


def splice(text: str, block: Sequence[str], path: str) -> str:
    lines = text.split("\n")
    begin = [i for i, ln in enumerate(lines) if ln.strip().startswith("! BEGIN GENERATED")]
    end = [i for i, ln in enumerate(lines) if ln.strip() == "! END GENERATED"]
    if len(begin) != 1 or len(end) != 1 or end[0] < begin[0]:
        raise SystemExit(f"{path}: needs exactly one '! BEGIN GENERATED' ... '! END GENERATED'")
    return "\n".join(lines[: begin[0]] + list(block) + lines[end[0] + 1:])


# ---------------------------------------------------------------------------------------------
# ctypes


def ctypes_type(p: Param) -> str:
    if p.ctype in ("funptr", "void") or (p.pointer and p.array and p.ctype != "char"):
        return "_p"
    if p.ctype == "char":
        return "c_char_p"
    t = SCALARS[p.ctype][2]
    return f"POINTER({t})" if p.pointer else t


def ctypes_module(speedup: Sequence[Function], legacy: Sequence[Function]) -> str:
    rets = {"speedup_status": "c_int32", "size_t": "c_size_t", "void": "None",
            "const char *": "c_char_p"}

    def sig(f: Function) -> Tuple[List[str], str]:
        return [ctypes_type(p) for p in f.params], rets[f.ret]

    # The float32 functions whose ctypes signature is their float64 function's (arrays travel
    # as addresses, whatever their element type): written once, then copied.
    by_name = {f.name: f for f in speedup}
    f32_twins = [f.name for f in speedup if f.name.endswith("_f32")
                 and f.name[:-4] in by_name and sig(by_name[f.name[:-4]]) == sig(f)]

    def table(name: str, funcs: Sequence[Function], twins: Sequence[Function] = ()) -> List[str]:
        out = [f"{name}: Dict[str, Tuple[List[Any], Any]] = {{"]
        for f in funcs:
            twin = twin_of(f, twins)
            if twin is not None:  # the same C signature as the Rust kernel's: written once
                out.append(f'    "{f.name}": SPEEDUP["{twin.name}"],')
                continue
            if f.name in f32_twins:
                continue
            args, ret = sig(f)
            entry = f'    "{f.name}": ([{", ".join(args)}], {ret}),'
            if len(entry) > MAX_LINE:
                entry = f'    "{f.name}": (\n        [{", ".join(args)}],\n        {ret},\n    ),'
            out.append(entry)
        out.append("}")
        return out

    def f32_copies() -> List[str]:
        if not f32_twins:
            return []
        out = ["", "# The float32 functions with the ctypes signature of their float64 function (an array",
               "# travels as an address, whatever its element type).",
               "for _f32 in ("]
        line = "   "
        for n in f32_twins:
            if len(f'{line} "{n}",') > MAX_LINE:
                out.append(line)
                line = "   "
            line += f' "{n}",'
        out += [line, "):", '    SPEEDUP[_f32] = SPEEDUP[_f32[: -len("_f32")]]']
        return out

    lines = [
        '"""ctypes signatures, ``C name -> (argtypes, restype)``, of every function of',
        "``include/speedup.h`` (``SPEEDUP``) and ``include/speedup_legacy.h`` (``LEGACY``).",
        "",
        "GENERATED by tools/gen_doors.py from the headers; do not edit by hand. An array travels as",
        "a raw address (``c_void_p``), a scalar output as a pointer to its type.",
        '"""',
        "",
        "from ctypes import (",
        "    POINTER, c_bool, c_char_p, c_double, c_float, c_int32, c_size_t, c_ssize_t, c_uint64, c_void_p,",
        ")",
        "from typing import Any, Dict, List, Tuple",
        "",
        '__all__ = ["SPEEDUP", "LEGACY"]',
        "",
        "_p = c_void_p",
        "",
        *table("SPEEDUP", speedup),
        *f32_copies(),
        "",
        *table("LEGACY", legacy, speedup),
        "",
    ]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------


def generate(root: Path, speedup_h: Optional[str] = None) -> Dict[Path, str]:
    """The generated files' full new contents, by path."""
    sh = speedup_h if speedup_h is not None else (root / "include/speedup.h").read_text()
    speedup = parse_header(sh, "include/speedup.h")
    legacy = parse_header((root / "include/speedup_legacy.h").read_text(), "include/speedup_legacy.h")
    if not speedup or not legacy:
        raise SystemExit("gen_doors: no speedup_* declarations found in a header")
    out: Dict[Path, str] = {}
    # Each legacy routine gets an interface body of its own, although most have their Rust
    # kernel's C signature: declared as `procedure(<kernel's interface>), bind(C, ...)`,
    # gfortran 12 passes a value argument by reference in a keyword call that follows a
    # positional call of the same routine (a crash; tests/fortran/test_legacy_door.f90).
    for rel, funcs, header in (
        ("fortran_src/speedup/speedup_c.f90", speedup, "include/speedup.h"),
        ("fortran_src/speedup/speedup_legacy.f90", legacy, "include/speedup_legacy.h"),
    ):
        path = root / rel
        out[path] = splice(path.read_text(), fortran_block(funcs, header), rel)
    out[root / "python/speedup/_signatures.py"] = ctypes_module(speedup, legacy)
    return out


def stale(files: Dict[Path, str]) -> List[str]:
    msgs = []
    for path, new in files.items():
        old = path.read_text() if path.exists() else ""
        if old != new:
            rel = str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)
            diff = difflib.unified_diff(old.splitlines(), new.splitlines(), rel, rel + " (generated)",
                                        lineterm="", n=1)
            msgs.append("\n".join(list(diff)[:40]))
    return msgs


def self_test() -> int:
    """--check must fail when speedup.h declares a function the doors lack."""
    extra = "speedup_status speedup_not_bound(const double *x, size_t n, double *out);\n"
    text = (ROOT / "include/speedup.h").read_text().replace("#ifdef __cplusplus\n}", extra + "#ifdef __cplusplus\n}", 1)
    msgs = stale(generate(ROOT, text))
    caught = any("speedup_not_bound" in m for m in msgs)
    if not caught:
        print("gen_doors self-test: a header with speedup_not_bound was NOT detected", file=sys.stderr)
        return 1
    print("gen_doors self-test: a header with one more function is detected")
    return 0


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="exit 1 when a generated file is stale")
    ap.add_argument("--self-test", action="store_true", help="check that --check catches drift")
    a = ap.parse_args(argv)
    if a.self_test:
        return self_test()
    files = generate(ROOT)
    if a.check:
        msgs = stale(files)
        for m in msgs:
            print(m, file=sys.stderr)
        if msgs:
            print("gen_doors: stale; run `python3 tools/gen_doors.py`", file=sys.stderr)
            return 1
        print(f"gen_doors: {len(files)} generated files match the headers")
        return 0
    for path, new in files.items():
        if not path.exists() or path.read_text() != new:
            path.write_text(new)
            print(f"gen_doors: wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
