"""Read the human-edited seed folder: one YAML file per label, comments allowed.

Each file is a mapping with `label:` (the node label its records have) and `records:`
(a list of raw records, see `alliance.ingest.records`). Errors carry the file and the
line where the record starts, so an editor can jump straight to it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from alliance.ingest.records import Origin, RecordBatch, add_record, check_references
from graph_schema.vocabulary import Label

_PACKAGED_SEED = Path(__file__).resolve().parents[1] / "_seed"
_CHECKOUT_SEED = Path(__file__).resolve().parents[2] / "seed"
DEFAULT_SEED_DIR = _PACKAGED_SEED if _PACKAGED_SEED.is_dir() else _CHECKOUT_SEED
"""The copy a wheel carries (pyproject force-include), else the checkout's seed/."""


def _record_lines(text: str) -> list[int]:
    """Line number (1-based) where each item of the file's `records` list starts."""
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    if not isinstance(root, yaml.MappingNode):
        return []
    for key, value in root.value:
        if key.value == "records" and isinstance(value, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in value.value]
    return []


def read_seed_file(path: Path, batch: RecordBatch, display_name: str) -> None:
    """Validate one seed file into `batch`."""
    whole = Origin(display_name, "line 1")
    try:
        text = path.read_text(encoding="utf-8")
        document: Any = yaml.safe_load(text)
        lines = _record_lines(text)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        batch.error(whole, None, None, f"cannot read the file: {exc}")
        return
    if not isinstance(document, dict) or "label" not in document or "records" not in document:
        batch.error(whole, None, None, "expected a mapping with 'label' and 'records'")
        return
    try:
        label = Label(document["label"])
    except ValueError:
        known = ", ".join(label.value for label in Label)
        batch.error(whole, None, "label", f"unknown label {document['label']!r}; one of {known}")
        return
    records = document["records"] or []
    if not isinstance(records, list):
        batch.error(whole, None, "records", "expected a list of records")
        return
    for index, raw in enumerate(records):
        line = lines[index] if index < len(lines) else 0
        origin = Origin(display_name, f"line {line}")
        if not isinstance(raw, dict):
            batch.error(origin, None, None, "expected a mapping of properties")
            continue
        add_record(batch, label, raw, origin)


def read_seed_dir(seed_dir: Path = DEFAULT_SEED_DIR) -> RecordBatch:
    """Validate every `*.yaml` file of the folder, then check references across them."""
    batch = RecordBatch()
    files = sorted(seed_dir.glob("*.yaml"))
    if not files:
        batch.error(Origin(str(seed_dir), "line 0"), None, None, "no *.yaml seed files here")
        return batch
    for path in files:
        read_seed_file(path, batch, f"{seed_dir.name}/{path.name}")
    check_references(batch)
    return batch
