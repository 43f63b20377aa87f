"""The per-row pass over several processes, and the bulk-load mode of a first import."""

import datetime as dt

import pytest
from django.db import connection, transaction

from hechuan_portal.areas.models import AdminArea
from hechuan_portal.common import bulkload, crypto, idcard
from hechuan_portal.common.tabular import open_table
from hechuan_portal.residents import demo, rules, staging
from hechuan_portal.residents.importer import ImportFailed, _area_levels, load_extract, load_first_extract
from hechuan_portal.residents.models import Resident

from .conftest import HEADER, csv_line, extract
from .factories import make_id

DAY = dt.date(2026, 11, 1)


def _comparable(chunks, layout):
    """COPY lines without the ciphertext (its nonce is random), and the problems, in order."""
    lines, errors, read, invalid = [], [], 0, 0
    at = layout.columns.index("id_cipher")
    for chunk in chunks:
        for text in chunk.text.decode().splitlines():
            cells = text.split("\t")
            assert len(cells) == len(layout.columns)
            number = crypto.decrypt(bytes.fromhex(cells[at][3:]))
            assert (crypto.blind_index(number), idcard.mask(number)) == (cells[at - 1], cells[at + 1])
            lines.append(cells[:at] + cells[at + 1 :])
        errors += [(e.line, e.column, e.code) for e in chunk.errors]
        read, invalid = read + chunk.read, invalid + chunk.invalid
    return sorted(lines), sorted(errors), read, invalid


def _levels():
    return _area_levels()


def _layouts():
    return {
        "stage": staging.ToStage(_levels()),
        "register": staging.ToRegister(_levels()),
    }


@pytest.fixture
def demo_file(tmp_path, db):
    path = tmp_path / "extract.csv"
    demo.write_csv(path, residents=2000)
    # Four bad rows spread over the file (a check digit, a date, a flag, an area) and a blank line.
    text = path.read_text(encoding="utf-8").splitlines()
    bad_id = make_id(dt.date(1950, 1, 1), male=True, seq=7)
    text[10] = csv_line(bad_id[:17] + ("0" if bad_id[17] != "0" else "1"), "错号", "男", "1950-01-01")
    dead = make_id(dt.date(1950, 1, 1), male=True, seq=8)
    text[900] = csv_line(dead, "错日期", "男", "1950-01-01", status="死亡", death="2026-02-30")
    flag = make_id(dt.date(1950, 1, 1), male=True, seq=9)
    text[1500] = "\n" + csv_line(flag, "错标记", "男", "1950-01-01", dibao="也许")
    nowhere = make_id(dt.date(1950, 1, 1), male=True, seq=10)
    text[1798] = csv_line(nowhere, "错区划", "男", "1950-01-01", code="500117999000")  # checked in the pass
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("workers", [2, 3])
@pytest.mark.parametrize("target", ["stage", "register"])
def test_parallel_pass_gives_what_one_process_gives(demo_file, workers, target):
    layout = _layouts()[target]
    table = open_table(demo_file)
    columns = rules.map_header(table.header)
    alone = _comparable(staging.stage_chunks(table.rows, columns, layout), layout)
    chunks = staging.parallel_chunks(
        demo_file,
        body_start=staging.body_start(demo_file),
        encoding=table.encoding,
        columns=columns,
        layout=layout,
        workers=workers,
    )
    assert chunks is not None
    assert _comparable(chunks, layout) == alone
    assert alone[3] == 4 and {e[0] for e in alone[1]} == {11, 901, 1502, 1800}


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
    assert sorted({e.line for e in refused.value.errors}) == [11, 901, 1502, 1800]
    assert Resident.objects.count() == 0
    result = load_first_extract(str(demo_file), extract_date=DAY, skip_invalid=True)
    assert used == [1, 1] and result.first_load
    assert (result.rows_read, result.invalid, result.inserted) == (2000, 4, 1996)
    assert Resident.objects.count() == 1996


@pytest.mark.django_db(transaction=True)
def test_first_load_rebuilds_the_same_indexes_and_constraints(people):
    with connection.cursor() as cursor:
        before = bulkload.secondary_structures(cursor, "residents_resident")
    assert {s.kind for s in before} == {"index", "unique", "foreign key"}
    rows = [csv_line(n, name, g, b, code) for n, name, g, b, code in people]
    load_extract(extract(rows), extract_date=DAY)  # more than doubles the register: indexes set aside
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
    assert (result.rows_read, result.invalid, result.inserted) == (2000, 4, 1996)


