"""Values both stores hold the same way: finite floats, integers within int64, text
without control characters or lone surrogates.

Neo4j keeps integers as 64-bit and floats as IEEE doubles; SQLite JSON text would keep a
larger integer or `Infinity` but hand it to readers that cannot serialise it. So every
model of graph_schema refuses non-finite floats and integers outside int64
(`Storable`), every property written is checked again before a store sees it
(`number_problems`), and a reader that meets a bad number written by an older version
replaces it with null (`finite_or_none`) instead of failing.

The ingest parsers (CSV, XLSX, JSON) call `parse_number` for a cell that holds a number.
"""

from __future__ import annotations

import math
import re
import typing
from collections.abc import Iterator
from types import NoneType
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1
MAX_INT_DIGITS = 19
"""Decimal digits of INT64_MAX: a longer integer literal is out of range unread."""

_UNSTORABLE_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
"""C0 controls but tab and newlines, DEL, and lone surrogates (not encodable as UTF-8)."""


def text_problem(value: str) -> str | None:
    """Why a text cannot be stored, or None when it can.

    >>> text_problem("a\\x00b"), text_problem("苏州")
    ('contains the control character U+0000', None)
    """
    found = _UNSTORABLE_TEXT.search(value)
    if found is None:
        return None
    char = found.group()
    kind = "a lone surrogate" if "\ud800" <= char <= "\udfff" else "the control character"
    return f"contains {kind} U+{ord(char):04X}"


def number_problem(value: Any) -> str | None:
    """Why a scalar cannot be stored, or None when it can.

    >>> number_problem(float("inf")), number_problem(2**63), number_problem(1.5)
    ('inf is not a finite number', '9223372036854775808 is outside the 64-bit integer range', None)
    """
    if isinstance(value, float) and not math.isfinite(value):
        return f"{value} is not a finite number"
    if isinstance(value, int) and not isinstance(value, bool) and not (
            INT64_MIN <= value <= INT64_MAX):
        return f"{value} is outside the 64-bit integer range"
    return None


def _storable_numbers(value: Any) -> bool:
    """Whether every number in a value is storable: the quick check of bulk writes,
    which loops over plain values without a generator per value."""
    items = value.values() if isinstance(value, dict) else value
    if not isinstance(value, dict | list | tuple):
        return number_problem(value) is None
    for item in items:
        kind = type(item)
        if kind is str or kind is bool or item is None:
            continue
        if kind is float:
            if not math.isfinite(item):
                return False
        elif kind is int:
            if not INT64_MIN <= item <= INT64_MAX:
                return False
        elif not _storable_numbers(item):
            return False
    return True


def number_problems(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """(path, problem) for every bad number in a value (nested lists and maps too);
    paths read `rent`, `hosts.0.strength`."""
    if _storable_numbers(value):
        return iter(())
    return _number_problems(value, path)


def _number_problems(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _number_problems(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _number_problems(item, f"{path}.{index}" if path else str(index))
    else:
        problem = number_problem(value)
        if problem is not None:
            yield path, problem


def finite_or_none(value: Any) -> Any:
    """The value with every bad number replaced by None (for reading old stored data).

    >>> finite_or_none({"rent": float("nan"), "ok": [1, 2**70]})
    {'rent': None, 'ok': [1, None]}
    """
    if isinstance(value, dict):
        return {key: finite_or_none(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [finite_or_none(item) for item in value]
    return None if number_problem(value) is not None else value


def parse_number(text: str) -> int | float:
    """A cell's number: an int when it reads as one, else a float; ValueError (with a
    message for the editor) when it is not a number or not storable.

    >>> parse_number("42"), parse_number("2.5e3")
    (42, 2500.0)
    """
    cleaned = text.strip()
    digits = cleaned.lstrip("+-")
    if digits.isdigit():
        if len(digits.lstrip("0")) > MAX_INT_DIGITS:
            msg = f"{cleaned} is outside the 64-bit integer range"
            raise ValueError(msg)
        number: int | float = int(cleaned)
    else:
        try:
            number = float(cleaned)
        except ValueError:
            msg = f"{cleaned!r} is not a number"
            raise ValueError(msg) from None
    problem = number_problem(number)
    if problem is not None:
        raise ValueError(problem)
    return number


_NUMERIC: dict[type, frozenset[str]] = {}


def _numeric_fields(model: type[BaseModel]) -> frozenset[str]:
    """Fields of a model that hold a number and nothing else (bounds and None aside)."""
    if model not in _NUMERIC:
        names = set()
        for name, info in model.model_fields.items():
            kinds = {typing.get_args(arg)[0] if typing.get_origin(arg) is typing.Annotated
                     else arg for arg in typing.get_args(info.annotation) if arg is not NoneType}
            kinds = kinds or {info.annotation}
            if kinds and kinds <= {int, float}:
                names.add(name)
        _NUMERIC[model] = frozenset(names)
    return _NUMERIC[model]


class Storable(BaseModel):
    """Base of every graph_schema model: non-finite floats (also `1e309`, which parses
    to infinity), integers outside int64 and text with control characters are refused,
    naming the field."""

    model_config = ConfigDict(allow_inf_nan=False)

    @field_validator("*", mode="before")
    @classmethod
    def _no_truth_as_number(cls, value: Any, info: ValidationInfo) -> Any:
        """true/false is no number (pydantic would read it as 1/0)."""
        if type(value) is bool and info.field_name in _numeric_fields(cls):
            msg = f"expected a number, got {str(value).lower()}"
            raise ValueError(msg)
        return value

    @field_validator("*", mode="after")
    @classmethod
    def _storable(cls, value: Any) -> Any:
        for item in value if type(value) is list else (value,):
            kind = type(item)
            if kind is int:
                if not INT64_MIN <= item <= INT64_MAX:
                    raise ValueError(number_problem(item))
            elif kind is str:
                problem = text_problem(item)
                if problem is not None:
                    raise ValueError(problem)
        return value
