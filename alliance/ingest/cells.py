"""Spreadsheet cells as people type them, and back: numbers, dates, yes/no, lists, edges.

Numbers go through graph_schema.values (finite, int64), the one rule every write path
shares. Reading is lenient where people are ("8,000", "8000㎡", "1.2万", "2025年6月30日", an Excel
date serial, "是"), and strict about meaning: a cell that is not a number stays text, so
the schema's validation reports it with its place. Writing is the inverse, so an export
reads back to the same values (`format_edge` quotes what `split_items` would split).
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta
from typing import Any

from alliance.errors import Invalid
from graph_schema.values import number_problem, parse_number

_UNITS = re.compile(
    r"(平方米|平米|㎡|m²|m2|平方公里|km²|km2|元/㎡/月|元/平方米/月|元/平米/月|元/月|元|人民币|"
    r"rmb|cny|¥|￥|人|名|个|分钟|min|年|%|％)", re.IGNORECASE)
_MULTIPLIERS = {"万": 1e4, "亿": 1e8, "千": 1e3, "k": 1e3}
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_EXCEL_EPOCH = date(1899, 12, 30)
_YES = {"是", "有", "y", "yes", "true", "1", "√", "✓", "对"}
_NO = {"否", "无", "n", "no", "false", "0", "×", "不是"}
_ITEM_SEPARATORS = ";；、\n"


def number(text: str) -> float | None:
    """The number a person typed, or None when the text is not one.

    >>> number("8,000"), number("8000㎡"), number("1.2万"), number(" 35 元/㎡/月 ")
    (8000.0, 8000.0, 12000.0, 35.0)
    >>> number("abc") is None, number("nan") is None
    (True, True)
    """
    cleaned = _UNITS.sub("", text.strip().replace(",", "").replace("，", "")).strip()
    factor = 1.0
    if cleaned and cleaned[-1].lower() in _MULTIPLIERS:
        factor = _MULTIPLIERS[cleaned[-1].lower()]
        cleaned = cleaned[:-1].strip()
    if not _NUMBER.match(cleaned):
        return None
    try:
        value = float(parse_number(cleaned)) * factor
    except ValueError:
        return None
    return None if number_problem(value) else value


def excel_date(serial: float) -> date:
    """The day an Excel date serial means (1900 system, as Excel on Windows writes).

    >>> excel_date(45839)
    datetime.date(2025, 7, 1)
    """
    if not 1 <= serial < 2958466:  # 9999-12-31
        msg = f"{serial} is not an Excel date"
        raise Invalid(msg)
    return _EXCEL_EPOCH + timedelta(days=int(serial))


def day(value: Any) -> Any:
    """A date cell as an ISO date when it reads as one (Excel date, serial, 2025/6/30,
    2025年6月30日), else unchanged for validation to report.

    >>> day("2025年6月30日"), day(45839), day("2025-06-30")
    ('2025-06-30', '2025-07-01', '2025-06-30')
    """
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return excel_date(float(value)).isoformat()
        except Invalid:
            return value
    if isinstance(value, str):
        found = _DATE.match(value.strip())
        if found:
            try:
                return date(*(int(part) for part in found.groups())).isoformat()
            except ValueError:
                return value
    return value


def yes_no(value: Any) -> Any:
    """是/否, yes/no, true/false, 1/0 as a bool; anything else unchanged."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    return value


def items(text: str) -> list[str]:
    """A list cell's items: separated by ; ； 、 or new lines, outside parentheses and quotes.

    >>> items('industry:ai(strength=0.8); 苏州、无锡')
    ['industry:ai(strength=0.8)', '苏州', '无锡']
    >>> items('org:x(title="Partner; tax")')
    ['org:x(title="Partner; tax")']
    """
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    quoted = False
    for char in text:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in "(（":
            depth += 1
        elif not quoted and char in ")）":
            depth = max(0, depth - 1)
        elif not quoted and depth == 0 and char in _ITEM_SEPARATORS:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    parts.append("".join(current))
    return [part.strip() for part in parts if part.strip()]


_PAIR = re.compile(r'\s*([^=,，\s]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^,，]*)\s*(?:[,，]|$)')


def edge(text: str) -> tuple[str, dict[str, Any]] | None:
    """An edge cell item, `target` or `target(key=value, key="quoted, text")`, as the
    target text and its properties; None when unreadable.

    >>> edge("industry:ai(strength=0.8)")
    ('industry:ai', {'strength': '0.8'})
    >>> edge('苏州工业园区（title="高级 合伙人", strength=1）')
    ('苏州工业园区', {'title': '高级 合伙人', 'strength': '1'})
    >>> edge("industry:ai(strength)") is None
    True
    """
    text = text.strip().replace("（", "(").replace("）", ")")
    if not text.endswith(")") or "(" not in text:
        return (text, {}) if text and "(" not in text and ")" not in text else None
    target, _, rest = text.partition("(")
    inner = rest[:-1].strip()
    props: dict[str, Any] = {}
    position = 0
    while position < len(inner):
        found = _PAIR.match(inner, position)
        if found is None or found.end() == position:
            return None
        key, raw = found.group(1), found.group(2).strip()
        props[key] = json.loads(raw) if raw.startswith('"') else raw
        position = found.end()
    return (target.strip(), props) if target.strip() else None


def format_scalar(value: Any) -> str:
    """A stored scalar as cell text: bools as true/false, whole floats without '.0'.

    >>> format_scalar(35.0), format_scalar(0.8), format_scalar(True)
    ('35', '0.8', 'true')
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def _quoted(value: Any) -> str:
    text = format_scalar(value)
    needs = not text or any(char in text for char in ' ,，;；、()（）="\n')
    return json.dumps(text, ensure_ascii=False) if needs else text


def format_edge(target: str, props: dict[str, Any]) -> str:
    """An edge as `edge` reads it back.

    >>> format_edge("org:x", {"title": "Partner, tax"})
    'org:x(title="Partner, tax")'
    >>> edge(format_edge("org:x", {"title": "Partner, tax"}))
    ('org:x', {'title': 'Partner, tax'})
    """
    if not props:
        return target
    inner = ", ".join(f"{key}={_quoted(value)}" for key, value in sorted(props.items()))
    return f"{target}({inner})"


def format_cell(value: Any) -> str:
    """A stored property as cell text: lists `;`-joined, everything else as text."""
    if isinstance(value, list):
        return "; ".join(format_scalar(item) for item in value)
    return format_scalar(value)


def json_cell(value: Any) -> Any:
    """A list-of-objects cell (a policy's eligibility): JSON text decoded, else as is."""
    if isinstance(value, str) and value.strip():
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value
