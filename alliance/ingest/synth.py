"""Deterministic synthetic corridor graphs, for load tests and benchmarks at any size.

`synthesize(nodes, seed)` streams a graph of exactly `plan(nodes)` nodes with the shapes
the real directory has: cities strung along a rail corridor, parks clustered by industry,
policies with expiring windows and hard-to-meet rules, a power-law collaboration network,
Shanghai startups with landing needs and referrals through the whole funnel. Every record
goes through the schema's own validation, so a synthetic graph is as valid as the seed.

The stream is ordered so that every relationship comes after both of its ends, and it is a
function of (nodes, seed) alone: the same arguments give byte-identical output in any process
(only ints are ever hashed; string sets are never iterated).
"""

from __future__ import annotations

import bisect
import functools
import itertools
import math
import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Generic, TypeVar

from graph_schema.nodes import (
    City,
    Company,
    Industry,
    NodeBase,
    Organization,
    Park,
    Person,
    Policy,
    Referral,
    Skill,
    pinyin_syllables,
    pinyin_tokens,
)
from graph_schema.records import NodeRecord, RelRecord, validate_relationship
from graph_schema.vocabulary import (
    FUNNEL_ORDER,
    Beneficiary,
    BenefitKind,
    CertificationLevel,
    CompanyStage,
    FacilityType,
    Label,
    OrganizationKind,
    PolicyLevel,
    ProfileField,
    ReferralStage,
    RelType,
    Role,
    RuleOp,
    SkillCategory,
)

SOURCE = "synthetic"
AS_OF = date(2025, 6, 30)
MIN_NODES = 1000
"""Below this the fixed backbone (cities, taxonomy, skills) would crowd out everything else."""

ID_STEM = "synth"

# --- fixed vocabularies -------------------------------------------------------------------

# (name_zh, name_en, parent position or None); three levels, 40 nodes.
INDUSTRIES: tuple[tuple[str, str, int | None], ...] = (
    ("生物医药", "Biomedicine", None),                            # 0
    ("创新药", "Innovative drugs", 0),                            # 1
    ("细胞与基因治疗", "Cell and gene therapy", 1),               # 2
    ("抗体药物", "Antibody drugs", 1),                            # 3
    ("医疗器械", "Medical devices", 0),                           # 4
    ("高端医学影像", "Advanced medical imaging", 4),              # 5
    ("体外诊断", "In-vitro diagnostics", 0),                      # 6
    ("集成电路", "Integrated circuits", None),                    # 7
    ("芯片设计", "Chip design", 7),                               # 8
    ("晶圆制造", "Wafer fabrication", 7),                         # 9
    ("封装测试", "Packaging and testing", 7),                     # 10
    ("半导体设备与材料", "Semiconductor equipment and materials", 7),  # 11
    ("人工智能", "Artificial intelligence", None),                # 12
    ("机器视觉", "Machine vision", 12),                           # 13
    ("大模型", "Foundation models", 12),                          # 14
    ("智能机器人", "Intelligent robotics", 12),                   # 15
    ("工业机器人", "Industrial robots", 15),                      # 16
    ("服务机器人", "Service robots", 15),                         # 17
    ("新能源", "New energy", None),                               # 18
    ("动力电池", "Power batteries", 18),                          # 19
    ("固态电池", "Solid-state batteries", 19),                    # 20
    ("光伏", "Photovoltaics", 18),                                # 21
    ("氢能", "Hydrogen energy", 18),                              # 22
    ("储能", "Energy storage", 18),                               # 23
    ("新能源汽车", "New-energy vehicles", None),                  # 24
    ("智能网联汽车", "Connected vehicles", 24),                   # 25
    ("汽车电子", "Automotive electronics", 24),                   # 26
    ("新材料", "Advanced materials", None),                       # 27
    ("高性能纤维", "High-performance fibres", 27),                # 28
    ("先进陶瓷", "Advanced ceramics", 27),                        # 29
    ("石墨烯", "Graphene", 27),                                   # 30
    ("高端装备", "Advanced equipment", None),                     # 31
    ("航空航天", "Aerospace", 31),                                # 32
    ("低空经济", "Low-altitude economy", 32),                     # 33
    ("精密仪器", "Precision instruments", 31),                    # 34
    ("海洋工程装备", "Marine engineering equipment", 31),         # 35
    ("数字经济", "Digital economy", None),                        # 36
    ("工业软件", "Industrial software", 36),                      # 37
    ("云计算与数据中心", "Cloud computing and data centres", 36), # 38
    ("网络安全", "Cybersecurity", 36),                            # 39
)

# Per top-level field: company-name word (zh, en) and the spaces its firms need.
FIELD_TRAITS: dict[int, tuple[str, str, tuple[FacilityType, ...]]] = {
    0: ("生物科技", "Biotech", (FacilityType.GMP_CLEANROOM, FacilityType.WET_LAB,
                                FacilityType.RD_LAB, FacilityType.OFFICE)),
    7: ("半导体", "Semiconductor", (FacilityType.CLEANROOM, FacilityType.STANDARD_FACTORY,
                                    FacilityType.RD_LAB)),
    12: ("智能科技", "Intelligent Technology", (FacilityType.OFFICE, FacilityType.RD_LAB,
                                                FacilityType.INCUBATOR, FacilityType.TEST_FIELD)),
    18: ("新能源", "New Energy", (FacilityType.STANDARD_FACTORY,
                                  FacilityType.HEAVY_INDUSTRIAL_LAND, FacilityType.RD_LAB,
                                  FacilityType.WAREHOUSE)),
    24: ("汽车科技", "Automotive Technology", (FacilityType.STANDARD_FACTORY,
                                               FacilityType.TEST_FIELD,
                                               FacilityType.HEAVY_INDUSTRIAL_LAND)),
    27: ("材料科技", "Materials", (FacilityType.STANDARD_FACTORY,
                                   FacilityType.HEAVY_INDUSTRIAL_LAND, FacilityType.WET_LAB,
                                   FacilityType.RD_LAB)),
    31: ("装备", "Equipment", (FacilityType.STANDARD_FACTORY, FacilityType.HEAVY_INDUSTRIAL_LAND,
                               FacilityType.TEST_FIELD, FacilityType.WAREHOUSE)),
    36: ("信息技术", "Information Technology", (FacilityType.OFFICE, FacilityType.INCUBATOR,
                                                FacilityType.RD_LAB)),
}

