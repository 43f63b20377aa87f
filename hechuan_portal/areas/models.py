"""行政区划: district → town/street → community/village, with optional boundaries."""

from django.contrib.gis.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

DISTRICT_CODE = "500117000000"
DISTRICT_PREFIX = "500117"


class AreaLevel(models.TextChoices):
    DISTRICT = "district", _("区")
    TOWN = "town", _("镇街")
    COMMUNITY = "community", _("村社区")


class AdminAreaQuerySet(models.QuerySet):
    def towns(self):
        return self.filter(level=AreaLevel.TOWN)

    def communities(self):
        return self.filter(level=AreaLevel.COMMUNITY)

    def district(self):
        return self.get(code=DISTRICT_CODE)


class AdminArea(models.Model):
    """One statistical division, keyed by its 12-digit 统计用区划代码 (NBS)."""

    code = models.CharField(_("区划代码"), max_length=12, primary_key=True)
    name = models.CharField(_("名称"), max_length=64)
    level = models.CharField(_("层级"), max_length=16, choices=AreaLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    boundary = models.MultiPolygonField(_("边界"), srid=4326, null=True, blank=True)
    centroid = models.PointField(_("中心点"), srid=4326, null=True, blank=True)
    population = models.PositiveIntegerField(_("户籍人口"), null=True, blank=True)
    is_synthetic = models.BooleanField(
        _("演示数据"), default=False, help_text=_("边界或中心点为演示用的合成数据，并非官方数据。")
    )

    objects = AdminAreaQuerySet.as_manager()

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[0-9]{12}$"), name="areas_adminarea_code_12_digits"
            ),
            models.CheckConstraint(
                condition=Q(level="district") | Q(parent__isnull=False),
                name="areas_adminarea_parent_required",
            ),
        ]
        indexes = [
            # Scope look-ups and the town tables group communities by their town.
            models.Index(fields=["level", "parent"], name="areas_level_parent_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_subdistrict(self) -> bool:
        """街道 have 9-digit codes 001–099 under the district; 镇 start at 100."""
        return self.level == AreaLevel.TOWN and int(self.code[6:9]) < 100

    @property
    def town_code(self) -> str | None:
        """The town/street this area belongs to (itself for a town), from the code's structure."""
        if self.level == AreaLevel.DISTRICT:
            return None
        return self.code[:9] + "000"
