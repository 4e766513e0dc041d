"""Rosters and places for the member tests."""

import csv
import datetime as dt
import io
import itertools
import threading

from django.db import connection

from members.idnumber import make_id_number
from members.importer import MemberImporter
from tests.factories import EnterpriseFactory, UnionFactory

HEADERS = [
    "姓名",
    "身份证号",
    "民族",
    "手机号",
    "户籍地",
    "是否农牧民工",
    "工作单位",
    "所属工会",
    "入会日期",
    "入会方式",
]
_serial = itertools.count(1)


def workplace(area_id="540102", **union_kwargs):
    """An enterprise and the grassroots union covering it, in area_id."""
    enterprise = EnterpriseFactory(area_id=area_id)
    union = UnionFactory(area_id=area_id, **union_kwargs)
    union.enterprises.add(enterprise, through_defaults={"started_on": dt.date(2014, 1, 1)})
    return enterprise, union


def person_id(n: int | None = None, birth=dt.date(1990, 5, 17), area="540102") -> str:
    n = next(_serial) if n is None else n
    return make_id_number(area, birth + dt.timedelta(days=n // 900), n % 900 + 100)


def roster_row(enterprise, union, *, id_number=None, name="扎西次仁", phone="", joined="2015-03-01", **over):
    row = {
        "姓名": name,
        "身份证号": id_number or person_id(),
        "民族": "藏族",
        "手机号": phone,
        "户籍地": "西藏那曲",
        "是否农牧民工": "是",
        "工作单位": enterprise.credit_code,
        "所属工会": union.code,
        "入会日期": joined,
        "入会方式": "源头入会",
    }
    row.update(over)
    return row


def csv_file(rows) -> io.BytesIO:
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=HEADERS)
    writer.writeheader()
    writer.writerows(rows)
    return io.BytesIO(text.getvalue().encode("utf-8-sig"))


def import_twice_at_once(user, rows) -> list:
    """Two imports of the same rows on two connections, both past their first chunk's checks
    before either writes it: the race the unique indexes must settle. Their results."""
    barrier = threading.Barrier(2)
    results = []

    def import_once():
        try:
            importer = MemberImporter(user)
            original, writes = importer.write, []

            def write_after_both_checked(*args):
                writes.append(args)
                if len(writes) == 1:
                    barrier.wait(timeout=30)
                return original(*args)

            importer.write = write_after_both_checked
            results.append(importer.run(csv_file(rows)))
        finally:
            connection.close()

    threads = [threading.Thread(target=import_once) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results
