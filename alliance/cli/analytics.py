"""`alliance analytics ...`: bridging brokers, coverage gaps, communities, the funnel."""

from __future__ import annotations

import typer
from rich.table import Table

from alliance.cli.context import cli_store
from alliance.cli.output import console, print_json
from alliance.services import analytics
from alliance.services.analytics import FunnelBy

app = typer.Typer(help="Network analytics for the alliance office.", no_args_is_help=True)


def _short(ids: list[str], count: int = 4) -> str:
    shown = ", ".join(i.split(":", 1)[1] for i in ids[:count])
    return shown + (f" +{len(ids) - count}" if len(ids) > count else "")


@app.command("brokers")
def brokers_command(top: int = typer.Option(10, "--top", min=1, max=200),
                    as_json: bool = typer.Option(False, "--json")) -> None:
    """Brokers who bridge cities and verticals (betweenness centrality)."""
    with cli_store() as store:
        found = analytics.brokers(store, top=top)
    if as_json:
        print_json([b.model_dump(mode="json") for b in found])
        return
    table = Table("broker", "betweenness", "partners", "cities", "verticals")
    for b in found:
        table.add_row(b.name_en, f"{b.betweenness:.4f}", str(b.collaborators),
                      _short(b.cities), _short(b.verticals, 3))
    console.print(table)


@app.command("gaps")
def gaps_command(top: int = typer.Option(20, "--top", min=1),
                 as_json: bool = typer.Option(False, "--json")) -> None:
    """City × industry with startups needing landing and no covering broker."""
    with cli_store() as store:
        found = analytics.coverage_gaps(store)
    if as_json:
        print_json([g.model_dump(mode="json") for g in found])
        return
    table = Table("city", "industry", "startups", "parks", title=f"{len(found)} gaps")
    for g in found[:top]:
        table.add_row(g.city, g.industry, str(g.startups), _short(g.parks))
    console.print(table)


@app.command("communities")
def communities_command(min_size: int = typer.Option(3, "--min-size", min=1),
                        as_json: bool = typer.Option(False, "--json")) -> None:
    """Communities of collaborators (Louvain)."""
    with cli_store() as store:
        found = analytics.communities(store, min_size=min_size)
    if as_json:
        print_json(found.model_dump(mode="json"))
        return
    table = Table("size", "best connected", "cities", "verticals",
                  title=f"modularity {found.modularity:.3f}")
    for c in found.communities:
        table.add_row(str(c.size), _short(c.members, 3), _short(list(c.cities), 3),
                      _short(list(c.verticals), 3))
    console.print(table)


@app.command("funnel")
def funnel_command(by: FunnelBy = typer.Option(FunnelBy.CITY, "--by"),
                   min_referrals: int = typer.Option(1, "--min-referrals", min=1),
                   as_json: bool = typer.Option(False, "--json")) -> None:
    """Referral conversion and median days per stage, per city, broker or vertical."""
    with cli_store() as store:
        found = analytics.funnel(store, by=by, min_referrals=min_referrals)
    if as_json:
        print_json([g.model_dump(mode="json") for g in found])
        return
    stages = [s.stage for s in found[0].stages] if found else []
    table = Table(by.value, "referrals", *stages, "dropped")
    for g in found:
        cells = [f"{s.reached}" + (f" ({s.conversion:.0%}, {s.median_days_before:.0f} d)"
                                   if s.conversion is not None and s.median_days_before
                                   is not None else "") for s in g.stages]
        table.add_row(g.group.split(":", 1)[1], str(g.referrals), *cells, str(g.dropped))
    console.print(table)
