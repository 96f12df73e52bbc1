"""Strict JSON text: what RFC 8259 allows and both stores can hold, nothing more.

Python's `json.loads` accepts `NaN`, `Infinity` and `-Infinity`, turns `1e309` into
infinity, reads integers of any size, keeps the last of two equal keys and recurses
until the interpreter's stack gives out. Every one of those got bad data stored or a
500 answered. `loads` refuses them all, naming the place: `records.0.lat` for a number
a duplicate key or a lone surrogate escape, nothing (the whole text) for syntax,
encoding or depth.

Clean text pays only for the hooks (one call per float, int and object); the search for
the place of a problem runs only when a hook saw one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from graph_schema.values import number_problem

DEFAULT_MAX_DEPTH = 32
"""Nesting of arrays and objects a body may have; records need about six."""

_MAY_OVERFLOW = re.compile(r"\d{19}|[eE][+]?\d{3}")
"""An integer that may pass int64, or a float that may pass the double range."""
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")

Kind = Literal["syntax", "encoding", "depth", "number", "duplicate", "text"]


class JSONTextError(ValueError):
    """Why a JSON text was refused; `path` (dotted, from the top value) for a number or
    a duplicate key, None when the text as a whole is at fault."""

    def __init__(self, message: str, *, kind: Kind, path: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind
        self.path = path


@dataclass(frozen=True)
class _Refused:
    """Stands in the parsed value where a number was refused."""

    message: str


class _Duplicated(dict[str, Any]):
    """An object with a repeated key (the key is kept for the message)."""

    duplicate: str = ""


class _Hooks:
    """The parser's hooks for one text; `refused` says whether any planted a marker.

    Ints and floats are left to the C parser (a hook per number would double the time);
    the few texts that can hold a bad one (a run of 19 digits, a 3-digit exponent) are
    searched afterwards.
    """

    def __init__(self) -> None:
        self.refused = False

    def constant(self, name: str) -> Any:
        self.refused = True
        return _Refused(f"{name} is not a JSON number (RFC 8259 has no NaN or Infinity)")

    def obj(self, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result = dict(pairs)
        if len(result) == len(pairs):
            return result
        self.refused = True
        seen: set[str] = set()
        duplicated = _Duplicated(result)
        for key, _ in pairs:
            if key in seen:
                duplicated.duplicate = key
                break
            seen.add(key)
        return duplicated


def _walk(value: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    stack: list[tuple[Any, tuple[str, ...]]] = [(value, path)]
    while stack:
        item, where = stack.pop()
        yield where, item
        if isinstance(item, dict):
            stack.extend((child, (*where, str(key))) for key, child in
                         reversed(list(item.items())))
        elif isinstance(item, list):
            stack.extend((child, (*where, str(index))) for index, child in
                         reversed(list(enumerate(item))))


def _first_problem(value: Any) -> JSONTextError | None:
    for where, item in _walk(value):
        if isinstance(item, int | float):
            problem = number_problem(item)
            if isinstance(item, float) and problem is not None:
                problem = "the number overflows the 64-bit float range (not finite)"
            if problem is not None:
                return JSONTextError(problem, kind="number", path=".".join(where))
        elif isinstance(item, _Refused):
            return JSONTextError(item.message, kind="number", path=".".join(where))
        if isinstance(item, _Duplicated):
            key = item.duplicate
            return JSONTextError(f"the key {key!r} appears twice", kind="duplicate",
                                 path=".".join((*where, key)))
    return None


def _lone_surrogate(value: Any) -> JSONTextError | None:
    """A `\\ud800`-style escape left unpaired: Python keeps it, UTF-8 cannot encode it."""
    for where, item in _walk(value):
        texts = [item] if isinstance(item, str) else list(item) if isinstance(item, dict) else []
        for text in texts:
            if _SURROGATE.search(text):
                return JSONTextError("a \\u escape names half a surrogate pair (not a "
                                     "character)", kind="text", path=".".join(where))
    return None


def _depth_exceeds(value: Any, limit: int) -> bool:
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children
                     if isinstance(child, dict | list))
    return False


def loads(data: bytes | str, *, max_depth: int = DEFAULT_MAX_DEPTH) -> Any:
    """The value of a strict JSON text (UTF-8 when bytes); JSONTextError otherwise."""
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            msg = f"not UTF-8 text: {exc.reason} at byte {exc.start}"
            raise JSONTextError(msg, kind="encoding") from None
    else:
        text = data
    text = text.removeprefix("\ufeff")
    hooks = _Hooks()
    try:
        value = json.loads(text, parse_constant=hooks.constant, object_pairs_hook=hooks.obj)
    except json.JSONDecodeError as exc:
        msg = f"not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        raise JSONTextError(msg, kind="syntax") from None
    except ValueError as exc:  # an integer longer than int() reads (4300 digits)
        msg = f"a number cannot be read: {exc}"
        raise JSONTextError(msg, kind="number") from None
    except RecursionError:
        msg = f"nested deeper than {max_depth} levels"
        raise JSONTextError(msg, kind="depth") from None
    brackets = text.count("[") + text.count("{")
    if brackets > max_depth and _depth_exceeds(value, max_depth):
        msg = f"nested deeper than {max_depth} levels"
        raise JSONTextError(msg, kind="depth")
    searched = hooks.refused or _MAY_OVERFLOW.search(text) is not None
    problem = _first_problem(value) if searched else None
    if problem is None and _SURROGATE_ESCAPE.search(text):
        problem = _lone_surrogate(value)
    if problem is not None:
        raise problem
    return value
