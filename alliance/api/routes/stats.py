"""What the graph holds."""

from __future__ import annotations

from fastapi import APIRouter

from alliance.api.deps import ReaderDep, StoreDep
from alliance.api.schemas import StatsOut
from alliance.services import directory

router = APIRouter(tags=["stats"])


@router.get("/stats", name="get", response_model=StatsOut)
def stats(store: StoreDep, caller: ReaderDep) -> StatsOut:
    """Nodes per label (role labels included) and relationships per type."""
    del caller
    counts = directory.stats(store)
    return StatsOut(labels=counts.labels, relationships=counts.relationships)
