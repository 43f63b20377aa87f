"""The staff pages in a real browser at phone and desktop sizes (screenshots saved for review)."""

import os
from pathlib import Path

import pytest

from conftest import login_in_browser, make_user
from hechuan_portal.accounts.models import Role

from .conftest import D, close, match, person

SHOTS = Path(os.environ.get("ALLOWANCE_SHOTS", "/tmp/allowance-shots"))


def _data():
    make_user("admin_b", Role.DISTRICT_ADMIN)
    people = [
        person(
            D(1930 + i * 3, 1 + i % 12, 5),
            name=f"演示{i}",
            hukou_code=("500117001000", "500117002000")[i % 2],
        )
        for i in range(8)
    ]
    match(D(2026, 11, 1))
    close(D(2026, 11, 1))
    type(people[0]).objects.filter(pk=people[0].pk).update(status="deceased", death_date=D(2026, 10, 3))
    match(D(2026, 12, 1))
    # Issue 17's edge cases: one person away awaiting a move-in date, one ID correction.
    from hechuan_portal.residents.models import AwayPeriod, IdCorrection

    AwayPeriod.objects.create(
        resident=people[2], moved_out_date=D(2026, 9, 10), review="pending", proposed_in_date=D(2026, 12, 1)
    )
    IdCorrection.objects.create(
        resident=people[3], old_index="x", old_masked="500117********1234", new_masked=people[3].id_masked,
        extract_date=D(2026, 12, 1),
    )  # fmt: skip
    match(D(2026, 12, 1))
    return people


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_pages_render_without_english_or_overflow(request, live_server, size, reference_data):
    page = request.getfixturevalue("page" if size == "desktop" else "phone_page")
    people = _data()
    SHOTS.mkdir(parents=True, exist_ok=True)
    login_in_browser(page, live_server, "admin_b")
    urls = {
        "dashboard": "/manage/subsidies/",
        "person": f"/manage/subsidies/people/{people[1].pk}/",
        "payroll": "/manage/subsidies/payroll/2026-12/",
        "overpayments": "/manage/subsidies/overpayments/",
        "runs": "/manage/subsidies/runs/",
        "edges": "/manage/subsidies/edges/",
        "reviews": "/manage/subsidies/reviews/",
        "away": f"/manage/subsidies/people/{people[2].pk}/",
        "resident": f"/manage/residents/{people[1].pk}/",
        "quality": "/manage/residents/quality/",
    }
    for name, url in urls.items():
        page.goto(live_server.url + url)
        text = page.inner_text("main")
        assert "Traceback" not in text
        for leak in ("None", "active", "suspended", "normal", "arrears", "age_tier", "deceased"):
            assert f" {leak} " not in f" {text} ", (name, leak)
        # Nothing wider than the viewport except inside a scrolling table wrapper.
        overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
        assert not overflow, name
        page.screenshot(path=str(SHOTS / f"{size}-{name}.png"), full_page=True)
    page.goto(live_server.url + "/manage/residents/")
    page.fill("#id_q", "演示1")
    page.click(".search-form button[type=submit]")
    assert "演示1" in page.inner_text("table")
    page.screenshot(path=str(SHOTS / f"{size}-search.png"), full_page=True)
