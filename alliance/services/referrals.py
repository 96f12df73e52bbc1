"""The referral funnel: a broker introduces a company to a park, and the referral moves
proposed → first meeting → second meeting → signed → landed, or is dropped with a reason.

The alliance's own numbers are the reason this exists: of 100 real needs fewer than 50
get a first meeting, 7–8 a second and 3–4 land. `funnel` counts, per city, park or
broker, how many referrals reached each stage and the conversion from each stage to the
next, so staff see where deals stall. A dropped referral still counts for every stage it
reached before it was dropped (the stage dates say which).
"""

from __future__ import annotations

import builtins
from collections import Counter
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from alliance.errors import Conflict, Invalid, NotFound
from alliance.services.directory import AuditSink, Change, Page, decode_cursor, encode_cursor
from alliance.services.directory import get_or_raise as get_entity
from alliance.store.base import MAX_PAGE, GraphStore
from graph_schema.records import NodeRecord, RelRecord, validate_node, validate_relationship
from graph_schema.vocabulary import FUNNEL_ORDER, Label, ReferralStage, RelType, Role

ENDS: dict[str, RelType] = {
    "company": RelType.REFERS,
    "park": RelType.REFERRED_TO,
    "broker": RelType.REFERRED_BY,
}
"""The three ends of a referral and the relationship type that holds each."""

CLOSED = (ReferralStage.LANDED, ReferralStage.DROPPED)
MAX_NOTES = 500


class ReferralCreate(BaseModel):
    """A broker introduces a company to a park."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "company": "company:demo-startup", "park": "park:suzhou-sip-biobay",
        "broker": "person:demo-broker", "proposed_on": "2025-03-01",
    }]})

    company: str = Field(description="Company id.", max_length=200)
    park: str = Field(description="Park id.", max_length=200)
    broker: str = Field(description="Person id of a broker.", max_length=200)
    proposed_on: date = Field(default_factory=date.today)
    id: str | None = Field(default=None, max_length=200,
                           description="Referral id; generated when left out.")


class Advance(BaseModel):
    """Move a referral to the next stage on a date."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"on": "2025-04-10"}]})

    on: date = Field(default_factory=date.today, description="Date the stage was reached.")


class Drop(BaseModel):
    """End a referral, with the reason (what the funnel analysis learns from)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"reason": "rent above budget", "on": "2025-05-02"}]})

    reason: str = Field(min_length=1, max_length=2000)
    on: date = Field(default_factory=date.today)


class ReferralUpdate(BaseModel):
    """Add a staff note and/or set (or clear, with null) the follow-up date."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"note": "park asked for the cleanroom spec", "follow_up_on": "2025-05-20"}]})

    note: str | None = Field(default=None, min_length=1, max_length=2000)
    follow_up_on: date | None = None


class EndRef(BaseModel):
    """One end of a referral as a link: id and names."""

    id: str
    name_zh: str
    name_en: str


class ReferralOut(BaseModel):
    """A referral with its company, park and broker ids, their names (`ends`), the date it
    reached its current stage, notes and the next follow-up."""

    id: str
    name_zh: str
    name_en: str
    stage: ReferralStage
    proposed_on: date
    first_meeting_on: date | None = None
    second_meeting_on: date | None = None
    signed_on: date | None = None
    landed_on: date | None = None
    dropped_on: date | None = None
    dropped_reason: str | None = None
    notes: builtins.list[str] = Field(default_factory=builtins.list)
    follow_up_on: date | None = None
    stage_since: date = Field(description="Date the referral reached its current stage.")
    company: str | None
    park: str | None
    broker: str | None
    ends: dict[str, EndRef | None] = Field(
        description="company, park and broker with their names (null when missing).")
    source: str
    as_of: date


class ReferralPage(BaseModel):
    items: builtins.list[ReferralOut]
    next_cursor: str | None


# --------------------------------------------------------------------------- reads


def _ends(store: GraphStore, referral_id: str) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for name, rel_type in ENDS.items():
        rels = store.get_relationships(rel_type, source=referral_id)
        out[name] = rels[0].target if rels else None
    return out


def stage_since(props: dict[str, Any]) -> str:
    """The date of the referral's current stage (proposed_on for a new one)."""
    stage = str(props.get("stage"))
    return str(props.get(f"{stage}_on") or props["proposed_on"])


