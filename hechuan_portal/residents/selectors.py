"""Reads of the household registry: search-first look-up and the data-quality report."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone

from hechuan_portal.areas.models import AdminArea
from hechuan_portal.common import crypto, idcard

from . import rules
from .models import DuplicateGroup, HukouStatus, ImportBatch, ImportIssue, Resident

SEARCH_LIMIT = 50

# Where a town's population (the denominator of per-1,000 figures) comes from.
POPULATION_AREAS = "areas"  # Σ the population its communities carry (import_boundaries, 区划人口)
POPULATION_REGISTER = "register"  # its registered residents with status normal (户籍状态正常)
POPULATION_MIXED = "mixed"  # a total over towns of both kinds


def population_by_town() -> dict[str, tuple[int, str]]:
    """The one population of each town: {town code: (people, source)}.

    Where the town's communities carry a population (loaded with their boundaries), it is their sum
    (`POPULATION_AREAS`); otherwise the count of its registered residents with status normal
    (`POPULATION_REGISTER`). Two grouped queries. Every per-1,000 figure (the dashboard's 每千人口托位数,
    childcare's 托位概况 and its API) divides by this.
    """
    carried = dict(
        AdminArea.objects.communities()
        .filter(population__isnull=False, parent__isnull=False)
        .values("parent")
        .annotate(n=Sum("population"))
        .order_by()
        .values_list("parent", "n")
    )
    registered = dict(
        Resident.objects.filter(status=HukouStatus.NORMAL, town__isnull=False)
        .values("town")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("town", "n")
    )
    result = {town: (int(n), POPULATION_REGISTER) for town, n in registered.items()}
    result.update({town: (int(n), POPULATION_AREAS) for town, n in carried.items() if n})
    return result


def looks_like_id(query: str) -> bool:
    value = idcard.normalise(query)
    return len(value) == 18 and value[:17].isdigit()


def resident_search(*, user: Any, query: str) -> QuerySet[Resident]:
    """Search within the user's scope by full ID number (blind index) or exact name. Never a browse:
    an empty query returns nothing."""
    query = (query or "").strip()
    qs = Resident.objects.visible_to(user).select_related("town", "community")
    if not query:
        return qs.none()
    if looks_like_id(query):
        return qs.filter(id_index=crypto.blind_index(idcard.normalise(query)))
    return qs.filter(name=query).order_by("town_id", "birth_date")[:SEARCH_LIMIT]


ID_CODES = ("id_format", "id_birth_date", "id_check_digit")


def contradictory(qs: QuerySet[Resident]) -> QuerySet[Resident]:
    """People whose record says 户籍状态 正常 but carries a death date, or a move-out date not
    followed by a later move-in (STANDARDS §6 rule 9: payment stops by the date all the same)."""
    moved_away = Q(moved_out_date__isnull=False) & (
        Q(moved_in_date__isnull=True) | Q(moved_in_date__lte=F("moved_out_date"))
    )
    return qs.filter(Q(status=HukouStatus.NORMAL) & (Q(death_date__isnull=False) | moved_away))


def quality_report(*, user: Any, today: dt.date | None = None) -> dict[str, Any]:
    """Counts per town, 100+ year olds, people registered outside the district, possible duplicate
    persons (same name, gender and birth date under two ID numbers) and, for district roles, the
    problems found in the latest imports (invalid IDs, birth dates or genders disagreeing)."""
    today = today or timezone.localdate()
    qs = Resident.objects.visible_to(user)
    # Born on or before these days (29 February folds to the 28th).
    hundred = dt.date(today.year - 100, today.month, min(today.day, 28))
    eighty = dt.date(today.year - 80, today.month, min(today.day, 28))
    alive = Q(status="normal")
    # One GROUP BY over the people in scope, joined to the towns in Python (a join of the towns to
    # 1.5 million residents plus a semi-join on them took twice as long; issue 20).
    counts = {
        row["town_id"]: row
        for row in qs.filter(town__isnull=False)
        .values("town_id")
        .annotate(
            total=Count("id"),
            alive=Count("id", filter=alive),
            aged80=Count("id", filter=alive & Q(birth_date__lte=eighty)),
            aged100=Count("id", filter=alive & Q(birth_date__lte=hundred)),
        )
        .order_by()
    }
    per_town = list(AdminArea.objects.towns().filter(code__in=counts).order_by("code"))
    for town in per_town:
        for key in ("total", "alive", "aged80", "aged100"):
            setattr(town, key, counts[town.code][key])
    # Precomputed after each import (`services.duplicate_groups_refresh`): grouping 1.5 million
    # people by name, gender and birth date took 5 s a request (issue 20).
    duplicates = DuplicateGroup.objects.visible_to(user).order_by("-n", "birth_date", "name")
    contradictions = contradictory(qs)
    report = {
        "per_town": per_town,
        "outside": qs.filter(town__isnull=True).count(),
        "centenarians": qs.filter(alive, birth_date__lte=hundred)
        .select_related("town")
        .order_by("birth_date")[:200],
        "centenarian_count": qs.filter(alive, birth_date__lte=hundred).count(),
        "duplicate_groups": duplicates[:100],
        "duplicate_count": duplicates.count(),
        # Rule 9: 户籍状态 正常 with a death date, or a move-out date not followed by a move-in.
        "contradictions": contradictions.select_related("town").order_by("town_id", "name")[:200],
        "contradiction_count": contradictions.count(),
        "batches": [],
        "issue_counts": {},
    }
    batches = list(ImportBatch.objects.visible_to(user)[:10])
    if batches:
        report["batches"] = batches
        counts = dict(
            ImportIssue.objects.filter(batch__in=batches)
            .values_list("code")
            .annotate(n=Count("id"))
            .values_list("code", "n")
        )
        report["issue_counts"] = {
            "invalid_id": sum(counts.get(c, 0) for c in ID_CODES),
            "birth_mismatch": counts.get("birth_mismatch", 0),
            "gender_mismatch": counts.get("gender_mismatch", 0),
            "duplicate_id": counts.get("duplicate_id", 0),
            "area_unknown": counts.get("area_unknown", 0),
            "contradiction": counts.get(rules.CONTRADICTION, 0),
            "other": sum(counts.values())
            - sum(
                counts.get(c, 0)
                for c in (
                    *ID_CODES,
                    "birth_mismatch",
                    "gender_mismatch",
                    "duplicate_id",
                    "area_unknown",
                    rules.CONTRADICTION,
                )
            ),
        }
    return report
