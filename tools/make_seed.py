"""Generate the fictional people, companies and referrals of the demonstration seed.

The hand-written seed files (cities, parks, industries, skills, organizations) describe the
corridor; this script invents the people who work in it, the companies looking for space
and the broker referrals between them, consistent with those files: every id it writes is
read from them, brokers cover parks that host their verticals, referrals go to parks that
host the company's industry, and a landed referral gives the company a LANDED_IN edge.

It is deterministic (one `random.Random` with a fixed seed), so rerunning it reproduces
the same files byte for byte unless the hand-written files or this script change.

    python tools/make_seed.py            # rewrite seed/people.yaml, companies.yaml, referrals.yaml
    python tools/make_seed.py --check    # exit 1 when the files differ from what it would write

Everything it writes is fictional demonstration data: the names are made up, contact
details use example.com, a 555 phone prefix and `demo_` WeChat ids.
"""

from __future__ import annotations

import argparse
import math
import random
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import networkx as nx
import yaml
from pypinyin import lazy_pinyin

SEED = 20250630
AS_OF = date(2025, 6, 30)
SEED_DIR = Path(__file__).resolve().parents[1] / "seed"
SOURCE = "fictional demonstration record"

HEADER = """\
# GENERATED FILE - do not edit by hand; edit tools/make_seed.py and regenerate:
#     python tools/make_seed.py
# {what}
# Fictional demonstration data (source: "fictional demonstration record"): invented names,
# example.com e-mail addresses, 555 phone numbers and demo_ WeChat ids. Ids of cities, parks,
# industries, skills and organizations come from the hand-written files next to this one.
"""

# --------------------------------------------------------------------------- name pools

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓彭曹袁蒋蔡潘杜戴夏钟汪田任姜范方"
    "石姚谭廖邹熊金陆郝孔崔顾沈钱秦陶俞严魏程丁"
)
GIVEN_CHARS = (
    "晓明华伟芳婷静磊洋勇军杰娟涛超敏燕丽强鹏辉玲霞斌宇浩凯欣悦琳雪博文思嘉晨怡佳瑞子雨梦天一"
    "志海峰建国春秋健立新卫红平安诗雅昊轩泽航旭睿倩颖蕾萍亮刚东岚蓉慧哲远扬清源毅诚俊峻琪"
)
COMPANY_CHARS = (
    "启辰睿拓澜衡朗霁汐峻曜珀栩湛弈昀翊嘉骁岚璟泓煜铂钧垣淳禾溯澄朔沐昕宸逸钛砺舟屿骋岱琛瀚玑珩蔚凌"
)

# --------------------------------------------------------------------------- domain tables


@dataclass(frozen=True)
class IndustryProfile:
    """How a company of this industry names itself and what space it needs."""

    zh: str
    en: str
    slug: str
    product: str
    facilities: tuple[str, ...]
    area: tuple[int, int]
    rent: tuple[int, int]


P = IndustryProfile
PROFILES: dict[str, IndustryProfile] = {
    "orthopaedic-devices": P("医疗科技", "Medical Technology", "medical", "Orthopaedic implant",
                             ("gmp_cleanroom", "standard_factory"), (500, 3000), (35, 70)),
    "dental-devices": P("医疗器械", "Medical Devices", "dental", "Dental implant",
                        ("gmp_cleanroom", "rd_lab"), (300, 2000), (35, 70)),
    "surgical-instruments": P("医疗器械", "Medical Instruments", "surgical",
                              "Minimally invasive stapler", ("gmp_cleanroom", "cleanroom"),
                              (400, 2500), (30, 65)),
    "ivd": P("生物科技", "Biotech", "diagnostics", "IVD reagent",
             ("gmp_cleanroom", "wet_lab"), (300, 2000), (35, 80)),
    "medical-imaging": P("医疗影像", "Medical Imaging", "imaging", "Portable ultrasound",
                         ("cleanroom", "standard_factory"), (500, 3000), (30, 60)),
    "medical-devices": P("医疗器械", "Medical Devices", "meddevice", "Medical device",
                         ("gmp_cleanroom", "standard_factory"), (400, 2500), (30, 70)),
    "innovative-drugs": P("生物医药", "Biopharma", "pharma", "Innovative drug",
                          ("gmp_cleanroom", "wet_lab"), (800, 5000), (40, 90)),
    "small-nucleic-acid-drugs": P("核酸医药", "Nucleic Acid Therapeutics", "rna", "siRNA drug",
                                  ("wet_lab", "gmp_cleanroom"), (600, 4000), (40, 90)),
    "gene-technology": P("基因科技", "Gene Technology", "gene", "Gene therapy vector",
                         ("wet_lab", "rd_lab"), (300, 2000), (45, 100)),
    "pharma-services": P("医药科技", "Pharma Services", "cro", "CRO laboratory",
                         ("wet_lab", "rd_lab"), (500, 3000), (40, 90)),
    "biomedicine": P("生物技术", "Biotechnology", "bio", "Biopharma",
                     ("wet_lab", "rd_lab"), (300, 2000), (40, 90)),
    "chip-design": P("微电子", "Microelectronics", "micro", "Chip design centre",
                     ("office", "rd_lab"), (200, 1500), (60, 160)),
    "ic-packaging-testing": P("半导体", "Semiconductor", "semi", "Advanced packaging line",
                              ("cleanroom", "standard_factory"), (2000, 10000), (25, 50)),
    "ic-manufacturing": P("芯材科技", "Wafer Technology", "wafer", "Specialty wafer fab",
                          ("cleanroom", "heavy_industrial_land"), (5000, 30000), (20, 45)),
    "semiconductor-equipment-materials": P("半导体装备", "Semiconductor Equipment", "semieq",
                                           "Semiconductor etching equipment",
                                           ("cleanroom", "standard_factory"), (1000, 6000),
                                           (25, 55)),
    "integrated-circuits": P("芯片科技", "Chip Technology", "chip", "IC",
                             ("rd_lab", "cleanroom"), (300, 3000), (30, 100)),
    "ai": P("智能科技", "Intelligent Technology", "ai", "Machine-vision system",
            ("office", "rd_lab"), (200, 1500), (50, 150)),
    "iot": P("物联科技", "IoT Technology", "iot", "IoT sensor",
             ("rd_lab", "standard_factory"), (300, 2000), (30, 70)),
    "electronics": P("电子科技", "Electronics", "electronics", "Electronics assembly",
                     ("standard_factory", "cleanroom"), (1000, 8000), (25, 50)),
    "communications": P("通信技术", "Communications", "telecom", "5G module",
                        ("rd_lab", "standard_factory"), (500, 3000), (30, 70)),
    "digital-creative": P("数字科技", "Digital", "digital", "Digital content studio",
                          ("office",), (200, 1000), (40, 120)),
    "photovoltaics": P("光能科技", "Solar Technology", "solar", "Perovskite PV module",
                       ("standard_factory", "heavy_industrial_land"), (3000, 20000), (18, 40)),
    "energy-storage": P("储能科技", "Energy Storage", "storage", "Battery pack",
                        ("standard_factory", "warehouse"), (2000, 15000), (18, 40)),
    "hydrogen-energy": P("氢能科技", "Hydrogen Energy", "hydrogen", "Fuel-cell stack",
                         ("standard_factory", "heavy_industrial_land"), (2000, 10000), (18, 40)),
    "new-energy": P("新能源", "New Energy", "energy", "New-energy",
                    ("standard_factory",), (1000, 8000), (18, 45)),
    "intelligent-connected-vehicles": P("智行科技", "Mobility", "mobility", "Autonomous-driving",
                                        ("test_field", "rd_lab"), (500, 3000), (30, 80)),
    "automotive-electronics": P("汽车电子", "Automotive Electronics", "autoelec",
                                "Automotive radar", ("standard_factory", "cleanroom"),
                                (1000, 6000), (22, 50)),
    "new-energy-vehicles": P("新能源汽车", "EV", "ev", "EV drivetrain",
                             ("standard_factory", "test_field"), (3000, 20000), (18, 45)),
    "industrial-robots": P("机器人", "Robotics", "robotics", "Industrial robot",
                           ("standard_factory", "rd_lab"), (800, 6000), (22, 50)),
    "rail-transit-equipment": P("轨交装备", "Rail Equipment", "rail", "Rail braking system",
                                ("standard_factory", "heavy_industrial_land"), (2000, 12000),
                                (18, 40)),
    "ships-offshore": P("海洋装备", "Marine Equipment", "marine", "Offshore winch",
                        ("heavy_industrial_land", "warehouse"), (5000, 30000), (15, 35)),
    "aerospace": P("航空科技", "Aerospace", "aero", "Aero-engine component",
                   ("standard_factory", "cleanroom"), (1000, 6000), (22, 55)),
    "precision-machinery": P("精密机械", "Precision Machinery", "precision", "CNC spindle",
                             ("standard_factory",), (1000, 6000), (20, 45)),
    "high-end-equipment": P("智能装备", "Intelligent Equipment", "equipment",
                            "Precision machine tool", ("standard_factory",), (1000, 8000),
                            (20, 45)),
    "drones": P("无人机", "UAV", "uav", "Logistics drone",
                ("test_field", "standard_factory"), (500, 4000), (20, 50)),
    "evtol": P("飞行器", "Aviation", "evtol", "eVTOL prototype",
               ("test_field", "standard_factory"), (1500, 8000), (20, 50)),
    "general-aviation": P("通航科技", "General Aviation", "aviation",
                          "Light-aircraft maintenance", ("test_field", "warehouse"),
                          (1500, 8000), (18, 40)),
    "low-altitude-economy": P("低空科技", "Low-Altitude Technology", "lowalt", "Low-altitude",
                              ("test_field",), (500, 4000), (20, 50)),
    "graphene": P("石墨烯科技", "Graphene", "graphene", "Graphene film",
                  ("standard_factory", "rd_lab"), (500, 4000), (22, 50)),
    "nanomaterials": P("纳米科技", "Nanotech", "nano", "Nano-coating",
                       ("cleanroom", "rd_lab"), (300, 2500), (30, 70)),
    "advanced-polymers": P("新材料", "Advanced Materials", "materials",
                           "High-performance polymer", ("standard_factory",), (1000, 8000),
                           (18, 40)),
    "new-materials": P("材料科技", "Materials Technology", "matech", "Advanced materials",
                       ("standard_factory", "rd_lab"), (1000, 6000), (18, 45)),
    "spectacle-lenses": P("光学", "Optics", "optics", "Spectacle lens",
                          ("standard_factory", "cleanroom"), (1000, 6000), (15, 35)),
    "optics": P("光电", "Optoelectronics", "optoelec", "Optical component",
                ("standard_factory", "cleanroom"), (800, 5000), (18, 45)),
    "new-finance": P("数字金融", "Fintech", "fintech", "Supply-chain finance platform",
                     ("office",), (200, 1000), (50, 150)),
    "new-generation-it": P("信息技术", "Information Technology", "it", "Software",
                           ("office",), (200, 1500), (40, 140)),
    "modern-services": P("科技服务", "Tech Services", "services", "Technology services",
                         ("office",), (200, 1000), (40, 120)),
    "technology-services": P("检测技术", "Testing Technology", "testing", "Testing laboratory",
                             ("rd_lab", "office"), (300, 2000), (35, 90)),
}

