#!/usr/bin/env python3
"""Fails when a file that ships or that users read points outside the repository.

Scans README.md, docs/**/*.md, include/*.h, python/speedup/**/*.py and *.pyi,
fortran_src/**/*.f90, c_src/**, crates/*/src/**/*.rs, crates/*/README.md, crates/*/cbindgen.toml
(the source of the shipped header's text), examples/**, cmake/**, CMakeLists.txt and the
Cargo.toml files, and reports:

- a Markdown link ``[text](target)`` (in .md files and in Rust comments) whose relative target
  does not exist in the repository or resolves outside its root;
- a ``#anchor`` of such a link, into a Markdown file of the repository, that matches no heading
  (GitHub's slugs: lowercase, spaces to '-', punctuation other than '-' and '_' dropped,
  repeated headings get '-1', '-2', ...);
- any mention of ``shared/KERNELS.md``, of a ``shared/`` folder, of ``KERNELS.md`` or
  ``DESIGN.md`` (the team's files, which are not in the repository), and any relative path
  (``../...``) that climbs out of the repository from the file that holds it.

External http(s) links are allowed; they are listed, not fetched. Each problem is printed as
``file:line: message``; the last line is ``links: N checked, M failed``; the exit status is 1
when anything failed.

    python3 tests/docs/check_links.py             # check this repository
    python3 tests/docs/check_links.py --root DIR  # check another tree laid out the same way
    python3 tests/docs/check_links.py --selftest  # prove that it bites (temporary trees)

Standard library only.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Set, Tuple

ROOT = Path(__file__).resolve().parents[2]

# What ships or what users read, as glob patterns relative to the root.
PATTERNS = (
    "README.md",
    "docs/**/*.md",
    "include/*.h",
    "python/speedup/**/*.py",
    "python/speedup/**/*.pyi",
    "fortran_src/**/*.f90",
    "c_src/**/*",
    "crates/*/src/**/*.rs",
    "crates/*/README.md",
    "crates/*/cbindgen.toml",
    "examples/**/*",
    "cmake/**/*",
    "CMakeLists.txt",
    "Cargo.toml",
    "crates/*/Cargo.toml",
)

URL = re.compile(r"https?://[^\s<>\"'`)\]]+")
# [text](target) or [text](target "title"); text may hold one level of brackets or backticks.
MD_LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
OUTSIDE_NAMES = re.compile(r"(?<![\w/.-])(?:[\w.-]+/)*(KERNELS\.md|DESIGN\.md)\b")
SHARED_DIR = re.compile(r"(?<![\w-])shared/")
# A relative path that starts by climbing: ../x, ../../x, "..", optionally after a literal prefix.
CLIMB = re.compile(r"(?<![\w.])((?:\.\./)+[^\s\"'`()<>,;\[\]*|]*|\.\.(?=[\"'`\s]|$))")
PREFIX = re.compile(r"([\w.-]+(?:/[\w.-]+)*)/$")
FENCE = re.compile(r"^\s*(```|~~~)")
HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
HTML_ANCHOR = re.compile(r"<a\s+(?:name|id)=\"([^\"]+)\"", re.I)


def shipped_files(root: Path) -> List[Path]:
    found: Set[Path] = set()
    for pattern in PATTERNS:
        for p in root.glob(pattern):
            skipped = any(part in ("target", "__pycache__", ".git") for part in p.relative_to(root).parts)
            if p.is_file() and not skipped:
                found.add(p)
    return sorted(found)


def read_lines(path: Path) -> Optional[List[str]]:
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except (UnicodeDecodeError, OSError):
        return None  # binary (e.g. an image): nothing to check


def slug(text: str) -> str:
    """GitHub's anchor for a heading's text."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)  # a link shows its text
    text = re.sub(r"<[^>]+>", "", text)  # inline HTML
    text = text.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(path: Path, cache: Dict[Path, Set[str]]) -> Set[str]:
    if path in cache:
        return cache[path]
    seen: Dict[str, int] = {}
    result: Set[str] = set()
    in_fence = False
    for line in read_lines(path) or []:
        if FENCE.match(line):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        result.update(HTML_ANCHOR.findall(line))
        m = HEADING.match(line)
        if not m:
            continue
        base = slug(m.group(2))
        n = seen.get(base, 0)
        seen[base] = n + 1
        result.add(base if n == 0 else f"{base}-{n}")
    cache[path] = result
    return result


