"""The XLSX template of a label: the header row in Chinese and English, an example row,
and drop-downs for every enumeration, all derived from graph_schema.

The example row's first cell reads `示例 example`, which imports skip, so a filled-in
template imports as it is. A second sheet, 说明 (which imports skip too: it names no
label), lists every column with its field name and allowed values.
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from alliance.ingest.export import rows
from alliance.store.base import GraphStore
from graph_schema.aliases import columns, enum_of, enum_word, header
from graph_schema.nodes import NODE_MODELS
from graph_schema.vocabulary import Label

EXAMPLE_MARK = "示例 example"
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_EXAMPLE_FONT = Font(italic=True, color="808080")


def _example(store: GraphStore | None, label: Label) -> dict[str, str]:
    """The first stored record of the label as the example (empty without a store)."""
    if store is None:
        return {}
    return next(rows(store, label), {})


def template_bytes(label: Label, store: GraphStore | None = None) -> bytes:
    """The template workbook of one label as XLSX bytes."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = label.value
    names = columns(label)
    example = _example(store, label)
    sheet.append([header(label, name).bilingual for name in names])
    sheet.append([EXAMPLE_MARK if name == "id" else example.get(name, "") for name in names])
    for index, name in enumerate(names, start=1):
        letter = get_column_letter(index)
        sheet[f"{letter}1"].fill = _HEADER_FILL
        sheet[f"{letter}1"].font = Font(bold=True)
        sheet[f"{letter}2"].font = _EXAMPLE_FONT
        sheet.column_dimensions[letter].width = max(12, len(header(label, name).bilingual))
        kind = enum_of(label, name)
        if kind is None:
            continue
        words = [enum_word(member) for member in kind]
        many = _is_list(label, name)
        check = DataValidation(type="list", formula1='"' + ",".join(words) + '"',
                               allow_blank=True, showErrorMessage=not many)
        check.prompt = ("多个值用分号分隔 / several values separated by ;" if many
                        else "从列表中选择 / choose from the list")
        check.showInputMessage = True
        sheet.add_data_validation(check)
        check.add(f"{letter}3:{letter}10000")
    sheet.freeze_panes = "A2"
    notes = book.create_sheet("说明")
    notes.append(["列 / column", "字段 / field", "可选值 / allowed values"])
    for name in names:
        kind = enum_of(label, name)
        allowed = "、".join(f"{enum_word(m)} ({m.value})" for m in kind) if kind else ""
        notes.append([header(label, name).bilingual, name, allowed])
    notes.append([])
    notes.append(["示例行以“示例 example”开头，导入时跳过。空单元格表示保留原值。",
                  "The example row starts with 示例 example and is skipped by imports; "
                  "an empty cell keeps the stored value."])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _is_list(label: Label, name: str) -> bool:
    annotation = NODE_MODELS[label].model_fields[name].annotation
    return getattr(annotation, "__origin__", None) is list