STARTUP_INDUSTRIES: dict[str, int] = {
    "orthopaedic-devices": 8, "dental-devices": 5, "surgical-instruments": 5, "ivd": 8,
    "medical-imaging": 4, "medical-devices": 5, "innovative-drugs": 5,
    "small-nucleic-acid-drugs": 3, "gene-technology": 4, "pharma-services": 3,
    "chip-design": 8, "ic-packaging-testing": 3, "semiconductor-equipment-materials": 3,
    "ai": 8, "iot": 4, "electronics": 3, "communications": 2, "photovoltaics": 2,
    "energy-storage": 4, "hydrogen-energy": 2, "intelligent-connected-vehicles": 4,
    "automotive-electronics": 3, "industrial-robots": 6, "rail-transit-equipment": 1,
    "ships-offshore": 1, "aerospace": 2, "precision-machinery": 2, "drones": 4, "evtol": 3,
    "general-aviation": 1, "graphene": 3, "nanomaterials": 2, "advanced-polymers": 2,
    "spectacle-lenses": 1, "new-finance": 1, "digital-creative": 1,
}

TECH_SKILL_BY_ROOT: dict[str, tuple[str, ...]] = {
    "biomedicine": ("medical-device-development", "ivd-assay-development", "drug-cmc"),
    "integrated-circuits": ("ic-design-review", "semiconductor-process"),
    "new-generation-it": ("ai-model-evaluation", "tech-due-diligence"),
    "new-energy": ("battery-technology",),
    "new-energy-vehicles": ("battery-technology", "industrial-automation"),
    "high-end-equipment": ("industrial-automation", "tech-due-diligence"),
    "low-altitude-economy": ("airworthiness",),
    "new-materials": ("materials-characterisation",),
    "optics": ("optical-engineering",),
    "modern-services": ("tech-due-diligence",),
    "modern-agriculture": ("tech-due-diligence",),
    "chemicals": ("materials-characterisation", "tech-due-diligence"),
}

BROKER_ROOTS: dict[str, int] = {
    "biomedicine": 10, "integrated-circuits": 5, "new-generation-it": 5, "new-energy": 3,
    "new-energy-vehicles": 3, "high-end-equipment": 5, "low-altitude-economy": 2,
    "new-materials": 3, "optics": 1, "modern-services": 1,
}

CITY_WEIGHTS: dict[str, int] = {
    "city:shanghai": 34, "city:suzhou": 14, "city:kunshan": 6, "city:wuxi": 9,
    "city:changzhou": 8, "city:nanjing": 12, "city:zhenjiang": 4, "city:taicang": 3,
    "city:changshu": 2, "city:zhangjiagang": 2, "city:jiangyin": 2, "city:danyang": 1,
    "city:jurong": 1,
}

CORRIDOR_COMPANY_CITIES: dict[str, int] = {
    "city:suzhou": 30, "city:kunshan": 18, "city:wuxi": 22, "city:changzhou": 20,
    "city:nanjing": 22, "city:zhenjiang": 10, "city:taicang": 10, "city:changshu": 8,
    "city:zhangjiagang": 8, "city:jiangyin": 10, "city:danyang": 6, "city:jurong": 4,
}

PARK_OPERATORS: dict[str, str] = {
    "park:shanghai-zhangjiang": "org:zhangjiang-group",
    "park:shanghai-lingang": "org:lingang-group",
    "park:shanghai-caohejing": "org:caohejing-corp",
    "park:shanghai-songjiang-g60": "org:songjiang-g60-office",
    "park:kunshan-hitech": "org:kunshan-hitech-admin",
    "park:suzhou-sip": "org:cssd",
    "park:suzhou-sip-biobay": "org:sip-admin",
    "park:suzhou-snd": "org:snd-admin",
    "park:taicang-biobay": "org:taicang-hitech-admin",
    "park:taicang-hitech": "org:taicang-hitech-admin",
    "park:changshu-etdz": "org:changshu-etdz-admin",
    "park:zhangjiagang-ftz": "org:zhangjiagang-ftz-admin",
    "park:jiangyin-hitech": "org:jiangyin-hitech-admin",
    "park:wuxi-hitech": "org:wuxi-hitech-admin",
    "park:changzhou-wujin": "org:wujin-hitech-admin",
    "park:changzhou-west-taihu": "org:west-taihu-admin",
    "park:danyang-etdz": "org:danyang-etdz-admin",
    "park:zhenjiang-etdz": "org:zhenjiang-etdz-admin",
    "park:zhenjiang-hitech": "org:zhenjiang-hitech-admin",
    "park:jurong-etdz": "org:jurong-etdz-admin",
    "park:nanjing-jiangbei": "org:jiangbei-admin",
    "park:nanjing-biopharma-valley": "org:jiangbei-admin",
    "park:nanjing-jiangning": "org:jiangning-admin",
}
"""The schema has no OPERATES edge, so who staffs which park is kept here."""

ROLE_PLAN: tuple[tuple[tuple[str, ...], int], ...] = (
    (("Broker",), 125),
    (("Broker", "PatentAgent"), 6),
    (("Broker", "Consultant"), 8),
    (("Broker", "Investor"), 4),
    (("Lawyer", "Broker"), 3),
    (("Lawyer",), 27),
    (("Lawyer", "PatentAgent"), 3),
    (("Accountant",), 28),
    (("Accountant", "Consultant"), 3),
    (("Investor",), 16),
    (("ParkContact",), 22),
    (("ParkContact", "Broker"), 4),
    (("PatentAgent",), 10),
    (("Consultant",), 6),
)
"""Role sets and how many people hold each; the first role decides the employer."""

