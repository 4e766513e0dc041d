"""Demo directory for seed_demo: townships and villages, parks, enterprises, unions, eight haves.

Deterministic: every choice comes from ctx.rng. Union founding dates spread
over 2013–2015, so the 2014 baseline and the 2015 figures differ.
- small: all 7 prefectures; Lhasa and Shigatse in detail (every county),
  the other five through their first county. A few hundred firms, seconds.
- region: every county, ~700 townships, ~5,000 villages, ~50,000 firms.

Leaves ctx.shared["directory"] for the members seeder:
    {"unions": [{"id", "kind", "area", "founded_on", "federation_affiliate",
                 "enterprises": [{"id", "migrant_workers", "four_element"}]}],
     "enterprise_count": int}
The first union in Chengguan (540102) by id is a grassroots union: the demo
union account works for it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.apps import apps
from django.db import connection

from organizations import demo_names as names
from organizations.creditcode import ALPHABET, make_credit_code
from organizations.demo_unions import UnionPlanner, _date
from organizations.models import (
    Area,
    AreaLevel,
    Coverage,
    EightHavesCheck,
    Enterprise,
    Ownership,
    Park,
    Sector,
    Union,
    UnionKind,
)
from organizations.models.directory import EightHaves

DETAILED_PREFECTURES = {"540100", "540200"}
SECTOR_WEIGHTS = {
    Sector.CONSTRUCTION: 25,
    Sector.LOGISTICS: 12,
    Sector.TRANSPORT: 7,
    Sector.DOMESTIC_SERVICE: 8,
    Sector.COOPERATIVE: 15,
    Sector.MANUFACTURING: 12,
    Sector.OTHER: 21,
}
BATCH = 2000


def seed(ctx) -> None:
    builder = DirectoryBuilder(ctx)
    builder.build()
    refresh_statistics(Area, Park, Enterprise, Union, Coverage, EightHavesCheck)
    ctx.shared["directory"] = builder.shared()
    ctx.write(
        f"    directory: {builder.counts['townships']} townships, {builder.counts['villages']} villages, "
        f"{len(builder.parks)} parks, {len(builder.enterprises)} enterprises, {len(builder.unions)} unions"
    )


def refresh_statistics(*models) -> None:
    """Bulk inserts leave PostgreSQL's planner statistics empty until autovacuum comes by;
    without them the red lists' anti-joins and the figures' joins pick nested loops and take
    seconds, not milliseconds. ANALYZE sees this transaction's own uncommitted rows too.
    With no models: every table of the project's apps."""
    if connection.vendor != "postgresql":
        return
    if not models:
        ours = ("organizations", "members", "drives", "reports")
        models = [model for app in ours for model in apps.get_app_config(app).get_models()]
    tables = [model._meta.db_table for model in models]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE " + ", ".join(tables))


def _base31(number: int, width: int) -> str:
    digits = []
    for _ in range(width):
        number, rest = divmod(number, len(ALPHABET))
        digits.append(ALPHABET[rest])
    return "".join(reversed(digits))


