"""Configurable figures of the monitoring rules (STANDARDS §3, §8 and portal rules).

Every value here is a default: a deployment overrides any key with the `MONITORING` dict in
settings (see docs/monitoring.md). `config()` returns the merged values; rules take the config
as an argument so they stay pure and testable.
"""

from __future__ import annotations

from copy import deepcopy
from typing import Any

DEFAULTS: dict[str, Any] = {
    # Device location farther than this from the facility's point is flagged (portal rule).
    "max_location_distance_m": 300,
    # Score below this, or any failed item of severity "critical", makes the result 不合格.
    "fail_below_score": 60,
    # Days to rectify by severity (portal rule).
    "rectify_days": {"minor": 30, "major": 15, "critical": 7},
    # Risk score: points per factor and band thresholds (portal rule).
    "risk_points": {
        "finding_minor": 2,
        "finding_major": 5,
        "finding_critical": 10,
        "overdue_finding": 10,
        "licence_expired": 20,
        "licence_expiring": 8,
        "filing_missing": 15,
        "capacity_full": 8,
        "staff_breach": 15,
    },
    "risk_recent_days": 365,
    "licence_warning_days": 60,
    # Occupancy at or above this share of capacity counts as over-use.
    "capacity_full_ratio": 1.0,
    # score ≥ medium → medium band, ≥ high → high band.
    "risk_bands": {"medium": 15, "high": 35},
    # Days between inspections by band.
    "inspection_interval_days": {"low": 365, "medium": 180, "high": 90},
    # Staffing: one certified worker of the role per N occupied beds/places (portal rule, to confirm;
    # the class-level childcare ratios of STANDARDS §3 are enforced by the childcare app).
    "staff_per_occupied": {"caregiver": 10, "nursery_caregiver": 7},
    # A childcare centre with this many children needs a full-time health worker (STANDARDS §3).
    "health_worker_from_children": 150,
    "certificate_warning_days": 60,
    # 探访关爱 (STANDARDS §8): frequency tiers and their intervals.
    "visit_min_age": 60,
    "visit_high_risk_age": 80,
    "visit_interval_days": {"weekly": 7, "monthly": 30, "quarterly": 90},
    # Severe disability (重残) is grade 1–2 of the registry's 残疾等级.
    "severe_disability_grades": [1, 2],
    "visit_due_soon_days": 7,
    "visit_rate_target": 100,
    # Photos and rectification evidence: largest accepted upload.
    "max_upload_bytes": 10 * 1024 * 1024,
}


def merged(overrides: dict[str, Any] | None) -> dict[str, Any]:
    """Defaults with `overrides` applied; nested dicts merge key by key."""
    cfg = deepcopy(DEFAULTS)
    for key, value in (overrides or {}).items():
        if isinstance(value, dict) and isinstance(cfg.get(key), dict):
            cfg[key] = {**cfg[key], **value}
        else:
            cfg[key] = value
    return cfg


def config() -> dict[str, Any]:
    from django.conf import settings

    return merged(getattr(settings, "MONITORING", None))
