"""python manage.py monitoring_nightly [--date YYYY-MM-DD] — escalate overdue findings, refresh risk."""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from hechuan_portal.accounts.roles import SYSTEM
from monitoring import services


class Command(BaseCommand):
    help = "Escalate overdue findings to the district list and recompute facility risk and due dates."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="treat this day as today (YYYY-MM-DD)")

    def handle(self, *args, **options):
        try:
            today = date.fromisoformat(options["date"]) if options["date"] else None
        except ValueError as exc:
            raise CommandError("日期格式应为 YYYY-MM-DD / date must be YYYY-MM-DD") from exc
        escalated = services.findings_escalate_overdue(actor=SYSTEM, today=today)
        refreshed = services.risk_refresh(actor=SYSTEM, today=today)
        self.stdout.write(f"escalated={escalated} facilities_refreshed={refreshed}")