ROLE_SKILLS: dict[str, tuple[tuple[str, int, int], ...]] = {
    # role: (category, min, max) skills drawn from that category
    "Broker": (("transfer", 2, 3), ("landing", 1, 2), ("finance", 0, 1), ("ip", 0, 1)),
    "Lawyer": (("legal", 2, 3), ("ip", 0, 1), ("landing", 0, 1)),
    "Accountant": (("accounting", 2, 2), ("tax", 1, 2), ("landing", 0, 1)),
    "PatentAgent": (("ip", 2, 3),),
    "Investor": (("finance", 2, 3), ("transfer", 0, 1)),
    "ParkContact": (("landing", 2, 3), ("finance", 0, 1)),
    "Consultant": (("landing", 1, 2), ("tax", 0, 1), ("finance", 0, 1)),
}

TITLES: dict[str, tuple[str, ...]] = {
    "Broker": ("Technology Manager", "Senior Technology Manager", "Director, Technology Transfer"),
    "Lawyer": ("Associate", "Senior Associate", "Partner"),
    "Accountant": ("Senior Accountant", "Audit Manager", "Tax Partner"),
    "PatentAgent": ("Patent Agent", "Senior Patent Agent", "Patent Attorney"),
    "Investor": ("Investment Manager", "Investment Director", "Partner"),
    "ParkContact": ("Enterprise Service Officer", "Investment Promotion Manager",
                    "Deputy Director, Investment Promotion"),
    "Consultant": ("Consultant", "Senior Consultant", "Principal"),
}

EMPLOYER_KINDS: dict[str, dict[str, int]] = {
    "Broker": {"tech_transfer_center": 45, "university": 15, "research_institute": 7,
               "consultancy": 10, "association": 13},
    "Lawyer": {"law_firm": 1},
    "Accountant": {"accounting_firm": 1},
    "PatentAgent": {"ip_agency": 1},
    "Investor": {"investor": 1},
    "Consultant": {"consultancy": 1},
}

FACILITY_NAMES: dict[str, str] = {
    "gmp_cleanroom": "GMP cleanroom", "cleanroom": "cleanroom",
    "standard_factory": "standard factory space", "rd_lab": "R&D lab", "wet_lab": "wet lab",
    "office": "office space", "heavy_industrial_land": "heavy industrial land",
    "warehouse": "warehouse", "incubator": "incubator space", "test_field": "test field",
}

DROP_REASONS_GENERIC = (
    "founder chose to stay in Shanghai",
    "financing round delayed",
    "competing offer from another park",
    "company paused its expansion plans",
    "park would not commit to a fit-out subsidy",
    "core team unwilling to relocate",
    "broker lost contact with the company",
    "landlord required a longer lease than the company could commit to",
)


# --------------------------------------------------------------------------- reading


@dataclass
class World:
    """The hand-written seed files, indexed."""

    cities: dict[str, dict[str, Any]]
    parks: dict[str, dict[str, Any]]
    industries: dict[str, dict[str, Any]]
    skills: dict[str, dict[str, Any]]
    orgs: dict[str, dict[str, Any]]
    minutes: dict[str, dict[str, int]] = field(default_factory=dict)

    def parent(self, industry: str) -> str | None:
        return self.industries[industry].get("parent")

    def ancestors(self, industry: str) -> list[str]:
        chain = []
        current = self.parent(industry)
        while current:
            chain.append(current)
            current = self.parent(current)
        return chain

    def root(self, industry: str) -> str:
        chain = [industry, *self.ancestors(industry)]
        return chain[-1]

    def children(self, industry: str) -> list[str]:
        return sorted(i for i, rec in self.industries.items() if rec.get("parent") == industry)

    def related(self, industry: str) -> set[str]:
        """The industry, its ancestors and its descendants (what the landing match uses)."""
        found = {industry, *self.ancestors(industry)}
        stack = [industry]
        while stack:
            for child in self.children(stack.pop()):
                found.add(child)
                stack.append(child)
        return found

    def hosted(self, park: str) -> dict[str, float]:
        edges = self.parks[park].get("hosts", [])
        return {e["to"]: float(e.get("strength", 1.0)) if isinstance(e, dict) else 1.0
                for e in edges} if edges else {}

    def park_fit(self, park: str, industry: str) -> float:
        """How well a park hosts an industry, 0 to 1: the best hosted industry related to it
        (the industry itself, a subfield, or at a discount a broader field)."""
        ancestors = self.ancestors(industry)
        related = self.related(industry)
        best = 0.0
        for hosted, strength in self.hosted(park).items():
            if hosted == industry:
                fit = strength
            elif hosted in ancestors:
                fit = strength * 0.4 ** (ancestors.index(hosted) + 1)
            elif hosted in related:
                fit = strength * 0.8
            else:
                continue
            best = max(best, fit)
        return best

    def rail(self, a: str, b: str) -> int:
        return self.minutes[a].get(b, 999)

    def product(self, industry: str) -> str:
        for candidate in [industry, *self.ancestors(industry)]:
            slug = candidate.split(":", 1)[1]
            if slug in PROFILES:
                return PROFILES[slug].product
        return "Technology"


def _records(name: str) -> list[dict[str, Any]]:
    document = yaml.safe_load((SEED_DIR / name).read_text(encoding="utf-8"))
    return list(document["records"])


def read_world() -> World:
    world = World(
        cities={r["id"]: r for r in _records("cities.yaml")},
        parks={r["id"]: r for r in _records("parks.yaml")},
        industries={r["id"]: r for r in _records("industries.yaml")},
        skills={r["id"]: r for r in _records("skills.yaml")},
        orgs={r["id"]: r for r in _records("organizations.yaml")},
    )
    graph = nx.Graph()
    graph.add_nodes_from(world.cities)
    for city in world.cities.values():
        for link in city.get("hsr_links", []):
            graph.add_edge(city["id"], link["to"], minutes=link["minutes"])
    world.minutes = {source: dict(lengths) for source, lengths in
                     nx.all_pairs_dijkstra_path_length(graph, weight="minutes")}
    for required in (*CITY_WEIGHTS, *PARK_OPERATORS, *PARK_OPERATORS.values()):
        if required not in world.cities and required not in world.parks \
                and required not in world.orgs:
            msg = f"{required} is used by make_seed.py but missing from the seed files"
            raise SystemExit(msg)
    return world


# --------------------------------------------------------------------------- helpers


def pinyin(text: str) -> str:
    return "".join(lazy_pinyin(text)).lower()


def weighted(rng: random.Random, options: dict[str, float] | dict[str, int]) -> str:
    keys = list(options)
    return rng.choices(keys, weights=[options[k] for k in keys])[0]


def weighted_sample(rng: random.Random, options: dict[str, float], k: int) -> list[str]:
    """k distinct keys, each draw proportional to its weight."""
    pool = {key: w for key, w in options.items() if w > 0}
    chosen: list[str] = []
    while pool and len(chosen) < k:
        key = weighted(rng, pool)
        chosen.append(key)
        del pool[key]
    return chosen


def rounded(value: float, step: int) -> int:
    return int(round(value / step) * step)


def between(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, max(0, (end - start).days)))


def flow(items: list[Any]) -> FlowList:
    return FlowList(items)


class FlowList(list):  # type: ignore[type-arg]
    """A list written in YAML flow style: [a, b]."""


class FlowMap(dict):  # type: ignore[type-arg]
    """A mapping written in YAML flow style: {to: x, level: 3}."""


