"""`alliance landing` and `alliance compare`: where can this company land?"""

from __future__ import annotations

from datetime import date, datetime

import typer
from rich.table import Table

from alliance.cli.context import cli_store, with_prefix
from alliance.cli.output import console, print_json
from alliance.services import corridor, landing
from alliance.services.elimination import Elimination
from alliance.services.landing import LandingRequest, ParkResult
from graph_schema.vocabulary import BenefitKind, CompanyStage, FacilityType


def _score_cell(park: ParkResult) -> str:
    """The score, marked when the park's facts are past their freshness horizon."""
    return f"{park.score:.3f}" + (" stale" if park.freshness.stale else "")


def build_request(
    origin: str, industry: str, area: float, facilities: list[FacilityType],
    max_rent: float | None, max_minutes: int | None, benefits: list[BenefitKind],
    high_tech: bool, stage: CompanyStage, founded: int | None, headcount: int | None,
    revenue: float | None, founder_equity: float | None, founder_cash: float | None,
    as_of: datetime | None, top: int, horizon: int = 3, capex: float | None = None,
    why_not: str | None = None, asker: str | None = None,
) -> LandingRequest:
    """The CLI options as a validated request (pydantic reports bad values)."""
    return LandingRequest.model_validate({
        "origin_city": with_prefix(origin, "city"),
        "industry": with_prefix(industry, "industry"),
        "area_m2": area, "facility_types": facilities, "max_rent_cny_m2_month": max_rent,
        "max_rail_minutes": max_minutes, "benefit_kinds": benefits,
        "profile": {"high_tech_certified": high_tech, "stage": stage, "founded_year": founded,
                    "annual_revenue_cny": revenue, "founder_equity_pct": founder_equity,
                    "founder_cash_cny": founder_cash},
        "headcount": headcount, "horizon_years": horizon, "planned_capex_cny": capex,
        "why_not": with_prefix(why_not, "park") if why_not else None,
        "asker": with_prefix(asker, "person") if asker else None,
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
Headcount = typer.Option(None, "--headcount",
                         help="People at the new site (per-person benefits, eligibility).")
Horizon = typer.Option(3, "--horizon", help="Years the net cost is counted over.")
Capex = typer.Option(None, "--capex", help="Planned equipment and fit-out spending, CNY.")
WhyNot = typer.Option(None, "--why-not", help="Park id (or slug): why is it not listed?")
Asker = typer.Option(None, "--asker", help="Your person id: helpers come with trust paths.")
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
    as_of: datetime | None = AsOf, top: int = Top, horizon: int = Horizon,
    capex: float | None = Capex, why_not: str | None = WhyNot, asker: str | None = Asker,
    as_json: bool = Json,
) -> None:
    """Rank parks for a company's landing need, with its net cost and the reasons."""
    with cli_store(read_only=True) as store:
        request = build_request(origin, industry, area, facilities, max_rent, max_minutes,
                                benefits, high_tech, stage, founded, headcount, revenue,
                                founder_equity, founder_cash, as_of, top, horizon, capex,
                                why_not, asker)
        result = landing.search(store, request, reveal_contacts=True)
    if as_json:
        print_json(result.model_dump(mode="json"))
        return
    _print_elimination(result.elimination)
    if result.why_not:
        console.print(f"[bold]Why not:[/] {result.why_not.text}")
    if not result.parks:
        console.print(f"[yellow]No park fits.[/] {result.empty_reason}")
        return
    table = Table("#", "park", "city", "fit", "score", "rail min", "rent", "company money",
                  f"net cost {result.horizon_years}y", "gaps unlock", "brokers")
    for park in result.parks:
        brokers = [c.person.name_en for c in park.contacts if c.kind == "broker"]
        table.add_row(str(park.rank), f"{park.summary.park.name_zh} {park.summary.park.name_en}",
                      park.summary.city.name_en, park.industry_fit, _score_cell(park),
                      str(park.rail_minutes), f"{park.summary.rent_cny_m2_month:g}",
                      f"{park.policy_total_cny:,.0f}", f"{park.net_cost.net_cost_cny:,.0f}",
                      f"{park.gap_closer.unlock_cny:,.0f}", ", ".join(brokers[:2]))
    console.print(table)
    _print_best(result.parks[0])


def _print_elimination(elimination: Elimination) -> None:
    counts = ", ".join(f"{c.constraint} −{c.eliminated}" for c in elimination.constraints
                       if c.eliminated)
    console.print(f"{elimination.parks_meeting_all} of {elimination.parks_total} parks meet "
                  f"every constraint; eliminated by {counts or 'nothing'}")


def _print_best(best: ParkResult) -> None:
    console.print(f"[bold]Why {best.summary.park.name_en}:[/]")
    for part in best.parts:
        console.print(f"  {part.name:<13} {part.value:.2f} × {part.weight:g}  {part.explanation}")
    fresh = best.freshness
    if fresh.stale:
        console.print(f"  stale: checked {fresh.checked_on}, {fresh.age_days} days ago "
                      f"(horizon {fresh.horizon_days}) → score × {fresh.weight:g}")
    console.print(f"  [bold]net cost:[/] {best.net_cost.arithmetic}")
    for pending in best.net_cost.pending:
        console.print(f"  depends: {pending.name_en}: {pending.arithmetic}")
    for policy in best.eligible_policies:
        if policy.status not in ("counted", "depends"):
            console.print(f"  not counted: {policy.name_en}: {policy.status_reason}")
    console.print(f"  [bold]gap-closer:[/] {best.gap_closer.text}")
    for gap in best.gap_closer.gaps:
        helpers = ", ".join(h.person.name_en for h in gap.helpers) or "—"
        months = f", ~{gap.typical_months} months" if gap.typical_months else ""
        unlock = f", unlocks {gap.unlock_cny:,.0f}" if gap.unlock_cny else ""
        console.print(f"    {gap.field.value} ({gap.closability.value}{months}{unlock}): "
                      f"{gap.action}; helpers: {helpers}")
    team = [p for p in best.founding_team_policies if p.eligible]
    if team:
        console.print("  for the founding team: " + "; ".join(
            f"{p.name_en} ({p.arithmetic})" for p in team))
    if best.broker_side:
        console.print("  broker's side: " + "; ".join(
            f"{p.name_en} ({p.arithmetic})" for p in best.broker_side))


def compare_command(
    origin: str = Origin, industry: str = IndustryOpt, area: float = Area,
    facilities: list[FacilityType] = Facilities, max_rent: float | None = MaxRent,
    max_minutes: int | None = MaxMinutes, benefits: list[BenefitKind] = Benefits,
    high_tech: bool = HighTech, stage: CompanyStage = Stage, founded: int | None = Founded,
    headcount: int | None = Headcount, revenue: float | None = Revenue,
    founder_equity: float | None = Equity, founder_cash: float | None = Cash,
    as_of: datetime | None = AsOf, horizon: int = Horizon, capex: float | None = Capex,
    as_json: bool = Json,
) -> None:
    """Compare the corridor city by city: best park, net cost, company money, rent, rail."""
    with cli_store(read_only=True) as store:
        request = build_request(origin, industry, area, facilities, max_rent, max_minutes,
                                benefits, high_tech, stage, founded, headcount, revenue,
                                founder_equity, founder_cash, as_of, 100, horizon, capex)
        result = corridor.compare(store, request)
    if as_json:
        print_json(result.model_dump(mode="json"))
        return
    _print_elimination(result.elimination)
    table = Table("city", "rail min", "parks", "best park", "score", "company money",
                  f"net cost {result.horizon_years}y", "gaps unlock", "rent")
    for row in result.cities:
        best = row.best_park
        table.add_row(f"{row.city.name_zh} {row.city.name_en}",
                      "—" if row.rail_minutes is None else str(row.rail_minutes),
                      str(row.parks_meeting_need),
                      best.summary.park.name_en if best else "—",
                      _score_cell(best) if best else "—",
                      f"{row.policy_total_cny:,.0f}",
                      "—" if row.net_cost_cny is None else f"{row.net_cost_cny:,.0f}",
                      f"{row.unlock_cny:,.0f}",
                      "—" if row.rent_cny_m2_month is None else f"{row.rent_cny_m2_month:g}")
    console.print(table)