class DirectoryBuilder(UnionPlanner):
    def __init__(self, ctx):
        self.ctx = ctx
        self.rng = ctx.rng
        self.counts = {"townships": 0, "villages": 0}
        self.townships: dict[str, list[Area]] = defaultdict(list)  # county code → townships
        self.villages: list[Area] = []
        self.parks: list[Park] = []
        self.enterprises: list[Enterprise] = []
        self.unions: list[Union] = []
        self.covers: dict[int, list[Enterprise]] = defaultdict(list)  # index in self.unions → firms
        self.parents: dict[int, int] = {}  # union index → parent union index
        self.used_names: set[str] = set()

    def build(self) -> None:
        counties = self._counties()
        self._areas(counties)
        self._parks(counties)
        for county, firms in counties:
            self._enterprises(county, firms)
        Enterprise.objects.bulk_create(self.enterprises, batch_size=BATCH)
        self._unions(counties)
        self._save_unions()
        self._eight_haves()

    # Areas.

    def _counties(self) -> list[tuple[Area, int]]:
        """(county, number of firms) for the counties the scale seeds."""
        region = self.ctx.is_region
        plans = []
        for prefecture in Area.objects.filter(level=AreaLevel.PREFECTURE).order_by("code"):
            counties = list(prefecture.children.order_by("code"))
            if not region and prefecture.code not in DETAILED_PREFECTURES:
                counties = counties[:1]
            for index, county in enumerate(counties):
                if region:
                    firms = (
                        3000
                        if county.code == "540102"
                        else 1500
                        if index == 0
                        else self.rng.randint(440, 700)
                    )
                else:
                    firms = (
                        40
                        if county.code == "540102"
                        else 12
                        if prefecture.code in DETAILED_PREFECTURES
                        else 6
                    )
                plans.append((county, firms))
        return plans

    def _areas(self, counties: list[tuple[Area, int]]) -> None:
        region, rng = self.ctx.is_region, self.rng
        new: list[Area] = []
        for county, _firms in counties:
            detailed = region or county.parent_id in DETAILED_PREFECTURES
            count = rng.randint(7, 13) if region else (3 if detailed else 2)
            streets = sorted(rng.sample(range(1, 8), 2)) if county.code.endswith("02") else []
            towns = sorted(rng.sample(range(100, 120), 2))
            rest = sorted(rng.sample(range(200, 280), max(count - len(streets) - len(towns), 0)))
            for number in (streets + towns + rest)[:count]:
                township = Area(
                    code=f"{county.code}{number:03d}",
                    name_zh=names.township_name(rng, number),
                    level=AreaLevel.TOWNSHIP,
                    parent=county,
                )
                township.prefix = township.code
                new.append(township)
                self.townships[county.code].append(township)
                villages = rng.randint(4, 10) if region else (3 if detailed else 2)
                communities = villages // 3 if number < 200 else 0
                for v in range(villages):
                    vnumber = v + 1 if v < communities else 200 + v
                    village = Area(
                        code=f"{township.code}{vnumber:03d}",
                        name_zh=names.village_name(rng, vnumber),
                        level=AreaLevel.VILLAGE,
                        parent=township,
                    )
                    village.prefix = village.code
                    new.append(village)
                    self.villages.append(village)
        Area.objects.bulk_create(new, batch_size=BATCH, ignore_conflicts=True)
        self.counts = {"townships": sum(map(len, self.townships.values())), "villages": len(self.villages)}

    def _parks(self, counties: list[tuple[Area, int]]) -> None:
        used: set[str] = set()
        self.parks_by_county: dict[str, list[Park]] = defaultdict(list)
        for county, firms in counties:
            count = 2 if firms >= 1000 or county.code == "540102" else (1 if self.rng.random() < 0.35 else 0)
            for _ in range(count):
                park = Park(
                    name=names.park_name(self.rng, county.name_zh, used),
                    area=county,
                    established_on=_date(self.rng, dt.date(2008, 1, 1), dt.date(2013, 12, 31)),
                )
                self.parks.append(park)
                self.parks_by_county[county.code].append(park)
        Park.objects.bulk_create(self.parks, batch_size=BATCH)

    # Enterprises.

    def _enterprises(self, county: Area, count: int) -> None:
        rng = self.rng
        townships = self.townships[county.code]
        parks = self.parks_by_county[county.code]
        sectors, weights = list(SECTOR_WEIGHTS), list(SECTOR_WEIGHTS.values())
        for _ in range(count):
            sector = rng.choices(sectors, weights)[0]
            size = rng.random()
            if sector == Sector.COOPERATIVE:
                size *= 0.6  # cooperatives are mostly small
            employees = (
                rng.randint(3, 24)
                if size < 0.4
                else rng.randint(25, 150)
                if size < 0.85
                else rng.randint(151, 1200)
            )
            nonpublic = rng.random() < 0.92
            above_scale = employees >= 100 and rng.random() < 0.6
            registered = _date(rng, dt.date(2003, 1, 1), dt.date(2014, 12, 31))
            serial = len(self.enterprises)
            authority = "93" if sector == Sector.COOPERATIVE else "91"
            first17 = f"{authority}{county.code}MA{_base31(serial, 6)}{rng.choice(ALPHABET)}"
            self.enterprises.append(
                Enterprise(
                    name=self._unique_name(county, sector),
                    credit_code=make_credit_code(first17),
                    area=rng.choice(townships) if townships and rng.random() < 0.7 else county,
                    park=rng.choice(parks) if parks and rng.random() < 0.25 else None,
                    sector=sector,
                    ownership=Ownership.NONPUBLIC if nonpublic else Ownership.PUBLIC,
                    above_scale=above_scale,
                    employees=employees,
                    migrant_workers=int(employees * rng.uniform(0.3, 0.95)),
                    has_party_org=rng.random() < (0.55 if employees >= 25 else 0.1),
                    operating=rng.random() < 0.93,
                    profitable=rng.random() < 0.72,
                    registered_on=registered,
                    closed_on=_date(rng, dt.date(2015, 11, 1), dt.date(2016, 6, 30))
                    if rng.random() < 0.02
                    else None,
                    federation_affiliate=nonpublic and above_scale and rng.random() < 0.3,
                )
            )

    def _unique_name(self, county: Area, sector: str) -> str:
        for _ in range(6):
            name = names.firm_name(self.rng, county.name_zh, sector)
            if name not in self.used_names:
                break
        else:
            name = f"{name.removesuffix('有限公司')}{names.place_name(self.rng)}分公司"
        self.used_names.add(name)
        return name

    def _save_unions(self) -> None:
        counter = defaultdict(int)
        for union in self.unions:
            county = union.area.code[:6]
            counter[county] += 1
            union.code = f"{county}-{counter[county]:05d}"
        Union.objects.bulk_create(self.unions, batch_size=BATCH)
        children = []
        for index, parent in self.parents.items():
            self.unions[index].parent = self.unions[parent]
            children.append(self.unions[index])
        Union.objects.bulk_update(children, ["parent"], batch_size=BATCH)
        Coverage.objects.bulk_create(
            (
                Coverage(
                    union=self.unions[i],
                    enterprise=firm,
                    started_on=max(self.unions[i].founded_on, firm.registered_on),
                )
                for i, firms in self.covers.items()
                for firm in firms
            ),
            batch_size=BATCH,
        )

    def _eight_haves(self) -> None:
        rng, checks = self.rng, []
        for union in self.unions:
            if union.kind != UnionKind.TOWNSHIP:
                continue
            found = {item.value: rng.random() < 0.7 for item in EightHaves}
            checks.append(EightHavesCheck(township=union.area, checked_on=dt.date(2014, 12, 15), **found))
            found = {key: value or rng.random() < 0.75 for key, value in found.items()}
            checks.append(EightHavesCheck(township=union.area, checked_on=dt.date(2015, 10, 20), **found))
        EightHavesCheck.objects.bulk_create(checks, batch_size=BATCH)

    def shared(self) -> dict:
        unions = []
        for index, union in enumerate(self.unions):
            firms = self.covers.get(index, [])
            unions.append(
                {
                    "id": union.pk,
                    "kind": union.kind,
                    "area": union.area.code,
                    "founded_on": union.founded_on,
                    "federation_affiliate": union.federation_affiliate,
                    "enterprises": [
                        {"id": f.pk, "migrant_workers": f.migrant_workers, "four_element": f.is_four_element}
                        for f in firms
                    ],
                }
            )
        return {"unions": unions, "enterprise_count": len(self.enterprises)}
