"""Strict JSON: what RFC 8259 allows and both stores hold, every refusal located."""

from __future__ import annotations

import pytest

from alliance.ingest.json_text import JSONTextError, loads
from graph_schema.values import parse_number, text_problem


@pytest.mark.parametrize(("text", "kind", "path"), [
    (b'{"a": NaN}', "number", "a"),
    (b'{"a": [1, {"b": -Infinity}]}', "number", "a.1.b"),
    (b'{"a": Infinity}', "number", "a"),
    (b'{"x": 1e309}', "number", "x"),
    (b'{"x": -1e400}', "number", "x"),
    (b'{"x": 1' + b"0" * 320 + b'.5}', "number", "x"),
    (b'{"x": 9223372036854775808}', "number", "x"),
    (b'{"x": -9223372036854775809}', "number", "x"),
    (b'{"x": ' + b"7" * 5000 + b"}", "number", None),
    (b'{"a": 1, "b": {"c": 1, "c": 2}}', "duplicate", "b.c"),
    (b'{"a": "\\ud800"}', "text", "a"),
    (b"[" * 40 + b"]" * 40, "depth", None),
    (b"[" * 100_000 + b"]" * 100_000, "depth", None),
    (b"\xff{}", "encoding", None),
    (b'{"a": ', "syntax", None),
    (b"", "syntax", None),
])
def test_refused_texts_say_why_and_where(text: bytes, kind: str, path: str | None) -> None:
    with pytest.raises(JSONTextError) as caught:
        loads(text)
    assert (caught.value.kind, caught.value.path) == (kind, path)


@pytest.mark.parametrize(("text", "value"), [
    (b'{"x": 9223372036854775807, "y": -9223372036854775808}',
     {"x": 2**63 - 1, "y": -(2**63)}),
    (b'{"x": 1e-400, "y": 1.7e308}', {"x": 0.0, "y": 1.7e308}),
    (b'{"id": "12345678901234567890123", "e": "1e999"}',
     {"id": "12345678901234567890123", "e": "1e999"}),
    (b'\xef\xbb\xbf{"a": ["\\ud83d\\ude00", true, null]}', {"a": ["😀", True, None]}),
    (b"[" * 32 + b"]" * 32, [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]),
])
def test_clean_texts_parse_as_json_does(text: bytes, value: object) -> None:
    assert loads(text) == value


@pytest.mark.parametrize("cell", ["1e309", "-inf", "nan", "9223372036854775808", "abc"])
def test_cells_that_are_no_storable_number_are_refused(cell: str) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - the message is for the editor
        parse_number(cell)


def test_text_problems() -> None:
    assert text_problem("tab\tand\nnewline") is None
    assert text_problem("nul\x00") == "contains the control character U+0000"
