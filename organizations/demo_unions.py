"""The unions of the demo directory (organizations.demo): which firms get which kind of union.

Grassroots unions come first, so each county's first union is one (the demo
union account works for Chengguan's). Then township unions, joint unions of
small firms, project federations of construction sites, park unions,
community unions, one industry federation per prefecture and the non-public
enterprise federation, whose affiliates' unions hang under it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from organizations import demo_names as names
from organizations.models import Area, AreaLevel, Enterprise, Sector, Union, UnionKind


def _date(rng, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def _founding(rng) -> dt.date:
    year = rng.choices([2013, 2014, 2015], weights=[40, 30, 30])[0]
    end = dt.date(2015, 10, 31) if year == 2015 else dt.date(year, 12, 31)
    return _date(rng, dt.date(year, 1, 1), end)


class UnionPlanner:
    """Mixed into DirectoryBuilder: fills self.unions, self.covers and self.parents."""

    def _add_union(self, covers: list[Enterprise], parent: int | None = None, **fields) -> int:
        self.unions.append(Union(**fields))
        index = len(self.unions) - 1
        self.covers[index] = covers
        if parent is not None:
            self.parents[index] = parent
        return index

    def _unions(self, counties: list[tuple[Area, int]]) -> None:
        rng = self.rng
        covered: set[int] = set()
        # Grassroots unions first, so each county's first union is one.
        counties_with_union: set[str] = set()
        for firm in self.enterprises:
            if firm.employees < 25:
                continue
            # Every county seeded has at least one firm with its own union (its first large one),
            # so every prefecture has members to count.
            first = firm.area_id[:6] not in counties_with_union
            if first or rng.random() < (0.75 if firm.is_four_element else 0.45):
                counties_with_union.add(firm.area_id[:6])
                founded = max(_founding(rng), firm.registered_on)
                name = firm.name + ("工会" if firm.name.endswith("项目部") else "工会委员会")
                self._add_union(
                    [firm],
                    name=name,
                    kind=UnionKind.GRASSROOTS,
                    area=firm.area,
                    park=firm.park,
                    founded_on=founded,
                    dissolved_on=firm.closed_on,
                    federation_affiliate=firm.federation_affiliate,
                )
                covered.add(firm.pk)
        township_union: dict[str, int] = {}
        for township in (t for ts in self.townships.values() for t in ts):
            if rng.random() < 0.85:
                short = township.name_zh.removesuffix("办事处")
                township_union[township.code] = self._add_union(
                    [],
                    name=f"{short}总工会",
                    kind=UnionKind.TOWNSHIP,
                    area=township,
                    founded_on=_date(rng, dt.date(2013, 1, 1), dt.date(2014, 12, 31)),
                )
        self._joint_unions(covered, township_union)
        self._project_federations(counties, covered)
        self._park_unions(covered)
        for village in self.villages:
            if rng.random() < 0.25:
                self._add_union(
                    [],
                    name=f"{village.name_zh}工会",
                    kind=UnionKind.COMMUNITY,
                    area=village,
                    founded_on=_founding(rng),
                    parent=township_union.get(village.parent_id),
                )
        seen_prefectures: set[str] = set()
        for county, _firms in counties:
            if county.parent_id not in seen_prefectures:  # the prefecture's first county
                seen_prefectures.add(county.parent_id)
                prefecture = names.short_place(county.parent.name_zh)
                self._add_union(
                    [],
                    name=f"{prefecture}建筑业工会联合会",
                    kind=UnionKind.INDUSTRY_FEDERATION,
                    area=county,
                    founded_on=_date(rng, dt.date(2013, 1, 1), dt.date(2013, 12, 31)),
                )
        federation = self._add_union(
            [],
            name="西藏自治区非公有制企业工会联合会",
            kind=UnionKind.NONPUBLIC_FEDERATION,
            area=Area.objects.get(code="540102"),
            founded_on=dt.date(2013, 6, 18),
            federation_affiliate=True,
        )
        for index, union in enumerate(self.unions):
            if union.federation_affiliate and index != federation:
                self.parents[index] = federation
            elif union.kind == UnionKind.GRASSROOTS and union.area.level == AreaLevel.TOWNSHIP:
                parent = township_union.get(union.area.code)
                if parent is not None:
                    self.parents[index] = parent

    def _joint_unions(self, covered: set[int], township_union: dict[str, int]) -> None:
        rng = self.rng
        small_by_township: dict[str, list[Enterprise]] = defaultdict(list)
        for firm in self.enterprises:
            if firm.employees < 25 and firm.area.level == AreaLevel.TOWNSHIP and firm.closed_on is None:
                small_by_township[firm.area.code].append(firm)
        for code, firms in small_by_township.items():
            rng.shuffle(firms)
            take = firms[: int(len(firms) * rng.uniform(0.35, 0.75))]
            township = take[0].area if take else None
            for number, start in enumerate(range(0, len(take), 6), start=1):
                group = take[start : start + rng.randint(3, 6)]
                if len(group) < 2:
                    continue
                short = township.name_zh.removesuffix("办事处")
                self._add_union(
                    group,
                    name=f"{short}第{number}联合基层工会委员会",
                    kind=UnionKind.JOINT,
                    area=township,
                    founded_on=max([_founding(rng)] + [f.registered_on for f in group]),
                    parent=township_union.get(code),
                )
                covered.update(f.pk for f in group)

    def _project_federations(self, counties: list[tuple[Area, int]], covered: set[int]) -> None:
        by_county: dict[str, list[Enterprise]] = defaultdict(list)
        for firm in self.enterprises:
            if firm.sector == Sector.CONSTRUCTION and firm.pk not in covered and firm.closed_on is None:
                by_county[firm.area_id[:6]].append(firm)
        for county, _firms in counties:
            sites = by_county.get(county.code, [])
            short = names.short_place(county.name_zh)
            for number, start in enumerate(range(0, min(len(sites), 12), 6), start=1):
                group = sites[start : start + self.rng.randint(2, 6)]
                if len(group) < 2:
                    continue
                self._add_union(
                    group,
                    name=f"{short}重点项目工会联合会" if number == 1 else f"{short}第{number}项目工会联合会",
                    kind=UnionKind.PROJECT_FEDERATION,
                    area=county,
                    founded_on=max([_founding(self.rng)] + [f.registered_on for f in group]),
                )
                covered.update(f.pk for f in group)

    def _park_unions(self, covered: set[int]) -> None:
        in_park: dict[int, list[Enterprise]] = defaultdict(list)
        for firm in self.enterprises:
            if firm.park is not None and firm.pk not in covered and firm.closed_on is None:
                in_park[firm.park.pk].append(firm)
        for park in self.parks:
            if self.rng.random() < 0.7:
                firms = in_park.get(park.pk, [])[: self.rng.randint(0, 8)]
                self._add_union(
                    firms,
                    name=f"{park.name}工会",
                    kind=UnionKind.PARK,
                    area=park.area,
                    park=park,
                    founded_on=max([_founding(self.rng)] + [f.registered_on for f in firms]),
                )
                covered.update(f.pk for f in firms)