def referral_out(store: GraphStore, record: NodeRecord) -> ReferralOut:
    props = record.properties
    ends = _ends(store, record.id)
    found = {r.id: r for r in store.get_nodes([i for i in ends.values() if i])}
    refs = {name: ({"id": node_id, "name_zh": found[node_id].properties.get("name_zh", ""),
                    "name_en": found[node_id].properties.get("name_en", "")}
                   if node_id in found else None)
            for name, node_id in ends.items()}
    return ReferralOut.model_validate({
        **{name: props.get(name) for name in ReferralOut.model_fields if name in props},
        "id": record.id, **ends, "ends": refs, "stage_since": stage_since(props),
    })


def get_or_raise(store: GraphStore, *, referral_id: str) -> ReferralOut:
    return referral_out(store, get_entity(store, entity_id=referral_id,
                                          label=Label.REFERRAL))


def list(store: GraphStore, *, stage: ReferralStage | None = None, park: str | None = None,
         broker: str | None = None, company: str | None = None, cursor: str | None = None,
         limit: int = 50) -> ReferralPage:
    """Referrals by id, optionally at one stage, to one park, by one broker, for one
    company."""
    limit = max(1, min(limit, MAX_PAGE))
    after = decode_cursor(cursor) if cursor else None
    filters: dict[str, Any] = {"stage": stage} if stage else {}
    ends = {name: value for name, value in
            (("park", park), ("broker", broker), ("company", company)) if value}
    if ends:
        ids: set[str] | None = None
        for name, node_id in ends.items():
            sources = {rel.source for rel in store.get_relationships(ENDS[name],
                                                                     target=node_id)}
            ids = sources if ids is None else ids & sources
        wanted = sorted(i for i in ids or () if after is None or i > after)
        records = [r for r in store.get_nodes(wanted)
                   if stage is None or r.properties.get("stage") == stage.value]
        found = records[:limit + 1]
    else:
        found = store.list_nodes(Label.REFERRAL, filters=filters, after=after, limit=limit + 1)
    page = Page(found[:limit], encode_cursor(found[limit - 1].id) if len(found) > limit
                else None)
    return ReferralPage(items=[referral_out(store, r) for r in page.items],
                        next_cursor=page.next_cursor)


# --------------------------------------------------------------------------- writes


def _end(store: GraphStore, field: str, node_id: str, label: Label) -> NodeRecord:
    record = store.get_node(node_id)
    if record is None:
        msg = f"no {label.value} with id {node_id!r}"
        raise NotFound(msg, field=field)
    if record.label is not label:
        msg = f"{node_id!r} is a {record.label.value}, not a {label.value}"
        raise Invalid(msg, field=field)
    return record


def _slug(node_id: str) -> str:
    return node_id.partition(":")[2]


def _new_id(store: GraphStore, company: str, park: str, on: date) -> str:
    base = f"referral:{_slug(company)}-to-{_slug(park)}-{on:%Y%m%d}"[:180]
    candidate, number = base, 1
    while store.get_node(candidate) is not None:
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def _validated(properties: dict[str, Any], field: str) -> NodeRecord:
    try:
        return validate_node(Label.REFERRAL, properties)
    except ValidationError as exc:
        message = "; ".join(str(err["msg"]) for err in exc.errors())
        raise Invalid(message, field=field) from exc


