"""Child process of the snapshot kill -9 test: opens the store (which builds the graph and
writes its snapshot whenever the last one is stale), writes a city and a relationship,
closes, forever; prints each city's id only after its write returned.

    python -m tests.store.snapshot_writer STORE_FILE
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

from alliance.store.embedded import EmbeddedStore
from graph_schema.records import RelRecord
from graph_schema.vocabulary import RelType
from tests.factories import city


def main(path: Path) -> None:
    for serial in itertools.count():
        with EmbeddedStore(path) as store:
            node = city(f"durable-{serial}")
            links = ([RelRecord(RelType.HSR_LINK, node.id, f"city:durable-{serial - 1}",
                                {"minutes": serial % 90 + 1, "km": 10.0})] if serial else [])
            store.write(nodes=[node], relationships=links)
        sys.stdout.write(f"{node.id}\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main(Path(sys.argv[1]))
