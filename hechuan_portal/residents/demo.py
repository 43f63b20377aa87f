"""Demo household register (演示数据): N synthetic residents, deterministic, through the real import.

The generator writes a CSV extract (the same columns the district supplies) and loads it with the
production COPY path, so a demo of 1.5 million people also exercises the import. A fixed random
seed and a fixed extract date make it re-runnable: a second run imports the same file and changes
nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import tempfile
from pathlib import Path

from hechuan_portal.areas.models import AdminArea, AreaLevel
from hechuan_portal.common.idcard import check_char

DEMO_SOURCE = "演示数据"
DEMO_EXTRACT_DATE = dt.date(2026, 11, 1)
SEED = 20261130

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢傅钟"
_GIVEN = (
    "明国华建平志伟秀英桂兰玉珍淑芳德胜永红军丽娟春梅海涛金凤文斌成林家玲小燕光荣长青宗辉正兴福寿安康学清"
)
# Age bands (lower, upper inclusive) and weights: about 4.5% aged 80 and over (STANDARDS §2 plan).
_AGE_BANDS = [
    ((0, 17), 17.0),
    ((18, 59), 56.5),
    ((60, 79), 22.0),
    ((80, 89), 3.6),
    ((90, 99), 0.85),
    ((100, 104), 0.05),
]
_OUTSIDE_CODES = ("500112001000", "500106002000", "510108003000")  # 渝北、沙坪坝、成都 (registered elsewhere)
_OLD_PREFIXES = ("500382", "510283", "510226", "512122")
COLUMNS = [
    "身份证号", "姓名", "性别", "出生日期", "户籍地区划代码", "户籍状态", "死亡日期", "迁出日期",
    "住址", "联系电话", "低保", "特困", "独居", "空巢", "留守", "计生特殊家庭", "残疾等级",
]  # fmt: skip


# The demo at the population's scale (issue 18): every app's demo sizes what it creates from the number
# of residents seeded, as a real district's figures follow its population, so the dashboard reads like
# a district's at any --residents. Rates are per 1,000 elders (60 and over, the share of the age bands
# above); each app's demo names its own rate. They are demo assumptions, not targets of the work plan
# (合川府办发〔2025〕27号 sets none per head): read them as plausible orders of magnitude.
ELDER_SHARE = sum(w for (low, _high), w in _AGE_BANDS if low >= 60) / sum(w for _band, w in _AGE_BANDS)
OLDEST_SHARE = sum(w for (low, _high), w in _AGE_BANDS if low >= 80) / sum(w for _band, w in _AGE_BANDS)


def elders_of(residents: int) -> int:
    """About how many of `residents` demo people are 60 or over."""
    return round(max(residents, 0) * ELDER_SHARE)


def per_thousand_elders(residents: int, rate: float) -> int:
    """`rate` per 1,000 elders of a demo register of `residents` people, rounded."""
    return round(elders_of(residents) * rate / 1000)


def _areas() -> list[tuple[str, list[str], float]]:
    towns = list(AdminArea.objects.towns().order_by("code").values_list("code", flat=True))
    communities: dict[str, list[str]] = {t: [] for t in towns}
    for code, parent in AdminArea.objects.filter(level=AreaLevel.COMMUNITY).values_list("code", "parent_id"):
        communities.setdefault(parent, []).append(code)
    # Streets (街道, codes 001–099) are the denser urban units.
    return [(t, sorted(communities.get(t, [])), 3.0 if int(t[6:9]) < 100 else 1.0) for t in towns]


def write_csv(path: Path, *, residents: int, today: dt.date = DEMO_EXTRACT_DATE) -> None:
    """Write the deterministic demo extract of `residents` people to `path` (UTF-8 CSV)."""
    rng = random.Random(SEED)
    areas = _areas()
    area_weights = [w for _, _, w in areas]
    bands = [b for b, _ in _AGE_BANDS]
    band_weights = [w for _, w in _AGE_BANDS]
    used: dict[tuple[str, str], int] = {}
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(COLUMNS)
        rows = []
        for _i in range(residents):
            low, high = rng.choices(bands, band_weights)[0]
            age_days = rng.randint(low * 365 + 1, high * 365 + 364)
            birth = today - dt.timedelta(days=age_days)
            male = rng.random() < 0.49
            prefix = "500117"
            if birth.year < 2006 and rng.random() < 0.15:
                prefix = rng.choice(_OLD_PREFIXES)
            key = (prefix, birth.strftime("%Y%m%d"))
            n = used.get(key, 0)
            used[key] = n + 1
            seq = (n * 2 + (1 if male else 0)) % 1000
            first17 = f"{prefix}{key[1]}{seq:03d}"
            id_number = first17 + check_char(first17)
            town, comms, _w = rng.choices(areas, area_weights)[0]
            hukou = rng.choice(comms) if comms else town
            if rng.random() < 0.01:
                hukou = rng.choice(_OUTSIDE_CODES)
            status, death, moved = "正常", "", ""
            roll = rng.random()
            if roll < 0.004 + (0.03 if low >= 80 else 0):
                status, death = "死亡", max(birth, today - dt.timedelta(days=rng.randint(1, 700))).isoformat()
            elif roll < 0.007 + (0.03 if low >= 80 else 0):
                status, moved = "迁出", max(birth, today - dt.timedelta(days=rng.randint(1, 700))).isoformat()
            name = rng.choice(_SURNAMES) + "".join(rng.choices(_GIVEN, k=rng.choice((1, 2))))
            old = low >= 60
            flags = (
                rng.random() < 0.03,
                rng.random() < 0.005,
                old and rng.random() < 0.08,
                old and rng.random() < 0.12,
                old and rng.random() < 0.05,
                rng.random() < 0.002,
            )
            grade = rng.choice(("一级", "二级", "三级", "四级")) if rng.random() < 0.02 else ""
            rows.append(
                (
                    id_number,
                    name,
                    "男" if male else "女",
                    birth.isoformat(),
                    hukou,
                    status,
                    death,
                    moved,
                    f"合川区演示路{rng.randint(1, 999)}号",
                    f"1{rng.randint(3000000000, 9999999999)}",
                    *("是" if f else "否" for f in flags),
                    grade,
                )
            )
            if len(rows) >= 10_000:
                writer.writerows(rows)
                rows.clear()
        writer.writerows(rows)


def seed(*, residents: int, stdout) -> None:
    """Create (or leave unchanged) the demo register of `residents` people."""
    from hechuan_portal.accounts.roles import SYSTEM

    from .services import residents_import

    if residents <= 0:
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"demo_residents_{residents}.csv"
        write_csv(path, residents=residents)
        # refresh_now: the seeds after this one read the visit list and the per-town counts.
        batch, result = residents_import(
            actor=SYSTEM, path=path, extract_date=DEMO_EXTRACT_DATE, source=DEMO_SOURCE, refresh_now=True
        )
    stdout.write(
        f"户籍人口演示数据：{result.rows_read} 行，新增 {result.inserted}，更新 {result.updated}，"
        f"未变化 {result.unchanged}\n"
    )