def create(store: GraphStore, *, request: ReferralCreate, audit: AuditSink) -> ReferralOut:
    """A new referral at stage `proposed`. Conflict when the company already has an open
    referral to that park."""
    company = _end(store, "company", request.company, Label.COMPANY)
    park = _end(store, "park", request.park, Label.PARK)
    broker = _end(store, "broker", request.broker, Label.PERSON)
    if Role.BROKER.value not in broker.labels:
        msg = f"{broker.id!r} is not a broker"
        raise Invalid(msg, field="broker")
    open_ids = {rel.source for rel in store.get_relationships(RelType.REFERRED_TO,
                                                              target=park.id)}
    for rel in store.get_relationships(RelType.REFERS, target=company.id):
        other = store.get_node(rel.source)
        if rel.source in open_ids and other is not None and \
                other.properties.get("stage") not in CLOSED:
            msg = f"{company.id!r} already has an open referral to {park.id!r}: {other.id!r}"
            raise Conflict(msg, field="park")
    if request.id is not None and store.get_node(request.id) is not None:
        msg = f"an entity with id {request.id!r} already exists"
        raise Conflict(msg, field="id")
    referral_id = request.id or _new_id(store, company.id, park.id, request.proposed_on)
    cp, pp = company.properties, park.properties
    node = _validated({
        "id": referral_id,
        "name_zh": f"{cp['name_zh']} → {pp['name_zh']}",
        "name_en": f"{cp['name_en']} → {pp['name_en']}",
        "stage": ReferralStage.PROPOSED.value,
        "proposed_on": request.proposed_on.isoformat(),
        "source": audit.actor,
        "as_of": date.today().isoformat(),
    }, "id")
    rels: builtins.list[RelRecord] = [
        validate_relationship(ENDS[name], node.id, end.id)
        for name, end in (("company", company), ("park", park), ("broker", broker))
    ]
    store.write(nodes=[node], relationships=rels, create_only=True)
    out = referral_out(store, node)
    audit.record([Change("referral.create", node.id, None, out.model_dump(mode="json"))])
    return out


def _last_date(props: dict[str, Any]) -> date:
    dates = [props.get(f"{stage.value}_on") for stage in FUNNEL_ORDER]
    return max(date.fromisoformat(d) for d in dates if d)


def _open_referral(store: GraphStore, referral_id: str, on: date, refusal: str
                   ) -> tuple[ReferralOut, dict[str, Any]]:
    """The referral as it is and its properties to change: Conflict when it is already
    closed, Invalid when `on` is before its last stage date."""
    record = get_entity(store, entity_id=referral_id, label=Label.REFERRAL)
    before = referral_out(store, record)
    if before.stage in CLOSED:
        msg = f"{referral_id!r} is {before.stage.value}; {refusal}"
        raise Conflict(msg)
    props = dict(record.properties)
    last = _last_date(props)
    if on < last:
        msg = f"{on} is before the referral's last stage date {last}"
        raise Invalid(msg, field="on")
    return before, props


def advance(store: GraphStore, *, referral_id: str, on: date, audit: AuditSink
            ) -> ReferralOut:
    """Move the referral to the next stage, reached on `on`."""
    before, props = _open_referral(store, referral_id, on, "it cannot advance")
    stage = FUNNEL_ORDER[FUNNEL_ORDER.index(before.stage) + 1]
    props.update({"stage": stage.value, f"{stage.value}_on": on.isoformat()})
    node = _validated(props, "on")
    store.write(nodes=[node])
    after = referral_out(store, node)
    audit.record([Change("referral.advance", referral_id, before.model_dump(mode="json"),
                         after.model_dump(mode="json"))])
    return after


def drop(store: GraphStore, *, referral_id: str, reason: str, on: date, audit: AuditSink
         ) -> ReferralOut:
    """End the referral with a reason."""
    before, props = _open_referral(store, referral_id, on, "it cannot be dropped")
    props.update({"stage": ReferralStage.DROPPED.value, "dropped_on": on.isoformat(),
                  "dropped_reason": reason.strip()})
    node = _validated(props, "reason")
    store.write(nodes=[node])
    after = referral_out(store, node)
    audit.record([Change("referral.drop", referral_id, before.model_dump(mode="json"),
                         after.model_dump(mode="json"))])
    return after


def update(store: GraphStore, *, referral_id: str, request: ReferralUpdate, audit: AuditSink
           ) -> ReferralOut:
    """Append a note (dated, with the author) and/or set the follow-up date; closed
    referrals take notes too (why it landed, what to learn)."""
    if "note" not in request.model_fields_set and "follow_up_on" not in request.model_fields_set:
        msg = "give a note or a follow_up_on"
        raise Invalid(msg, field="note")
    record = get_entity(store, entity_id=referral_id, label=Label.REFERRAL)
    before = referral_out(store, record)
    props = dict(record.properties)
    if request.note is not None:
        notes = builtins.list(props.get("notes") or [])
        if len(notes) >= MAX_NOTES:
            msg = f"a referral keeps at most {MAX_NOTES} notes"
            raise Conflict(msg, field="note")
        notes.append(f"{date.today().isoformat()} {audit.actor}: {request.note.strip()}")
        props["notes"] = notes
    if "follow_up_on" in request.model_fields_set:
        props["follow_up_on"] = (request.follow_up_on.isoformat()
                                 if request.follow_up_on else None)
    node = _validated(props, "note")
    store.write(nodes=[node])
    after = referral_out(store, node)
    audit.record([Change("referral.update", referral_id, before.model_dump(mode="json"),
                         after.model_dump(mode="json"))])
    return after


