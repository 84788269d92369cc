"""``python -m speedup`` and the ``speedup`` console script.

Commands:

- ``speedup bench [...]``: the benchmark showcase (``speedup bench --help``);
- ``speedup info [--json]``: this installation's configuration (``speedup.show_config()``);
- ``speedup --version``: prints ``speedup <version>``."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import List, Optional


class _Version(argparse.Action):
    """``--version``: ``speedup <version>`` of the library that loads (read only when asked)."""

    def __init__(self, option_strings: List[str], dest: str, **kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs=0, help="print 'speedup <version>' and exit")

    def __call__(self, parser: argparse.ArgumentParser, *args: object) -> None:
        try:
            import speedup

            v = speedup.__version__
        except ImportError:  # the library does not load: the installed distribution's version
            from importlib.metadata import version

            v = version("speedup-kernels")
        print(f"speedup {v}")
        parser.exit()


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="speedup",
        description="speedup: fast, deterministic numerical kernels, written once in Rust.",
        epilog="'speedup COMMAND --help' describes a command.",
    )
    p.add_argument("--version", action=_Version)
    sub = p.add_subparsers(dest="command", metavar="COMMAND", title="commands")
    # `bench` has its own parser (speedup/bench/cli.py): everything after the word goes to it as
    # is, --help included.
    sub.add_parser(
        "bench",
        add_help=False,
        help="race the kernels against Python, NumPy, Numba and the legacy routines (speedup bench --help)",
    )
    info = sub.add_parser(
        "info",
        help="print this installation's configuration: version, build, backend and library, "
        "threads and where the count comes from, SIMD paths, legacy routines, OpenMP runtime",
        description="Print speedup's configuration (speedup.show_config()), one 'key: value' per "
        "line; the keys are described in docs/config.md.",
    )
    info.add_argument("--json", action="store_true", help="print speedup.config() as a JSON object")
    info.add_argument(
        "--backend",
        choices=("pyo3", "ctypes"),
        help="report on this backend (default: the one `import speedup` picks; SPEEDUP_BACKEND)",
    )
    return p


def _info(args: argparse.Namespace) -> int:
    import speedup

    if args.backend:
        speedup._use_backend(args.backend)
    if args.json:
        print(json.dumps(speedup.config(), indent=2))
    else:
        speedup.show_config()
    return 0


def main(argv: Optional[List[str]] = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    p = parser()
    ns, extra = p.parse_known_args(args)
    if ns.command is None:
        if extra:
            p.error(f"unrecognized arguments: {' '.join(extra)}")
        p.print_help(sys.stderr)
        return 2
    if ns.command == "info":
        if extra:
            p.error(f"unrecognized arguments: {' '.join(extra)}")
        return _info(ns)
    # bench: the arguments after the word, verbatim.
    rest = args[args.index("bench") + 1 :]
    if extra != rest:
        p.error(f"unrecognized arguments: {' '.join(a for a in extra if a not in rest)}")
    if argv is None and "OMP_WAIT_POLICY" not in os.environ:
        # libgomp (the legacy routines, Numba's OpenMP layer) reads this once at load: idle
        # OpenMP threads must not spin on a core that the next contestant needs.
        os.environ["OMP_WAIT_POLICY"] = "passive"
        os.execv(sys.executable, [sys.executable, "-m", "speedup", *args])
    from .bench import cli

    return cli.main(rest)


if __name__ == "__main__":
    sys.exit(main())
