"""Issue 20, done-when: every role, on a 390 px phone, walks every staff page reachable from /manage/
in two clicks. No page wider than the screen, no menu link drawn off-screen, no console error, no
linked page answering 403/404/500; the same walk in English finds no Chinese in the interface's own
text (menus, headings, table heads, labels, buttons) and no Chinese date."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command

from conftest import TOWN_A, login_in_browser, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ROLES = [
    ("walk_admin", "district_admin", None),
    ("walk_staff", "district_staff", None),
    ("walk_officer", "town_officer", TOWN_A),
    ("walk_operator", "facility_operator", None),
    ("walk_auditor", "auditor", None),
]
# Links that are not pages to look at: downloads (re-authentication, files) and leaving the site.
SKIP = re.compile(r"(export|download|\.csv|\.xlsx|report\.csv|format=|/accounts/logout|/admin/|/api/)")
# The English walk: one role of each scope (district, town) that sees most pages.
ENGLISH_ROLES = {"district_admin", "district_staff", "town_officer"}
CJK = re.compile(r"[\u4e00-\u9fff]")
CHINESE_DATE = re.compile(r"\d{4}年\d{1,2}月")


def _shape(url: str) -> str:
    """One page per URL shape: /manage/facilities/12/ and /manage/facilities/13/ are the same page."""
    return re.sub(r"\d+", "N", url.split("#")[0])


def _links(page, base: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    return [h.split("#")[0] for h in hrefs if h.startswith(base + "/manage/") and not SKIP.search(h)]


def _walk(page, live_server, *, english: bool = False) -> tuple[list[str], dict[str, list[str]]]:
    base = live_server.url
    problems: dict[str, list[str]] = {}
    console: list[str] = []

    def on_console(msg) -> None:
        if msg.type == "error":
            console.append(msg.text)

    def on_response(r) -> None:  # a failed sub-resource shows in the console without its address
        if r.status >= 400:
            console.append(f"{r.status} {r.url}")

    page.on("console", on_console)
    page.on("response", on_response)
    seen: set[str] = set()
    visited: list[str] = []
    frontier = [base + "/manage/"]
    for depth in range(3):  # /manage/, one click, two clicks
        next_frontier: list[str] = []
        for url in frontier:
            if _shape(url) in seen:
                continue
            seen.add(_shape(url))
            console.clear()
            response = page.goto(url)
            visited.append(url)
            found = problems.setdefault(url, [])
            if response is None or response.status >= 400:
                found.append(f"status {response.status if response else '?'}")
                continue
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > 391:
                found.append(f"page {width}px wide")
            toggle = page.query_selector("[data-staff-menu-toggle]")
            if toggle and toggle.is_visible():
                toggle.click()
            # Every menu link's box in one round trip (a link without a box is not drawn at all).
            off_screen = page.eval_on_selector_all(
                ".staff-nav a, .subnav a",
                """links => links.filter(a => {
                    const box = a.getBoundingClientRect();
                    return (box.width === 0 && box.height === 0) || box.x < 0 || box.x + box.width > 391;
                }).map(a => a.innerText)""",
            )
            found += [f"menu link off-screen: {text}" for text in off_screen]
            if console:
                found.append(f"console: {console[:3]}")
            if english:
                # Data typed by people (names of towns, facilities, policies) is marked as Chinese
                # with `lang` (WCAG 3.1.2, language of parts), as is the 中文 language button: those
                # parts are left out; everything else in these elements is the interface's own text.
                chrome = page.eval_on_selector_all(
                    ".staff-menu, .subnav, th, label, button, .btn, .page-head h1, h2, .site-footer",
                    """els => els.filter(e => !e.closest("[lang|=zh]")).map(e => {
                        if (!e.querySelector("[lang|=zh]")) return e.innerText;
                        const copy = e.cloneNode(true);
                        copy.querySelectorAll("[lang|=zh]").forEach(part => part.remove());
                        return copy.textContent;
                    })""",
                )
                chinese = sorted({t.strip() for t in chrome if CJK.search(t)})[:5]
                if chinese:
                    found.append(f"Chinese interface text: {chinese}")
                dates = CHINESE_DATE.findall(page.inner_text("main"))
                if dates:
                    found.append(f"Chinese dates: {dates[:3]}")
            if depth < 2:
                next_frontier += _links(page, base)
        frontier = next_frontier
    page.remove_listener("console", on_console)
    page.remove_listener("response", on_response)
    return visited, {url: p for url, p in problems.items() if p}


@pytest.fixture
def demo(reference_data):
    call_command("seed_demo", residents=300, verbosity=0)
    from facilities.models import Facility

    for username, role, area in ROLES:
        user = make_user(username, role, area)
        if role == "facility_operator":
            Facility.objects.filter(town_id=TOWN_A).first().operators.add(user)


def test_every_role_walks_the_staff_pages_on_a_phone_in_both_languages(
    demo, live_server, phone_page, tmp_path
):
    """Every role in turn on one seeded district (the seed is most of the cost; the walks only read),
    in Chinese; the first three again in English. Problems are gathered for all roles, then shown."""
    failed: dict[str, str] = {}
    for username, role, _area in ROLES:
        phone_page.context.clear_cookies()  # signed out, language back to the default
        login_in_browser(phone_page, live_server, username)
        languages = ["zh-hans", "en"] if role in ENGLISH_ROLES else ["zh-hans"]
        for language in languages:
            phone_page.context.add_cookies(
                [{"name": "django_language", "value": language, "url": live_server.url}]
            )
            visited, problems = _walk(phone_page, live_server, english=language == "en")
            if language == "zh-hans":
                phone_page.screenshot(path=str(tmp_path / f"{role}.png"), full_page=True)
            if len(visited) <= 1:
                problems["/manage/"] = ["no link to walk"]
            for url, found in problems.items():
                failed[f"{role} ({language}) {url}"] = "; ".join(found)
    assert failed == {}, "\n".join(f"{k}: {v}" for k, v in failed.items())
