"""Issue 20 item 3: the bank file is built by a Celery task; its page shows the progress, then a
download link only the requesting user can follow, after re-authentication; the file is kept
encrypted in memory (the cache), the build and the download audited."""

import io

import pytest
from django.core.cache import cache
from openpyxl import load_workbook

from conftest import run_export
from hechuan_portal.accounts import export_jobs
from hechuan_portal.accounts.models import AuditAction, AuditEvent
from hechuan_portal.accounts.roles import SYSTEM
from hechuan_portal.accounts.tasks import export_job
from hechuan_portal.common import crypto
from subsidies.services import payroll_export

from .conftest import D
from .test_pages import rolled  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db
URL = "/manage/subsidies/payroll/2027-02/export/"


def _job_id(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[-1]


def test_the_page_shows_progress_then_the_link_and_the_file_is_the_roll(  # noqa: F811
    rolled,  # noqa: F811
    staff_client,
    celery_eager,
    django_capture_on_commit_callbacks,
):
    a, _b, late = rolled
    # queued: the request only records the job (the task runs once the request commits)
    response = staff_client.get(URL)
    job = response["Location"]
    queued = staff_client.get(job).content.decode()
    assert "排队等候生成" in queued and f'hx-get="{job}"' in queued
    assert 'max="4"' in queued  # the roll's four lines are the bar's end
    assert staff_client.get(f"{job}file/").status_code == 404  # nothing to fetch yet
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()
    # the task builds the file; the fragment the page polls now stops polling and links the file
    export_job.delay(_job_id(job))
    fragment = staff_client.get(job, HTTP_HX_REQUEST="true").content.decode()
    assert 'id="export-job"' in fragment and "hx-get" not in fragment
    assert "文件已生成，共 4 行" in fragment and f'href="{job}file/"' in fragment
    built = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert built.actor_username == "staff_a" and built.changes["rows"] == 4
    response = staff_client.get(f"{job}file/")
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert response["Content-Disposition"] == 'attachment; filename="payroll-2027-02.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[1] == ("身份证号", "姓名", "户籍地区划代码", "月份", "档次", "金额", "类型")
    numbers = [row[0] for row in values[2:-1]]
    assert len(numbers) == 4 and crypto.decrypt(a.id_cipher) in numbers
    assert numbers.count(crypto.decrypt(late.id_cipher)) == 2  # arrears for January and February
    # the download is audited as a read of the lines, with the rows, and noted for the reauth page
    read = AuditEvent.objects.get(action=AuditAction.VIEW, object_type="subsidies.paymentline")
    assert read.changes == {"rows": 4} and "payroll-2027-02.xlsx" in read.reason
    assert staff_client.session["portal_last_download"]["rows"] == 4


def test_only_the_requesting_user_can_see_or_fetch_the_job(  # noqa: F811
    rolled,  # noqa: F811
    staff_client,
    admin_client_,
    anon_client,
    celery_eager,
    django_capture_on_commit_callbacks,
):
    job = run_export(staff_client, f"{URL}?format=csv", django_capture_on_commit_callbacks)
    assert staff_client.get(f"{job}file/").status_code == 200
    # another district user, allowed to export rolls themselves, does not find this one
    assert admin_client_.get(job).status_code == 404
    assert admin_client_.get(f"{job}file/").status_code == 404
    assert anon_client.get(f"{job}file/")["Location"].startswith("/accounts/login/")
    assert admin_client_.get("/accounts/exports/not-a-job/").status_code == 404
    assert (
        AuditEvent.objects.filter(action=AuditAction.VIEW, object_type="subsidies.paymentline").count() == 1
    )


def test_the_file_waits_encrypted_in_the_cache(  # noqa: F811
    rolled,  # noqa: F811
    staff_client,
    celery_eager,
    django_capture_on_commit_callbacks,
):
    a, _b, _late = rolled
    job = _job_id(run_export(staff_client, f"{URL}?format=csv", django_capture_on_commit_callbacks))
    stored = cache.get(export_jobs.store.key(job, "file"))
    number = crypto.decrypt(a.id_cipher).encode()
    assert stored and number not in stored
    assert number in export_jobs.file_body(job)


def test_a_refusal_in_the_task_fails_the_job_with_its_message(  # noqa: F811
    rolled,  # noqa: F811
    staff_client,
    celery_eager,
):
    job = staff_client.get(URL)["Location"]  # queued, not run
    # the roll is gone by the time the task runs (here: the job asks for a month without one)
    export_jobs.store.update(_job_id(job), params={"month": D(2030, 1, 1), "fmt": "xlsx"})
    assert export_job.delay(_job_id(job)).get() == "failed"
    body = staff_client.get(job).content.decode()
    assert "导出失败，未生成文件。" in body and "2030-01 的发放名册不存在" in body
    assert staff_client.get(f"{job}file/").status_code == 404
    # a second run of the finished job changes nothing
    assert export_job.delay(_job_id(job)).get() == "failed"


def test_progress_is_reported_per_line(rolled):  # noqa: F811
    seen = []
    assert (
        payroll_export(
            actor=SYSTEM, month=D(2027, 2, 1), output=io.BytesIO(), fmt="csv", on_progress=seen.append
        )
        == 4
    )
    assert seen == [1, 2, 3, 4]
    store_updates = []
    report = export_jobs.store.progress("x", every=2)
    export_jobs.store.update = lambda job_id, **changes: store_updates.append(changes)  # noqa: ARG005
    try:
        for n in range(1, 6):
            report(n)
    finally:
        del export_jobs.store.update
    assert store_updates == [{"rows": 2}, {"rows": 4}]
