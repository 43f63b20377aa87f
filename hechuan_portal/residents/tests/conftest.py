import datetime as dt
import io

import pytest

from .factories import make_id

HEADER = "身份证号,姓名,性别,出生日期,户籍地区划代码,户籍状态,死亡日期,迁出日期,住址,联系电话,低保,特困,独居,空巢,留守,计生特殊家庭,残疾等级"


def csv_line(
    number,
    name,
    gender,
    birth,
    code="500117001000",
    status="正常",
    death="",
    moved="",
    address="合阳路1号",
    dibao="否",
):
    return f"{number},{name},{gender},{birth},{code},{status},{death},{moved},{address},13800000000,{dibao},否,否,否,否,否,"


@pytest.fixture
def people():
    """Three valid people: two in the district (towns A and B), one registered elsewhere."""
    return [
        (make_id(dt.date(1940, 3, 5), male=True, seq=11), "王德胜", "男", "1940-03-05", "500117001000"),
        (make_id(dt.date(1935, 8, 20), male=False, seq=12), "李秀英", "女", "1935-08-20", "500117002000"),
        (make_id(dt.date(1950, 1, 1), male=True, seq=13), "赵明", "男", "1950-01-01", "500112001000"),
    ]


def extract(rows: list[str], encoding: str = "utf-8") -> io.BytesIO:
    return io.BytesIO(("\n".join([HEADER, *rows]) + "\n").encode(encoding))