class SeedDumper(yaml.SafeDumper):
    """Indented block lists, flow style for FlowList / FlowMap."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:  # noqa: ARG002
        super().increase_indent(flow, False)

    def ignore_aliases(self, data: Any) -> bool:  # noqa: ARG002
        return True


SeedDumper.add_representer(
    FlowList, lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", v, flow_style=True))
SeedDumper.add_representer(
    FlowMap, lambda d, v: d.represent_mapping("tag:yaml.org,2002:map", v.items(),
                                              flow_style=True))


def edge(target: str, **props: Any) -> FlowMap:
    return FlowMap({"to": target, **props})


# --------------------------------------------------------------------------- people


@dataclass
class Person:
    id: str
    name_zh: str
    given: str
    surname: str
    roles: tuple[str, ...]
    city: str
    org: str
    title: str
    level: str | None
    expert_in: list[str]
    covers: list[str]
    skills: dict[str, int]
    languages: list[str]
    public: bool
    weight: float
    collaborations: list[FlowMap] = field(default_factory=list)

    @property
    def name_en(self) -> str:
        return f"{self.given.capitalize()} {self.surname.capitalize()}"


ANCHOR_BROKERS: tuple[dict[str, Any], ...] = (
    # The scenario "Shanghai medical-device startup needs a GMP cleanroom within 45 minutes"
    # must find brokers covering Kunshan, Suzhou and Taicang parks with the right vertical.
    {"name": ("陈", "静"), "org": "org:nttec", "level": "senior", "weight": 40.0,
     "expert_in": ["industry:medical-devices", "industry:ivd"],
     "covers": ["park:kunshan-hitech", "park:taicang-biobay", "park:suzhou-sip-biobay",
                "city:shanghai"]},
    {"name": ("周", "海峰"), "org": "org:nttec-kunshan", "level": "intermediate", "weight": 12.0,
     "expert_in": ["industry:biomedicine"],
     "covers": ["park:kunshan-hitech", "city:kunshan"]},
    {"name": ("沈", "雅琳"), "org": "org:nttec-suzhou", "level": "senior", "weight": 18.0,
     "expert_in": ["industry:medical-devices", "industry:medical-imaging"],
     "covers": ["park:suzhou-snd", "park:suzhou-sip-biobay", "park:suzhou-sip"]},
    {"name": ("顾", "明轩"), "org": "org:sino-german-hechuang", "level": "intermediate",
     "weight": 6.0, "expert_in": ["industry:ivd"], "covers": ["park:taicang-biobay"]},
    {"name": ("钱", "立新"), "org": "org:nttec-changzhou", "level": "senior", "weight": 15.0,
     "expert_in": ["industry:orthopaedic-devices", "industry:dental-devices",
                   "industry:medical-devices"],
     "covers": ["park:changzhou-west-taihu", "city:changzhou"]},
    {"name": ("林", "子涵"), "org": "org:nttec", "level": "junior", "weight": 3.0,
     "expert_in": ["industry:biomedicine"],
     "covers": ["park:kunshan-hitech", "park:shanghai-songjiang-g60"]},
)


class PeopleMaker:
    def __init__(self, world: World, rng: random.Random) -> None:
        self.world = world
        self.rng = rng
        self.people: list[Person] = []
        self.used_names: set[str] = set()
        self.used_ids: set[str] = set()
        self.skills_by_category: dict[str, list[str]] = defaultdict(list)
        for skill_id, rec in sorted(world.skills.items()):
            self.skills_by_category[rec["category"]].append(skill_id)
        self.orgs_by_kind: dict[str, list[str]] = defaultdict(list)
        for org_id, rec in sorted(world.orgs.items()):
            self.orgs_by_kind[rec["kind"]].append(org_id)

    # names ---------------------------------------------------------------------------

    def new_name(self) -> tuple[str, str]:
        while True:
            surname = self.rng.choice(SURNAMES)
            size = 1 if self.rng.random() < 0.3 else 2
            given = "".join(self.rng.choice(GIVEN_CHARS) for _ in range(size))
            if len(set(given)) == size and surname + given not in self.used_names:
                return surname, given

    def person_id(self, surname_py: str, given_py: str) -> str:
        base = f"person:{surname_py}-{given_py}"
        candidate, n = base, 2
        while candidate in self.used_ids:
            candidate, n = f"{base}-{n}", n + 1
        self.used_ids.add(candidate)
        return candidate

    # places and verticals ------------------------------------------------------------

    def pick_org(self, role: str) -> str:
        """An employer of a kind the role works at: first the city, then an org there."""
        kind = weighted(self.rng, EMPLOYER_KINDS[role])
        orgs = self.orgs_by_kind[kind]
        cities = sorted({self.world.orgs[o]["city"] for o in orgs})
        city = weighted(self.rng, {c: CITY_WEIGHTS[c] for c in cities})
        return self.rng.choice([o for o in orgs if self.world.orgs[o]["city"] == city])

    def pick_verticals(self, count: int) -> list[str]:
        root = "industry:" + weighted(self.rng, BROKER_ROOTS)
        family = sorted(self.world.related(root))
        chosen = {root} if self.rng.random() < 0.45 else set()
        while len(chosen) < min(count, len(family)):
            chosen.add(self.rng.choice(family))
        return sorted(chosen)

    def pick_covers(self, home: str, verticals: list[str], count: int) -> list[str]:
        weights: dict[str, float] = {}
        for park_id, park in self.world.parks.items():
            fit = max((self.world.park_fit(park_id, v) for v in verticals), default=0.0)
            minutes = self.world.rail(home, park["city"])
            weights[park_id] = (0.15 + 3 * fit) / (1 + minutes / 25)
        return weighted_sample(self.rng, weights, count)

    def pick_skills(self, roles: tuple[str, ...], level: str | None,
                    verticals: list[str]) -> dict[str, int]:
        low, high = {"junior": (1, 3), "intermediate": (2, 4), "senior": (3, 5)}.get(
            level or "", (2, 5))
        skills: dict[str, int] = {}
        for role in roles:
            for category, least, most in ROLE_SKILLS[role]:
                for skill in self.rng.sample(self.skills_by_category[category],
                                             self.rng.randint(least, most)):
                    skills[skill] = max(skills.get(skill, 0), self.rng.randint(low, high))
        if verticals and ("Broker" in roles or "PatentAgent" in roles
                          or self.rng.random() < 0.3):
            root = self.world.root(verticals[0]).split(":", 1)[1]
            tech = "skill:" + self.rng.choice(TECH_SKILL_BY_ROOT[root])
            skills[tech] = max(skills.get(tech, 0), self.rng.randint(max(low, 2), high))
        return dict(sorted(skills.items()))

    def languages(self, city: str, roles: tuple[str, ...]) -> list[str]:
        langs = ["zh"]
        english = 0.75 if {"Investor", "Lawyer", "PatentAgent"} & set(roles) else 0.45
        if self.rng.random() < english:
            langs.append("en")
        if self.rng.random() < (0.4 if city == "city:taicang" else 0.03):
            langs.append("de")
        if self.rng.random() < (0.12 if city in ("city:suzhou", "city:kunshan") else 0.03):
            langs.append("ja")
        if self.rng.random() < 0.02:
            langs.append("ko")
        return langs

    # one person ----------------------------------------------------------------------

    def make(self, roles: tuple[str, ...], *, name: tuple[str, str] | None = None,
             org: str | None = None, level: str | None = None,
             expert_in: list[str] | None = None, covers: list[str] | None = None,
             park: str | None = None, weight: float | None = None) -> Person:
        rng, world = self.rng, self.world
        surname, given = name or self.new_name()
        self.used_names.add(surname + given)
        surname_py, given_py = pinyin(surname), pinyin(given)
        primary = roles[0]
        if primary == "ParkContact":
            assert park is not None
            org = PARK_OPERATORS[park]
        org = org or self.pick_org(primary)
        city = world.orgs[org]["city"]
        if org == "org:corridor-alliance":  # independent members live all along the corridor
            city = weighted(rng, CITY_WEIGHTS)
        if "Broker" in roles and level is None:
            level = weighted(rng, {"junior": 35, "intermediate": 45, "senior": 20})
        if expert_in is None:
            if primary == "ParkContact" and park:
                hosted = world.hosted(park)
                expert_in = sorted(weighted_sample(rng, hosted, rng.randint(1, 2)))
            elif "Broker" in roles:
                expert_in = self.pick_verticals(rng.choice((1, 1, 2, 2, 3)))
            elif primary in ("Investor", "PatentAgent") or rng.random() < 0.5:
                expert_in = self.pick_verticals(rng.randint(1, 2))
            else:
                expert_in = []
        if covers is None:
            if primary == "ParkContact" and park:
                covers = [park] + ([world.parks[park]["city"]] if rng.random() < 0.5 else [])
            elif "Broker" in roles or primary == "Consultant":
                covers = self.pick_covers(city, expert_in or self.pick_verticals(1),
                                          rng.choice((1, 2, 2, 3, 3, 4)))
                if rng.random() < 0.25:
                    covers.append(city)
            else:
                nearby = sorted(c for c in world.cities
                                if c != city and world.rail(city, c) <= 30)
                covers = [city] + ([rng.choice(nearby)] if nearby and rng.random() < 0.4
                                   else [])
        seniority = {"junior": 0, "intermediate": 1, "senior": 2}.get(level or "",
                                                                       rng.randint(0, 2))
        title = TITLES[primary][seniority]
        if weight is None:
            weight = min(30.0, rng.paretovariate(1.4))
            weight *= 2.0 if "Broker" in roles else 1.0
            weight *= 1.5 if level == "senior" else 1.0
        person = Person(
            id=self.person_id(surname_py, given_py), name_zh=surname + given,
            given=given_py, surname=surname_py, roles=roles, city=city, org=org, title=title,
            level=level if "Broker" in roles else None, expert_in=list(expert_in),
            covers=list(dict.fromkeys(covers)),
            skills=self.pick_skills(roles, level, list(expert_in)),
            languages=self.languages(city, roles), public=rng.random() < 0.33, weight=weight,
        )
        if primary == "ParkContact" and park:
            landing = "skill:gmp-certification" if "gmp_cleanroom" in \
                world.parks[park]["facility_types"] else "skill:park-negotiation"
            person.skills[landing] = max(person.skills.get(landing, 0), rng.randint(3, 5))
            person.skills = dict(sorted(person.skills.items()))
        self.people.append(person)
        return person

    def make_all(self) -> list[Person]:
        for anchor in ANCHOR_BROKERS:
            self.make(("Broker",), name=anchor["name"], org=anchor["org"],
                      level=anchor["level"], expert_in=anchor["expert_in"],
                      covers=anchor["covers"], weight=anchor["weight"])
        contact_parks = list(PARK_OPERATORS)
        extra = ["park:kunshan-hitech", "park:suzhou-sip-biobay", "park:taicang-biobay",
                 "park:changzhou-west-taihu", "park:suzhou-snd", "park:nanjing-jiangbei"]
        park_queue = contact_parks + extra
        brokers_left = len(ANCHOR_BROKERS)
        for roles, count in ROLE_PLAN:
            for _ in range(count):
                if roles == ("Broker",) and brokers_left:
                    brokers_left -= 1  # the anchors are part of the plain-broker quota
                    continue
                park = park_queue.pop(0) if roles[0] == "ParkContact" else None
                self.make(roles, park=park)
        return self.people


# --------------------------------------------------------------------------- professionals

PROFESSIONAL_ROLES: tuple[str, ...] = ("Lawyer", "PatentAgent", "Accountant", "Investor",
                                       "Consultant")
"""Roles whose core skills (skills.yaml `core_for`) must be findable everywhere."""

MAJOR_VERTICAL_DEPTH = 1
"""Major verticals: taxonomy roots (depth 0) and their direct subfields (depth 1)."""

COVER_MINUTES = 45
"""Professionals also serve cities this many rail minutes from their firm."""


class ProfessionalMaker:
    """Adds lawyers, patent agents, accountants, finance and certification consultants
    until every professional role × core skill × major vertical × city has a candidate.

    It draws from its own random stream, so the people, companies and referrals made
    before it (and the main stream they share) stay as they were.
    """

    def __init__(self, world: World, maker: PeopleMaker, rng: random.Random) -> None:
        self.world, self.maker, self.rng = world, maker, rng
        self.core: dict[str, list[str]] = {
            role: sorted(s for s, rec in world.skills.items() if role in rec.get("core_for", []))
            for role in PROFESSIONAL_ROLES}
        self.majors = sorted(i for i in world.industries
                             if len(world.ancestors(i)) <= MAJOR_VERTICAL_DEPTH)

    def cities_of(self, person: Person) -> set[str]:
        return {person.city} | {c if c.startswith("city:") else self.world.parks[c]["city"]
                                for c in person.covers}

    def coverage(self, person: Person, role: str) -> set[tuple[str, str, str]]:
        """(core skill, major vertical, city) triples the person is a candidate for."""
        if role not in person.roles:
            return set()
        verticals = {v for i in person.expert_in for v in [i, *self.world.ancestors(i)]}
        return {(skill, vertical, city)
                for skill in person.skills if skill in self.core[role]
                for vertical in verticals if vertical in self.majors
                for city in self.cities_of(person)}

    def home_org(self, role: str, city: str) -> str:
        """A firm of the role's kind in the city, else in the nearest city that has one."""
        kind = next(iter(EMPLOYER_KINDS[role]))
        orgs = self.maker.orgs_by_kind[kind]
        nearest = min(orgs, key=lambda o: (self.world.rail(city, self.world.orgs[o]["city"]),
                                           self.rng.random()))
        here = self.world.orgs[nearest]["city"]
        return self.rng.choice([o for o in orgs if self.world.orgs[o]["city"] == here])

    def best(self, options: list[str], gain: Any, k: int) -> list[str]:
        """Up to k options, each the one adding most uncovered triples (ties: random)."""
        chosen: list[str] = []
        for _ in range(k):
            scored = [(gain(chosen + [o]) - gain(chosen), self.rng.random(), o)
                      for o in options if o not in chosen]
            scored = [item for item in scored if item[0] > 0]
            if not scored:
                break
            chosen.append(max(scored)[2])
        return chosen

    def make_for(self, role: str, skill: str, vertical: str, city: str,
                 covered: set[tuple[str, str, str]]) -> Person:
        """A professional of the role around one uncovered (skill, vertical, city): the
        rest of their core skills, sector group (verticals of one or two families) and
        nearby cities are chosen to fill as many other gaps as a real practice would."""
        world, rng = self.world, self.rng
        org = self.home_org(role, city)
        home = world.orgs[org]["city"]

        def gaps(skills: list[str], verticals: list[str], cities: list[str]) -> int:
            majors = {v for i in verticals for v in [i, *world.ancestors(i)]} & set(self.majors)
            return sum(1 for s in skills for v in majors for c in cities
                       if (s, v, c) not in covered)

        cities = [home, city] if home != city else [home]
        skills = [skill]
        verticals = [vertical]
        nearby = sorted(c for c in world.cities
                        if c not in cities and world.rail(home, c) <= COVER_MINUTES)
        root = world.root(vertical)
        family = sorted(i for i in world.related(root)
                        if len(world.ancestors(i)) == MAJOR_VERTICAL_DEPTH)
        others = sorted(i for i in self.majors if i not in family
                        and len(world.ancestors(i)) == MAJOR_VERTICAL_DEPTH)
        skills += self.best([c for c in self.core[role] if c != skill],
                            lambda extra: gaps(skills + extra, verticals, cities),
                            rng.randint(2, 3))
        verticals += self.best(family, lambda extra: gaps(skills, verticals + extra, cities),
                               rng.randint(2, 4))
        if rng.random() < 0.5:
            verticals += self.best(others, lambda extra: gaps(skills, verticals + extra,
                                                              cities), 1)
        cities += self.best(nearby, lambda extra: gaps(skills, verticals, cities + extra),
                            rng.randint(2, 3))
        roles = (role, "Consultant") if role == "Accountant" and rng.random() < 0.15 \
            else (role,)
        person = self.maker.make(roles, org=org, expert_in=sorted(set(verticals)),
                                 covers=cities)
        for core in skills:
            person.skills[core] = max(person.skills.get(core, 0), rng.randint(2, 5))
        person.skills = dict(sorted(person.skills.items()))
        return person

    def cover(self, people: list[Person]) -> list[Person]:
        """New people, in the order made, until nothing is left uncovered."""
        made: list[Person] = []
        for role in PROFESSIONAL_ROLES:
            covered = set().union(*(self.coverage(p, role) for p in people))
            wanted = [(s, v, c) for s in self.core[role] for v in self.majors
                      for c in sorted(self.world.cities)]
            self.rng.shuffle(wanted)
            for skill, vertical, city in wanted:
                if (skill, vertical, city) in covered:
                    continue
                person = self.make_for(role, skill, vertical, city, covered)
                made.append(person)
                covered |= self.coverage(person, role)
        return made


