"""GB/T 42195-2022 《老年人能力评估规范》 (STANDARDS §5) as data and pure functions. No ORM.

The 26 items (二级指标) of appendix B with their score ranges, the four dimension scores, the total
(0–90, higher means more ability), the preliminary grade from the total and the final grade after the
grade-change rules of C.4. Everything a district may have to change — grade bands, item ranges, how
two upward rules combine, the re-assessment interval, the grade from which a person counts as 失能 —
is a `Rules` value built from the policy table (`AssessmentPolicy.rules()`); `DEFAULT_RULES` holds
STANDARDS §5's figures, which the data migration seeds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Item:
    """One 二级指标: its appendix-B number, name, highest score and the help text shown to assessors."""

    code: str
    name: Promise
    max_score: int
    help: Promise


DIMENSIONS: Mapping[str, Promise] = MappingProxyType(
    {
        "B.1": _("自理能力"),
        "B.2": _("基础运动能力"),
        "B.3": _("精神状态"),
        "B.4": _("感知觉与社会参与"),
    }
)

ITEMS: tuple[Item, ...] = (
    Item(
        "B.1.1", _("进食"), 4, _("使用适当的器具将食物送入口中并咽下。4 分：独立完成；0 分：完全依赖他人。")
    ),
    Item("B.1.2", _("修饰"), 4, _("洗脸、刷牙、梳头、刮脸、剪指甲等。4 分：独立完成；0 分：完全依赖他人。")),
    Item("B.1.3", _("洗澡"), 4, _("清洗和擦干身体。4 分：独立完成；0 分：完全依赖他人。")),
    Item("B.1.4", _("穿/脱上衣"), 4, _("穿脱上身衣物、系扣、拉拉链等。4 分：独立完成；0 分：完全依赖他人。")),
    Item("B.1.5", _("穿/脱裤子和鞋袜"), 4, _("穿脱裤子、鞋袜等。4 分：独立完成；0 分：完全依赖他人。")),
    Item("B.1.6", _("小便控制"), 4, _("控制和排出尿液的能力。4 分：可自行控制；0 分：完全失禁或留置导尿。")),
    Item("B.1.7", _("大便控制"), 4, _("控制和排出粪便的能力。4 分：可正常控制；0 分：完全失禁。")),
    Item("B.1.8", _("如厕"), 4, _("上厕所排泄大小便并清洁身体。4 分：独立完成；0 分：完全依赖他人。")),
    Item("B.2.1", _("床上体位转移"), 4, _("卧床翻身及坐起躺下。4 分：独立完成；0 分：完全依赖他人。")),
    Item(
        "B.2.2",
        _("床椅转移"),
        4,
        _("从坐位到站位，再从站位到坐位的转换。4 分：独立完成；0 分：完全依赖他人。"),
    ),
    Item(
        "B.2.3",
        _("平地行走"),
        4,
        _("双脚交互移动在平地上行走。4 分：独立行走 45 米以上；0 分：完全不能行走。"),
    ),
    Item("B.2.4", _("上下楼梯"), 3, _("双脚交替完成楼梯台阶连续上下。3 分：独立上下；0 分：不能上下楼梯。")),
    Item("B.3.1", _("时间定向"), 4, _("知道并确认时间的能力。4 分：时间观念清楚；0 分：无时间观念。")),
    Item(
        "B.3.2",
        _("空间定向"),
        4,
        _("知道并确认空间的能力。4 分：能在日常生活范围内单独外出；0 分：不能单独外出。"),
    ),
    Item(
        "B.3.3",
        _("人物定向"),
        4,
        _("知道并确认人物的能力。4 分：认识长期共同生活的人；0 分：只认识自己或完全不认识。"),
    ),
    Item("B.3.4", _("记忆"), 4, _("短时、近期和远期记忆能力。4 分：记忆完整；0 分：完全不能回忆。")),
    Item("B.3.5", _("理解能力"), 4, _("理解语言信息和非语言信息的能力。4 分：能正常理解；0 分：不能理解。")),
    Item("B.3.6", _("表达能力"), 4, _("表达信息的能力。4 分：能正常表达；0 分：不能表达。")),
    Item("B.3.7", _("攻击行为"), 1, _("身体攻击或语言攻击行为。1 分：未出现；0 分：近一个月内出现过。")),
    Item("B.3.8", _("抑郁症状"), 1, _("情绪低落、兴趣减退等。1 分：未出现；0 分：近一个月内出现过。")),
    Item(
        "B.3.9",
        _("意识水平"),
        2,
        _("机体对自身和周围环境的刺激作出应答的能力。2 分：神志清醒；0 分：昏睡或昏迷。"),
    ),
    Item(
        "B.4.1",
        _("视力"),
        2,
        _("感受存在的光线并感受物体的大小、形状的能力。2 分：视力正常；0 分：完全失明。"),
    ),
    Item(
        "B.4.2", _("听力"), 2, _("能辨别声音的方位、音调、音量和音质的能力。2 分：听力正常；0 分：完全失聪。")
    ),
    Item(
        "B.4.3",
        _("执行日常事务"),
        4,
        _("计划、安排并完成日常事务，如购物、做饭、理财。4 分：独立完成；0 分：完全依赖他人。"),
    ),
    Item("B.4.4", _("使用交通工具外出"), 3, _("3 分：能自己骑车或搭乘公共交通外出；0 分：完全不能出门。")),
    Item("B.4.5", _("社会交往能力"), 4, _("4 分：参与社会，适应环境；0 分：难以与人接触。")),
)

ITEM_CODES: tuple[str, ...] = tuple(item.code for item in ITEMS)
ITEM_BY_CODE: Mapping[str, Item] = MappingProxyType({item.code: item for item in ITEMS})
STANDARD_MAXIMA: Mapping[str, int] = MappingProxyType({item.code: item.max_score for item in ITEMS})
MAX_GRADE = 4


class Grade(models.IntegerChoices):
    INTACT = 0, _("能力完好")
    MILD = 1, _("能力轻度受损（轻度失能）")
    MODERATE = 2, _("能力中度受损（中度失能）")
    SEVERE = 3, _("能力重度受损（重度失能）")
    TOTAL = 4, _("能力完全丧失（完全失能）")


class Combine(models.TextChoices):
    """How the dementia/mental-disorder rule and the risk-event rule add up when both apply."""

    ONE_LEVEL = "one_level", _("合计最多上调一级")
    EACH_RULE = "each_rule", _("每条规则各上调一级")


class Reason(models.TextChoices):
    """Why the final grade differs from (or equals) the preliminary grade; stored with the assessment."""

    COMA = "coma", _("处于昏迷状态，直接评定为能力完全丧失（4级）。")
    DEMENTIA = "dementia", _("确诊痴呆，等级上调一级。")
    MENTAL_DISORDER = "mental_disorder", _("经精神科医师确诊患有精神和行为障碍，等级上调一级。")
    RISK_EVENTS = "risk_events", _("近30天内照护风险事件达到规定次数，等级上调一级。")
    COMBINED = "combined", _("多项上调规则同时适用，按政策合计上调一级。")
    CAPPED = "capped", _("等级最高为 4 级。")


@dataclass(frozen=True)
class Rules:
    """The policy in force: the lowest total of grades 0–3 (below `grade3_min` is grade 4), each
    item's highest score, how upward rules combine, the risk-event threshold, the re-assessment
    interval and the grade from which a person counts as disabled (失能)."""

    grade0_min: int = 90
    grade1_min: int = 66
    grade2_min: int = 46
    grade3_min: int = 30
    item_max: Mapping[str, int] = field(default_factory=lambda: STANDARD_MAXIMA)
    combine: str = Combine.ONE_LEVEL
    risk_events_threshold: int = 2
    reassess_months: int = 12
    disabled_min_grade: int = 2

    @property
    def max_total(self) -> int:
        return sum(self.item_max.values())


DEFAULT_RULES = Rules()


def preliminary_grade(total: int, rules: Rules = DEFAULT_RULES) -> int:
    """Grade 0–4 from the total by the policy's bands (STANDARDS §5: 90 / 66–89 / 46–65 / 30–45 / 0–29)."""
    if total >= rules.grade0_min:
        return Grade.INTACT
    if total >= rules.grade1_min:
        return Grade.MILD
    if total >= rules.grade2_min:
        return Grade.MODERATE
    if total >= rules.grade3_min:
        return Grade.SEVERE
    return Grade.TOTAL