def inside(root: Path, target: Path) -> bool:
    try:
        target.relative_to(root)
        return True
    except ValueError:
        return False


class Checker:
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.checked = 0
        self.problems: List[Tuple[str, int, str]] = []
        self.external: List[Tuple[str, int, str]] = []
        self._anchors: Dict[Path, Set[str]] = {}

    def fail(self, rel: str, line: int, message: str) -> None:
        self.problems.append((rel, line, message))

    def resolve(self, base_dir: Path, target: str) -> Path:
        if target.startswith("/"):  # GitHub: relative to the repository root
            return Path(os.path.normpath(self.root / target.lstrip("/")))
        return Path(os.path.normpath(base_dir / target))

    def check_md_link(self, path: Path, rel: str, n: int, target: str) -> None:
        if re.match(r"https?://", target):
            self.external.append((rel, n, target))
            return
        if re.match(r"[a-z][a-z0-9+.-]*:", target, re.I):  # mailto:, ftp:, ...
            return
        self.checked += 1
        file_part, _, anchor = target.partition("#")
        if file_part:
            dest = self.resolve(path.parent, file_part)
            if not inside(self.root, dest):
                self.fail(rel, n, f"link '{target}' leaves the repository")
                return
            if not dest.exists():
                where = dest.relative_to(self.root)
                self.fail(rel, n, f"link '{target}' points at {where}, which does not exist")
                return
        else:
            dest = path
        if anchor and dest.is_file() and dest.suffix == ".md":
            if anchor not in anchors(dest, self._anchors):
                where = dest.relative_to(self.root)
                self.fail(rel, n, f"link '{target}': no heading of {where} has the anchor '#{anchor}'")

    def check_mentions(self, path: Path, rel: str, n: int, line: str, skip: Iterable[str]) -> None:
        text = URL.sub(" ", line)
        for t in skip:
            text = text.replace(t, " ")
        if "shared/KERNELS.md" in text:
            self.checked += 1
            self.fail(rel, n, "mentions shared/KERNELS.md, outside the repository: "
                      "point at docs/contract.md")
            text = text.replace("shared/KERNELS.md", " ")
        for m in OUTSIDE_NAMES.finditer(text):
            self.checked += 1
            if not (path.parent / m.group(0)).exists() and not (self.root / m.group(0)).exists():
                self.fail(
                    rel, n, f"mentions {m.group(1)}, which is not in the repository"
                    + (": point at docs/contract.md" if m.group(1) == "KERNELS.md" else "")
                )
        for m in SHARED_DIR.finditer(text):
            self.checked += 1
            self.fail(rel, n, "mentions a shared/ folder outside the repository")
        for m in CLIMB.finditer(text):
            target = m.group(1)
            while target[-1] in ":," or (target.endswith(".") and not target.endswith("..")):
                target = target[:-1]  # sentence punctuation after the path
            pm = PREFIX.search(text[: m.start()])
            if pm and m.start() > 0 and text[m.start() - 1] == "/":
                target = pm.group(1) + "/" + target
            self.checked += 1
            dest = self.resolve(path.parent, target)
            if not inside(self.root, dest):
                base = path.parent.relative_to(self.root)
                self.fail(rel, n, f"path '{target}' climbs out of the repository (from {base}/)")

    def run(self, files: Optional[List[Path]] = None) -> int:
        for path in files if files is not None else shipped_files(self.root):
            lines = read_lines(path)
            if lines is None:
                continue
            rel = str(path.relative_to(self.root))
            is_md = path.suffix == ".md"
            in_fence = False
            for n, line in enumerate(lines, 1):
                links: List[str] = []
                if is_md and FENCE.match(line):
                    in_fence = not in_fence
                elif (is_md and not in_fence) or (path.suffix == ".rs" and line.lstrip().startswith("//")):
                    for m in MD_LINK.finditer(line):
                        links.append(m.group(0))
                        self.check_md_link(path, rel, n, m.group(1))
                if not is_md:
                    for u in URL.findall(line):
                        self.external.append((rel, n, u))
                self.check_mentions(path, rel, n, line, links)
        return self.report()

    def report(self) -> int:
        if self.external:
            print("external links (allowed, not fetched):")
            for rel, n, url in self.external:
                print(f"  {rel}:{n}: {url}")
        if self.problems:
            print("problems:")
            for rel, n, msg in sorted(self.problems, key=lambda p: (p[0], p[1])):
                print(f"{rel}:{n}: {msg}")
            files = sorted({p[0] for p in self.problems})
            print(f"files to fix ({len(files)}): {', '.join(files)}")
        print(f"links: {self.checked} checked, {len(self.problems)} failed")
        return 1 if self.problems else 0


