"""Demo set-up of the areas: the district and its towns from the reference file (fixtures/areas.json),
so a database whose names drifted is brought back in line before the synthetic data is placed."""

from __future__ import annotations

from typing import Any

from hechuan_portal.accounts.roles import SYSTEM

from .services import areas_load_reference


def seed(*, residents: int, stdout: Any) -> None:
    count = areas_load_reference(actor=SYSTEM)
    stdout.write(f"    {count} areas from fixtures/areas.json")