@dataclass(frozen=True)
class ItemProblem:
    """A refused answer: `kind` is "missing", "unknown" or "out_of_range"; `item` the appendix-B code."""

    item: str
    kind: str
    max_score: int | None = None


def item_problems(items: Mapping[str, Any], rules: Rules = DEFAULT_RULES) -> list[ItemProblem]:
    """Every problem with a set of answers, in appendix-B order (missing and out-of-range items first,
    then keys that are not items). A score must be a whole number (not a boolean) within 0..max."""
    problems: list[ItemProblem] = []
    for code, maximum in rules.item_max.items():
        if code not in items or items[code] is None:
            problems.append(ItemProblem(code, "missing", maximum))
            continue
        value = items[code]
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= maximum:
            problems.append(ItemProblem(code, "out_of_range", maximum))
    problems += [ItemProblem(str(key), "unknown") for key in items if key not in rules.item_max]
    return problems


@dataclass(frozen=True)
class Result:
    total: int
    dimension_scores: Mapping[str, int]
    preliminary_grade: int
    final_grade: int
    reasons: tuple[str, ...]


def dimension_scores(items: Mapping[str, int]) -> dict[str, int]:
    """The four 一级指标 scores: the sum of each dimension's items."""
    scores = dict.fromkeys(DIMENSIONS, 0)
    for code, value in items.items():
        scores[code.rsplit(".", 1)[0]] += value
    return scores