# --------------------------------------------------------------------------- collaborations


DEALS_PER_PERSON = 1.8
"""COLLABORATED_WITH edges generated per person (each counted once per pair and deal)."""


class Collaborations:
    """COLLABORATED_WITH edges: each (pair, deal) once, written on the smaller id."""

    def __init__(self, world: World, rng: random.Random, people: list[Person]) -> None:
        self.world, self.rng, self.people = world, rng, people
        self.by_id = {p.id: p for p in people}
        self.seen: set[tuple[str, str, str]] = set()
        self.partners: dict[str, list[str]] = defaultdict(list)
        self.count = 0
        universities = [o for o, r in world.orgs.items()
                        if r["kind"] in ("university", "research_institute")]
        self.universities = sorted(universities)

    def add(self, a: str, b: str, deal: str, year: int, **evidence: Any) -> bool:
        """One tie's evidence: the deal (or referral), its year and, when known, its
        kind, the stage it reached and its value."""
        first, second = sorted((a, b))
        key = (first, second, deal)
        if a == b or key in self.seen:
            return False
        self.seen.add(key)
        known = {name: value for name, value in evidence.items() if value is not None}
        self.by_id[first].collaborations.append(edge(second, deal=deal, year=year, **known))
        self.partners[a].append(b)
        self.partners[b].append(a)
        self.count += 1
        return True

    def deal_name(self, industry: str, place_city: str) -> tuple[str, tuple[float, float]]:
        """A deal's name and the range of its value in million CNY (0, 0: not recorded)."""
        world, rng = self.world, self.rng
        product = world.product(industry)
        lower = product[0].lower() + product[1:] if not product[:2].isupper() else product
        a_lower = f"{'an' if lower[0].lower() in 'aeiou' else 'a'} {lower}"
        city = world.cities[place_city]["name_en"]
        university = world.orgs[rng.choice(self.universities)]["name_en"]
        templates = [
            (f"{product} landing in {city}", (5, 80), 6),
            (f"{product} licence from {university}", (0.5, 20), 3),
            (f"Series A round for {a_lower} startup", (20, 150), 2),
            (f"Angel round for {a_lower} startup in {city}", (2, 15), 2),
            (f"High-tech certification for {a_lower} firm in {city}", (0, 0), 2),
            (f"Patent portfolio for {a_lower} startup", (0.05, 0.8), 2),
            (f"{product} pilot line in {city}", (3, 40), 2),
            (f"Technology due diligence on {a_lower} acquisition", (50, 600), 1),
            (f"{product} technology transfer to a {city} manufacturer", (1, 30), 2),
        ]
        name, value, _ = rng.choices(templates, weights=[w for *_, w in templates])[0]
        return name, value

    def evidence(self, year: int, value: tuple[float, float]) -> dict[str, Any]:
        """Stage and value of a deal: older deals have mostly closed; a recent one may
        still be in its meetings; a few were dropped. A third record no value."""
        rng = self.rng
        if year >= 2025 and rng.random() < 0.5:
            stage = rng.choice(("first_meeting", "second_meeting"))
        else:
            stage = weighted(rng, {"signed": 5, "landed": 3, "dropped": 1, "": 2})
        amount = None
        if value[1] and rng.random() < 0.66:
            low, high = value
            amount = rounded(math.exp(rng.uniform(math.log(low), math.log(high))) * 1e6, 10_000)
        return {"stage": stage or None, "value_cny": amount}

    def referral_passed(self, giver: Person, taker: Person, year: int) -> bool:
        """A client one passed to the other: a broker sends a startup to a lawyer, an
        accountant sends a client to a broker."""
        industry = (giver.expert_in or taker.expert_in or ["industry:biomedicine"])[0]
        product = self.world.product(industry)
        service = {"Lawyer": "legal work", "Accountant": "audit and tax work",
                   "PatentAgent": "patent filings", "Investor": "fundraising",
                   "Consultant": "certification filing"}.get(taker.roles[0], "landing search")
        stage = weighted(self.rng, {"signed": 4, "landed": 1, "first_meeting": 2, "dropped": 1})
        lower = product.lower() if not product[:2].isupper() else product
        article = "an" if lower[0].lower() in "aeiou" else "a"
        return self.add(giver.id, taker.id, f"Referred {article} {lower} client for {service}",
                        year, kind="referral", stage=stage)

    def random_deal(self) -> None:
        rng, world = self.rng, self.world
        lead = rng.choices(self.people, weights=[p.weight for p in self.people])[0]
        if self.partners[lead.id] and rng.random() < 0.15:
            partner = self.by_id[rng.choice(self.partners[lead.id])]  # repeat business
        else:
            weights = []
            for other in self.people:
                w = math.sqrt(other.weight)
                w *= 1.6 if set(other.roles) != set(lead.roles) else 1.0
                near = world.rail(lead.city, other.city) <= 30
                w *= 2.0 if near or set(lead.covers) & set(other.covers) else 0.6
                weights.append(w if other.id != lead.id else 0.0)
            partner = rng.choices(self.people, weights=weights)[0]
        verticals = lead.expert_in or partner.expert_in or ["industry:" + rng.choice(
            sorted(STARTUP_INDUSTRIES))]
        industry = rng.choice(verticals)
        places = [c if c.startswith("city:") else world.parks[c]["city"]
                  for c in lead.covers + partner.covers] or [lead.city]
        year = rng.choices(range(2016, 2026), weights=(1, 1, 1, 1, 2, 2, 3, 4, 4, 3))[0]
        if rng.random() < 0.15:
            self.referral_passed(lead, partner, year)
            return
        name, value = self.deal_name(industry, rng.choice(places))
        self.add(lead.id, partner.id, name, year, **self.evidence(year, value))