SKILLS: tuple[tuple[str, str, SkillCategory], ...] = (
    ("技术评估", "Technology assessment", SkillCategory.TECHNOLOGY),
    ("技术尽职调查", "Technical due diligence", SkillCategory.TECHNOLOGY),
    ("工艺放大", "Process scale-up", SkillCategory.TECHNOLOGY),
    ("临床试验设计", "Clinical trial design", SkillCategory.TECHNOLOGY),
    ("芯片验证", "Chip verification", SkillCategory.TECHNOLOGY),
    ("电池测试", "Battery testing", SkillCategory.TECHNOLOGY),
    ("算法评估", "Algorithm evaluation", SkillCategory.TECHNOLOGY),
    ("材料表征", "Materials characterisation", SkillCategory.TECHNOLOGY),
    ("产品注册", "Product registration", SkillCategory.TECHNOLOGY),
    ("质量体系", "Quality systems", SkillCategory.TECHNOLOGY),
    ("合同起草", "Contract drafting", SkillCategory.LEGAL),
    ("股权架构", "Equity structuring", SkillCategory.LEGAL),
    ("公司设立", "Company formation", SkillCategory.LEGAL),
    ("劳动法", "Employment law", SkillCategory.LEGAL),
    ("合规审查", "Compliance review", SkillCategory.LEGAL),
    ("争议解决", "Dispute resolution", SkillCategory.LEGAL),
    ("数据合规", "Data compliance", SkillCategory.LEGAL),
    ("外商投资", "Foreign investment", SkillCategory.LEGAL),
    ("专利检索", "Patent search", SkillCategory.IP),
    ("专利撰写", "Patent drafting", SkillCategory.IP),
    ("专利布局", "Patent portfolio strategy", SkillCategory.IP),
    ("自由实施分析", "Freedom-to-operate analysis", SkillCategory.IP),
    ("知识产权评估", "IP valuation", SkillCategory.IP),
    ("商标", "Trademarks", SkillCategory.IP),
    ("专利许可", "Patent licensing", SkillCategory.IP),
    ("专利无效", "Patent invalidation", SkillCategory.IP),
    ("融资规划", "Fundraising strategy", SkillCategory.FINANCE),
    ("企业估值", "Company valuation", SkillCategory.FINANCE),
    ("财务尽职调查", "Financial due diligence", SkillCategory.FINANCE),
    ("政府引导基金", "Government guidance funds", SkillCategory.FINANCE),
    ("投后管理", "Post-investment management", SkillCategory.FINANCE),
    ("债权融资", "Debt financing", SkillCategory.FINANCE),
    ("并购", "Mergers and acquisitions", SkillCategory.FINANCE),
    ("商业计划书", "Business plan review", SkillCategory.FINANCE),
    ("财务审计", "Financial audit", SkillCategory.ACCOUNTING),
    ("研发费用归集", "R&D cost accounting", SkillCategory.ACCOUNTING),
    ("财务报表", "Financial statements", SkillCategory.ACCOUNTING),
    ("内部控制", "Internal controls", SkillCategory.ACCOUNTING),
    ("成本核算", "Cost accounting", SkillCategory.ACCOUNTING),
    ("高企认定材料", "High-tech certification filings", SkillCategory.ACCOUNTING),
    ("专项审计", "Special-purpose audit", SkillCategory.ACCOUNTING),
    ("研发加计扣除", "R&D super deduction", SkillCategory.TAX),
    ("高新技术企业税收", "High-tech enterprise tax", SkillCategory.TAX),
    ("转让定价", "Transfer pricing", SkillCategory.TAX),
    ("增值税", "Value-added tax", SkillCategory.TAX),
    ("税收筹划", "Tax planning", SkillCategory.TAX),
    ("股权激励税务", "Equity incentive taxation", SkillCategory.TAX),
    ("技术转让", "Technology transfer", SkillCategory.TRANSFER),
    ("技术许可谈判", "Licence negotiation", SkillCategory.TRANSFER),
    ("成果转化", "Research commercialisation", SkillCategory.TRANSFER),
    ("产学研合作", "University-industry partnership", SkillCategory.TRANSFER),
    ("技术作价入股", "Technology-for-equity deals", SkillCategory.TRANSFER),
    ("技术合同登记", "Technology contract registration", SkillCategory.TRANSFER),
    ("概念验证", "Proof of concept", SkillCategory.TRANSFER),
    ("园区选址", "Site selection", SkillCategory.LANDING),
    ("政策申报", "Policy applications", SkillCategory.LANDING),
    ("环境影响评价", "Environmental impact assessment", SkillCategory.LANDING),
    ("厂房改造", "Facility fit-out", SkillCategory.LANDING),
    ("安全评价", "Safety assessment", SkillCategory.LANDING),
    ("人才落户", "Talent residence registration", SkillCategory.LANDING),
    ("项目备案", "Project filing", SkillCategory.LANDING),
)

PROFILE_FIELDS: tuple[ProfileField, ...] = tuple(ProfileField)
SKILL_CATEGORIES: tuple[SkillCategory, ...] = tuple(SkillCategory)
SKILLS_BY_CATEGORY: dict[SkillCategory, tuple[int, ...]] = {
    category: tuple(index for index, skill in enumerate(SKILLS) if skill[2] is category)
    for category in SkillCategory
}

# Corridor polyline (lon, lat): Shanghai, Suzhou, Wuxi, Changzhou, Zhenjiang, Nanjing, then
# up the Yangtze through Hefei, Wuhan, Yichang and Chongqing to Chengdu.
CORRIDOR: tuple[tuple[float, float], ...] = (
    (121.47, 31.23), (120.62, 31.30), (120.30, 31.57), (119.97, 31.81), (119.45, 32.20),
    (118.80, 32.06), (117.23, 31.82), (114.30, 30.59), (111.29, 30.69), (106.55, 29.56),
    (104.07, 30.57),
)
CITY_SPACING_KM = 25.0
PROVINCE_BY_LON: tuple[tuple[float, str], ...] = (
    (118.4, "江苏省"), (115.8, "安徽省"), (109.5, "湖北省"), (105.3, "重庆市"), (-180.0, "四川省"),
)
CITY_FIRST = "江宁苏锡常镇昆嘉湖扬泰通滁芜马铜宣池安九黄鄂荆宜沙岳巴渝涪泸遂德绵眉资内"
CITY_LAST = "州阳山城江兴安宁湖陵川平源门口溪丰台原梁"
SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭萧田董潘袁蔡蒋余葛杜"
            "叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛段雷侯龙史陶")
GIVEN = ("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂文辉鑫宇浩然晨轩"
         "欣怡佳琪思雨梦博俊凯峰婷雪华建国志海波亮红玲斌晓颖琳鹏飞宁")
BRAND = "芯源智联创科华康瑞达泰恒信诺微合鼎晶睿宏新天云星光舟驰迈博远未蓝极速易盛元灵"

PARK_KINDS: tuple[tuple[str, str], ...] = (
    ("高新区", "High-tech Zone"), ("经济技术开发区", "Economic Development Zone"),
    ("科技园", "Science Park"), ("产业园", "Industrial Park"), ("创新港", "Innovation Harbour"),
    ("智造园", "Smart Manufacturing Park"), ("科学城", "Science City"),
)

