"""The indicators' definitions (口径) as one document: docs/indicators.md is this module's output
(`manage.py indicators_doc`), and a test keeps the file equal to it, so the definitions live once —
on the `Indicator` rows of `indicators.py` — and the dashboard's 口径 notes show the same text."""

from __future__ import annotations

from django.apps import apps
from django.utils import translation

from .indicators import INDICATORS, Indicator
from .models import IndicatorTarget

HEADER = """# 一网统管指标口径 / Indicator definitions

Generated from `overview/indicators.py` by `python manage.py indicators_doc` (do not edit by hand;
`overview/tests/test_figures_agree.py` checks this file is current). Every page, export and API that
shows one of these figures computes it with the function named here: the dashboard tiles, the
indicator and town pages, the monthly report (page and XLSX), `/api/v1/overview/indicators/`, and
the app pages that repeat a figure (childcare 托位概况 and `/api/v1/childcare/stats/places/` read
`childcare.selectors.places_parts` and `residents.selectors.population_by_town`; the coverage page
reads `facilities.selectors.coverage_by_town`; the eldercare overview repeats
80岁以上能力评估覆盖率 from `eldercare.selectors.assessment_coverage`, the same
`eldercare.AssessmentCoverage` rows as the indicator, and the monitoring visit-rate page
the towns' 特殊困难老年人月探访率 from `monitoring.selectors.visit_rates`). Each figure is rounded once, by
`hechuan_portal/common/ratios.py: figure_value` (two decimals, half up).

Scope: district roles see the district and every town; a town officer sees their own town only (on
the dashboard, the drill-downs, the report, the API and the app overview pages); an operator's
childcare overview shows the towns of their facilities.

Targets are rows of `IndicatorTarget` (editable in the admin); the defaults below come from
`overview/migrations/0002_default_targets_and_schedules.py`.
"""


def _tables(indicator: Indicator) -> str:
    names = []
    for label in indicator.sources:
        model = apps.get_model(label)
        names.append(f"`{model._meta.db_table}` ({label})")
    return "; ".join(names)


def _target(target: IndicatorTarget | None) -> str:
    if target is None:
        return "—"
    sign = "≥" if target.comparator == "ge" else "≤"
    return f"{sign} {target.target} (amber within {target.amber_margin}); source: {target.source or '—'}"


def markdown() -> str:
    """docs/indicators.md: one section per indicator, in the dashboard's order, in Chinese (the
    source strings) whatever the active language."""
    targets = {t.indicator: t for t in IndicatorTarget.objects.all()}
    parts = [HEADER]
    with translation.override("zh-hans"):
        for ind in INDICATORS:
            unit = str(ind.unit)
            parts.append(
                "\n".join(
                    [
                        f"## {ind.label} (`{ind.code}`)",
                        "",
                        f"- Formula / 口径: {ind.help_text}"
                        + (f" (× {ind.scale})" if ind.scale != 1 else ""),
                        f"- What counts / 统计范围: {ind.counts}",
                        f"- Unit: {unit}; computed by `overview.indicators.{ind.compute.__qualname__.split('.')[0]}`"
                        " per town; the district is "
                        + ("Σ numerator ÷ Σ denominator" if ind.has_denominator else "the sum of its towns"),
                        f"- Source tables: {_tables(ind)}",
                        f"- Target: {_target(targets.get(ind.code))}",
                        "",
                    ]
                )
            )
    return "\n".join(parts)
