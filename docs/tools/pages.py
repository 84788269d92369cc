"""What the generators of docs/ pages share: the command line (write the page, or --check that
it is up to date) and its messages.

Standard library only.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Callable, List, Optional

ROOT = Path(__file__).resolve().parents[2]


def page_main(doc: str, tag: str, out: Path, render: Callable[[], str], summary: Callable[[str], str],
              argv: Optional[List[str]] = None) -> int:
    """Writes the page `out` that `render` gives, or with --check fails when `out` differs from
    it. `doc` is the generator's docstring (its first paragraph is the help text), `tag` the
    prefix of its messages, `summary` what the page holds (e.g. "12 functions")."""
    page = out.relative_to(ROOT)
    script = Path(sys.argv[0]).resolve()
    script_name = script.relative_to(ROOT) if script.is_relative_to(ROOT) else script.name
    ap = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help=f"fail when {page} is stale")
    args = ap.parse_args(argv)
    text = render()
    if args.check:
        if not out.exists() or out.read_text() != text:
            print(f"{page} is stale: run python3 {script_name}", file=sys.stderr)
            return 1
        print(f"{tag}: {page} up to date ({summary(text)})")
        return 0
    out.write_text(text)
    print(f"{tag}: wrote {page} ({summary(text)})")
    return 0
