"""What people call labels, columns and enumeration values in their own spreadsheets.

Declared once, here, so imports read `园区名称` or `Rent (CNY/m²/month)` as a field, and
templates and exports write the same words back. Everything is derived from the schema:
a property or relationship field added to `graph_schema` gets a header at once (its
field name, until someone adds its Chinese and English words below), and an enumeration
value without a Chinese word is shown by its value.
"""

from __future__ import annotations

import re
import typing
from dataclasses import dataclass
from enum import Enum
from functools import cache

from graph_schema.nodes import NODE_MODELS
from graph_schema.relationships import specs_from
from graph_schema.vocabulary import (
    BenefitKind,
    CertificationLevel,
    CompanyStage,
    FacilityType,
    Label,
    OrganizationKind,
    ReferralStage,
    Role,
    SkillCategory,
)


@dataclass(frozen=True)
class Header:
    """One column: the field it fills, its Chinese and English header, other spellings."""

    field: str
    zh: str
    en: str
    others: tuple[str, ...] = ()

    @property
    def bilingual(self) -> str:
        """The header templates and spreadsheet exports write: `园区名称 / Name (Chinese)`."""
        return f"{self.zh} / {self.en}"


LABEL_WORDS: dict[Label, tuple[str, ...]] = {
    Label.CITY: ("城市", "cities"),
    Label.PARK: ("园区", "产业园", "parks"),
    Label.INDUSTRY: ("产业", "行业", "industries"),
    Label.POLICY: ("政策", "policies"),
    Label.PERSON: ("人员", "人才", "专家", "people", "persons"),
    Label.SKILL: ("技能", "skills"),
    Label.ORGANIZATION: ("机构", "组织", "organizations", "orgs"),
    Label.COMPANY: ("企业", "公司", "companies"),
    Label.REFERRAL: ("转介", "推荐", "referrals"),
}
"""Sheet and file names that mean a label, besides the label's own name."""

NAME_ZH: dict[Label, str] = {
    Label.CITY: "城市名称", Label.PARK: "园区名称", Label.INDUSTRY: "产业名称",
    Label.POLICY: "政策名称", Label.PERSON: "姓名", Label.SKILL: "技能名称",
    Label.ORGANIZATION: "机构名称", Label.COMPANY: "企业名称", Label.REFERRAL: "转介名称",
}

_COMMON: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "id": ("编号", "ID", ("id号",)),
    "name_zh": ("中文名称", "Name (Chinese)", ("名称", "中文名", "name")),
    "name_en": ("英文名称", "Name (English)", ("英文名", "english name")),
    "name_pinyin": ("拼音", "Pinyin", ()),
    "source": ("来源", "Source", ("数据来源", "出处", "citation")),
    "as_of": ("数据日期", "As of", ("截至日期", "统计日期")),
    "estimated": ("估计字段", "Estimated fields", ("估算字段",)),
    "last_verified": ("最近核实", "Last verified", ("核实日期", "最近核实日期", "verified")),
    "lat": ("纬度", "Latitude", ()),
    "lon": ("经度", "Longitude", ("lng",)),
    "city": ("所在城市", "City", ("城市",)),
    "established_year": ("成立年份", "Established", ()),
}

