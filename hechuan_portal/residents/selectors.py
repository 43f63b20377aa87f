"""Reads of the household registry: search-first look-up and the data-quality report."""

from __future__ import annotations

import datetime as dt
import operator
from dataclasses import dataclass
from functools import reduce
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils import timezone

from hechuan_portal.accounts.roles import SYSTEM
from hechuan_portal.areas.models import AdminArea
from hechuan_portal.common import crypto, idcard
from hechuan_portal.common.formatting import choice_labels

from . import rules
from .models import DuplicateGroup, Gender, HukouStatus, ImportBatch, ImportIssue, Resident, TownPopulation

SEARCH_LIMIT = 50
# A result's town name, for the rows a search shows (`resident_search`).
_TOWN_NAME = (
    f"SELECT name FROM {AdminArea._meta.db_table} WHERE code = {Resident._meta.db_table}.town_id"
)

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
    # The register side from its per-town summary (`TownPopulation`, refreshed by every import).
    registered = {
        town: row["alive"] for town, row in register_counts(user=SYSTEM, cutoffs={}).items() if town
    }
    result = {town: (int(n), POPULATION_REGISTER) for town, n in registered.items()}
    result.update({town: (int(n), POPULATION_AREAS) for town, n in carried.items() if n})
    return result


def register_counts(*, user: Any, cutoffs: dict[str, dt.date]) -> dict[str | None, dict[str, int]]:
    """People in the user's scope per town (None: registered outside the district): `total`,
    `alive` (户籍状态 正常) and, for each name in `cutoffs`, the living born on or before its date.

    Read from `TownPopulation` (counts per town, status and birth month): whole months before a
    cut-off's month come from the summary, the cut-off's own month from the register (one month of
    birth dates through `residents_birth_date_idx`), so the figures are exact on any day. Two
    queries, whatever the size of the register (issue 20: a GROUP BY over 1.5 million rows took a
    second).
    """
    month_of = {key: day.replace(day=1) for key, day in cutoffs.items()}
    summary = (
        TownPopulation.objects.visible_to(user)
        .values("town_id")
        .annotate(
            total=Sum("n"),
            # Named apart from the `alive` column the filters below read.
            n_alive=Coalesce(Sum("n", filter=Q(alive=True)), 0),
            **{
                key: Coalesce(Sum("n", filter=Q(alive=True, born_in__lt=month_of[key])), 0) for key in cutoffs
            },
        )
        .order_by()
    )
    counts: dict[str | None, dict[str, int]] = {}
    for row in summary:
        row["alive"] = row.pop("n_alive")
        counts[row.pop("town_id")] = row
    if cutoffs:
        in_month = {
            key: Q(birth_date__gte=month_of[key], birth_date__lte=day) for key, day in cutoffs.items()
        }
        partial = (
            Resident.objects.visible_to(user)
            .filter(status=HukouStatus.NORMAL)
            .filter(reduce(operator.or_, in_month.values()))
            .values("town_id")
            .annotate(**{key: Count("id", filter=q) for key, q in in_month.items()})
            .order_by()
        )
        for row in partial:
            town = counts.setdefault(row.pop("town_id"), dict.fromkeys(("total", "alive", *cutoffs), 0))
            for key, n in row.items():
                town[key] += n
    return counts


def looks_like_id(query: str) -> bool:
    value = idcard.normalise(query)
    return len(value) == 18 and value[:17].isdigit()


@dataclass(frozen=True, slots=True)
class SearchRow:
    """One search result as residents/search.html shows it: labels, not codes."""

    pk: int
    name: str
    id_masked: str
    gender: str
    birth_date: dt.date
    town: str  # "" when registered outside the district
    status: str


def resident_search(*, user: Any, query: str) -> list[SearchRow]:
    """Search within the user's scope by full ID number (blind index) or exact name. Never a browse:
    an empty query returns nothing."""
    query = (query or "").strip()
    if not query:
        return []
    qs = Resident.objects.visible_to(user)
    if looks_like_id(query):
        qs = qs.filter(id_index=crypto.blind_index(idcard.normalise(query)))
    else:
        qs = qs.filter(name=query).order_by("town_id", "birth_date")[:SEARCH_LIMIT]
    # Plain rows of what a result shows and nothing more: model instances (a resident and its town
    # per row), the towns' outlines and the ID cipher cost most of a search and show nothing (issue 20).
    # The rows come from the index alone (residents_search_idx); the town's name is looked up for the
    # rows shown, after the limit, where a join hashed every town for every row of the name (0.26 →
    # 0.11 ms of the database's time a search).
    town_name = RawSQL(_TOWN_NAME, ())  # written out: compiling a Subquery cost more than the join saved
    genders, statuses = choice_labels(Gender), choice_labels(HukouStatus)
    return [
        SearchRow(pk, name, masked, genders.get(gender, gender), born, town or "", statuses.get(status, status))
        for pk, name, masked, gender, born, town, status in qs.annotate(town_name=town_name).values_list(
            "pk", "name", "id_masked", "gender", "birth_date", "town_name", "status"
        )
    ]


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
    counts = register_counts(user=user, cutoffs={"aged80": eighty, "aged100": hundred})
    # Names only: the towns' outlines would be parsed for nothing.
    per_town = list(AdminArea.objects.towns().filter(code__in=counts).order_by("code").only("code", "name"))
    for town in per_town:
        for key in ("total", "alive", "aged80", "aged100"):
            setattr(town, key, counts[town.code][key])
    # Precomputed after each import (`services.duplicate_groups_refresh`): grouping 1.5 million
    # people by name, gender and birth date took 5 s a request (issue 20).
    duplicates = DuplicateGroup.objects.visible_to(user).order_by("-n", "birth_date", "name")
    contradictions = contradictory(qs)
    report = {
        "per_town": per_town,
        "outside": counts.get(None, {}).get("total", 0),
        "centenarians": qs.filter(status=HukouStatus.NORMAL, birth_date__lte=hundred)
        .select_related("town")
        .order_by("birth_date")[:200],
        "centenarian_count": sum(row["aged100"] for code, row in counts.items() if code),
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
        by_code: dict[str, int] = dict(
            ImportIssue.objects.filter(batch__in=batches)
            .values_list("code")
            .annotate(n=Count("id"))
            .values_list("code", "n")
        )
        report["issue_counts"] = {
            "invalid_id": sum(by_code.get(c, 0) for c in ID_CODES),
            "birth_mismatch": by_code.get("birth_mismatch", 0),
            "gender_mismatch": by_code.get("gender_mismatch", 0),
            "duplicate_id": by_code.get("duplicate_id", 0),
            "area_unknown": by_code.get("area_unknown", 0),
            "contradiction": by_code.get(rules.CONTRADICTION, 0),
            "other": sum(by_code.values())
            - sum(
                by_code.get(c, 0)
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
