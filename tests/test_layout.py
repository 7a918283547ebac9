"""The shape of the code: modules stay small, and the tests mirror the package.

- A module over ``MAX_LINES`` lines fails unless it is in ``OVER_THE_LIMIT`` with a reason; an
  entry that is no longer over the limit fails too, so the list only shrinks.
- ``tests/<dir>/`` names a package of ``inspector/`` (``tests/domain/lint`` ->
  ``inspector/domain/lint``) or is one of ``CROSS_CUTTING``, which test several packages
  together; the test files directly in ``tests/`` check the repository as a whole.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "inspector"
TESTS = ROOT / "tests"
MAX_LINES = 400

# module (relative to inspector/) -> why it is still over MAX_LINES
OVER_THE_LIMIT = {
    "domain/lint/catalogue.py": "rule table: one entry per rule (id, severity, text), data",
    "domain/lint/catalogue_more.py": "rule table continued: one entry per rule, data",
    "domain/lint/rules_envelope.py": "envelope rules, one function each; grew past 400 with the "
    "lint speed work (issue 12)",
}

# tests/<dir> that test several packages together, and why
CROSS_CUTTING = {
    "clients": "the real client libraries (Python, Node, browser, mobile) against the collector",
    "integration": "whole processes: durability across crashes and restarts",
    "lan": "serving beyond loopback, inside a private network namespace",
    "qa": "the QA features end to end: pytest plugin, flows, assert, wait, coverage, report, diff",
    "tls": "HTTPS end to end: certificates, HTTPS clients, the phone page",
    "fixtures": "data the tests read (no tests)",
}

# test files directly in tests/: checks of the repository as a whole
TOP_LEVEL = {
    "test_architecture.py",
    "test_docs_examples.py",
    "test_layout.py",
    "test_min_versions.py",
    "test_quality.py",
}


def _lines(path: Path) -> int:
    return len(path.read_text("utf-8").splitlines())


def test_no_module_over_the_limit_unless_listed():
    sizes = {str(p.relative_to(PACKAGE)): _lines(p) for p in PACKAGE.rglob("*.py")}
    over = {m: n for m, n in sizes.items() if n > MAX_LINES and m not in OVER_THE_LIMIT}
    assert not over, f"modules over {MAX_LINES} lines (split them): {over}"
    stale = {m: sizes.get(m) for m in OVER_THE_LIMIT if sizes.get(m, 0) <= MAX_LINES}
    assert not stale, (
        f"no longer over {MAX_LINES} lines (or gone): drop from OVER_THE_LIMIT: {stale}"
    )


def _packages(root: Path) -> set[str]:
    return {p.name for p in root.iterdir() if (p / "__init__.py").is_file()}


def _test_dirs(root: Path) -> set[str]:
    return {
        p.name
        for p in root.iterdir()
        if p.is_dir()
        and p.name not in ("__pycache__", "node_modules")
        and not p.name.startswith(".")
    }


def test_test_directories_mirror_the_package():
    strays = []
    for name in sorted(_test_dirs(TESTS)):
        if name in CROSS_CUTTING:
            continue
        if name not in _packages(PACKAGE):
            strays.append(f"tests/{name}")
            continue
        stack = [(TESTS / name, PACKAGE / name)]
        while stack:
            tdir, pdir = stack.pop()
            for sub in sorted(_test_dirs(tdir)):
                if sub in _packages(pdir):
                    stack.append((tdir / sub, pdir / sub))
                else:
                    strays.append(str((tdir / sub).relative_to(ROOT)))
    assert not strays, f"test directories that name no package of inspector/: {strays}"


def test_top_level_test_files_check_the_repository():
    files = {p.name for p in TESTS.glob("test_*.py")}
    assert files <= TOP_LEVEL, f"put these next to what they test: {sorted(files - TOP_LEVEL)}"


def test_the_lists_name_what_exists():
    assert set(CROSS_CUTTING) <= _test_dirs(TESTS)
    assert not set(CROSS_CUTTING) & _packages(PACKAGE)
    assert all((TESTS / f).is_file() for f in TOP_LEVEL)
