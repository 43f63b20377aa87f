"""The registry of elder-care and childcare facilities (服务设施)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.geos import Point
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GistIndex
from django.core.exceptions import ValidationError
from django.db.models import ExpressionWrapper, F, Func, Q
from django.db.models.functions import Coalesce, Now
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hechuan_portal.accounts.scope import ScopedQuerySet
from hechuan_portal.common.errors import PortalError
from hechuan_portal.common.transitions import TransitionLog

from . import standards
from .error_codes import ErrorCode


class FacilityKind(models.TextChoices):
    NURSING_HOME = "nursing_home", _("养老机构")
    ELDER_CARE_CENTER = "elder_care_center", _("区域养老服务中心")
    COMMUNITY_ELDER_STATION = "community_elder_station", _("社区养老服务站")
    DAY_CARE = "day_care", _("日间照料中心")
    ELDER_CANTEEN = "elder_canteen", _("老年食堂")
    ELDER_UNIVERSITY = "elder_university", _("老年大学")
    BATHING_POINT = "bathing_point", _("助浴点")
    NURSERY = "nursery", _("托育机构")
    CHILDCARE_POINT = "childcare_point", _("普惠托育服务点")
    KINDERGARTEN = "kindergarten", _("幼儿园托班")
    EMPLOYER_NURSERY = "employer_nursery", _("用人单位办托")
    MEDICAL_PARTNER = "medical_partner", _("医养医育结合机构")


ELDER_KINDS = frozenset(
    {
        FacilityKind.NURSING_HOME,
        FacilityKind.ELDER_CARE_CENTER,
        FacilityKind.COMMUNITY_ELDER_STATION,
        FacilityKind.DAY_CARE,
        FacilityKind.ELDER_CANTEEN,
        FacilityKind.ELDER_UNIVERSITY,
        FacilityKind.BATHING_POINT,
    }
)
CHILDCARE_KINDS = frozenset(
    {
        FacilityKind.NURSERY,
        FacilityKind.CHILDCARE_POINT,
        FacilityKind.KINDERGARTEN,
        FacilityKind.EMPLOYER_NURSERY,
    }
)
# Kinds that keep beds (床位) rather than only services.
BED_KINDS = frozenset({FacilityKind.NURSING_HOME, FacilityKind.ELDER_CARE_CENTER, FacilityKind.DAY_CARE})

# The fields only some kinds have: beds for BED_KINDS, 托位 for childcare, the subtype for canteens.
BED_FIELDS = ("beds_total", "beds_nursing", "beds_occupied")
PLACE_FIELDS = ("places_total", "places_inclusive", "places_occupied")
KIND_SPECIFIC_FIELDS = {
    **dict.fromkeys(BED_FIELDS, BED_KINDS),
    **dict.fromkeys(PLACE_FIELDS, CHILDCARE_KINDS),
    "canteen_subtype": frozenset({FacilityKind.ELDER_CANTEEN}),
    # 收费标准: bed fees where there are beds, childcare fees where there are 托位; meals anywhere
    "fee_beds": BED_KINDS,
    "fee_childcare": CHILDCARE_KINDS,
}


def field_applies(name: str, kind: str | None) -> bool:
    """Whether a facility of `kind` has the field `name` (a canteen has meals, not beds or 托位)."""
    kinds = KIND_SPECIFIC_FIELDS.get(name)
    return kinds is None or kind in kinds


def has_capacity(kind: str | None) -> bool:
    """Kinds that report beds or 托位, so their capacity can go stale."""
    return kind in BED_KINDS or kind in CHILDCARE_KINDS


class CanteenSubtype(models.TextChoices):
    COMMUNITY = "community", _("社区老年食堂")
    ESTATE = "estate", _("小区老年食堂")
    MEAL_POINT = "meal_point", _("助餐点")
    MARKET_DAY = "market_day", _("赶集老年食堂")


class Ownership(models.TextChoices):
    PUBLIC = "public", _("公办")
    PRIVATE = "private", _("民办")
    PUBLIC_PRIVATE = "public_private", _("公建民营")
    STATE_ENTERPRISE = "state_enterprise", _("国企运营")


class FacilityStatus(models.TextChoices):
    PLANNED = "planned", _("筹建中")
    OPERATING = "operating", _("运营中")
    SUSPENDED = "suspended", _("暂停服务")
    CLOSED = "closed", _("已关闭")


class FilingStatus(models.TextChoices):
    NOT_REQUIRED = "not_required", _("无需备案")
    PENDING = "pending", _("未备案")
    SUBMITTED = "submitted", _("备案审核中")
    FILED = "filed", _("已备案")
    REJECTED = "rejected", _("备案不符合要求")


# What residents may see (FacilityQuerySet.public and the partial index of `near`).
PUBLIC_STATUSES = (FacilityStatus.OPERATING, FacilityStatus.SUSPENDED)


class FacilityQuerySet(ScopedQuerySet):
    scope_town_field = "town"
    scope_facility_field = ""  # the facility itself: an operator sees the facilities they run

    def public(self) -> FacilityQuerySet:
        """What residents may see: facilities that are open or about to open."""
        return self.filter(status__in=PUBLIC_STATUSES)

    def nearby(self, point: Point, radius_m: float) -> FacilityQuerySet:
        """Facilities within `radius_m` metres of `point` (on the spheroid), nearest first, each with
        its `distance_m` in metres.

        Candidates come from a longitude/latitude box around the circle (standards.near_box), which
        the partial index facilities_open_lnglat_gist answers when the queryset is `public()`; their
        spheroid distance then keeps and orders them, so 1108.52 m is outside 1108 m.
        """
        west, south, east, north = standards.near_box(point.x, point.y, radius_m)
        box = Func(
            west, south, east, north, 4326, function="ST_MakeEnvelope", output_field=models.GeometryField()
        )
        # The distance as plain metres (a float, no Distance object per row) for the rows kept. The
        # filter is ST_DWithin on the spheroid, not `distance <= radius`: the same test, cheaper than
        # a second ST_Distance on every candidate (docs/performance.md, "near").
        distance = ExpressionWrapper(Distance("location", point), output_field=models.FloatField())
        return (
            self.alias(lnglat=Func(F("location"), function="geometry", output_field=models.GeometryField()))
            .filter(lnglat__bboverlaps=box, location__dwithin=(point, radius_m))
            .annotate(distance_m=distance)
            .order_by("distance_m", "pk")
        )

    def with_vacancy(self):
        """Facilities with a free bed or a free 托位."""
        return self.filter(Q(beds_occupied__lt=F("beds_total")) | Q(places_occupied__lt=F("places_total")))

    def fresh_vacancy(self):
        """有空位 (the finder's filter, issue 19): operating, a free bed or 托位, and reported at most
        STALE_CAPACITY_DAYS whole days ago (standards.FRESH_VACANCY_AGE) — an older figure is not a
        vacancy a resident can count on."""
        since = ExpressionWrapper(Now() - standards.FRESH_VACANCY_AGE, output_field=models.DateTimeField())
        return self.with_vacancy().filter(status=FacilityStatus.OPERATING, capacity_reported_at__gt=since)

    def stale_capacity(self, now: dt.datetime | None = None):
        """Capacity never reported, or not for STALE_CAPACITY_DAYS (issue 3)."""
        limit = (now or timezone.now()) - dt.timedelta(days=standards.STALE_CAPACITY_DAYS)
        last = Coalesce("capacity_reported_at", "created_at")
        kinds = [*BED_KINDS, *CHILDCARE_KINDS]
        return self.alias(last_report=last).filter(kind__in=kinds, last_report__lt=limit)


class Facility(models.Model):
    """A place that serves elders or toddlers. Location is WGS 84; distances use geography."""

    name = models.CharField(_("名称"), max_length=128)
    kind = models.CharField(_("类型"), max_length=32, choices=FacilityKind.choices)
    canteen_subtype = models.CharField(
        _("食堂类别"), max_length=16, choices=CanteenSubtype.choices, blank=True
    )
    ownership = models.CharField(
        _("性质"), max_length=24, choices=Ownership.choices, default=Ownership.PUBLIC
    )
    operator_name = models.CharField(_("运营主体"), max_length=128, blank=True)
    town = models.ForeignKey(
        "areas.AdminArea",
        verbose_name=_("镇街"),
        on_delete=models.PROTECT,
        related_name="facilities",
        limit_choices_to={"level": "town"},
    )
    community = models.ForeignKey(
        "areas.AdminArea",
        verbose_name=_("村社区"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="community_facilities",
        limit_choices_to={"level": "community"},
    )
    address = models.CharField(_("地址"), max_length=255, blank=True)
    location = models.PointField(_("位置"), srid=4326, geography=True)
    phone = models.CharField(_("电话"), max_length=32, blank=True)
    opening_hours = models.CharField(_("服务时间"), max_length=128, blank=True)
    services = models.TextField(_("服务内容"), blank=True)
    beds_total = models.PositiveIntegerField(_("床位总数"), default=0)
    beds_nursing = models.PositiveIntegerField(_("护理型床位"), default=0)
    beds_occupied = models.PositiveIntegerField(_("已用床位"), default=0)
    places_total = models.PositiveIntegerField(_("托位总数"), default=0)
    places_inclusive = models.PositiveIntegerField(_("普惠托位"), default=0)
    places_occupied = models.PositiveIntegerField(_("已用托位"), default=0)
    # 收费标准 (issue 19): price ranges as the facility states them, e.g. "1800–3200 元/月".
    fee_beds = models.CharField(
        _("床位收费标准"), max_length=64, blank=True, help_text=_("价格区间，如“1800–3200 元/月”。")
    )
    fee_meals = models.CharField(
        _("助餐收费标准"), max_length=64, blank=True, help_text=_("价格区间，如“8–12 元/餐”。")
    )
    fee_childcare = models.CharField(
        _("托育收费标准"), max_length=64, blank=True, help_text=_("价格区间，如“1500–2600 元/月”。")
    )
    filing_number = models.CharField(_("备案号"), max_length=64, blank=True)
    filing_status = models.CharField(
        _("备案状态"), max_length=16, choices=FilingStatus.choices, default=FilingStatus.NOT_REQUIRED
    )
    licence_number = models.CharField(_("许可证号"), max_length=64, blank=True)
    licence_expiry = models.DateField(_("许可证有效期至"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=FacilityStatus.choices, default=FacilityStatus.PLANNED
    )
    capacity_reported_at = models.DateTimeField(_("容量上报时间"), null=True, blank=True)
    operators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("运营账号"), blank=True, related_name="operated_facilities"
    )
    is_demo = models.BooleanField(_("演示数据"), default=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = FacilityQuerySet.as_manager()

    class Meta:
        verbose_name = _("服务设施")
        verbose_name_plural = _("服务设施")
        ordering = ["town_id", "name"]
        constraints = [
            # Re-import matches a facility by name within its town (import_facilities).
            models.UniqueConstraint(
                fields=["town", "name"],
                name="facilities_facility_unique_name_in_town",
                violation_error_message=_("本镇街已有同名设施。"),
            ),
            models.CheckConstraint(
                condition=Q(beds_nursing__lte=F("beds_total")),
                name="facilities_facility_nursing_beds_le_total",
                violation_error_message=_("护理型床位不能多于床位总数。"),
                violation_error_code=ErrorCode.CAPACITY_EXCEEDED.value,
            ),
            models.CheckConstraint(
                condition=Q(beds_occupied__lte=F("beds_total")),
                name="facilities_facility_beds_occupied_le_total",
                violation_error_message=_("已用床位不能多于床位总数。"),
                violation_error_code=ErrorCode.CAPACITY_EXCEEDED.value,
            ),
            models.CheckConstraint(
                condition=Q(places_inclusive__lte=F("places_total")),
                name="facilities_facility_inclusive_le_total",
                violation_error_message=_("普惠托位不能多于托位总数。"),
                violation_error_code=ErrorCode.CAPACITY_EXCEEDED.value,
            ),
            models.CheckConstraint(
                condition=Q(places_occupied__lte=F("places_total")),
                name="facilities_facility_places_occupied_le_total",
                violation_error_message=_("已用托位不能多于托位总数。"),
                violation_error_code=ErrorCode.CAPACITY_EXCEEDED.value,
            ),
            models.CheckConstraint(
                condition=Q(canteen_subtype="") | Q(kind="elder_canteen"),
                name="facilities_facility_subtype_only_canteen",
                violation_error_message=_("只有老年食堂可以填写食堂类别。"),
                violation_error_code=ErrorCode.SUBTYPE_ONLY_CANTEEN.value,
            ),
        ]
        indexes = [
            # Staff lists filter by town and kind; the finder filters by kind and status.
            models.Index(fields=["town", "kind"], name="facilities_town_kind_idx"),
            models.Index(fields=["kind", "status"], name="facilities_kind_status_idx"),
            # FacilityQuerySet.nearby (the residents' `near` search): candidates are the open
            # facilities in a longitude/latitude box around the circle (standards.near_box). On
            # the planar cast, not the geography: a geography index's box is geocentric, not
            # aligned with the circle, and gave 360 candidates for 199 within 2 km (284 with this box).
            # Partial, so the scan needs no second index to filter by status (issue 9). An
            # expression, and not fields=[…] in any case: Django 5.2's PostGIS schema editor drops
            # the condition of an index on a geometry field (Django ticket #36694).
            GistIndex(
                Func(F("location"), function="geometry", output_field=models.GeometryField()),
                condition=Q(status__in=[FacilityStatus.OPERATING, FacilityStatus.SUSPENDED]),
                name="facilities_open_lnglat_gist",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("facilities:detail", args=[self.pk])

    def clean(self) -> None:
        """Kind and area rules a single row can check (forms, import and API all call it)."""
        errors: dict[str, list[ValidationError]] = {}

        def add(field: str, code: ErrorCode, **params) -> None:
            errors.setdefault(field, []).append(
                ValidationError(code.label, code=code.value, params=params or None)
            )

        if self.kind in CHILDCARE_KINDS and (self.beds_total or self.beds_nursing or self.beds_occupied):
            add("beds_total", ErrorCode.BEDS_NOT_FOR_KIND)
        if self.kind in ELDER_KINDS and (self.places_total or self.places_inclusive or self.places_occupied):
            add("places_total", ErrorCode.PLACES_NOT_FOR_KIND)
        town = self.town if self.town_id else None
        if town is not None and town.level != "town":
            add("town", ErrorCode.TOWN_NOT_A_TOWN)
        if self.community_id and town is not None and self.community.parent_id != town.code:
            add("community", ErrorCode.COMMUNITY_NOT_IN_TOWN, community=str(self.community), town=str(town))
        if self.location is not None:
            for problem in location_problems(self.location, town):
                add("location", problem.code, **problem.params)  # type: ignore[arg-type]
        if errors:
            raise ValidationError(errors)

    @property
    def capacity_stale(self) -> bool:
        """Counted from the last capacity report, or from creation when none came since (creating a
        facility states its figures); kinds without beds or 托位 have no capacity to go stale."""
        if not has_capacity(self.kind):
            return False
        return standards.is_capacity_stale(self.capacity_reported_at or self.created_at, timezone.now())

    @property
    def is_elder(self) -> bool:
        return self.kind in ELDER_KINDS

    @property
    def is_childcare(self) -> bool:
        return self.kind in CHILDCARE_KINDS

    @property
    def beds_vacant(self) -> int:
        return self.beds_total - self.beds_occupied

    @property
    def places_vacant(self) -> int:
        return self.places_total - self.places_occupied


def location_problems(point, town) -> list[PortalError]:
    """Why a point cannot be a facility of `town` (empty when it can). Checks the district's
    extent always and the town's boundary when one is loaded (import_boundaries or demo data)."""
    lng, lat = point.x, point.y
    if standards.looks_swapped(lng, lat):
        return [PortalError(ErrorCode.LOCATION_SWAPPED, field="location")]
    if not standards.in_district_extent(lng, lat):
        return [
            PortalError(
                ErrorCode.LOCATION_OUTSIDE_DISTRICT, field="location", params={"lng": lng, "lat": lat}
            )
        ]
    if town is not None and town.boundary is not None:
        flat = point.clone()
        flat.srid = 4326
        if not town.boundary.intersects(flat):
            return [
                PortalError(ErrorCode.LOCATION_OUTSIDE_TOWN, field="location", params={"town": town.name})
            ]
    return []


class FacilityStatusChange(TransitionLog):
    """History of every status change of a facility and who made it (actor NULL: the system)."""

    facility = models.ForeignKey(
        Facility, verbose_name=_("设施"), on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(_("原状态"), max_length=16, choices=FacilityStatus.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=16, choices=FacilityStatus.choices)

    class Meta(TransitionLog.Meta):
        verbose_name = _("状态变更")
        verbose_name_plural = _("状态变更")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.facility_id}: {self.from_status} → {self.to_status}"


class PopulationGroup(models.TextChoices):
    ELDERS = "elders", _("60岁及以上老年人")
    CHILDREN = "children", _("0–3岁婴幼儿")


class ServiceLayer(models.Model):
    """One layer of the service circle: which kinds serve it, within what walking radius.

    Defaults come from STANDARDS §7 (fixtures/service_circle.json, loaded by facilities.reference); district
    administrators edit radii here without a code change.
    """

    code = models.SlugField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    kinds = ArrayField(
        models.CharField(max_length=32, choices=FacilityKind.choices), verbose_name=_("设施类型")
    )
    radius_m = models.PositiveIntegerField(_("服务半径（米）"))
    population = models.CharField(_("服务人群"), max_length=16, choices=PopulationGroup.choices)
    note = models.CharField(_("依据"), max_length=255, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("服务圈图层")
        verbose_name_plural = _("服务圈图层")
        ordering = ["sort_order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(radius_m__gte=50) & Q(radius_m__lte=20000),
                name="facilities_servicelayer_radius_range",
            ),
            models.CheckConstraint(condition=Q(kinds__len__gte=1), name="facilities_servicelayer_has_kinds"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.radius_m} m）"


class CoverageRunStatus(models.TextChoices):
    RUNNING = "running", _("计算中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class CoverageRun(models.Model):
    """One refresh of the service circle (Celery task or on demand) and what it found."""

    started_at = models.DateTimeField(_("开始时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=CoverageRunStatus.choices, default=CoverageRunStatus.RUNNING
    )
    communities = models.PositiveIntegerField(_("村社区数"), default=0)
    rows = models.PositiveIntegerField(_("结果行数"), default=0)
    triggered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    message = models.CharField(_("说明"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("服务圈计算")
        verbose_name_plural = _("服务圈计算")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.get_status_display()}"


class CommunityCoverageQuerySet(ScopedQuerySet):
    scope_town_field = "town"
    scope_facility_field = None  # operators do not plan the district's service circle


class CommunityCoverage(models.Model):
    """For one community and one layer: the nearest facility, its distance and who is left out.

    Rewritten wholesale by `coverage_refresh` (INSERT … SELECT with a KNN look-up per community).
    """

    community = models.ForeignKey(
        "areas.AdminArea", verbose_name=_("村社区"), on_delete=models.CASCADE, related_name="+"
    )
    town = models.ForeignKey(
        "areas.AdminArea", verbose_name=_("镇街"), on_delete=models.CASCADE, related_name="+"
    )
    layer = models.ForeignKey(
        ServiceLayer, verbose_name=_("图层"), on_delete=models.CASCADE, related_name="+"
    )
    nearest = models.ForeignKey(
        Facility,
        verbose_name=_("最近设施"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    distance_m = models.FloatField(_("距离（米）"), null=True, blank=True)
    covered = models.BooleanField(_("已覆盖"), default=False)
    people = models.PositiveIntegerField(_("服务人群人数"), default=0)
    people_estimated = models.BooleanField(_("人数为估算"), default=False)
    computed_at = models.DateTimeField(_("计算时间"))

    objects = CommunityCoverageQuerySet.as_manager()

    class Meta:
        verbose_name = _("服务圈覆盖")
        verbose_name_plural = _("服务圈覆盖")
        ordering = ["town_id", "community_id", "layer_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "layer"], name="facilities_communitycoverage_unique"
            ),
            models.CheckConstraint(
                condition=Q(covered=False) | Q(distance_m__isnull=False),
                name="facilities_communitycoverage_covered_has_distance",
            ),
        ]
        indexes = [
            # The coverage page filters one layer and groups by town.
            models.Index(fields=["layer", "town"], name="facilities_cov_layer_town_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.community_id} {self.layer_id}"
