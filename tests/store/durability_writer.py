"""Child process of the kill -9 test: writes one city per call, forever, and prints each id
only after `write` returned, so every printed id is an acknowledged write.

    python -m tests.store.durability_writer STORE_FILE
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

from alliance.store.embedded import EmbeddedStore
from tests.factories import city


def main(path: Path) -> None:
    store = EmbeddedStore(path)
    for serial in itertools.count():
        node = city(f"durable-{serial}")
        store.write(nodes=[node])
        sys.stdout.write(f"{node.id}\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main(Path(sys.argv[1]))
