"""`alliance landing` and `alliance compare`: where can this company land?"""

from __future__ import annotations

from datetime import date, datetime

import typer
from rich.table import Table

from alliance.cli.context import cli_store, with_prefix
from alliance.cli.output import console, print_json
from alliance.services import corridor, landing
from alliance.services.landing import LandingRequest
from graph_schema.vocabulary import BenefitKind, CompanyStage, FacilityType


def build_request(
    origin: str, industry: str, area: float, facilities: list[FacilityType],
    max_rent: float | None, max_minutes: int | None, benefits: list[BenefitKind],
    high_tech: bool, stage: CompanyStage, founded: int | None, headcount: int | None,
    revenue: float | None, founder_equity: float | None, founder_cash: float | None,
    as_of: datetime | None, top: int,
) -> LandingRequest:
    """The CLI options as a validated request (pydantic reports bad values)."""
    return LandingRequest.model_validate({
        "origin_city": with_prefix(origin, "city"),
        "industry": with_prefix(industry, "industry"),
        "area_m2": area, "facility_types": facilities, "max_rent_cny_m2_month": max_rent,
        "max_rail_minutes": max_minutes, "benefit_kinds": benefits,
        "profile": {"high_tech_certified": high_tech, "stage": stage, "founded_year": founded,
                    "headcount": headcount, "annual_revenue_cny": revenue,
                    "founder_equity_pct": founder_equity, "founder_cash_cny": founder_cash},
        "as_of": as_of.date() if as_of else date.today(), "top_k": top,
    })


Origin = typer.Option("city:shanghai", "--from", help="Origin city id (or slug).")
IndustryOpt = typer.Option(..., "--industry", "-i", help="Industry id (or slug).")
Area = typer.Option(0.0, "--area", help="Space needed, m².")
Facilities = typer.Option([], "--facility", "-f", help="Facility type needed (repeatable).")
MaxRent = typer.Option(None, "--max-rent", help="Max rent, CNY/m²/month.")
MaxMinutes = typer.Option(None, "--max-minutes", help="Max rail minutes from the origin.")
Benefits = typer.Option([], "--benefit", "-b", help="Wanted benefit kind (repeatable).")
HighTech = typer.Option(False, "--high-tech/--no-high-tech", help="High-tech certified?")
Stage = typer.Option(CompanyStage.SEED, "--stage")
Founded = typer.Option(None, "--founded", help="Founding year.")
Headcount = typer.Option(None, "--headcount")
Revenue = typer.Option(None, "--revenue", help="Annual revenue, CNY.")
Equity = typer.Option(None, "--founder-equity", help="Founder equity, %.")
Cash = typer.Option(None, "--founder-cash", help="Founder cash invested, CNY.")
AsOf = typer.Option(None, "--as-of", formats=["%Y-%m-%d"], help="Date policies must be valid.")
Top = typer.Option(10, "--top", help="How many parks.")
Json = typer.Option(False, "--json", help="Machine-readable output.")


def landing_command(
    origin: str = Origin, industry: str = IndustryOpt, area: float = Area,
    facilities: list[FacilityType] = Facilities, max_rent: float | None = MaxRent,
    max_minutes: int | None = MaxMinutes, benefits: list[BenefitKind] = Benefits,
    high_tech: bool = HighTech, stage: CompanyStage = Stage, founded: int | None = Founded,
    headcount: int | None = Headcount, revenue: float | None = Revenue,
    founder_equity: float | None = Equity, founder_cash: float | None = Cash,
    as_of: datetime | None = AsOf, top: int = Top, as_json: bool = Json,
) -> None:
    """Rank parks for a company's landing need, with the reasons."""
    with cli_store(read_only=True) as store:
        request = build_request(origin, industry, area, facilities, max_rent, max_minutes,
                                benefits, high_tech, stage, founded, headcount, revenue,
                                founder_equity, founder_cash, as_of, top)
        result = landing.search(store, request, reveal_contacts=True)
    if as_json:
        print_json(result.model_dump(mode="json"))
        return
    if not result.parks:
        console.print(f"[yellow]No park fits.[/] {result.empty_reason}")
        return
    table = Table("#", "park", "city", "score", "rail min", "rent", "eligible", "near miss",
                  "brokers", title=f"{result.candidates} parks meet every constraint")
    for park in result.parks:
        brokers = [c.person.name_en for c in park.contacts if c.kind == "broker"]
        table.add_row(str(park.rank), f"{park.summary.park.name_zh} {park.summary.park.name_en}",
                      park.summary.city.name_en, f"{park.score:.3f}", str(park.rail_minutes),
                      f"{park.summary.rent_cny_m2_month:g}",
                      f"{len(park.eligible_policies)} ({park.policy_total_cny:,.0f})",
                      str(len(park.near_miss_policies)), ", ".join(brokers[:2]))
    console.print(table)
    best = result.parks[0]
    console.print(f"[bold]Why {best.summary.park.name_en}:[/]")
    for part in best.parts:
        console.print(f"  {part.name:<13} {part.value:.2f} × {part.weight:g}  {part.explanation}")
    for policy in best.near_miss_policies[:3]:
        console.print(f"  near miss: {policy.name_en}: {'; '.join(policy.missing)}")


def compare_command(
    origin: str = Origin, industry: str = IndustryOpt, area: float = Area,
    facilities: list[FacilityType] = Facilities, max_rent: float | None = MaxRent,
    max_minutes: int | None = MaxMinutes, benefits: list[BenefitKind] = Benefits,
    high_tech: bool = HighTech, stage: CompanyStage = Stage, founded: int | None = Founded,
    headcount: int | None = Headcount, revenue: float | None = Revenue,
    founder_equity: float | None = Equity, founder_cash: float | None = Cash,
    as_of: datetime | None = AsOf, as_json: bool = Json,
) -> None:
    """Compare the corridor city by city: best park, policy total, rent, rail minutes."""
    with cli_store(read_only=True) as store:
        request = build_request(origin, industry, area, facilities, max_rent, max_minutes,
                                benefits, high_tech, stage, founded, headcount, revenue,
                                founder_equity, founder_cash, as_of, 100)
        result = corridor.compare(store, request)
    if as_json:
        print_json(result.model_dump(mode="json"))
        return
    table = Table("city", "rail min", "parks", "best park", "score", "policy total", "rent")
    for row in result.cities:
        best = row.best_park
        table.add_row(f"{row.city.name_zh} {row.city.name_en}",
                      "—" if row.rail_minutes is None else str(row.rail_minutes),
                      str(row.parks_meeting_need),
                      best.summary.park.name_en if best else "—",
                      f"{best.score:.3f}" if best else "—",
                      f"{row.policy_total_cny:,.0f}",
                      "—" if row.rent_cny_m2_month is None else f"{row.rent_cny_m2_month:g}")
    console.print(table)