# --------------------------------------------------------------------------- companies


@dataclass
class Company:
    record: dict[str, Any]
    industry: str
    city: str
    need: bool
    short_zh: str
    short_en: str


class CompanyMaker:
    def __init__(self, world: World, rng: random.Random) -> None:
        self.world, self.rng = world, rng
        self.used_prefixes: set[str] = set()
        self.used_ids: set[str] = set()
        self.companies: list[Company] = []

    def prefix(self) -> tuple[str, str]:
        while True:
            zh = "".join(self.rng.sample(COMPANY_CHARS, 2))
            if zh not in self.used_prefixes:
                self.used_prefixes.add(zh)
                return zh, pinyin(zh)

    def company_id(self, prefix_py: str, slug: str) -> str:
        base = f"company:{prefix_py}-{slug}"
        candidate, n = base, 2
        while candidate in self.used_ids:
            candidate, n = f"{base}-{n}", n + 1
        self.used_ids.add(candidate)
        return candidate

    def profile(self, stage: str) -> dict[str, Any]:
        rng = self.rng
        founded = {"idea": (2023, 2025), "seed": (2021, 2024), "angel": (2019, 2024),
                   "series_a": (2016, 2023), "series_b": (2013, 2021),
                   "growth": (2005, 2018), "mature": (1993, 2012)}[stage]
        heads = {"idea": (2, 6), "seed": (3, 15), "angel": (6, 40), "series_a": (20, 120),
                 "series_b": (60, 300), "growth": (150, 1200), "mature": (400, 5000)}[stage]
        revenue = {"idea": (0, 0), "seed": (0, 2), "angel": (0, 8), "series_a": (2, 40),
                   "series_b": (15, 150), "growth": (80, 800), "mature": (300, 5000)}[stage]
        hte = {"idea": 0.0, "seed": 0.05, "angel": 0.2, "series_a": 0.45, "series_b": 0.7,
               "growth": 0.8, "mature": 0.85}[stage]
        equity = {"idea": (70, 100), "seed": (50, 90), "angel": (35, 75),
                  "series_a": (20, 55), "series_b": (12, 40), "growth": (8, 35),
                  "mature": (5, 30)}[stage]
        return {
            "stage": stage,
            "founded_year": rng.randint(*founded),
            "headcount": rng.randint(*heads),
            "annual_revenue_cny": rounded(rng.uniform(*revenue) * 1_000_000, 10_000),
            "high_tech_certified": rng.random() < hte,
            "founder_equity_pct": round(rng.uniform(*equity), 1),
            "founder_cash_cny": rounded(math.exp(rng.uniform(math.log(2e5), math.log(5e6))),
                                        10_000),
            "rd_staff_pct": round(rng.uniform(15, 80 if stage in ("seed", "angel") else 50), 1),
        }

    def need(self, profile: IndustryProfile, *, rail: int | None = None) -> dict[str, Any]:
        rng = self.rng
        facilities = [profile.facilities[0]]
        if len(profile.facilities) > 1 and rng.random() < 0.3:
            facilities.append(profile.facilities[1])
        kinds = weighted_sample(rng, {
            "rent_subsidy": 5, "talent_programme": 3, "equipment_subsidy": 3,
            "rd_subsidy": 3, "financing": 3, "certification_reward": 2, "tax": 2,
            "loan_interest_subsidy": 1, "tech_transfer_reward": 1}, rng.randint(1, 3))
        return {
            "need_area_m2": rounded(rng.uniform(*profile.area), 50),
            "need_facility_types": flow(facilities),
            "need_max_rent_cny_m2_month": rounded(rng.uniform(*profile.rent), 5),
            "need_max_rail_minutes": rail or rng.choice((30, 45, 45, 60, 60, 75, 90, 120)),
            "need_benefit_kinds": flow(sorted(kinds)),
        }

    def add(self, *, city: str, industry_slug: str, stage: str, need: bool,
            prefix: tuple[str, str] | None = None, overrides: dict[str, Any] | None = None,
            landed: list[FlowMap] | None = None) -> Company:
        world = self.world
        prof = PROFILES[industry_slug]
        zh, py = prefix or self.prefix()
        if prefix:
            self.used_prefixes.add(zh)
        city_rec = world.cities[city]
        short_zh = f"{zh}{prof.zh}"
        short_en = f"{py.capitalize()} {prof.en}"
        record: dict[str, Any] = {
            "id": self.company_id(py, prof.slug),
            "name_zh": f"{city_rec['name_zh']}{short_zh}有限公司",
            "name_en": f"{city_rec['name_en']} {short_en} Co., Ltd.",
            "city": city,
            "industries": flow([f"industry:{industry_slug}"]),
        }
        record.update(self.profile(stage))
        if need:
            record.update(self.need(prof))
        if overrides:
            record.update(overrides)
        if landed:
            record["landed_in"] = landed
        company = Company(record, f"industry:{industry_slug}", city, need, short_zh, short_en)
        self.companies.append(company)
        return company

    def corridor_industry(self, city: str) -> tuple[str, str]:
        """A park of the city and an industry it hosts (often a specific subfield)."""
        rng, world = self.rng, self.world
        parks = sorted(p for p, rec in world.parks.items() if rec["city"] == city)
        park = rng.choice(parks)
        industry = weighted(rng, world.hosted(park))
        while world.children(industry) and rng.random() < 0.6:
            industry = rng.choice(world.children(industry))
        return park, industry.split(":", 1)[1]

    def make_all(self) -> list[Company]:
        rng = self.rng
        # Scenario anchors: Shanghai device startups that need GMP space within 45 minutes.
        self.add(city="city:shanghai", industry_slug="orthopaedic-devices", stage="angel",
                 need=True, prefix=("骨锐", "gurui"), overrides={
                     "founded_year": 2021, "headcount": 18, "annual_revenue_cny": 1_200_000,
                     "high_tech_certified": False, "founder_equity_pct": 62.0,
                     "founder_cash_cny": 1_500_000, "rd_staff_pct": 55.0,
                     "need_area_m2": 1200, "need_facility_types": flow(["gmp_cleanroom"]),
                     "need_max_rent_cny_m2_month": 60, "need_max_rail_minutes": 45,
                     "need_benefit_kinds": flow(["equipment_subsidy", "rent_subsidy",
                                                 "talent_programme"])})
        self.add(city="city:shanghai", industry_slug="ivd", stage="seed", need=True,
                 prefix=("芯检", "xinjian"), overrides={
                     "founded_year": 2023, "headcount": 7, "annual_revenue_cny": 0,
                     "high_tech_certified": False, "founder_equity_pct": 78.0,
                     "founder_cash_cny": 600_000, "rd_staff_pct": 70.0,
                     "need_area_m2": 600,
                     "need_facility_types": flow(["gmp_cleanroom", "wet_lab"]),
                     "need_max_rent_cny_m2_month": 50, "need_max_rail_minutes": 45,
                     "need_benefit_kinds": flow(["rent_subsidy", "certification_reward"])})
        for _ in range(118):  # Shanghai startups with a landing need
            slug = weighted(rng, STARTUP_INDUSTRIES)
            stage = weighted(rng, {"idea": 1, "seed": 5, "angel": 6, "series_a": 5,
                                   "series_b": 2})
            self.add(city="city:shanghai", industry_slug=slug, stage=stage, need=True)
        for _ in range(25):  # established Shanghai firms, many with corridor plants
            park, slug = self.corridor_industry(weighted(rng, CORRIDOR_COMPANY_CITIES))
            stage = weighted(rng, {"series_b": 2, "growth": 4, "mature": 3})
            company = self.add(city="city:shanghai", industry_slug=slug, stage=stage,
                               need=False)
            if rng.random() < 0.7:
                founded = company.record["founded_year"]
                company.record["landed_in"] = [edge(
                    park, year=rng.randint(max(founded, 2008), 2024),
                    area_m2=rounded(rng.uniform(2000, 30000), 100))]
        for _ in range(165):  # companies of the corridor cities
            city = weighted(rng, CORRIDOR_COMPANY_CITIES)
            park, slug = self.corridor_industry(city)
            stage = weighted(rng, {"seed": 1, "angel": 2, "series_a": 3, "series_b": 3,
                                   "growth": 4, "mature": 3})
            need = rng.random() < 0.15
            company = self.add(city=city, industry_slug=slug, stage=stage, need=need)
            founded = company.record["founded_year"]
            if rng.random() < 0.65 and founded <= 2024:
                landed = [edge(park, year=rng.randint(max(founded, 2000), 2024),
                               area_m2=rounded(rng.uniform(500, 20000), 100))]
                if rng.random() < 0.15:
                    others = sorted(p for p in self.world.parks
                                    if p != park and self.world.park_fit(
                                        p, f"industry:{slug}") > 0)
                    if others:
                        landed.append(edge(rng.choice(others),
                                           year=rng.randint(max(founded, 2010), 2024),
                                           area_m2=rounded(rng.uniform(500, 10000), 100)))
                company.record["landed_in"] = landed
        return self.companies