def final_grade(
    preliminary: int,
    *,
    coma: bool,
    dementia: bool,
    mental_disorder: bool,
    risk_events_30d: int,
    rules: Rules = DEFAULT_RULES,
) -> tuple[int, tuple[str, ...]]:
    """The grade-change rules of C.4 and the reasons that applied.

    1. coma → grade 4 whatever the total; 2. dementia (F00–F03) or another mental disorder diagnosed
    by a psychiatrist → one level up (one rule, however many diagnoses); 3. `risk_events_threshold`
    or more care-risk events in the last 30 days → one level up; 2 and 3 together → one level in
    total (`Combine.ONE_LEVEL`, the default) or two (`EACH_RULE`); 4. never above grade 4.
    """
    if coma:
        return MAX_GRADE, (Reason.COMA.value,)
    reasons: list[str] = []
    if dementia:
        reasons.append(Reason.DEMENTIA.value)
    if mental_disorder:
        reasons.append(Reason.MENTAL_DISORDER.value)
    rules_hit = 1 if (dementia or mental_disorder) else 0
    if risk_events_30d >= rules.risk_events_threshold:
        reasons.append(Reason.RISK_EVENTS.value)
        rules_hit += 1
    levels = rules_hit if rules.combine == Combine.EACH_RULE else min(rules_hit, 1)
    if rules_hit > levels:
        reasons.append(Reason.COMBINED.value)
    grade = preliminary + levels
    if grade > MAX_GRADE:
        grade = MAX_GRADE
        reasons.append(Reason.CAPPED.value)
    return grade, tuple(reasons)


def assess(
    items: Mapping[str, int],
    *,
    coma: bool = False,
    dementia: bool = False,
    mental_disorder: bool = False,
    risk_events_30d: int = 0,
    rules: Rules = DEFAULT_RULES,
) -> Result:
    """Grade a complete, valid set of answers (check `item_problems` first)."""
    scores = dimension_scores({code: items[code] for code in rules.item_max})
    total = sum(scores.values())
    preliminary = preliminary_grade(total, rules)
    grade, reasons = final_grade(
        preliminary,
        coma=coma,
        dementia=dementia,
        mental_disorder=mental_disorder,
        risk_events_30d=risk_events_30d,
        rules=rules,
    )
    return Result(total, scores, preliminary, grade, reasons)


def is_disabled(grade: int | None, rules: Rules = DEFAULT_RULES) -> bool:
    """失能 for the visit tiers and support lists: a final grade at or above the policy's threshold."""
    return grade is not None and grade >= rules.disabled_min_grade
