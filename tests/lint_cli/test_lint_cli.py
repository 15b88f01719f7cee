"""The command line: exit status, selection, --explain, stdin, --diff, --jobs."""

from __future__ import annotations

import json

import pytest

from kaiming_lint.rules import RULES

from .lint_helpers import MODEL

CLEAN = 'from keras import layers\n\nhidden = layers.Dense(8, activation="relu", kernel_initializer="he_normal")\n'


def test_exit_status_follows_findings(cli, write):
    write("clean.py", CLEAN)
    write("model.py", MODEL)
    clean = cli("clean.py")
    assert (clean.code, clean.out.strip()) == (0, "All checks passed.")
    found = cli("model.py")
    assert found.code == 1
    lines = found.out.splitlines()
    assert sorted(line.split()[1] for line in lines[:4]) == ["KAI001", "KAI002", "KAI003", "KAI004"]
    assert all(line.startswith("model.py:") and line.endswith(" [*]") for line in lines[:4])
    assert lines[4] == "Found 4 findings (4 fixable)."


def test_text_lines_point_at_the_reported_code(cli, write):
    write("model.py", MODEL)
    source_lines = MODEL.splitlines()
    for line in cli("model.py").out.splitlines()[:4]:
        location, code = line.split(": ")[0], line.split()[1]
        _, row, column = location.split(":")
        text = source_lines[int(row) - 1][int(column) - 1 :]
        expected_start = {
            "KAI001": "layers.Dense(64",
            "KAI002": '"glorot_uniform"',
            "KAI003": 'bias_initializer="ones"',
            "KAI004": '"zeros"',
        }[code]
        assert text.startswith(expected_start), line


def test_exit_zero(cli, write):
    write("model.py", MODEL)
    assert cli("--exit-zero", "model.py").code == 0


def test_select_and_ignore_with_prefixes(cli, write):
    write("model.py", MODEL)

    def reported(*options: str) -> list[str]:
        out = cli("--format", "json", *options, "model.py").out
        return sorted(item["code"] for item in json.loads(out))

    assert reported("--select", "KAI003") == ["KAI003"]
    assert reported("--select", "KAI001,KAI004") == ["KAI001", "KAI004"]
    assert reported("--select", "KAI00", "--ignore", "KAI001,KAI002") == ["KAI003", "KAI004"]
    assert reported("--ignore", "KAI") == []
    assert cli("--ignore", "KAI", "model.py").code == 0


@pytest.mark.parametrize("option", ["--select", "--ignore"])
def test_unknown_code_is_a_usage_error(cli, write, option):
    write("model.py", MODEL)
    run = cli(option, "KAI001,XYZ9", "model.py")
    assert run.code == 2
    assert len(run.err.strip().splitlines()) == 1
    assert "XYZ9" in run.err and option in run.err


def test_missing_path_is_a_usage_error(cli):
    run = cli("does_not_exist.py")
    assert run.code == 2
    assert run.err.strip().splitlines() == [run.err.strip()]
    assert "does_not_exist.py" in run.err


def test_bad_option_value_is_one_line(cli, write):
    write("model.py", MODEL)
    for args in (["--format", "xml"], ["--jobs", "0"], ["--fix-style", "torch"], ["--bogus"]):
        run = cli(*args, "model.py")
        assert run.code == 2, args
        assert len(run.err.strip().splitlines()) == 1, run.err


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.code)
def test_explain_prints_the_rule_documentation(cli, rule):
    run = cli("--explain", rule.code.lower())
    assert run.code == 0
    assert rule.code in run.out and rule.name in run.out
    assert rule.documentation.strip() in run.out


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.name)
def test_explain_accepts_the_rule_name(cli, rule):
    by_name, by_code = cli("--explain", rule.name), cli("--explain", rule.code)
    assert by_name.code == 0
    assert by_name.out == by_code.out


def test_explain_unknown_code(cli):
    run = cli("--explain", "KAI999")
    assert run.code == 2
    assert "KAI999" in run.err and "KAI001" in run.err
    run = cli("--explain", "relu-defaults")
    assert run.code == 2
    assert "relu-defaults" in run.err and "relu-default-init" in run.err


def test_directories_are_searched_for_python_files(cli, write):
    write("pkg/a.py", MODEL)
    write("pkg/sub/b.py", MODEL)
    write("pkg/notes.txt", MODEL)
    out = cli("--format", "json", "pkg").out
    assert sorted({item["path"] for item in json.loads(out)}) == ["pkg/a.py", "pkg/sub/b.py"]


def test_stdin_with_a_filename(cli, write, monkeypatch):
    import io
    import sys

    class Stdin:
        buffer = io.BytesIO(MODEL.encode())

    monkeypatch.setattr(sys, "stdin", Stdin)
    run = cli("--format", "json", "--stdin-filename", "from_stdin.py", "-")
    assert run.code == 1
    assert {item["path"] for item in json.loads(run.out)} == {"from_stdin.py"}


