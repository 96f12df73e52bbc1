"""`alliance collaborators` and `alliance team`: who can help with a deal?"""

from __future__ import annotations

import typer
from rich.table import Table

from alliance.cli.context import cli_store, with_prefix
from alliance.cli.output import console, print_json
from alliance.services import collaborators
from alliance.services.collaborators import CollaboratorRequest, TeamRequest
from alliance.services.explain import PathOut, counted
from graph_schema.vocabulary import CertificationLevel, Role


def show_path(path: PathOut | None) -> str:
    """'you → Wang Wei → Li Na' style, for tables."""
    return " → ".join(node.name_en for node in path.nodes) if path else "(cold contact)"


def collaborators_command(
    asker: str | None = typer.Option(None, "--asker", "-a", help="Your person id."),
    skills: list[str] = typer.Option([], "--skill", "-s", help="Skill id (repeatable)."),
    require_all: bool = typer.Option(False, "--all", help="Need every skill, not any."),
    min_level: int = typer.Option(1, "--min-level"),
    verticals: list[str] = typer.Option([], "--vertical", "-v", help="Industry id."),
    cities: list[str] = typer.Option([], "--city", "-c", help="City id."),
    roles: list[Role] = typer.Option([], "--role", "-r"),
    certification: CertificationLevel | None = typer.Option(None, "--certification"),
    max_hops: int = typer.Option(3, "--max-hops"),
    top: int = typer.Option(10, "--top"),
    as_of: str | None = typer.Option(None, "--as-of", help="Date ties decay to (YYYY-MM-DD)."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Find people with the skills you need, nearest in your network first."""
    with cli_store(read_only=True) as store:
        request = CollaboratorRequest.model_validate({
            "asker": with_prefix(asker, "person") if asker else None,
            "skills": [with_prefix(s, "skill") for s in skills],
            "require_all_skills": require_all, "min_level": min_level,
            "verticals": [with_prefix(v, "industry") for v in verticals],
            "cities": [with_prefix(c, "city") for c in cities], "roles": roles,
            "min_certification": certification, "max_hops": max_hops, "top_k": top,
            "as_of": as_of,
        })
        result = collaborators.search(store, request, reveal_contacts=True)
    if as_json:
        print_json(result.model_dump(mode="json"))
        return
    table = Table("#", "person", "roles", "score", "skills", "proof", "trust path (weakest tie)",
                  title=f"{counted(result.candidates, 'person', 'people')} "
                        f"match{'es' if result.candidates == 1 else ''}")
    for item in result.collaborators:
        weakest = f" ({item.weakest_tie:.2f})" if item.weakest_tie is not None else ""
        table.add_row(str(item.rank), f"{item.person.name_zh} {item.person.name_en}",
                      ", ".join(item.person.roles), f"{item.score:.3f}",
                      ", ".join(f"{s.split(':')[1]}:{lvl}" for s, lvl in item.skills[:3]),
                      item.proof.text, show_path(item.trust_path) + weakest)
    console.print(table)
    for item in result.collaborators[:3]:
        if item.introduction:
            console.print(f"{item.rank}. {item.introduction.text}")
        for step in dict.fromkeys(tuple(s.between) for s in item.trust_steps):
            detail = next(s for s in item.trust_steps if tuple(s.between) == step)
            console.print(f"     {detail.strength:.2f}  {'; '.join(detail.evidence[:2])}")
    for relaxation in result.relaxations:
        console.print(f"[yellow]{counted(relaxation.candidates, 'candidate')}[/] if "
                      f"{relaxation.filter} "
                      f"is widened to {relaxation.widened_to}")


def team_command(
    vertical: str = typer.Option(..., "--vertical", "-v", help="Industry id of the deal."),
    asker: str | None = typer.Option(None, "--asker", "-a"),
    cities: list[str] = typer.Option([], "--city", "-c"),
    roles: list[Role] = typer.Option([], "--role", "-r", help="One seat per role (repeatable)."),
    max_hops: int = typer.Option(3, "--max-hops"),
    as_of: str | None = typer.Option(None, "--as-of", help="Date ties decay to (YYYY-MM-DD)."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Build a deal team who know each other: a lawyer, a finance expert, a broker."""
    with cli_store(read_only=True) as store:
        request = TeamRequest.model_validate({
            "vertical": with_prefix(vertical, "industry"),
            "asker": with_prefix(asker, "person") if asker else None,
            "cities": [with_prefix(c, "city") for c in cities], "max_hops": max_hops,
            "roles": roles, "as_of": as_of,
        })
        result = collaborators.team(store, request, reveal_contacts=True)
    if as_json:
        print_json(result.model_dump(mode="json"))
        return
    table = Table("seat", "person", "score", "trust path", title=f"team score {result.score:.3f}")
    for seat in result.seats:
        table.add_row(seat.seat, f"{seat.member.person.name_zh} {seat.member.person.name_en}",
                      f"{seat.member.score:.3f}", show_path(seat.member.trust_path))
    console.print(table)
    console.print(result.note)
    for link in result.links:
        how = "worked together" if link.worked_together else (
            "only through you" if link.via_asker else
            f"{link.hops} hops" if link.hops else "no link")
        route = show_path(link.path) if link.path else "not linked within 2 hops"
        console.print(f"  {link.between[0]} ↔ {link.between[1]} ({how}, "
                      f"{link.strength:.2f}): {route}")
    weakest = result.cohesion.weakest_pair
    if weakest:
        console.print(f"weakest pair: {weakest.between[0]} ↔ {weakest.between[1]}")
    if result.missing_seats:
        console.print(f"[yellow]No candidate for:[/] {', '.join(result.missing_seats)}")