@pytest.mark.django_db(transaction=True)
def test_a_worker_that_fails_refuses_the_file_in_chinese_and_writes_nothing(demo_file, monkeypatch):
    def broken(rows, columns, layout):
        raise MemoryError("out of memory in the worker")
        yield  # a generator, like stage_chunks

    monkeypatch.setattr(staging, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(staging, "stage_chunks", broken)  # inherited by the forked workers
    with pytest.raises(ImportFailed) as refused:
        load_extract(str(demo_file), extract_date=DAY, skip_invalid=True)
    assert "导入进程意外中止" in str(refused.value) and refused.value.errors[0].code == "worker"
    assert Resident.objects.count() == 0


_COMPARED = [
    f.attname for f in Resident._meta.concrete_fields if f.attname not in ("id", "id_cipher", "updated_at")
]


def _register():
    rows = Resident.objects.order_by("id_index").values_list("id_cipher", *_COMPARED)
    return [(crypto.decrypt(bytes(cipher)), *rest) for cipher, *rest in rows]


@pytest.mark.django_db(transaction=True)
def test_a_first_load_fills_the_empty_register_with_derived_columns(tmp_path):
    town = AdminArea.objects.towns().order_by("code").first()
    community = AdminArea.objects.create(
        code=town.code[:9] + "001", name="社区1", level="community", parent=town
    )
    path = tmp_path / "extract.csv"
    people = [
        (make_id(dt.date(1940, 3, 5), male=True, seq=21), "甲", "男", "1940-03-05", community.code),
        (make_id(dt.date(1935, 8, 20), male=False, seq=22), "乙", "女", "1935-08-20", town.code),
        (make_id(dt.date(1950, 1, 1), male=True, seq=23), "丙", "男", "1950-01-01", "500112001000"),
    ]
    path.write_bytes(extract([csv_line(*p) for p in people]).getvalue())
    result = load_first_extract(str(path), extract_date=DAY, source="公安\t一")
    assert result.first_load and result.inserted == 3
    got = {
        crypto.decrypt(bytes(r.id_cipher)): (r.name, r.town_id, r.community_id, r.source, r.extract_date)
        for r in Resident.objects.all()
    }
    assert got == {
        people[0][0]: ("甲", town.code, community.code, "公安\t一", DAY),
        people[1][0]: ("乙", town.code, None, "公安\t一", DAY),
        people[2][0]: ("丙", None, None, "公安\t一", DAY),
    }
    with connection.cursor() as cursor:  # one now() per import, as the merge sets it
        cursor.execute(f"SELECT count(DISTINCT updated_at) FROM {Resident._meta.db_table}")
        assert cursor.fetchone()[0] == 1
        # The load's column defaults are gone again: the table is as its migrations left it.
        cursor.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_name = %s AND column_default IS NOT NULL",
            [Resident._meta.db_table],
        )
        assert [name for (name,) in cursor.fetchall()] == []


@pytest.mark.django_db(transaction=True)
def test_a_first_load_is_refused_when_the_register_is_not_empty(tmp_path, people):
    rows = [csv_line(n, name, g, b, code) for n, name, g, b, code in people]
    load_extract(extract(rows[:1]), extract_date=DAY)
    path = tmp_path / "more.csv"
    path.write_bytes(extract(rows).getvalue())
    with pytest.raises(ImportFailed) as refused:
        load_first_extract(str(path), extract_date=DAY)
    assert refused.value.errors[0].code == "not_empty" and Resident.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_first_load_repeating_an_id_is_read_again_through_the_stage(tmp_path, people):
    repeated = tmp_path / "repeated.csv"
    rows = [csv_line(n, name, g, b, code) for n, name, g, b, code in people]
    repeated.write_bytes(extract([*rows, rows[0]]).getvalue())
    result = load_first_extract(str(repeated), extract_date=DAY)
    assert not result.first_load and (result.rows_read, result.inserted) == (4, 3)
    assert Resident.objects.count() == 3

    Resident.objects.all().delete()
    differing = tmp_path / "differing.csv"
    number, _name, gender, birth, code = people[0]
    differing.write_bytes(extract([*rows, csv_line(number, "改名", gender, birth, code)]).getvalue())
    with pytest.raises(ImportFailed) as refused:
        load_first_extract(str(differing), extract_date=DAY)
    assert [(e.line, e.code) for e in refused.value.errors] == [(2, "duplicate_id"), (5, "duplicate_id")]
    assert Resident.objects.count() == 0
    # With a bad row as well, the refusal still names the repeated ID's lines (one report).
    differing.write_bytes(
        extract(
            [*rows, csv_line(number, "改名", gender, birth, code), csv_line("123", "坏", "男", birth)]
        ).getvalue()
    )
    with pytest.raises(ImportFailed) as refused:
        load_first_extract(str(differing), extract_date=DAY)
    assert [(e.line, e.code) for e in refused.value.errors] == [
        (2, "duplicate_id"),
        (5, "duplicate_id"),
        (6, "id_format"),
    ]
    with connection.cursor() as cursor:
        assert {s.kind for s in bulkload.secondary_structures(cursor, "residents_resident")} == {
            "index",
            "unique",
            "foreign key",
        }


@pytest.mark.django_db(transaction=True)
def test_foreign_keys_are_set_aside_only_for_a_load_into_an_empty_register(tmp_path, people, monkeypatch):
    # Dropping a foreign key locks the areas table (every page reads it) until commit: only the
    # district's first load, into an empty register, may do that.
    seen = []
    real = bulkload.structures_set_aside

    def spy(cursor, table, **kwargs):
        seen.append(kwargs.get("kinds"))
        return real(cursor, table, **kwargs)

    monkeypatch.setattr(bulkload, "structures_set_aside", spy)
    first = tmp_path / "first.csv"
    rows = [csv_line(n, name, g, b, code) for n, name, g, b, code in people]
    first.write_bytes(extract(rows[:1]).getvalue())
    assert load_first_extract(str(first), extract_date=DAY).first_load
    assert seen == [None]  # everything set aside, foreign keys included
    more = tmp_path / "more.csv"
    more.write_bytes(extract(rows).getvalue())  # three people: more than doubles the register of one
    result = load_extract(str(more), extract_date=DAY)
    assert not result.first_load and result.inserted == 2
    assert seen == [None, ("index", "unique")]