# --------------------------------------------------------------------------- referrals

STAGE_COUNTS: dict[str, int] = {
    "proposed": 44, "first_meeting": 26, "second_meeting": 14, "signed": 8, "landed": 9,
    "dropped": 71,
}
"""Funnel shape: of 100 needs fewer than half meet, a handful sign (shared facts)."""

STEPS: tuple[tuple[str, int, int], ...] = (
    ("first_meeting_on", 10, 60),
    ("second_meeting_on", 21, 90),
    ("signed_on", 30, 120),
    ("landed_on", 60, 210),
)
"""Each funnel date after the previous one: (field, min days, max days)."""

PROPOSED_WINDOW: dict[str, tuple[date, date]] = {
    "landed": (date(2022, 9, 1), date(2024, 6, 30)),
    "signed": (date(2023, 9, 1), date(2025, 1, 31)),
    "second_meeting": (date(2024, 6, 1), date(2025, 3, 31)),
    "first_meeting": (date(2024, 10, 1), date(2025, 5, 15)),
    "proposed": (date(2024, 9, 1), date(2025, 6, 30)),
    "dropped": (date(2022, 6, 1), date(2025, 4, 30)),
}


class ReferralMaker:
    def __init__(self, world: World, rng: random.Random, companies: list[Company],
                 people: list[Person]) -> None:
        self.world, self.rng = world, rng
        self.companies = [c for c in companies if c.need]
        self.brokers = [p for p in people if "Broker" in p.roles]
        self.contacts = [p for p in people if "ParkContact" in p.roles]
        self.pairs: set[tuple[str, str]] = set()
        self.referrals: list[dict[str, Any]] = []
        self.landings: list[tuple[Company, str, date]] = []
        self.closings: list[tuple[Person, str, Company, date]] = []
        self.closed: set[str] = set()

    def fits(self, company: Company, park_id: str) -> list[str]:
        """The landing-need constraints this park misses, as drop reasons."""
        rec, park = company.record, self.world.parks[park_id]
        missing = []
        lacking = [f for f in rec["need_facility_types"] if f not in park["facility_types"]]
        if lacking:
            missing.append(f"no {FACILITY_NAMES[lacking[0]]} available")
        if park["rent_cny_m2_month"] > rec["need_max_rent_cny_m2_month"]:
            missing.append("rent too high")
        if self.world.rail(company.city, park["city"]) > rec["need_max_rail_minutes"]:
            missing.append("too far from Shanghai for the founding team"
                           if company.city == "city:shanghai" else "too far from headquarters")
        if park["available_area_m2"] < rec["need_area_m2"]:
            missing.append("not enough space available")
        return missing

    def pick_park(self, company: Company, strict: bool) -> str | None:
        world, rng = self.world, self.rng
        limit = company.record["need_max_rail_minutes"] + (0 if strict else 30)
        weights: dict[str, float] = {}
        for park_id, park in world.parks.items():
            fit = world.park_fit(park_id, company.industry)
            if fit == 0 or (company.record["id"], park_id) in self.pairs:
                continue
            if park_id in {e["to"] for e in company.record.get("landed_in", [])}:
                continue
            if world.rail(company.city, park["city"]) > limit:
                continue
            if strict and self.fits(company, park_id):
                continue
            minutes = world.rail(company.city, park["city"])
            weights[park_id] = fit / (1 + minutes / 30)
        return weighted(rng, weights) if weights else None

    def pick_broker(self, company: Company, park_id: str) -> Person:
        world = self.world
        city = world.parks[park_id]["city"]
        related = world.related(company.industry)
        weights = []
        for broker in self.brokers:
            expert = bool(set(broker.expert_in) & related)
            if park_id in broker.covers:
                w = 6.0 if expert else 2.0
            elif city in broker.covers or broker.city == city:
                w = 3.0 if expert else 0.5
            else:
                w = 0.3 if expert else 0.02
            weights.append(w * (1 + math.log1p(broker.weight)))
        return self.rng.choices(self.brokers, weights=weights)[0]

    def dates(self, stage: str) -> dict[str, date]:
        rng = self.rng
        reached = stage
        if stage == "dropped":
            reached = weighted(rng, {"proposed": 50, "first_meeting": 32,
                                     "second_meeting": 13, "signed": 5})
        order = ["proposed", "first_meeting", "second_meeting", "signed", "landed"]
        steps = order.index(reached)
        for _ in range(1000):
            proposed = between(rng, *PROPOSED_WINDOW[stage])
            found: dict[str, date] = {"proposed_on": proposed}
            when = proposed
            for name, least, most in STEPS[:steps]:
                when = when + timedelta(days=rng.randint(least, most))
                found[name] = when
            if stage == "dropped":
                when = when + timedelta(days=rng.randint(7, 120))
                found["dropped_on"] = when
            if when <= AS_OF:
                return found
        msg = f"cannot fit {stage} dates before {AS_OF}"
        raise RuntimeError(msg)

    def make_all(self) -> list[dict[str, Any]]:
        rng, world = self.rng, self.world
        stages = [s for s, n in STAGE_COUNTS.items() for _ in range(n)]
        rng.shuffle(stages)
        drafts = []
        for stage in stages:
            strict = stage in ("second_meeting", "signed", "landed")
            for _ in range(200):
                weights = [4.0 if c.city == "city:shanghai" else 1.0 for c in self.companies]
                company = rng.choices(self.companies, weights=weights)[0]
                if stage in ("signed", "landed") and company.record["id"] in self.closed:
                    continue
                park_id = self.pick_park(company, strict)
                if park_id and (company.record["id"], park_id) not in self.pairs:
                    break
            else:
                msg = f"no park found for a {stage} referral"
                raise RuntimeError(msg)
            self.pairs.add((company.record["id"], park_id))
            if stage in ("signed", "landed"):
                self.closed.add(company.record["id"])
            broker = self.pick_broker(company, park_id)
            when = self.dates(stage)
            drafts.append((when["proposed_on"], stage, company, park_id, broker, when))
        drafts.sort(key=lambda d: (d[0], d[2].record["id"], d[3]))
        per_year: Counter[int] = Counter()
        for proposed, stage, company, park_id, broker, when in drafts:
            per_year[proposed.year] += 1
            park = world.parks[park_id]
            record: dict[str, Any] = {
                "id": f"referral:{proposed.year}-{per_year[proposed.year]:03d}",
                "name_zh": f"{company.short_zh} → {park['name_zh']}",
                "name_en": f"{company.short_en} → {park['name_en']}",
                "stage": stage,
                "company": company.record["id"],
                "park": park_id,
                "broker": broker.id,
                **when,
            }
            if stage == "dropped":
                misses = self.fits(company, park_id)
                reasons = list(DROP_REASONS_GENERIC)
                if not company.record["high_tech_certified"]:
                    reasons.append("key subsidy needs high-tech certification the company "
                                   "does not have")
                record["dropped_reason"] = rng.choice(misses) if misses and \
                    rng.random() < 0.75 else rng.choice(reasons)
            record["source"] = SOURCE
            record["as_of"] = AS_OF
            self.referrals.append(record)
            if stage == "landed":
                self.landings.append((company, park_id, when["landed_on"]))
            if stage in ("signed", "landed"):
                self.closings.append((broker, park_id, company, when["signed_on"]))
        return self.referrals


