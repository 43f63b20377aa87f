"""XLSX exports: inspection results and monthly visit rates. Text is written as string cells
(`text_row`): never a formula, and no apostrophe shows."""

from __future__ import annotations

from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from hechuan_portal.common.exports import text_row

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _book(title: str, header: list[str], rows) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=title[:31])
    ws.append(header)
    for row in rows:
        ws.append(text_row(ws, row))
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def inspections_xlsx(inspections) -> bytes:
    """One row per inspection: facility, town, topic, template version, date, score, result, location."""
    header = [
        _("设施"),
        _("镇街"),
        _("检查主题"),
        _("模板版本"),
        _("状态"),
        _("检查日期"),
        _("得分"),
        _("结论"),
        _("定位核验"),
        _("距设施距离（米）"),
        _("整改事项数"),
    ]

    def rows():
        for i in inspections:
            yield [
                i.facility.name,
                i.facility.town.name,
                i.template.get_topic_display(),
                f"{i.template.code} v{i.template.version}",
                i.get_status_display(),
                timezone.localdate(i.inspected_at).isoformat() if i.inspected_at else "",
                float(i.score) if i.score is not None else None,
                i.get_result_display() if i.result else "",
                i.get_location_check_display() if i.location_check else "",
                i.distance_m,
                i.n_findings,
            ]

    return _book(_("检查结果"), header, rows())


def visit_rates_xlsx(month: str, communities, towns) -> bytes:
    header = [
        _("月份"),
        _("镇街"),
        _("村社区"),
        _("应探访人数"),
        _("已探访人数"),
        _("探访率（%）"),
        _("目标（%）"),
    ]

    def rows():
        for r in towns:
            yield [month, r.town_name, _("（全镇街合计）"), r.covered, r.visited, _num(r.rate), 100]
        for r in communities:
            yield [
                month,
                r.town_name,
                r.community_name or _("未分配村社区"),
                r.covered,
                r.visited,
                _num(r.rate),
                100,
            ]

    return _book(_("探访率"), header, rows())


def _num(value):
    return float(value) if value is not None else None
