"""Demo allowance data: the match run over the demo register, so the pages have content.

The demo policy comes from migration 0002; this only runs the match as of today. Re-running it
changes nothing (the match is idempotent), apart from one more row in the run log.
"""

from __future__ import annotations

from django.utils import timezone


def seed(*, residents: int, stdout) -> None:
    from hechuan_portal.accounts.roles import SYSTEM

    from .matching import RunInProgress
    from .services import allowance_match

    try:
        outcome = allowance_match(as_of=timezone.localdate(), trigger="seed_demo", actor=SYSTEM)
    except RunInProgress:
        stdout.write("高龄津贴：另一次匹配正在运行，已跳过\n")
        return
    counts = outcome.counts
    stdout.write(
        f"高龄津贴演示：新增 {counts.get('granted', 0)}，名册 {counts.get('lines_added', 0)} 行（{outcome.run.mode}）\n"
    )