_BY_LABEL: dict[Label, dict[str, tuple[str, str, tuple[str, ...]]]] = {
    Label.CITY: {
        "province": ("省份", "Province", ("省",)),
        "hsr_links": ("高铁直达", "High-speed rail links", ("高铁",)),
    },
    Label.PARK: {
        "available_area_m2": ("可用面积(㎡)", "Available area (m²)",
                              ("可用面积", "可租面积", "空置面积", "面积")),
        "facility_types": ("载体类型", "Facility types", ("设施类型", "厂房类型")),
        "rent_cny_m2_month": ("租金(元/㎡/月)", "Rent (CNY/m²/month)",
                              ("租金", "月租金", "rent")),
        "area_km2": ("规划面积(km²)", "Area (km²)", ("规划面积", "占地面积")),
        "description_en": ("英文简介", "Description (English)", ("description",)),
        "hosts": ("主导产业", "Industries hosted", ("产业", "重点产业")),
    },
    Label.INDUSTRY: {
        "parent": ("上级产业", "Parent industry", ("所属大类", "父产业")),
    },
    Label.POLICY: {
        "issuer": ("发布机构", "Issuer", ("发文单位", "发布单位")),
        "benefit_kind": ("支持类型", "Benefit kind", ("政策类型", "扶持类型")),
        "amount_cny": ("金额(元)", "Amount (CNY)", ("金额", "补贴金额", "最高金额")),
        "amount_note": ("金额说明", "Amount note", ()),
        "valid_from": ("生效日期", "Valid from", ("开始日期",)),
        "valid_to": ("截止日期", "Valid to", ("失效日期", "结束日期")),
        "eligibility": ("申报条件", "Eligibility rules", ("条件",)),
        "offered_in": ("适用范围", "Offered in", ("适用园区", "适用城市")),
        "targets": ("目标产业", "Target industries", ("适用产业",)),
    },
    Label.PERSON: {
        "roles": ("角色", "Roles", ("身份",)),
        "certification_level": ("认证等级", "Certification level", ("技术经理人等级",)),
        "languages": ("语言", "Languages", ()),
        "bio_en": ("英文简介", "Biography (English)", ("bio",)),
        "email": ("邮箱", "Email", ("电子邮箱", "e-mail")),
        "phone": ("电话", "Phone", ("手机", "联系电话")),
        "wechat": ("微信", "WeChat", ("微信号",)),
        "public_contact": ("公开联系方式", "Public contact", ("可公开",)),
        "covers": ("覆盖园区/城市", "Covers", ("覆盖范围", "负责园区")),
        "expert_in": ("专长产业", "Expert in", ("擅长领域", "专业领域")),
        "skills": ("技能", "Skills", ()),
        "works_at": ("任职机构", "Works at", ("工作单位", "所在机构")),
        "collaborated_with": ("合作过的人", "Collaborated with", ("合作伙伴",)),
    },
    Label.SKILL: {
        "category": ("类别", "Category", ("技能类别",)),
    },
    Label.ORGANIZATION: {
        "kind": ("机构类型", "Kind", ("类型",)),
    },
    Label.COMPANY: {
        "credit_code": ("统一社会信用代码", "Unified social credit code",
                        ("信用代码", "社会信用代码", "uscc")),
        "high_tech_certified": ("高新技术企业", "High-tech certified", ("高企", "是否高企")),
        "stage": ("发展阶段", "Stage", ("阶段", "融资阶段")),
        "founded_year": ("成立年份", "Founded", ("成立时间",)),
        "headcount": ("员工人数", "Headcount", ("人数", "员工数")),
        "annual_revenue_cny": ("年营收(元)", "Annual revenue (CNY)", ("年营收", "营业收入")),
        "founder_equity_pct": ("创始人持股(%)", "Founder equity (%)", ("创始人持股",)),
        "founder_cash_cny": ("创始人出资(元)", "Founder cash (CNY)", ("创始人出资",)),
        "rd_staff_pct": ("研发人员占比(%)", "R&D staff (%)", ("研发占比",)),
        "need_area_m2": ("需求面积(㎡)", "Needed area (m²)", ("需求面积",)),
        "need_facility_types": ("需求载体类型", "Needed facility types", ()),
        "need_max_rent_cny_m2_month": ("可接受租金(元/㎡/月)", "Max rent (CNY/m²/month)",
                                       ("最高租金",)),
        "need_max_rail_minutes": ("最长高铁时间(分钟)", "Max rail minutes", ()),
        "need_benefit_kinds": ("需要的政策类型", "Wanted benefit kinds", ()),
        "industries": ("所属产业", "Industries", ("行业",)),
        "landed_in": ("落地园区", "Landed in", ()),
    },
    Label.REFERRAL: {
        "stage": ("阶段", "Stage", ()),
        "proposed_on": ("推荐日期", "Proposed on", ()),
        "first_meeting_on": ("首次会面日期", "First meeting on", ()),
        "second_meeting_on": ("第二次会面日期", "Second meeting on", ()),
        "signed_on": ("签约日期", "Signed on", ()),
        "landed_on": ("落地日期", "Landed on", ()),
        "dropped_on": ("终止日期", "Dropped on", ()),
        "dropped_reason": ("终止原因", "Dropped reason", ()),
        "company": ("企业", "Company", ()),
        "park": ("园区", "Park", ()),
        "broker": ("技术经理人", "Broker", ("经纪人",)),
    },
}