def selftest() -> int:
    """Builds a small tree with one good and several bad references of each kind and checks that
    exactly the bad ones fail; then a clean tree, which must pass."""
    import contextlib
    import io

    def run(root: Path) -> Tuple[int, str]:
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            rc = Checker(root).run()
        return rc, buf.getvalue()

    with tempfile.TemporaryDirectory() as tmp:
        outer = Path(tmp)
        root = outer / "repo"
        (root / "docs").mkdir(parents=True)
        (root / "include").mkdir()
        (root / "examples" / "c").mkdir(parents=True)
        (outer / "shared").mkdir()
        (outer / "shared" / "KERNELS.md").write_text("# outside\n")
        (root / "docs" / "contract.md").write_text(
            "# The contract\n\n## Kernels\n\n### `sum`, `mean`, `std`\n\n## Planned (not yet in this release)\n"
            "\n## Kernels\n\n```md\n# not a heading\n[nor](a-link.md)\n```\n"
        )
        (root / "README.md").write_text(
            "# demo\n"
            "[good](docs/contract.md) [good anchor](docs/contract.md#sum-mean-std)\n"
            "[good planned](docs/contract.md#planned-not-yet-in-this-release) [dup](docs/contract.md#kernels-1)\n"
            "[self](#demo) [web](https://example.org/x)\n"
            "[bad: escapes](../shared/KERNELS.md)\n"        # leaves + shared/KERNELS.md mention (skipped: in link)
            "[bad: missing](docs/nope.md)\n"
            "[bad: anchor](docs/contract.md#no-such-heading)\n"
            "[bad: code-block heading](docs/contract.md#not-a-heading)\n"
            "plain text naming KERNELS.md\n"                 # bad: outside name
        )
        (root / "include" / "x.h").write_text(
            "/* see shared/KERNELS.md */\n"                   # bad
            '#include "../include/x.h"\n'                      # good: stays inside
            '#include "../../outside.h"\n'                     # bad: climbs out
        )
        (root / "examples" / "c" / "run.sh").write_text(
            'cd "$(dirname "$0")/../.."\n'                     # good: the root
            'cd "$(dirname "$0")/../../.."\n'                  # bad: above the root
        )
        rc, out = run(root)
        expected = [
            "README.md:5:", "README.md:6:", "README.md:7:", "README.md:8:", "README.md:9:",
            "include/x.h:1:", "include/x.h:3:", "examples/c/run.sh:2:",
        ]
        problems = [l for l in out.splitlines() if re.match(r"^\S+:\d+: ", l)]
        errors = []
        if rc != 1:
            errors.append(f"exit status {rc} on a bad tree, expected 1")
        for e in expected:
            if not any(p.startswith(e) for p in problems):
                errors.append(f"no problem reported at {e}")
        for p in problems:
            if not any(p.startswith(e) for e in expected):
                errors.append(f"unexpected problem: {p}")
        if "https://example.org/x" not in out:
            errors.append("the external link is not listed")
        if not re.search(r"^links: \d+ checked, \d+ failed$", out.splitlines()[-1]):
            errors.append(f"last line is not the summary: {out.splitlines()[-1]!r}")

        # The same tree, fixed, passes.
        (root / "README.md").write_text("# demo\n[good](docs/contract.md#kernels)\n")
        (root / "include" / "x.h").write_text("/* see docs/contract.md */\n")
        (root / "examples" / "c" / "run.sh").write_text('cd "$(dirname "$0")/../.."\n')
        rc2, out2 = run(root)
        if rc2 != 0:
            errors.append(f"a clean tree failed:\n{out2}")
    if errors:
        print("selftest FAILED:\n  " + "\n  ".join(errors))
        print("output on the bad tree was:\n" + out)
        return 1
    print(f"selftest: ok ({len(expected)} planted problems found, clean tree passes)")
    return 0


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--root", type=Path, default=ROOT, help="the repository root (default: this checkout)")
    ap.add_argument("--selftest", action="store_true", help="prove the checker fails on planted bad links")
    args = ap.parse_args(argv)
    if args.selftest:
        return selftest()
    return Checker(args.root).run()


if __name__ == "__main__":
    sys.exit(main())