def test_diff_prints_the_fix_and_changes_nothing(cli, write):
    path = write("model.py", MODEL)
    run = cli("--diff", "model.py")
    assert run.code == 1
    assert path.read_text() == MODEL
    assert run.out.startswith("--- a/model.py\n+++ b/model.py\n")
    removed = [
        line for line in run.out.splitlines() if line.startswith("-") and not line.startswith("---")
    ]
    added = [
        line for line in run.out.splitlines() if line.startswith("+") and not line.startswith("+++")
    ]
    assert len(removed) == 4  # the four layer lines; the import is only added
    assert "+from kaiming_keras import KaimingNormal" in added


def test_fix_reports_only_what_is_left(cli, write):
    source = MODEL + 'odd = layers.Dense(4, kernel_initializer="ones")\n'  # KAI004, no fix
    path = write("model.py", source)
    run = cli("--fix", "model.py")
    assert run.code == 1
    assert [line.split()[1] for line in run.out.splitlines()[:-1]] == ["KAI004"]
    assert run.out.splitlines()[-1] == "Found 5 findings (4 fixed, 1 remaining)."
    assert path.read_text() != source
    after = cli("--fix", "model.py")
    assert after.out.splitlines()[-1] == "Found 1 finding (0 fixed, 1 remaining)."


def test_fix_everything_exits_zero(cli, write):
    write("model.py", MODEL)
    assert cli("--fix", "model.py").code == 0
    assert cli("model.py").code == 0


def test_statistics_counts_codes(cli, write):
    write("a.py", MODEL)
    write("b.py", MODEL)
    out = cli("--statistics", "a.py", "b.py").out
    for code in ("KAI001", "KAI002", "KAI003", "KAI004"):
        assert any(line.split("\t")[:2] == ["2", code] for line in out.splitlines()), out
    assert "unknown pairing" in out.splitlines()[-1]


def test_jobs_do_not_change_the_output(cli, write):
    for i in range(6):
        write(f"m{i}.py", MODEL if i % 2 else CLEAN)
    one = cli("--jobs", "1", ".")
    two = cli("--jobs", "2", ".")
    assert one.out == two.out
    assert one.code == two.code == 1
    assert one.out.count("m1.py") == 4


def test_file_level_skip_and_noqa(cli, write):
    write("skipped.py", "# kaiming-lint: noqa\n" + MODEL)
    assert cli("skipped.py").code == 0
    noqa = (
        MODEL.replace("# KAI001", "# noqa")
        .replace("# KAI002", "# noqa: KAI002")
        .replace("# KAI004", "# noqa: KAI001")
    )
    write("noqa.py", noqa)
    codes = sorted(item["code"] for item in json.loads(cli("--format", "json", "noqa.py").out))
    assert codes == ["KAI003", "KAI004"]


def test_noqa_on_the_first_line_of_a_multi_line_call(cli, write):
    source = (
        "from keras import layers\n\n"
        "hidden = layers.Dense(  # noqa: KAI003\n"
        '    8,\n    activation="relu",\n    kernel_initializer="he_normal",\n'
        '    bias_initializer="ones",\n)\n'
    )
    write("m.py", source)
    assert cli("m.py").code == 0
    write("m2.py", source.replace("# noqa: KAI003", "# noqa: KAI001"))
    assert cli("m2.py").code == 1


def test_unreadable_files_are_kai900(cli, write):
    write("broken.py", "from keras import layers\n\nx = layers.Dense(3\n")
    write("badbytes.py", b"from keras import layers\nx = layers.Dense(3)  # \xff\n")
    items = json.loads(cli("--format", "json", "broken.py", "badbytes.py").out)
    assert [(item["path"], item["code"]) for item in items] == [
        ("broken.py", "KAI900"),
        ("badbytes.py", "KAI900"),
    ]
    assert items[1]["line"] == 2
    assert "utf-8" in items[1]["message"]
    write("unknown.py", "# -*- coding: klingon -*-\nx = 1\n")
    (item,) = json.loads(cli("--format", "json", "unknown.py").out)
    assert item["code"] == "KAI900" and "klingon" in item["message"]


def test_version_and_module_entry_point(tmp_path):
    from kaiming_lint import __version__

    from .lint_helpers import run_subprocess

    done = run_subprocess("--version", cwd=tmp_path)
    assert done.returncode == 0
    assert done.stdout.decode().strip() == f"kaiming-lint {__version__}"


def test_fix_from_stdin_writes_the_fixed_source_to_stdout(tmp_path):
    from .lint_helpers import run_subprocess

    done = run_subprocess("--fix", "-", cwd=tmp_path, stdin=MODEL.encode())
    assert done.returncode == 0
    fixed = done.stdout.decode()
    assert "from kaiming_keras import KaimingNormal\n" in fixed
    assert fixed.count("KaimingNormal()") == 3  # KAI001, KAI002 and KAI004 (KAI003 removes)
    assert "Found 4 findings (4 fixed, 0 remaining)." in done.stderr.decode()


def test_an_internal_error_is_status_2_naming_the_file(cli, write, monkeypatch):
    from kaiming_lint import runner

    def broken(data, path, options):
        raise RuntimeError("boom")

    monkeypatch.setitem(runner.CHECKERS, ".py", broken)
    write("model.py", MODEL)
    run = cli("--jobs", "1", "model.py")
    assert run.code == 2
    assert run.err.count("\n") == 1
    assert "model.py" in run.err and "boom" in run.err