ENUM_ZH: dict[Enum, str] = {
    FacilityType.GMP_CLEANROOM: "GMP洁净车间", FacilityType.CLEANROOM: "洁净室",
    FacilityType.STANDARD_FACTORY: "标准厂房", FacilityType.RD_LAB: "研发实验室",
    FacilityType.WET_LAB: "湿实验室", FacilityType.OFFICE: "办公",
    FacilityType.HEAVY_INDUSTRIAL_LAND: "重工业用地", FacilityType.WAREHOUSE: "仓储",
    FacilityType.INCUBATOR: "孵化器", FacilityType.TEST_FIELD: "测试场",
    BenefitKind.CERTIFICATION_REWARD: "认定奖励", BenefitKind.RENT_SUBSIDY: "租金补贴",
    BenefitKind.EQUIPMENT_SUBSIDY: "设备补贴", BenefitKind.TALENT_PROGRAMME: "人才计划",
    BenefitKind.TAX: "税收优惠", BenefitKind.BROKER_REWARD: "技术经理人奖励",
    BenefitKind.TECH_TRANSFER_REWARD: "技术转移奖励", BenefitKind.RD_SUBSIDY: "研发补贴",
    BenefitKind.LOAN_INTEREST_SUBSIDY: "贷款贴息", BenefitKind.FINANCING: "融资支持",
    CompanyStage.IDEA: "创意期", CompanyStage.SEED: "种子轮", CompanyStage.ANGEL: "天使轮",
    CompanyStage.SERIES_A: "A轮", CompanyStage.SERIES_B: "B轮", CompanyStage.GROWTH: "成长期",
    CompanyStage.MATURE: "成熟期",
    CertificationLevel.JUNIOR: "初级", CertificationLevel.INTERMEDIATE: "中级",
    CertificationLevel.SENIOR: "高级",
    Role.BROKER: "技术经理人", Role.LAWYER: "律师", Role.ACCOUNTANT: "会计师",
    Role.PATENT_AGENT: "专利代理师", Role.INVESTOR: "投资人", Role.PARK_CONTACT: "园区联络人",
    Role.CONSULTANT: "顾问",
    SkillCategory.TECHNOLOGY: "技术", SkillCategory.LEGAL: "法律",
    SkillCategory.IP: "知识产权", SkillCategory.FINANCE: "金融",
    SkillCategory.ACCOUNTING: "会计", SkillCategory.TAX: "税务",
    SkillCategory.TRANSFER: "技术转移", SkillCategory.LANDING: "落地服务",
    OrganizationKind.LAW_FIRM: "律师事务所", OrganizationKind.ACCOUNTING_FIRM: "会计师事务所",
    OrganizationKind.IP_AGENCY: "知识产权代理机构",
    OrganizationKind.TECH_TRANSFER_CENTER: "技术转移中心",
    OrganizationKind.UNIVERSITY: "高校", OrganizationKind.RESEARCH_INSTITUTE: "科研院所",
    OrganizationKind.ASSOCIATION: "协会", OrganizationKind.INVESTOR: "投资机构",
    OrganizationKind.PARK_OPERATOR: "园区运营方", OrganizationKind.CONSULTANCY: "咨询公司",
    OrganizationKind.GOVERNMENT: "政府部门",
    ReferralStage.PROPOSED: "已推荐", ReferralStage.FIRST_MEETING: "首次会面",
    ReferralStage.SECOND_MEETING: "二次会面", ReferralStage.SIGNED: "已签约",
    ReferralStage.LANDED: "已落地", ReferralStage.DROPPED: "已终止",
}
"""Chinese words for enumeration values (imports accept them; templates offer them)."""

_SPACES = re.compile(r"[\s\u3000_\-·]+")
_PARENS = str.maketrans({"（": "(", "）": ")", "：": ":", "／": "/", "，": ","})


