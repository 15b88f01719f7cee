"""The fenced code blocks of README.md, for tests/test_readme.py and .ci/run.

The rule is simple: ```python, ```bash, ```sh and ```console blocks are code and run;
every other language (toml, yaml, lua, json, text, ...) is configuration or output and does not.

`python .ci/readme_blocks.py quickstart` prints the Quickstart's commands, one per line, for
.ci/run to execute verbatim. Standard library only: it runs before anything is installed.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"
RUN_LANGUAGES = frozenset({"python", "bash", "sh", "console"})
QUICKSTART = "Quickstart"

_FENCE = re.compile(r"^```(\S*)\s*$")
_HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*$")


@dataclass(frozen=True)
class Block:
    language: str
    code: str
    section: str  # the nearest heading above the block
    line: int  # the line of the opening fence, counted from 1

    @property
    def runs(self) -> bool:
        return self.language in RUN_LANGUAGES

    def commands(self) -> list[str]:
        """A shell block's commands: `$ ` prompts in console blocks, else every non-blank line."""
        lines = self.code.splitlines()
        if self.language == "console":
            return [line[2:] for line in lines if line.startswith("$ ")]
        return [line for line in lines if line.strip() and not line.lstrip().startswith("#")]


def blocks(text: str) -> list[Block]:
    """Every fenced block of a Markdown text, in order."""
    found: list[Block] = []
    section = ""
    language: str | None = None
    start = 0
    body: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        fence = _FENCE.match(line)
        if language is None:
            if fence:
                language, start, body = fence.group(1).lower(), number, []
            elif heading := _HEADING.match(line):
                section = heading.group(1)
        elif fence and not fence.group(1):
            found.append(Block(language, "\n".join(body) + "\n", section, start))
            language = None
        else:
            body.append(line)
    if language is not None:
        raise ValueError(f"README.md: the block opened on line {start} is never closed")
    return found


def quickstart(text: str) -> list[str]:
    """The Quickstart's commands (its only code block)."""
    found = [block for block in blocks(text) if block.section == QUICKSTART]
    if len(found) != 1 or found[0].language not in ("bash", "sh"):
        raise ValueError("README.md: the Quickstart must hold exactly one bash block")
    return found[0].commands()


if __name__ == "__main__":
    if sys.argv[1:] != ["quickstart"]:
        sys.exit("usage: python .ci/readme_blocks.py quickstart")
    print("\n".join(quickstart(README.read_text(encoding="utf-8"))))