ORG_NAMES: dict[OrganizationKind, tuple[str, str, bool]] = {
    # kind: (zh suffix, en suffix, city name in front)
    OrganizationKind.LAW_FIRM: ("律师事务所", "Law Firm", False),
    OrganizationKind.ACCOUNTING_FIRM: ("会计师事务所", "CPA Firm", False),
    OrganizationKind.IP_AGENCY: ("知识产权代理有限公司", "IP Agency", False),
    OrganizationKind.TECH_TRANSFER_CENTER: ("技术转移中心", "Technology Transfer Center", True),
    OrganizationKind.UNIVERSITY: ("大学", "University", True),
    OrganizationKind.RESEARCH_INSTITUTE: ("研究院", "Research Institute", True),
    OrganizationKind.ASSOCIATION: ("技术经理人协会", "Technology Manager Association", True),
    OrganizationKind.INVESTOR: ("创业投资", "Ventures", False),
    OrganizationKind.PARK_OPERATOR: ("园区运营有限公司", "Park Operations", False),
    OrganizationKind.CONSULTANCY: ("咨询有限公司", "Consulting", False),
    OrganizationKind.GOVERNMENT: ("科学技术局", "Science and Technology Bureau", True),
}
ORG_KIND_WEIGHTS: tuple[int, ...] = (12, 10, 8, 12, 8, 8, 5, 12, 10, 10, 5)

# role: (share of people, workplace kinds, skill categories, job titles)
ROLE_TRAITS: dict[Role, tuple[int, tuple[OrganizationKind, ...], tuple[SkillCategory, ...],
                              tuple[str, ...]]] = {
    Role.BROKER: (60, (OrganizationKind.TECH_TRANSFER_CENTER, OrganizationKind.UNIVERSITY,
                       OrganizationKind.RESEARCH_INSTITUTE, OrganizationKind.CONSULTANCY,
                       OrganizationKind.ASSOCIATION),
                  (SkillCategory.TRANSFER, SkillCategory.LANDING, SkillCategory.TECHNOLOGY,
                   SkillCategory.FINANCE),
                  ("Technology Manager", "Senior Technology Manager", "Transfer Officer")),
    Role.LAWYER: (10, (OrganizationKind.LAW_FIRM,), (SkillCategory.LEGAL, SkillCategory.IP),
                  ("Partner", "Associate", "Senior Associate")),
    Role.ACCOUNTANT: (8, (OrganizationKind.ACCOUNTING_FIRM,),
                      (SkillCategory.ACCOUNTING, SkillCategory.TAX),
                      ("Partner", "Audit Manager", "Tax Manager")),
    Role.PATENT_AGENT: (5, (OrganizationKind.IP_AGENCY,), (SkillCategory.IP, SkillCategory.LEGAL),
                        ("Patent Agent", "Senior Patent Attorney")),
    Role.INVESTOR: (8, (OrganizationKind.INVESTOR,), (SkillCategory.FINANCE,),
                    ("Investment Director", "Investment Manager", "Managing Partner")),
    Role.PARK_CONTACT: (6, (OrganizationKind.PARK_OPERATOR, OrganizationKind.GOVERNMENT),
                        (SkillCategory.LANDING,),
                        ("Investment Promotion Manager", "Director of Enterprise Services")),
    Role.CONSULTANT: (3, (OrganizationKind.CONSULTANCY,),
                      (SkillCategory.FINANCE, SkillCategory.LANDING, SkillCategory.TAX),
                      ("Consultant", "Senior Consultant")),
}

BENEFIT_NAMES: dict[BenefitKind, tuple[str, str, float, float]] = {
    # kind: (zh, en, log10 of the smallest and largest amount in CNY)
    BenefitKind.CERTIFICATION_REWARD: ("认定奖励", "certification reward", 5.0, 6.3),
    BenefitKind.RENT_SUBSIDY: ("租金补贴", "rent subsidy", 5.0, 6.7),
    BenefitKind.EQUIPMENT_SUBSIDY: ("设备补贴", "equipment subsidy", 5.5, 7.3),
    BenefitKind.TALENT_PROGRAMME: ("人才计划", "talent programme", 5.5, 7.0),
    BenefitKind.TAX: ("税收优惠", "tax relief", 5.0, 7.0),
    BenefitKind.BROKER_REWARD: ("技术经理人奖励", "broker reward", 4.0, 5.7),
    BenefitKind.TECH_TRANSFER_REWARD: ("成果转化奖励", "tech-transfer reward", 5.0, 6.7),
    BenefitKind.RD_SUBSIDY: ("研发补贴", "R&D subsidy", 5.5, 7.0),
    BenefitKind.LOAN_INTEREST_SUBSIDY: ("贷款贴息", "loan interest subsidy", 5.0, 6.5),
    BenefitKind.FINANCING: ("融资支持", "financing support", 6.0, 8.0),
}
SYNTH_BENEFICIARY: dict[BenefitKind, Beneficiary] = {
    BenefitKind.BROKER_REWARD: Beneficiary.BROKER,
    BenefitKind.TALENT_PROGRAMME: Beneficiary.FOUNDING_TEAM,
}
"""Who a synthetic policy pays (everything else pays the company)."""
NOT_STACKABLE_EVERY = 10
"""Every tenth synthetic policy may not be stacked with the one before it."""
BENEFIT_WEIGHTS: tuple[int, ...] = (8, 14, 10, 12, 10, 5, 8, 14, 8, 11)

# stage: (share of companies, founded years, log10 headcount, log10 revenue, P(high-tech),
#         founder equity %)
STAGE_TRAITS: dict[CompanyStage, tuple[int, tuple[int, int], tuple[float, float],
                                       tuple[float, float], float, tuple[float, float]]] = {
    CompanyStage.IDEA: (5, (2023, 2025), (0.0, 0.7), (0.0, 5.0), 0.0, (80, 100)),
    CompanyStage.SEED: (20, (2020, 2025), (0.5, 1.3), (4.0, 6.3), 0.05, (60, 95)),
    CompanyStage.ANGEL: (20, (2018, 2024), (0.9, 1.6), (5.7, 7.0), 0.15, (45, 85)),
    CompanyStage.SERIES_A: (20, (2015, 2023), (1.3, 2.1), (6.7, 7.7), 0.4, (35, 70)),
    CompanyStage.SERIES_B: (12, (2012, 2022), (1.8, 2.6), (7.3, 8.3), 0.6, (25, 60)),
    CompanyStage.GROWTH: (13, (2005, 2020), (2.3, 3.2), (8.0, 9.0), 0.8, (15, 50)),
    CompanyStage.MATURE: (10, (1985, 2015), (2.7, 4.3), (8.5, 10.0), 0.85, (5, 40)),
}
STARTUP_STAGES = (CompanyStage.IDEA, CompanyStage.SEED, CompanyStage.ANGEL,
                  CompanyStage.SERIES_A, CompanyStage.SERIES_B)

REFERRAL_STAGE_WEIGHTS: tuple[int, ...] = (20, 20, 15, 10, 10, 25)
"""Referral stages in ReferralStage order: proposed … landed, dropped."""
DROPPED_REASONS = (
    "Rent above budget", "Chose another park", "Funding round fell through",
    "Policy did not apply", "Fit-out would take too long", "Founders stayed in Shanghai",
    "Cleanroom class not available", "Commute too long for the team",
)
DEAL_KINDS = ("patent licence", "technology transfer", "joint R&D", "seed round",
              "landing project", "spin-out", "equity-for-technology", "pilot line")