def normalise(text: str) -> str:
    """A header or name as compared: case, width, spaces and underscores ignored.

    >>> normalise(" 租金（元/㎡/月） ") == normalise("租金(元/㎡/月)")
    True
    >>> normalise("Name_ZH")
    'namezh'
    """
    return _SPACES.sub("", text.translate(_PARENS)).lower()


DERIVED: frozenset[str] = frozenset({"name_pinyin"})
"""Fields the schema derives (read when given, never written to templates or exports)."""


def columns(label: Label, *, derived: bool = False) -> list[str]:
    """The fields a spreadsheet of this label holds: properties, then relationship fields,
    in declaration order (`derived` adds the derived ones)."""
    names = [*NODE_MODELS[label].model_fields, *(spec.seed_field for spec in specs_from(label))]
    return [name for name in names if derived or name not in DERIVED]


def header(label: Label, field: str) -> Header:
    """The header of one field; its own name when nobody gave it words yet."""
    words = _BY_LABEL.get(label, {}).get(field) or _COMMON.get(field)
    if field == "name_zh":
        zh, en, others = _COMMON["name_zh"]
        return Header(field, NAME_ZH.get(label, zh), en, (zh, *others))
    if words is None:
        return Header(field, field, field)
    return Header(field, *words)


@cache
def header_index(label: Label) -> dict[str, str]:
    """Normalised spelling → field, for every way a column of this label may be headed."""
    index: dict[str, str] = {}
    for field in reversed(columns(label, derived=True)):  # earlier fields win
        item = header(label, field)
        for spelling in (field, item.zh, item.en, item.bilingual, *item.others):
            index[normalise(spelling)] = field
    return index


def field_of_header(label: Label, text: str) -> str | None:
    """The field a header names (`园区名称`, `Name (Chinese)`, `name_zh`, or the bilingual
    `园区名称 / Name (Chinese)` templates write), or None.

    >>> field_of_header(Label.PARK, "租金(元/㎡/月)")
    'rent_cny_m2_month'
    >>> field_of_header(Label.PARK, "园区名称 / Name (Chinese)")
    'name_zh'
    """
    index = header_index(label)
    found = index.get(normalise(text))
    if found is None and " / " in text:
        for part in text.split(" / "):
            found = index.get(normalise(part))
            if found is not None:
                break
    return found


def label_of_name(text: str) -> Label | None:
    """The label a sheet or file name means ('园区', 'parks', 'Park', 'parks_2025'…).

    >>> label_of_name("园区"), label_of_name("Companies")
    (<Label.PARK: 'Park'>, <Label.COMPANY: 'Company'>)
    """
    wanted = normalise(text)
    for label in Label:
        spellings = {label.value, *LABEL_WORDS.get(label, ())}
        if wanted in {normalise(s) for s in spellings}:
            return label
    prefixes = [(len(normalise(s)), label) for label in Label  # 'parks_2025', '园区清单'
                for s in (label.value, *LABEL_WORDS.get(label, ()))
                if wanted.startswith(normalise(s))]
    return max(prefixes)[1] if prefixes else None


def enum_of(label: Label, field: str) -> type[Enum] | None:
    """The enumeration a property (or its list items) takes values from, if any."""
    info = NODE_MODELS[label].model_fields.get(field)
    if info is None:
        return None
    pending: list[object] = [info.annotation]
    while pending:
        kind = pending.pop()
        if isinstance(kind, type) and issubclass(kind, Enum):
            return kind
        pending.extend(typing.get_args(kind))
    return None


def enum_word(value: Enum) -> str:
    """The Chinese word for an enumeration value (the value itself when there is none)."""
    return ENUM_ZH.get(value, str(value.value))


def enum_value(kind: type[Enum], text: str) -> str | None:
    """The value a cell means: the value itself, its Chinese word or its English name.

    >>> enum_value(FacilityType, "标准厂房"), enum_value(FacilityType, "Standard factory")
    ('standard_factory', 'standard_factory')
    """
    return _enum_index(kind).get(normalise(text))


@cache
def _enum_index(kind: type[Enum]) -> dict[str, str]:
    """Every spelling of an enumeration's values, normalised → value."""
    return {normalise(spelling): str(member.value) for member in kind
            for spelling in (str(member.value), member.name, enum_word(member))}