# --------------------------------------------------------------------------- funnel


GroupBy = Literal["city", "park", "broker", "industry"]


class Conversion(BaseModel):
    """Share of referrals that reached `from_stage` and went on to `to_stage`."""

    from_stage: ReferralStage
    to_stage: ReferralStage
    rate: float | None = Field(description="null when none reached from_stage.")


class FunnelGroup(BaseModel):
    """The funnel of one city, park or broker (key null: referrals missing that end)."""

    key: str | None
    name_zh: str | None
    name_en: str | None
    total: int
    reached: dict[str, int] = Field(description="Referrals that reached each stage.")
    current: dict[str, int] = Field(description="Referrals now at each stage.")
    dropped: int
    conversion: builtins.list[Conversion]


class FunnelReport(BaseModel):
    by: GroupBy
    overall: FunnelGroup
    groups: builtins.list[FunnelGroup]


def reached_stages(props: dict[str, Any]) -> builtins.list[ReferralStage]:
    """Funnel stages a referral reached: proposed, then each stage with a date.

    >>> [s.value for s in reached_stages({"proposed_on": "2025-01-01",
    ...                                   "first_meeting_on": "2025-02-01"})]
    ['proposed', 'first_meeting']
    """
    return [stage for stage in FUNNEL_ORDER
            if stage is ReferralStage.PROPOSED or props.get(f"{stage.value}_on")]


def _group(key: str | None, names: dict[str, NodeRecord],
           referrals: builtins.list[NodeRecord]) -> FunnelGroup:
    reached: Counter[str] = Counter()
    current: Counter[str] = Counter()
    for record in referrals:
        reached.update(stage.value for stage in reached_stages(record.properties))
        current[str(record.properties.get("stage"))] += 1
    conversion = [
        Conversion(from_stage=a, to_stage=b,
                   rate=round(reached[b.value] / reached[a.value], 4) if reached[a.value]
                   else None)
        for a, b in zip(FUNNEL_ORDER, FUNNEL_ORDER[1:], strict=False)
    ]
    named = names.get(key) if key else None
    return FunnelGroup(
        key=key, name_zh=named.properties.get("name_zh") if named else None,
        name_en=named.properties.get("name_en") if named else None, total=len(referrals),
        reached={stage.value: reached[stage.value] for stage in FUNNEL_ORDER},
        current={stage.value: current[stage.value] for stage in ReferralStage},
        dropped=current[ReferralStage.DROPPED.value], conversion=conversion,
    )


def _all_referrals(store: GraphStore) -> builtins.list[NodeRecord]:
    out: builtins.list[NodeRecord] = []
    after: str | None = None
    while True:
        page = store.list_nodes(Label.REFERRAL, after=after, limit=MAX_PAGE)
        out.extend(page)
        if len(page) < MAX_PAGE:
            return out
        after = page[-1].id


def funnel(store: GraphStore, *, by: GroupBy) -> FunnelReport:
    """Stage counts and conversion rates, overall and per city, park, broker or industry
    (the referred company's vertical)."""
    referrals = _all_referrals(store)
    rel_type = {"broker": RelType.REFERRED_BY, "industry": RelType.REFERS}.get(
        by, RelType.REFERRED_TO)
    end = {rel.source: rel.target for rel in store.get_relationships(rel_type)}
    if by in ("city", "industry"):
        hop = RelType.IN_CITY if by == "city" else RelType.IN_INDUSTRY
        second = {rel.source: rel.target for rel in store.get_relationships(hop)}
        end = {referral: second[node] for referral, node in end.items() if node in second}
    groups: dict[str | None, builtins.list[NodeRecord]] = {}
    for record in referrals:
        groups.setdefault(end.get(record.id), []).append(record)
    keys = sorted(key for key in groups if key is not None)
    names = {record.id: record for record in store.get_nodes(keys)}
    ordered: builtins.list[str | None] = [*keys, *([None] if None in groups else [])]
    return FunnelReport(by=by, overall=_group(None, {}, referrals),
                        groups=[_group(key, names, groups[key]) for key in ordered])