# Preferential attachment: each new person brings 0–4 deals with earlier people, with these
# weights (mean ~1.5, plus repeats ≈ 1.6 collaborations per person).
COLLAB_EDGES_WEIGHTS: tuple[int, ...] = (20, 35, 25, 12, 8)
COLLAB_UNIFORM_SHARE = 0.2
"""Share of new collaborations that pick a partner uniformly, not by degree."""
COLLAB_REPEAT_SHARE = 0.07
"""Share of collaborations followed by a second deal between the same pair."""

SHARES: dict[Label, int] = {
    Label.PARK: 2, Label.POLICY: 3, Label.ORGANIZATION: 2, Label.PERSON: 35,
    Label.COMPANY: 45, Label.REFERRAL: 10,
}
"""Percent of nodes per label; cities, industries and skills are fixed or grow slowly."""


T = TypeVar("T")


class _Weighted(Generic[T]):
    """A weighted choice whose cumulative weights are summed once, not on every draw."""

    def __init__(self, population: Sequence[T], weights: Sequence[float]) -> None:
        self.population = tuple(population)
        self.cum_weights = list(itertools.accumulate(weights))
        self.total = self.cum_weights[-1]
        self.last = len(self.population) - 1

    def draw(self, rng: random.Random) -> T:
        """What `rng.choices(population, weights)[0]` gives, from the same random() call."""
        spot = rng.random() * self.total
        return self.population[bisect.bisect(self.cum_weights, spot, 0, self.last)]


BENEFIT_DRAW = _Weighted(tuple(BenefitKind), BENEFIT_WEIGHTS)
ORG_KIND_DRAW = _Weighted(tuple(OrganizationKind), ORG_KIND_WEIGHTS)
ROLE_DRAW = _Weighted(tuple(ROLE_TRAITS), [traits[0] for traits in ROLE_TRAITS.values()])
LEVEL_DRAW = _Weighted(tuple(CertificationLevel), (50, 35, 15))
SKILL_LEVEL_DRAW = _Weighted((1, 2, 3, 4, 5), (10, 25, 35, 20, 10))
EXPERTISE_COUNT_DRAW = _Weighted((1, 2, 3), (40, 40, 20))
TARGET_COUNT_DRAW = _Weighted((0, 1, 2), (35, 45, 20))
RULE_COUNT_DRAW = _Weighted((0, 1, 2, 3), (25, 35, 25, 15))
COLLAB_COUNT_DRAW = _Weighted(range(len(COLLAB_EDGES_WEIGHTS)), COLLAB_EDGES_WEIGHTS)
STAGE_DRAW = _Weighted(tuple(STAGE_TRAITS), [traits[0] for traits in STAGE_TRAITS.values()])
STARTUP_STAGE_DRAW = _Weighted(STARTUP_STAGES,
                               [STAGE_TRAITS[stage][0] for stage in STARTUP_STAGES])
INDUSTRY_COUNT_DRAW = _Weighted((1, 2), (70, 30))
REFERRAL_STAGE_DRAW = _Weighted(tuple(ReferralStage), REFERRAL_STAGE_WEIGHTS)


# --- plan and names -----------------------------------------------------------------------

