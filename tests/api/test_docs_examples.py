"""The curl examples of docs/api.md, run in order against an app with the seed data:
each must answer the status written above it (`# → 201`), so the docs stay true.

Each curl command is translated into the same request through the test client: `-X`,
`-H`, `-d` / `--data-binary`, `-G` with `-d` / `--data-urlencode`; `$BASE`, `$KEY`
(staff:write), `$STAFF_KEY` (staff:read) and `$ADMIN_KEY` are filled in.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from tests.api.support import Api

DOCS = Path(__file__).resolve().parents[2] / "docs" / "api.md"
BASE = "http://testserver"
EXPECT = re.compile(r"^#\s*→\s*(\d{3})\s*$")


@dataclass
class Example:
    """One curl command from the docs and the status it must get."""

    line: int
    expected: int
    command: str
    method: str = "GET"
    url: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None


def shell_blocks(text: str) -> list[tuple[int, list[str]]]:
    """The ```sh blocks of a Markdown text: (first line number, lines)."""
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] | None = None
    start = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if current is None and line.strip() == "```sh":
            current, start = [], number + 1
        elif current is not None and line.strip() == "```":
            blocks.append((start, current))
            current = None
        elif current is not None:
            current.append(line)
    return blocks


def examples(text: str) -> list[Example]:
    """Every curl command with its expected status, in document order."""
    found: list[Example] = []
    for start, lines in shell_blocks(text):
        expected: int | None = None
        index = 0
        while index < len(lines):
            line = lines[index]
            marker = EXPECT.match(line.strip())
            if marker:
                expected = int(marker.group(1))
            elif line.startswith("curl "):
                command, first = line, index
                while True:  # extend over continuations and multi-line quoted arguments
                    joined = command.replace("\\\n", " ")
                    try:
                        shlex.split(joined)
                        complete = not command.rstrip().endswith("\\")
                    except ValueError:
                        complete = False
                    if complete:
                        break
                    index += 1
                    command += "\n" + lines[index]
                assert expected is not None, f"docs/api.md:{start + first}: curl without # → status"
                found.append(Example(start + first, expected, joined))
                expected = None
            index += 1
    return found


def translate(example: Example, variables: dict[str, str]) -> Example:
    """Fill in the variables and read curl's options into a request."""
    text = example.command
    for name, value in sorted(variables.items(), key=lambda item: -len(item[0])):
        text = text.replace(f"${name}", value)
    words = shlex.split(text)[1:]
    data: list[str] = []
    encoded: list[str] = []
    get = False
    index = 0
    while index < len(words):
        word = words[index]
        if word in ("-s", "-i", "--compressed"):
            pass
        elif word == "-G":
            get = True
        elif word == "-X":
            index += 1
            example.method = words[index]
        elif word == "-H":
            index += 1
            name, _, value = words[index].partition(":")
            example.headers[name.strip()] = value.strip()
        elif word in ("-d", "--data", "--data-binary"):
            index += 1
            data.append(words[index])
        elif word == "--data-urlencode":
            index += 1
            name, _, value = words[index].partition("=")
            encoded.append(urlencode({name: value}))
        elif word.startswith("-"):
            msg = f"docs/api.md:{example.line}: curl option {word} is not translated"
            raise AssertionError(msg)
        else:
            example.url = word
        index += 1
    if get:
        query = "&".join([*encoded, *data])
        example.url += ("&" if "?" in example.url else "?") + query
    elif data:
        example.body = "&".join(data).encode("utf-8")
        if example.method == "GET":
            example.method = "POST"
    return example


def test_docs_have_examples_for_every_area() -> None:
    found = examples(DOCS.read_text(encoding="utf-8"))
    urls = " ".join(example.command for example in found)
    for path in ("/v1/landing/search", "/v1/landing/compare", "/v1/collaborators/search",
                 "/v1/collaborators/team", "/v1/paths", "/v1/search", "/v1/parks",
                 "/v1/people", "/v1/entities/", "/v1/stats", "/v1/relationships",
                 "/v1/import", "/v1/referrals", "/v1/funnel", "/v1/audit", "/readyz"):
        assert path in urls, f"docs/api.md has no curl example for {path}"


def test_every_curl_example_answers_as_documented(fresh_api: Api) -> None:
    variables = {"BASE": BASE, "KEY": fresh_api.keys["staff:write"],
                 "STAFF_KEY": fresh_api.keys["staff:read"],
                 "ADMIN_KEY": fresh_api.keys["admin"]}
    found = examples(DOCS.read_text(encoding="utf-8"))
    assert len(found) >= 30
    answers: list[tuple[Example, Any]] = []
    for raw in found:
        example = translate(raw, variables)
        response = fresh_api.client.request(example.method, example.url,
                                            headers=example.headers, content=example.body)
        assert response.status_code == example.expected, (
            f"docs/api.md:{example.line}: {example.method} {example.url} answered "
            f"{response.status_code}, the docs say {example.expected}: {response.text[:500]}")
        if response.status_code >= 400:
            assert response.headers["content-type"] == "application/problem+json"
        answers.append((example, response))
    # what the prose says about the answers
    chen = [r.json() for e, r in answers if e.url.endswith("/v1/people/person:chen-jing")]
    assert "email" not in chen[0]
    assert chen[1]["email"]
    rejected = next(r.json() for e, r in answers
                    if "/v1/import" in e.url and r.status_code == 422)
    assert [(err["row"], err["field"]) for err in rejected["errors"]] == [
        (3, "rent_cny_m2_month")]
