"""The per-row pass over several processes, and the bulk-load mode of a first import."""

import datetime as dt

import pytest
from django.db import connection, transaction

from hechuan_portal.common import bulkload, crypto
from hechuan_portal.common.tabular import open_table
from hechuan_portal.residents import demo, rules, staging
from hechuan_portal.residents.importer import ImportFailed, load_extract
from hechuan_portal.residents.models import Resident

from .conftest import HEADER, csv_line, extract
from .factories import make_id

DAY = dt.date(2026, 11, 1)


def _comparable(chunks):
    """Staged lines without the ciphertext (its nonce is random), and the problems, in line order."""
    lines, errors, read, invalid = [], [], 0, 0
    for chunk in chunks:
        for text in chunk.text.decode().splitlines():
            cells = text.split("\t")
            assert crypto.blind_index(crypto.decrypt(bytes.fromhex(cells[2][3:]))) == cells[1]
            lines.append(cells[:2] + cells[3:])
        errors += [(e.line, e.column, e.code) for e in chunk.errors]
        read, invalid = read + chunk.read, invalid + chunk.invalid
    return sorted(lines, key=lambda c: int(c[0])), sorted(errors), read, invalid


@pytest.fixture
def demo_file(tmp_path, db):
    path = tmp_path / "extract.csv"
    demo.write_csv(path, residents=2000)
    # Three bad rows spread over the file (a check digit, a date, a flag) and a blank line.
    text = path.read_text(encoding="utf-8").splitlines()
    bad_id = make_id(dt.date(1950, 1, 1), male=True, seq=7)
    text[10] = csv_line(bad_id[:17] + ("0" if bad_id[17] != "0" else "1"), "错号", "男", "1950-01-01")
    dead = make_id(dt.date(1950, 1, 1), male=True, seq=8)
    text[900] = csv_line(dead, "错日期", "男", "1950-01-01", status="死亡", death="2026-02-30")
    flag = make_id(dt.date(1950, 1, 1), male=True, seq=9)
    text[1500] = "\n" + csv_line(flag, "错标记", "男", "1950-01-01", dibao="也许")
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("workers", [2, 3])
def test_parallel_pass_gives_what_one_process_gives(demo_file, workers):
    table = open_table(demo_file)
    columns = rules.map_header(table.header)
    alone = _comparable(staging.stage_chunks(table.rows, columns))
    chunks = staging.parallel_chunks(
        demo_file,
        body_start=staging.body_start(demo_file),
        encoding=table.encoding,
        columns=columns,
        workers=workers,
    )
    assert chunks is not None
    assert _comparable(chunks) == alone
    assert alone[3] == 3 and {e[0] for e in alone[1]} == {11, 901, 1502}


def test_files_with_quotes_or_bare_carriage_returns_are_not_split(tmp_path):
    quoted = tmp_path / "quoted.csv"
    quoted.write_text(HEADER + '\n1,"合阳路1号,2栋",x\n' * 3, encoding="utf-8")
    assert staging.split_points(quoted, start=0, parts=2) is None
    old_mac = tmp_path / "cr.csv"
    old_mac.write_bytes((HEADER + "\r1,2\r3,4\r").encode())
    assert staging.split_points(old_mac, start=0, parts=2) is None
    windows = tmp_path / "crlf.csv"
    windows.write_bytes((HEADER + "\r\n" + "1,2\r\n" * 1000).encode())
    points = staging.split_points(windows, start=len((HEADER + "\r\n").encode()), parts=2)
    assert points is not None and len(points) == 3
    body = windows.read_bytes()
    assert all(body[p - 1 : p] == b"\n" for p in points[:-1])


@pytest.mark.django_db(transaction=True)
def test_a_large_file_is_loaded_through_workers_all_or_nothing(demo_file, monkeypatch):
    monkeypatch.setattr(staging, "PARALLEL_MIN_BYTES", 0)
    used = []
    real = staging.parallel_chunks
    monkeypatch.setattr(staging, "parallel_chunks", lambda *a, **k: used.append(1) or real(*a, **k))
    with pytest.raises(ImportFailed) as refused:
        load_extract(str(demo_file), extract_date=DAY)
    assert sorted({e.line for e in refused.value.errors}) == [11, 901, 1502]
    assert Resident.objects.count() == 0
    result = load_extract(str(demo_file), extract_date=DAY, skip_invalid=True)
    assert used == [1, 1]
    assert (result.rows_read, result.invalid, result.inserted) == (2000, 3, 1997)
    assert Resident.objects.count() == 1997


@pytest.mark.django_db(transaction=True)
def test_first_load_rebuilds_the_same_indexes_and_constraints(people):
    with connection.cursor() as cursor:
        before = bulkload.secondary_structures(cursor, "residents_resident")
    assert {s.kind for s in before} == {"index", "unique", "foreign key"}
    rows = [csv_line(n, name, g, b, code) for n, name, g, b, code in people]
    load_extract(extract(rows), extract_date=DAY)  # an empty register: the bulk path
    with connection.cursor() as cursor:
        assert bulkload.secondary_structures(cursor, "residents_resident") == before


@pytest.mark.django_db(transaction=True)
def test_a_failed_bulk_load_puts_nothing_aside_for_good():
    with connection.cursor() as cursor:
        before = bulkload.secondary_structures(cursor, "residents_resident")
        with (
            pytest.raises(RuntimeError),
            transaction.atomic(),
            bulkload.structures_set_aside(cursor, "residents_resident"),
        ):
            assert bulkload.secondary_structures(cursor, "residents_resident") == []
            raise RuntimeError("the load failed")
        assert bulkload.secondary_structures(cursor, "residents_resident") == before


@pytest.mark.django_db(transaction=True)
def test_where_forking_is_refused_the_file_is_read_in_process(demo_file, monkeypatch):
    import multiprocessing.context

    def refuse(self):
        raise AssertionError("daemonic processes are not allowed to have children")

    monkeypatch.setattr(staging, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(multiprocessing.context.ForkProcess, "start", refuse)
    result = load_extract(str(demo_file), extract_date=DAY, skip_invalid=True)
    assert (result.rows_read, result.invalid, result.inserted) == (2000, 3, 1997)


@pytest.mark.django_db(transaction=True)
def test_a_worker_that_fails_refuses_the_file_in_chinese_and_writes_nothing(demo_file, monkeypatch):
    def broken(rows, columns):
        raise MemoryError("out of memory in the worker")
        yield  # a generator, like stage_chunks

    monkeypatch.setattr(staging, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(staging, "stage_chunks", broken)  # inherited by the forked workers
    with pytest.raises(ImportFailed) as refused:
        load_extract(str(demo_file), extract_date=DAY, skip_invalid=True)
    assert "导入进程意外中止" in str(refused.value) and refused.value.errors[0].code == "worker"
    assert Resident.objects.count() == 0