def city_count(nodes: int) -> int:
    """Cities grow slowly with size, so a huge graph is denser, not just longer."""
    return max(12, nodes // 2000)


def plan(nodes: int) -> dict[Label, int]:
    """Nodes per label for a graph of `nodes` nodes (they add up to exactly `nodes`)."""
    if nodes < MIN_NODES:
        msg = f"a synthetic graph needs at least {MIN_NODES} nodes, got {nodes}"
        raise ValueError(msg)
    counts = {Label.CITY: city_count(nodes), Label.INDUSTRY: len(INDUSTRIES),
              Label.SKILL: len(SKILLS)}
    rest = nodes - sum(counts.values())
    total_share = sum(SHARES.values())
    for label, share in SHARES.items():
        counts[label] = rest * share // total_share
    counts[Label.COMPANY] += nodes - sum(counts.values())
    return {label: counts[label] for label in Label}


@functools.cache
def _syllables(fragment: str) -> tuple[str, ...]:
    """Pinyin syllables of a name fragment, cached: pypinyin on every generated name
    would dominate the run time."""
    return tuple(pinyin_syllables(fragment))


def _pinyin(*fragments: str) -> str:
    """`pinyin_of` of the joined fragments, from cached syllables (a test compares the two
    on every label, since pypinyin may read a character differently in context)."""
    return pinyin_tokens([syllable for fragment in fragments
                          for syllable in _syllables(fragment)])


def _roman(fragment: str) -> str:
    """A fragment as a capitalised English word, e.g. 芯源 → Xinyuan."""
    return "".join(_syllables(fragment)).capitalize()


def _haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def _corridor_point(distance_km: float) -> tuple[float, float, float, float]:
    """(lon, lat) at `distance_km` along the corridor, and the unit direction there."""
    for start, end in zip(CORRIDOR, CORRIDOR[1:], strict=False):
        length = _haversine_km(start, end)
        if distance_km <= length or end == CORRIDOR[-1]:
            t = min(distance_km / length, 1.0)
            d_lon, d_lat = end[0] - start[0], end[1] - start[1]
            norm = math.hypot(d_lon, d_lat)
            return start[0] + t * d_lon, start[1] + t * d_lat, d_lon / norm, d_lat / norm
        distance_km -= length
    raise AssertionError  # pragma: no cover - the loop always returns on the last segment


def _corridor_length_km() -> float:
    return sum(_haversine_km(a, b) for a, b in zip(CORRIDOR, CORRIDOR[1:], strict=False))


@dataclass(frozen=True)
class _Place:
    """What later phases need to know about a city or park (kept small for 10^6 nodes)."""

    id: str
    name_zh: str
    name_en: str
    city: int
    lat: float
    lon: float
    industries: tuple[int, ...] = ()


@dataclass(frozen=True)
class _Startup:
    """A Shanghai startup with a landing need: the candidates for referrals."""

    id: str
    name_parts: tuple[str, ...]
    name_en: str
    industry: int
    need_area_m2: float


# --- the generator ------------------------------------------------------------------------

def synthesize(nodes: int, seed: int) -> Iterator[NodeRecord | RelRecord]:
    """Stream a valid synthetic graph of exactly `nodes` nodes; ends always come first."""
    return _Synthesizer(nodes, seed).records()


class _Synthesizer:
    """One run: the random stream plus the little state later phases draw on."""

    def __init__(self, nodes: int, seed: int) -> None:
        self.counts = plan(nodes)
        self.rng = random.Random(seed)
        self.cities: list[_Place] = []
        self.city_draw = _Weighted((0,), (1.0,))
        self.city_fields: list[tuple[int, int]] = []
        self.parks: list[_Place] = []
        self.parks_by_city: list[list[int]] = []
        self.parks_by_industry: dict[int, list[int]] = {}
        self.orgs_by_kind: dict[OrganizationKind, list[int]] = {}
        self.orgs_by_kind_city: dict[tuple[OrganizationKind, int], list[int]] = {}
        self.brokers: list[int] = []
        self.brokers_by_city: dict[int, list[int]] = {}
        self.startups: list[_Startup] = []
        self.deal_serial = 0
        self.fields = [index for index, item in enumerate(INDUSTRIES) if item[2] is None]
        self.subtree: dict[int, list[int]] = {field: [] for field in self.fields}
        for index in range(len(INDUSTRIES)):
            self.subtree[self._field_of(index)].append(index)

    def records(self) -> Iterator[NodeRecord | RelRecord]:
        """Every phase in dependency order."""
        yield from self._cities()
        yield from self._industries()
        yield from self._skills()
        yield from self._parks()
        yield from self._policies()
        yield from self._organizations()
        yield from self._people()
        yield from self._companies()
        yield from self._referrals()

    # helpers

    def _node(self, model: type[NodeBase], label_index: int, **fields: Any) -> NodeRecord:
        node_id = f"{model.ID_PREFIX}:{ID_STEM}-{label_index}"
        return NodeRecord.from_model(
            model(id=node_id, source=SOURCE, as_of=AS_OF, **fields)
        )

    @staticmethod
    def _rel(rel_type: RelType, source: str, target: str, **properties: Any) -> RelRecord:
        return validate_relationship(rel_type, source, target, properties)

    def _field_of(self, industry: int) -> int:
        """The top-level field an industry belongs to."""
        while (parent := INDUSTRIES[industry][2]) is not None:
            industry = parent
        return industry

    def _industry_id(self, index: int) -> str:
        return f"industry:{ID_STEM}-{index}"

    def _city_index(self) -> int:
        return self.city_draw.draw(self.rng)

    def _near_city(self, city: int) -> int:
        """A city at most two stops away along the corridor."""
        return min(max(city + self.rng.randint(-2, 2), 0), len(self.cities) - 1)

    def _log_uniform(self, low: float, high: float) -> float:
        return float(10 ** self.rng.uniform(low, high))

    def _industry_for(self, city: int) -> int:
        """An industry, mostly from one of the city's two specialities."""
        rng = self.rng
        field = rng.choice(self.city_fields[city]) if rng.random() < 0.75 else rng.choice(
            self.fields)
        return rng.choice(self.subtree[field])

    def _target_for(self, pool: Sequence[int]) -> int:
        """A policy's target industry, mostly one its park hosts."""
        if pool and self.rng.random() < 0.8:
            return self.rng.choice(pool)
        return self.rng.randrange(len(INDUSTRIES))

    def _skill_for(self, categories: Sequence[SkillCategory]) -> int:
        """A skill, mostly from the categories of the person's role."""
        rng = self.rng
        category = rng.choice(categories) if rng.random() < 0.7 else rng.choice(
            SKILL_CATEGORIES)
        return rng.choice(SKILLS_BY_CATEGORY[category])

    def _distinct(self, draw: Callable[[], int], count: int) -> list[int]:
        """Up to `count` distinct values of `draw()`, in draw order (a few retries)."""
        chosen: list[int] = []
        for _ in range(count * 3):
            value = draw()
            if value not in chosen:
                chosen.append(value)
                if len(chosen) == count:
                    break
        return chosen

    # phases

    def _cities(self) -> Iterator[NodeRecord | RelRecord]:
        rng = self.rng
        count = self.counts[Label.CITY]
        spacing = min(CITY_SPACING_KM, _corridor_length_km() / (count - 1))
        used_names = {"上海"}
        weights: list[float] = []
        for index in range(count):
            if index == 0:
                lon, lat = CORRIDOR[0]
                zh, en, pinyin, province = "上海", "Shanghai", _pinyin("上海"), "上海市"
            else:
                along = (index + rng.uniform(-0.3, 0.3)) * spacing
                lon, lat, d_lon, d_lat = _corridor_point(along)
                offset = rng.uniform(-15.0, 15.0) / 100.0  # km across the line, in degrees
                lon, lat = round(lon - d_lat * offset, 4), round(lat + d_lon * offset, 4)
                stem = self._city_stem(used_names)
                zh, en, pinyin = f"{stem}市", _roman(stem), _pinyin(stem, "市")
                province = next(name for bound, name in PROVINCE_BY_LON if lon >= bound)
            record = self._node(City, index, name_zh=zh, name_en=en, name_pinyin=pinyin,
                                province=province, lat=lat, lon=lon)
            yield record
            self.cities.append(_Place(record.id, zh.removesuffix("市"), en, index, lat, lon))
            first_field, second_field = rng.sample(self.fields, 2)
            self.city_fields.append((first_field, second_field))
            weights.append(1.0 / (1 + rng.random() * 4))
        weights[0] = sum(weights[1:]) / 3  # Shanghai holds a quarter of everything placed
        self.city_draw = _Weighted(range(len(weights)), weights)
        self.parks_by_city = [[] for _ in self.cities]
        yield from self._hsr_links()

    def _city_stem(self, used: set[str]) -> str:
        """A fresh two-character city name (three characters once pairs run out)."""
        rng = self.rng
        for attempt in range(200):
            stem = rng.choice(CITY_FIRST) + rng.choice(CITY_LAST)
            if attempt >= 50:
                stem = stem[0] + rng.choice(CITY_FIRST) + stem[1]
            if stem not in used:
                used.add(stem)
                return stem
        msg = "ran out of synthetic city names"
        raise RuntimeError(msg)

    def _hsr_links(self) -> Iterator[RelRecord]:
        """A main line through every city in order, plus express links skipping 2–4 stops."""
        rng = self.rng
        cities = self.cities
        pairs = [(index, index + 1, "Corridor Main Line", 3) for index in range(len(cities) - 1)]
        seen = {(a, b) for a, b, _, _ in pairs}
        for _ in range(max(2, len(cities) // 6)):
            start = rng.randrange(len(cities) - 3)
            end = min(start + rng.randint(3, 5), len(cities) - 1)
            if (start, end) not in seen:
                seen.add((start, end))
                pairs.append((start, end, "Corridor Express", 0))
        for a, b, line, stop_minutes in pairs:
            km = round(_haversine_km((cities[a].lon, cities[a].lat),
                                     (cities[b].lon, cities[b].lat)) * 1.08, 1)
            km = max(km, 0.5)
            minutes = max(1, round(km / 3.5) + stop_minutes)
            yield self._rel(RelType.HSR_LINK, cities[a].id, cities[b].id, minutes=minutes,
                            km=km, line=line)

    def _industries(self) -> Iterator[NodeRecord | RelRecord]:
        for index, (zh, en, parent) in enumerate(INDUSTRIES):
            record = self._node(Industry, index, name_zh=zh, name_en=en, name_pinyin=_pinyin(zh))
            yield record
            if parent is not None:
                yield self._rel(RelType.SUBFIELD_OF, record.id, self._industry_id(parent))

    def _skills(self) -> Iterator[NodeRecord]:
        for index, (zh, en, category) in enumerate(SKILLS):
            yield self._node(Skill, index, name_zh=zh, name_en=en, name_pinyin=_pinyin(zh),
                             category=category)

    def _parks(self) -> Iterator[NodeRecord | RelRecord]:
        rng = self.rng
        count = self.counts[Label.PARK]
        for index in range(count):
            # One park per city first (while they last), then cities by size.
            city_index = index if index < len(self.cities) else self._city_index()
            city = self.cities[city_index]
            field = rng.choice(self.city_fields[city_index]) if rng.random() < 0.8 else (
                rng.choice(self.fields))
            hosted = self._distinct(functools.partial(rng.choice, self.subtree[field]),
                                    rng.randint(2, 5))
            while len(hosted) < 2:
                extra = rng.randrange(len(INDUSTRIES))
                if extra not in hosted:
                    hosted.append(extra)
            facilities = set(rng.sample(FIELD_TRAITS[field][2], rng.randint(1, 2)))
            facilities.update(rng.sample(list(FacilityType), rng.randint(0, 2)))
            brand = rng.choice(BRAND) + rng.choice(BRAND)
            kind_zh, kind_en = rng.choice(PARK_KINDS)
            zh = f"{city.name_zh}{brand}{kind_zh}"
            en = f"{city.name_en} {_roman(brand)} {kind_en}"
            shanghai = city_index == 0
            lat = round(city.lat + rng.uniform(-0.12, 0.12), 4)
            lon = round(city.lon + rng.uniform(-0.12, 0.12), 4)
            estimated = ["available_area_m2"] if rng.random() < 0.2 else []
            record = self._node(
                Park, index, name_zh=zh, name_en=en,
                name_pinyin=_pinyin(city.name_zh, brand, kind_zh),
                available_area_m2=round(self._log_uniform(3.3, 5.5), -2),
                facility_types=[kind for kind in FacilityType if kind in facilities],
                rent_cny_m2_month=round(rng.uniform(45, 80) if shanghai else rng.uniform(15, 50),
                                        1),
                lat=lat, lon=lon, established_year=rng.randint(1992, 2023),
                area_km2=round(self._log_uniform(-0.3, 1.7), 2),
                description_en=f"{kind_en} focused on {INDUSTRIES[hosted[0]][1].lower()}.",
                estimated=estimated,
            )
            yield record
            park = _Place(record.id, zh, en, city_index, lat, lon, tuple(hosted))
            self.parks.append(park)
            self.parks_by_city[city_index].append(index)
            yield self._rel(RelType.IN_CITY, record.id, city.id)
            for rank, industry in enumerate(hosted):
                self.parks_by_industry.setdefault(industry, []).append(index)
                strength = 1.0 if rank == 0 else round(rng.uniform(0.2, 0.9), 2)
                yield self._rel(RelType.HOSTS, record.id, self._industry_id(industry),
                                strength=strength)

    def _policies(self) -> Iterator[NodeRecord | RelRecord]:
        rng = self.rng
        kinds = list(BenefitKind)
        previous = ""
        for index in range(self.counts[Label.POLICY]):
            kind = kinds[index] if index < len(kinds) else BENEFIT_DRAW.draw(rng)
            kind_zh, kind_en, low, high = BENEFIT_NAMES[kind]
            in_park = rng.random() < 0.7
            place = rng.choice(self.parks) if in_park else self.cities[self._city_index()]
            place_zh = place.name_zh if in_park else f"{place.name_zh}市"
            issuer = (f"{place.name_zh}管理委员会" if in_park
                      else f"{place.name_zh}市{rng.choice(('人民政府', '科学技术局'))}")
            valid_from, valid_to = self._policy_window()
            year = valid_from.year
            amount: float | None = round(self._log_uniform(low, high), -4)
            note = ""
            if kind is BenefitKind.TAX and rng.random() < 0.5:
                amount, note = None, f"{rng.choice((50, 75, 100))}% of local tax share refunded"
            record = self._node(
                Policy, index,
                name_zh=f"{place_zh}{year}年{kind_zh}办法",
                name_en=f"{place.name_en} {year} {kind_en} measures",
                name_pinyin=_pinyin(place_zh, str(year), "年", kind_zh, "办法"),
                issuer=issuer, benefit_kind=kind, amount_cny=amount, amount_note=note,
                beneficiary=SYNTH_BENEFICIARY.get(kind, Beneficiary.COMPANY),
                level=PolicyLevel.PARK if in_park else PolicyLevel.CITY,
                valid_from=valid_from, valid_to=valid_to, eligibility=self._eligibility(),
            )
            yield record
            yield self._rel(RelType.OFFERED_IN, record.id, place.id)
            if index % NOT_STACKABLE_EVERY == NOT_STACKABLE_EVERY - 1:
                yield self._rel(RelType.NOT_STACKABLE_WITH, record.id, previous)
            previous = record.id
            targets = TARGET_COUNT_DRAW.draw(rng)
            pool = list(place.industries) if in_park else []
            chosen = self._distinct(functools.partial(self._target_for, pool), targets)
            for industry in chosen:
                yield self._rel(RelType.TARGETS, record.id, self._industry_id(industry))

    def _policy_window(self) -> tuple[date, date | None]:
        """Valid dates: ~15% expired before AS_OF, ~30% open-ended, the rest running."""
        rng = self.rng
        draw = rng.random()
        if draw < 0.15:
            valid_from = AS_OF - timedelta(days=rng.randint(400, 2600))
            span = (AS_OF - valid_from).days
            return valid_from, valid_from + timedelta(days=rng.randint(180, span - 1))
        valid_from = AS_OF - timedelta(days=rng.randint(0, 2200))
        if draw < 0.45:
            return valid_from, None
        return valid_from, AS_OF + timedelta(days=rng.randint(30, 1500))

    def _eligibility(self) -> list[dict[str, Any]]:
        """0–3 rules on distinct profile fields; about one policy in five has a hard one."""
        rng = self.rng
        fields = rng.sample(PROFILE_FIELDS, RULE_COUNT_DRAW.draw(rng))
        hard = rng.random() < 0.2
        rules = [self._rule(field, hard and position == 0) for position, field in
                 enumerate(fields)]
        return rules

    def _rule(self, field: ProfileField, hard: bool) -> dict[str, Any]:
        rng = self.rng
        stages = [stage.value for stage in CompanyStage]
        if field is ProfileField.HIGH_TECH_CERTIFIED:
            return {"field": field, "op": RuleOp.EQ, "value": True}
        if field is ProfileField.STAGE:
            if hard:
                return {"field": field, "op": RuleOp.EQ, "value": CompanyStage.MATURE.value}
            if rng.random() < 0.5:
                start = rng.randrange(len(stages) - 2)
                return {"field": field, "op": RuleOp.IN,
                        "value": stages[start: start + rng.randint(2, 3)]}
            op = rng.choice((RuleOp.GTE, RuleOp.LTE))
            return {"field": field, "op": op, "value": rng.choice(stages[1:-1])}
        if field is ProfileField.FOUNDED_YEAR:
            year = rng.randint(2024, 2025) if hard else rng.randint(2010, 2022)
            return {"field": field, "op": RuleOp.GTE, "value": year}
        if field is ProfileField.HEADCOUNT:
            if hard:
                return {"field": field, "op": RuleOp.GTE, "value": rng.choice((1000, 2000))}
            if rng.random() < 0.5:
                return {"field": field, "op": RuleOp.LTE, "value": rng.choice((100, 200, 500))}
            return {"field": field, "op": RuleOp.GTE, "value": rng.choice((5, 10, 20, 50))}
        if field is ProfileField.ANNUAL_REVENUE_CNY:
            if hard:
                return {"field": field, "op": RuleOp.GTE, "value": 500_000_000}
            op = rng.choice((RuleOp.GTE, RuleOp.LTE))
            value = rng.choice((1, 5, 10, 20)) if op is RuleOp.GTE else rng.choice((50, 100, 200))
            return {"field": field, "op": op, "value": value * 1_000_000}
        if field is ProfileField.FOUNDER_EQUITY_PCT:
            return {"field": field, "op": RuleOp.GTE, "value": 67.0 if hard else rng.choice(
                (30.0, 34.0, 51.0))}
        if field is ProfileField.FOUNDER_CASH_CNY:
            value = 20_000_000 if hard else rng.choice((500_000, 1_000_000, 3_000_000))
            return {"field": field, "op": RuleOp.GTE, "value": value}
        return {"field": field, "op": RuleOp.GTE,
                "value": 70.0 if hard else rng.choice((10.0, 20.0, 30.0, 40.0))}

    def _organizations(self) -> Iterator[NodeRecord | RelRecord]:
        rng = self.rng
        kinds = list(OrganizationKind)
        for index in range(self.counts[Label.ORGANIZATION]):
            kind = kinds[index] if index < len(kinds) else ORG_KIND_DRAW.draw(rng)
            city_index = self._city_index()
            city = self.cities[city_index]
            suffix_zh, suffix_en, city_first = ORG_NAMES[kind]
            brand = rng.choice(BRAND) + rng.choice(BRAND)
            if kind is OrganizationKind.GOVERNMENT:
                parts: tuple[str, ...] = (f"{city.name_zh}市", suffix_zh)
                en = f"{city.name_en} {suffix_en}"
            elif city_first:
                parts = (city.name_zh, brand, suffix_zh)
                en = f"{city.name_en} {_roman(brand)} {suffix_en}"
            else:
                parts = (brand, suffix_zh)
                en = f"{_roman(brand)} {suffix_en}"
            record = self._node(Organization, index, name_zh="".join(parts), name_en=en,
                                name_pinyin=_pinyin(*parts), kind=kind)
            yield record
            self.orgs_by_kind.setdefault(kind, []).append(index)
            self.orgs_by_kind_city.setdefault((kind, city_index), []).append(index)
            yield self._rel(RelType.BASED_IN, record.id, city.id)

    def _people(self) -> Iterator[NodeRecord | RelRecord]:
        rng = self.rng
        degree_ends: list[int] = []  # each collaboration lists both people: picks ∝ degree
        for index in range(self.counts[Label.PERSON]):
            person_id = f"person:{ID_STEM}-{index}"
            city_index = self._city_index()
            primary = ROLE_DRAW.draw(rng)
            person_roles = [primary]
            if rng.random() < 0.12:
                second = rng.choice(ROLE_DRAW.population)
                if second is not primary:
                    person_roles.append(second)
            is_broker = Role.BROKER in person_roles
            certified = rng.random() < (0.85 if is_broker else 0.15)
            level = LEVEL_DRAW.draw(rng) if certified else None
            surname = rng.choice(SURNAMES)
            given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
            handle = f"{_roman(given).lower()}.{_roman(surname).lower()}{index}"
            _, org_kinds, categories, titles = ROLE_TRAITS[primary]
            city = self.cities[city_index]
            fields: dict[str, Any] = {
                "name_zh": surname + given,
                "name_en": f"{_roman(surname)} {_roman(given)}",
                "name_pinyin": _pinyin(surname, given),
                "roles": person_roles,
                "certification_level": level,
                "languages": ["zh", "en"] if rng.random() < 0.3 else ["zh"],
                "bio_en": f"{primary.value} based in {city.name_en}.",
            }
            if rng.random() < 0.4:
                fields["email"] = f"{handle}@example.com"
            if rng.random() < 0.3:
                fields["phone"] = f"+86 100 {index:08d}"
            if rng.random() < 0.2:
                fields["wechat"] = f"wx_{handle.replace('.', '_')}"
            fields["public_contact"] = rng.random() < 0.15
            yield self._node(Person, index, **fields)
            yield self._rel(RelType.BASED_IN, person_id, city.id)
            if is_broker:
                self.brokers.append(index)
                self.brokers_by_city.setdefault(city_index, []).append(index)
            if rng.random() < 0.85:
                kind = rng.choice(org_kinds)
                local = self.orgs_by_kind_city.get((kind, city_index))
                candidates = local if local and rng.random() < 0.8 else self.orgs_by_kind[kind]
                yield self._rel(RelType.WORKS_AT, person_id,
                                f"org:{ID_STEM}-{rng.choice(candidates)}",
                                title=rng.choice(titles))
            skills = self._distinct(functools.partial(self._skill_for, categories),
                                    rng.randint(2, 5))
            for skill in skills:
                yield self._rel(RelType.HAS_SKILL, person_id, f"skill:{ID_STEM}-{skill}",
                                level=SKILL_LEVEL_DRAW.draw(rng))
            expertise = self._distinct(functools.partial(self._industry_for, city_index),
                                       EXPERTISE_COUNT_DRAW.draw(rng))
            for industry in expertise:
                yield self._rel(RelType.EXPERT_IN, person_id, self._industry_id(industry))
            yield from self._covers(person_id, city_index, primary)
            yield from self._collaborations(index, degree_ends)

    def _covers(self, person_id: str, city_index: int, primary: Role) -> Iterator[RelRecord]:
        """1–4 parks or cities, mostly within two stops of home; park contacts stay home."""
        rng = self.rng
        targets: list[str] = []
        wanted = 1 if primary is Role.PARK_CONTACT else rng.randint(1, 4)
        for _ in range(wanted * 3):
            draw = rng.random()
            if primary is Role.PARK_CONTACT or draw < 0.75:
                city = city_index if primary is Role.PARK_CONTACT else self._near_city(city_index)
                parks = self.parks_by_city[city]
                target = (self.parks[rng.choice(parks)].id if parks
                          else self.cities[city].id)
            elif draw < 0.9:
                target = self.cities[self._near_city(city_index)].id
            else:
                target = rng.choice(self.parks).id
            if target not in targets:
                targets.append(target)
                if len(targets) == wanted:
                    break
        for target in targets:
            yield self._rel(RelType.COVERS, person_id, target)

    def _collaborations(self, index: int, degree_ends: list[int]) -> Iterator[RelRecord]:
        """Preferential attachment to earlier people: a few hubs, a long tail of one-deal people."""
        rng = self.rng
        if index == 0:
            return
        wanted = COLLAB_COUNT_DRAW.draw(rng)
        partners = self._distinct(
            lambda: rng.randrange(index) if not degree_ends or rng.random()
            < COLLAB_UNIFORM_SHARE else rng.choice(degree_ends), min(wanted, index))
        person_id = f"person:{ID_STEM}-{index}"
        for partner in partners:
            deals = 2 if rng.random() < COLLAB_REPEAT_SHARE else 1
            for _ in range(deals):
                self.deal_serial += 1
                industry = INDUSTRIES[rng.randrange(len(INDUSTRIES))][1]
                deal = f"{industry} {rng.choice(DEAL_KINDS)} #{self.deal_serial}"
                year = min(2025, 2015 + int(11 * math.sqrt(rng.random())))
                yield self._rel(RelType.COLLABORATED_WITH, person_id,
                                f"person:{ID_STEM}-{partner}", deal=deal, year=year)
                degree_ends.extend((index, partner))

    def _companies(self) -> Iterator[NodeRecord | RelRecord]:
        rng = self.rng
        benefit_kinds = list(BenefitKind)
        for index in range(self.counts[Label.COMPANY]):
            company_id = f"company:{ID_STEM}-{index}"
            startup = rng.random() < 1 / 3
            city_index = 0 if startup else self._city_index()
            city = self.cities[city_index]
            stage = (STARTUP_STAGE_DRAW if startup else STAGE_DRAW).draw(rng)
            _, years, heads, revenue, high_tech, equity = STAGE_TRAITS[stage]
            industries = self._distinct(functools.partial(self._industry_for, city_index),
                                        INDUSTRY_COUNT_DRAW.draw(rng))
            field = self._field_of(industries[0])
            word_zh, word_en, facilities = FIELD_TRAITS[field]
            brand = rng.choice(BRAND) + rng.choice(BRAND)
            fields: dict[str, Any] = {
                "name_zh": f"{city.name_zh}{brand}{word_zh}有限公司",
                "name_en": f"{city.name_en} {_roman(brand)} {word_en} Co., Ltd.",
                "name_pinyin": _pinyin(city.name_zh, brand, word_zh, "有限公司"),
                "high_tech_certified": rng.random() < high_tech,
                "stage": stage,
                "founded_year": rng.randint(*years),
                "headcount": round(self._log_uniform(*heads)),
                "annual_revenue_cny": (round(self._log_uniform(*revenue), -3)
                                       if rng.random() < 0.9 else None),
                "founder_equity_pct": (round(rng.uniform(*equity), 1)
                                       if rng.random() < 0.8 else None),
                "founder_cash_cny": (round(self._log_uniform(5.0, 7.5), -4)
                                     if rng.random() < 0.6 else None),
                "rd_staff_pct": round(rng.uniform(5, 80), 1) if rng.random() < 0.85 else None,
            }
            if fields["annual_revenue_cny"] is not None and rng.random() < 0.3:
                fields["estimated"] = ["annual_revenue_cny"]
            need_area = 0.0
            if startup:
                need_area = round(self._log_uniform(2.3, 4.3), -1)
                fields.update(
                    need_area_m2=need_area,
                    need_facility_types=sorted(set(rng.sample(facilities, rng.randint(1, 2))),
                                               key=list(FacilityType).index),
                    need_max_rent_cny_m2_month=float(rng.randint(20, 60)),
                    need_max_rail_minutes=rng.choice((30, 45, 60, 90, 120, 180)),
                    need_benefit_kinds=sorted(set(rng.sample(benefit_kinds, rng.randint(1, 3))),
                                              key=benefit_kinds.index),
                )
            yield self._node(Company, index, **fields)
            yield self._rel(RelType.BASED_IN, company_id, city.id)
            for industry in industries:
                yield self._rel(RelType.IN_INDUSTRY, company_id, self._industry_id(industry))
            if startup:
                self.startups.append(_Startup(
                    company_id, (city.name_zh, brand, word_zh),
                    f"{city.name_en} {_roman(brand)} {word_en}", industries[0], need_area))
            elif self.parks_by_city[city_index] and rng.random() < 0.3:
                park = self.parks[rng.choice(self.parks_by_city[city_index])]
                yield self._rel(RelType.LANDED_IN, company_id, park.id,
                                year=rng.randint(max(fields["founded_year"], 1995), 2025),
                                area_m2=round(self._log_uniform(2.5, 4.7), -1))

    def _referrals(self) -> Iterator[NodeRecord | RelRecord]:
        rng = self.rng
        stages = list(ReferralStage)
        seen: set[tuple[int, int]] = set()
        for index in range(self.counts[Label.REFERRAL]):
            referral_id = f"referral:{ID_STEM}-{index}"
            startup_index, park_index = self._referral_pair(seen)
            startup, park = self.startups[startup_index], self.parks[park_index]
            stage = stages[index] if index < len(stages) else REFERRAL_STAGE_DRAW.draw(rng)
            dates = self._funnel_dates(stage)
            record = self._node(
                Referral, index,
                name_zh=f"{''.join(startup.name_parts)}入驻{park.name_zh}",
                name_en=f"{startup.name_en} to {park.name_en}",
                name_pinyin=_pinyin(*startup.name_parts, "入驻", park.name_zh),
                stage=stage, **dates,
            )
            yield record
            yield self._rel(RelType.REFERS, referral_id, startup.id)
            yield self._rel(RelType.REFERRED_TO, referral_id, park.id)
            local = self.brokers_by_city.get(park.city)
            broker = rng.choice(local if local and rng.random() < 0.6 else self.brokers)
            yield self._rel(RelType.REFERRED_BY, referral_id, f"person:{ID_STEM}-{broker}")
            if stage is ReferralStage.LANDED:
                yield self._rel(RelType.LANDED_IN, startup.id, park.id,
                                year=dates["landed_on"].year, area_m2=startup.need_area_m2)

    def _referral_pair(self, seen: set[tuple[int, int]]) -> tuple[int, int]:
        """A (startup, park) pair not referred before; parks hosting its industry preferred."""
        rng = self.rng
        pair = (0, 0)
        for _ in range(20):
            startup = rng.randrange(len(self.startups))
            hosting = self.parks_by_industry.get(self.startups[startup].industry)
            park = rng.choice(hosting) if hosting and rng.random() < 0.6 else rng.randrange(
                len(self.parks))
            pair = (startup, park)
            if pair not in seen:
                break
        seen.add(pair)
        return pair

    def _funnel_dates(self, stage: ReferralStage) -> dict[str, Any]:
        """Dates for every step reached, in order and all on or before AS_OF."""
        rng = self.rng
        if stage is ReferralStage.DROPPED:
            reached = rng.randrange(len(FUNNEL_ORDER) - 1)  # dropped before landing
        else:
            reached = FUNNEL_ORDER.index(stage)
        gaps = [rng.randint(5, 75) for _ in range(reached + (stage is ReferralStage.DROPPED))]
        day = AS_OF - timedelta(days=sum(gaps) + rng.randint(0, 1800))
        dates: dict[str, Any] = {"proposed_on": day}
        for step, gap in zip(FUNNEL_ORDER[1: reached + 1], gaps, strict=False):
            day += timedelta(days=gap)
            dates[f"{step.value}_on"] = day
        if stage is ReferralStage.DROPPED:
            dates["dropped_on"] = day + timedelta(days=gaps[-1])
            dates["dropped_reason"] = rng.choice(DROPPED_REASONS)
        return dates
