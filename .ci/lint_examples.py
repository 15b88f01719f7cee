"""Dog-food kaiming-lint on examples/: it must report exactly the findings the examples expect.

A line of an example that should be reported carries a trailing `# expect: KAI001` (several
codes comma-separated). Every other line of every example must stay clean.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

EXPECT = re.compile(r"#\s*expect:\s*(KAI\d{3}(?:\s*,\s*KAI\d{3})*)")


def expected_findings(root: Path) -> set[tuple[str, int, str]]:
    expected = set()
    for path in sorted(root.rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            match = EXPECT.search(line)
            if match:
                for code in match.group(1).split(","):
                    expected.add((path.as_posix(), number, code.strip()))
    return expected


def main() -> int:
    root = Path("examples")
    result = subprocess.run(
        ["kaiming-lint", "--format", "json", "--exit-zero", str(root)],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        print(result.stderr, file=sys.stderr)
        return 1
    found = {(f["path"], f["line"], f["code"]) for f in json.loads(result.stdout)}
    expected = expected_findings(root)
    for path, line, code in sorted(expected - found):
        print(f"missed:     {path}:{line}: {code}")
    for path, line, code in sorted(found - expected):
        print(f"unexpected: {path}:{line}: {code}")
    print(f"kaiming-lint on {root}/: {len(found)} findings, {len(expected)} expected")
    return 0 if found == expected and expected else 1


if __name__ == "__main__":
    sys.exit(main())