# --------------------------------------------------------------------------- output


def person_record(person: Person, world: World) -> dict[str, Any]:
    org = world.orgs[person.org]
    verticals = ", ".join(world.industries[i]["name_en"] for i in person.expert_in)
    places = sorted({world.cities[c if c.startswith("city:") else world.parks[c]["city"]]
                     ["name_en"] for c in person.covers})
    bio = f"{person.title} at {org['name_en']}"
    if verticals:
        bio += f". Verticals: {verticals}"
    if places:
        bio += f". Covers {', '.join(places)}"
    record: dict[str, Any] = {
        "id": person.id,
        "name_zh": person.name_zh,
        "name_en": person.name_en,
        "roles": flow(list(person.roles)),
    }
    if person.level:
        record["certification_level"] = person.level
    record["city"] = person.city
    record["works_at"] = [edge(person.org, title=person.title)]
    if person.expert_in:
        record["expert_in"] = flow(person.expert_in)
    record["covers"] = flow(person.covers)
    record["skills"] = [edge(s, level=lvl) for s, lvl in person.skills.items()]
    record["languages"] = flow(person.languages)
    record["bio_en"] = bio + "."
    return record


def add_contacts(records: list[dict[str, Any]], people: list[Person]) -> None:
    emails: Counter[str] = Counter()
    for index, (record, person) in enumerate(zip(records, people, strict=True), start=1):
        local = f"{person.given}.{person.surname}"
        emails[local] += 1
        suffix = str(emails[local]) if emails[local] > 1 else ""
        record["email"] = f"{local}{suffix}@example.com"
        record["phone"] = f"+86-555-01{index // 100:02d}-{index % 100:02d}{(index * 37) % 100:02d}"
        record["wechat"] = f"demo_{person.surname}{person.given}{index:03d}"
        record["public_contact"] = person.public


QUOTED_ID = re.compile(
    r"'((?:city|park|industry|policy|person|skill|org|company|referral):[a-z0-9][a-z0-9-]*)'")


def dump(label: str, records: list[dict[str, Any]], what: str) -> str:
    body = yaml.dump({"label": label, "records": records}, Dumper=SeedDumper,
                     allow_unicode=True, sort_keys=False, width=100, default_flow_style=False)
    body = body.replace("\n  - id: ", "\n\n  - id: ")
    # PyYAML quotes every 'prefix:slug' inside flow collections; plain ids read the same.
    plain = QUOTED_ID.sub(r"\1", body)
    if yaml.safe_load(plain) != yaml.safe_load(body):
        msg = f"unquoting ids changed the {label} document"
        raise RuntimeError(msg)
    return HEADER.format(what=what) + plain


def generate() -> dict[str, str]:
    world = read_world()
    rng = random.Random(SEED)
    maker = PeopleMaker(world, rng)
    people = maker.make_all()
    companies = CompanyMaker(world, rng).make_all()
    referrals = ReferralMaker(world, rng, companies, people)
    referrals.make_all()
    maker.rng = random.Random(SEED + 1)  # professionals draw apart from the main stream
    ProfessionalMaker(world, maker, maker.rng).cover(people)

    # Landed referrals become LANDED_IN history of the company.
    for company, park_id, landed_on in referrals.landings:
        landed = company.record.setdefault("landed_in", [])
        landed.append(edge(park_id, year=landed_on.year,
                           area_m2=company.record["need_area_m2"]))

    # Collaborations: every signed deal was worked with the park's contact person, then
    # random deals with a heavy-tailed activity weight until the edge target is reached.
    collab = Collaborations(world, rng, people)
    contacts_by_park: dict[str, list[Person]] = defaultdict(list)
    for person in people:
        if "ParkContact" in person.roles:
            for place in person.covers:
                contacts_by_park[place].append(person)
    for broker, park_id, company, signed_on in referrals.closings:
        city = world.cities[world.parks[park_id]["city"]]["name_en"]
        deal = f"{world.product(company.industry)} landing in {city}"
        landed = park_id in {e["to"] for e in company.record.get("landed_in", [])}
        for contact in contacts_by_park.get(park_id, [])[:1]:
            collab.add(broker.id, contact.id, deal, signed_on.year,
                       stage="landed" if landed else "signed")
    while collab.count < round(DEALS_PER_PERSON * len(people)):
        collab.random_deal()

    person_records = [person_record(p, world) for p in people]
    add_contacts(person_records, people)
    for record, person in zip(person_records, people, strict=True):
        if person.collaborations:
            record["collaborated_with"] = person.collaborations
        record["source"] = SOURCE
        record["as_of"] = AS_OF

    company_records = []
    for company in companies:
        record = dict(company.record)
        record["source"] = SOURCE
        record["as_of"] = AS_OF
        company_records.append(record)

    return {
        "people.yaml": dump("Person", person_records,
                            "People: brokers, lawyers, accountants, patent agents, investors, "
                            "park contacts, consultants."),
        "companies.yaml": dump("Company", company_records,
                               "Companies: Shanghai startups with landing needs, established "
                               "Shanghai and corridor firms."),
        "referrals.yaml": dump("Referral", referrals.referrals,
                               "Referrals: a broker introduces a company to a park; funnel "
                               "stages proposed to landed, or dropped."),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="exit 1 when the generated files are out of date")
    args = parser.parse_args(argv)
    outputs = generate()
    stale = []
    for name, text in outputs.items():
        path = SEED_DIR / name
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(name)
        else:
            path.write_text(text, encoding="utf-8")
            sys.stdout.write(f"wrote {path.relative_to(SEED_DIR.parent)}\n")
    if stale:
        sys.stderr.write(f"out of date: {', '.join(stale)}; run python tools/make_seed.py\n")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
