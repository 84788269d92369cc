"""The public Python API is documented, and its documentation runs.

- Every ``>>>`` example in ``speedup``, ``speedup.legacy`` and ``speedup.dask`` runs as a doctest
  and prints what it says, on both backends (the autouse ``backend`` fixture of conftest.py runs
  each test once per backend), with Dask on its synchronous scheduler, within a time limit.
- Every public function (the callables in each module's ``__all__``) has a numpydoc docstring
  that passes the rules in ``RULES`` (numpydoc.validate, installed by scripts/python-setup.sh),
  and at least one example that the doctest run executes.
"""

from __future__ import annotations

import doctest
import importlib
import io
import sys
import time
from typing import Any, Dict, List, Tuple

import pytest

MODULES = ("speedup", "speedup.legacy", "speedup.dask")

# numpydoc.validate codes a public docstring must not report. The rest (ES01 extended summary,
# SA01/SA04 See Also, YD01 for the ``threads`` context manager, which documents what the call
# returns) are style, not content.
RULES = {
    "GL08": "no docstring",
    "SS01": "no summary",
    "SS02": "summary does not start with a capital letter",
    "SS03": "summary does not end with a period",
    "SS05": "summary starts with a third-person verb",
    "PR01": "a parameter is not documented",
    "PR02": "a documented parameter does not exist",
    "PR07": "a parameter has no description",
    "PR08": "a parameter description does not start with a capital letter",
    "RT01": "no Returns section (the function returns something)",
    "RT03": "a return value has no description",
    "RT04": "a return description does not start with a capital letter",
    "EX01": "no Examples section",
}

# Lower bounds on the examples run per module, so that a finder that silently finds nothing
# fails (the counts today: speedup 63, speedup.legacy 32, speedup.dask 55).
MIN_EXAMPLES = {"speedup": 60, "speedup.legacy": 25, "speedup.dask": 50}


def _public_functions(module_name: str) -> List[Tuple[str, Any]]:
    module = importlib.import_module(module_name)
    return [
        (f"{module_name}.{name}", getattr(module, name))
        for name in module.__all__
        if callable(getattr(module, name))
    ]


def _run_doctests(module_name: str) -> Tuple[doctest.TestResults, Dict[str, int], str]:
    """Runs every docstring example of the module; returns the results, the examples run per
    docstring (by qualified name) and the failure report."""
    import dask

    module = importlib.import_module(module_name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS, verbose=False)
    report = io.StringIO()
    per_docstring: Dict[str, int] = {}
    with dask.config.set(scheduler="synchronous"):
        for test in finder.find(module, module_name):
            result = runner.run(test, out=report.write)
            per_docstring[test.name] = result.attempted
    return runner.summarize(verbose=False), per_docstring, report.getvalue()


@pytest.mark.timeout(120)
@pytest.mark.parametrize("module_name", MODULES)
def test_docstring_examples_run(module_name: str, backend: str) -> None:
    import speedup

    assert speedup.backend == backend
    threads_before = speedup.get_num_threads()
    start = time.perf_counter()
    result, per_docstring, report = _run_doctests(module_name)
    elapsed = time.perf_counter() - start
    assert result.failed == 0, f"{result.failed} failing examples on {backend}:\n{report}"
    assert result.attempted >= MIN_EXAMPLES[module_name], per_docstring
    # every public function's examples were found and run (a decorator that hides a function
    # from doctest's finder, e.g. one whose globals are another module's, fails here)
    missing = [name for name, _ in _public_functions(module_name) if not per_docstring.get(name)]
    assert not missing, f"public functions whose examples did not run: {missing}"
    # the examples leave speedup's state as they found it
    assert speedup.backend == backend
    assert speedup.get_num_threads() == threads_before
    assert elapsed < 60, f"the examples of {module_name} took {elapsed:.1f} s"


@pytest.mark.parametrize("module_name", MODULES)
def test_public_functions_have_numpydoc_docstrings(module_name: str) -> None:
    from numpydoc.validate import validate

    problems = []
    functions = _public_functions(module_name)
    assert functions
    for qualname, _ in functions:
        for code, message in validate(qualname)["errors"]:
            if code in RULES:
                problems.append(f"{qualname}: {code} ({RULES[code]}): {message}")
    assert not problems, "\n".join(problems)


def test_the_validation_bites(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The rules catch what they are meant to: an undocumented function, one without
    Parameters/Returns/Examples, and a documented parameter that does not exist."""
    from numpydoc.validate import validate

    (tmp_path / "speedup_doccheck_selftest.py").write_text(
        "def bare(x):\n"
        "    return x\n"
        "\n"
        "def thin(x, y):\n"
        '    """Add two numbers.\n'
        "\n"
        "    Parameters\n"
        "    ----------\n"
        "    x : float\n"
        "        The first.\n"
        "    z : float\n"
        "        Not a parameter.\n"
        '    """\n'
        "    return x + y\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "speedup_doccheck_selftest", raising=False)
    codes = {
        name: {c for c, _ in validate(f"speedup_doccheck_selftest.{name}")["errors"]}
        for name in ("bare", "thin")
    }
    assert "GL08" in codes["bare"]
    assert {"PR01", "PR02", "RT01", "EX01"} <= codes["thin"] & set(RULES)
