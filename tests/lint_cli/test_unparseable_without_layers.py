"""A file that does not parse is KAI900 even when it names no Keras layer; valid files are quiet."""

from __future__ import annotations

from kaiming_lint.results import LintOptions
from kaiming_lint.sources.python import lint_bytes


def codes_and_lines(source: bytes) -> list[tuple[str, int]]:
    return [(f.code, f.line) for f in lint_bytes(source, "x.py", LintOptions()).findings]


def test_a_syntax_error_in_a_file_without_layers_is_reported_with_its_line():
    assert codes_and_lines(b"import os\n\ndef f(:\n    pass\n") == [("KAI900", 3)]


def test_python2_syntax_without_layers_is_reported():
    (finding,) = lint_bytes(b"x = 1\nprint 'hello'\n", "x.py", LintOptions()).findings
    assert (finding.code, finding.line) == ("KAI900", 2)
    assert "print" in finding.message


def test_newer_syntax_that_libcst_reads_is_not_reported():
    # PEP 695 generics: rejected by Python 3.11's parser, accepted by libcst.
    assert codes_and_lines(b"def first[T](items: list[T]) -> T:\n    return items[0]\n") == []


def test_valid_files_without_layers_stay_quiet():
    assert codes_and_lines(b"import numpy as np\n\nx = np.zeros(3)\n") == []


def test_kai900_can_be_ignored():
    options = LintOptions(ignore=("KAI900",))
    assert lint_bytes(b"def f(:\n", "x.py", options).findings == []
