"""``python -m speedup <command>`` and the ``speedup`` console script.

Commands: ``bench`` (the benchmark showcase, ``speedup bench --help``)."""

from __future__ import annotations

import os
import sys
from typing import List, Optional

USAGE = "usage: speedup bench [--quick] [--only KERNEL] [--threads LIST] [--out DIR] (speedup bench --help)"


def main(argv: Optional[List[str]] = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help"):
        print(USAGE)
        print(__doc__.split("\n\n", 1)[1].strip())
        return 0 if args else 2
    if args[0] != "bench":
        print(f"speedup: unknown command {args[0]!r}\n{USAGE}", file=sys.stderr)
        return 2
    if argv is None and "OMP_WAIT_POLICY" not in os.environ:
        # libgomp (the legacy routines, Numba's OpenMP layer) reads this once at load: idle
        # OpenMP threads must not spin on a core that the next contestant needs.
        os.environ["OMP_WAIT_POLICY"] = "passive"
        os.execv(sys.executable, [sys.executable, "-m", "speedup", *args])
    from .bench import cli

    return cli.main(args[1:])


if __name__ == "__main__":
    sys.exit(main())
