"""The edits the server sends turn the editor's text into exactly the fixed text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kaiming_lint.lsp import edits

from .lsp_client import apply_edits

LINES = st.lists(
    st.sampled_from(["a = 1", "", "  b(", "😀 = 'é'", "# c", "\f"]).flatmap(
        lambda body: st.sampled_from(["\n", "\r\n", "\r", ""]).map(lambda end: body + end)
    ),
    max_size=8,
)


def as_lsp(edit_list: list[edits.Edit], text: str) -> list[dict]:
    """The edits as a client receives them (UTF-16 characters)."""
    split = edits.lines(text)

    def position(line: int, column: int) -> dict:
        body = split[line] if line < len(split) else ""
        units = sum(2 if ord(c) > 0xFFFF else 1 for c in body[:column])
        return {"line": line, "character": units}

    return [
        {"range": {"start": position(*e.start), "end": position(*e.end)}, "newText": e.text}
        for e in edit_list
    ]


@settings(max_examples=200, deadline=None, derandomize=True)
@given(LINES, LINES)
def test_text_edits_applied_by_a_client_give_the_new_text(before, after):
    before, after = "".join(before), "".join(after)
    produced = edits.text_edits(before, after)
    assert edits.apply(before, produced) == after
    assert apply_edits(before, as_lsp(produced, before)) == after
    if before == after:
        assert produced == []


def test_noqa_is_added_or_extended_and_never_doubled():
    text = "x = f()\ny = g()  # noqa: KAI001\nz = h()  # noqa\r\n"
    assert edits.with_noqa(text, 1, "KAI002").splitlines()[0] == "x = f()  # noqa: KAI002"
    assert edits.with_noqa(text, 2, "KAI005").splitlines()[1] == "y = g()  # noqa: KAI001, KAI005"
    assert edits.with_noqa(text, 3, "KAI001") is None  # a bare noqa already silences it
    assert edits.with_noqa("a = 1\r\n", 1, "KAI001") == "a = 1  # noqa: KAI001\r\n"
    assert edits.with_noqa(text, 9, "KAI001") is None
