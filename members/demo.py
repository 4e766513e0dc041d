"""Demo members for seed_demo: real-looking people in the demo unions.

Reads ctx.shared["directory"] (organizations.demo): each union with the firms
it covers. Members are spread over those firms in proportion to the migrant
workers each employs, at membership rates from 30% to 100% (so some firms
are compliant and some are not). Baseline members joined up to 2014; 2015
joiners are spread over the six bimonthly periods. Some memberships lapse,
some people move to another union by certificate, a few certificates are
still waiting, and join applications wait in the queues.
- small: about 2,500 members in every prefecture and the federation, in seconds;
- region: about 300,000, written with COPY (encrypting the ID numbers and
  phones is most of the time: ~25 µs a value).
"""

from __future__ import annotations

import datetime as dt
import time

from django.utils import timezone

from members.bulk_write import NewMembership, NewPerson, insert_members, insert_memberships
from members.idnumber import make_id_number, parse_id_number
from members.models import (
    ApplicationStatus,
    EndReason,
    JoinApplication,
    JoinChannel,
    Membership,
    Transfer,
    TransferStatus,
)
from members.personal_data import keyed_hash
from members.services.transfers import certificate_number

TARGET = {"small": 4000, "region": 300_000}
TIBETAN_NAMES = [
    "扎西次仁",
    "卓玛",
    "格桑",
    "达瓦",
    "次仁拉姆",
    "尼玛",
    "普布",
    "旦增",
    "央金",
    "平措",
    "索朗",
    "边巴",
    "拉巴",
    "德吉",
    "次旦",
    "白玛",
    "多吉",
    "巴桑",
    "曲珍",
    "米玛",
    "洛桑",
    "嘎玛",
    "丹增",
    "旺堆",
    "桑珠",
    "琼达",
    "益西",
    "贡布",
    "卓嘎",
    "玉珍",
]
HAN_SURNAMES = "王李张刘陈杨赵黄周吴徐孙马胡朱郭何罗高林"
HAN_GIVEN = ["建国", "秀英", "伟", "芳", "强", "娟", "军", "敏", "磊", "静", "涛", "丽", "勇", "燕", "斌"]
OTHER_GROUPS = ["回族", "门巴族", "珞巴族", "纳西族", "土族"]
HUKOU = [
    "西藏那曲",
    "西藏昌都",
    "西藏日喀则",
    "西藏山南",
    "西藏林芝",
    "西藏阿里",
    "西藏拉萨",
    "四川甘孜",
    "青海玉树",
]
BASELINE_END = dt.date(2014, 12, 31)
YEAR_START, YEAR_END = dt.date(2015, 1, 1), dt.date(2015, 12, 31)


def seed(ctx) -> None:
    directory = ctx.shared.get("directory")
    if not directory:
        ctx.write("    members: no directory to seed into (organizations.demo did not run)")
        return
    started = time.monotonic()
    builder = MemberBuilder(ctx, directory["unions"])
    builder.build()
    ctx.write(
        f"    members: {builder.counts['members']} members, {builder.counts['lapsed']} lapsed, "
        f"{builder.counts['transfers']} transfers, {builder.counts['applications']} applications "
        f"in {time.monotonic() - started:.1f}s"
    )


class MemberBuilder:
    def __init__(self, ctx, unions: list[dict]):
        self.ctx = ctx
        self.rng = ctx.rng
        self.unions = [u for u in unions if u["enterprises"]]
        self.counts = {"members": 0, "lapsed": 0, "transfers": 0, "applications": 0}
        self.used_ids: set[str] = set()
        self.serial = 0

    def build(self) -> None:
        workers = sum(f["migrant_workers"] for u in self.unions for f in u["enterprises"]) or 1
        scale = min(1.0, TARGET[self.ctx.scale] / workers)
        people, plans = [], []
        prefectures_recruiting: set[str] = set()
        for union in self.unions:
            for firm in union["enterprises"]:
                # A smaller demo recruits at fewer firms, each as a real one would (some
                # reach the 80 % line, some do not), not every firm at a fraction of the rate;
                # but at one firm at least in every prefecture and among the federation's affiliates.
                unit = "federation" if union["federation_affiliate"] else union["area"][:4]
                first = unit not in prefectures_recruiting and firm["migrant_workers"] > 0
                if self.rng.random() > scale and not first:
                    continue
                prefectures_recruiting.add(unit)
                rate = self.rng.choice([0.3, 0.5, 0.7, 0.85, 0.9, 1.0])
                for _ in range(round(firm["migrant_workers"] * rate)):
                    person = self.person(union["area"])
                    people.append(person)
                    plans.append((person.id_hash, union, firm["id"], self.joined_on(union)))
        member_ids: dict[str, int] = {}
        for start in range(0, len(people), 5000):
            member_ids.update(insert_members(people[start : start + 5000]))
        lapsed = []
        memberships = []
        for id_hash, union, firm_id, joined in plans:
            left_on, reason = None, ""
            if joined <= BASELINE_END and self.rng.random() < 0.04:
                left_on, reason = self.date(YEAR_START, YEAR_END), EndReason.LAPSED
                lapsed.append(id_hash)
            channel = JoinChannel.SOURCE if self.rng.random() < 0.6 else JoinChannel.OTHER
            if joined >= YEAR_START and self.rng.random() < 0.15:
                channel = JoinChannel.ONLINE
            memberships.append(
                NewMembership(member_ids[id_hash], union["id"], firm_id, joined, channel, left_on, reason)
            )
        for start in range(0, len(memberships), 5000):
            insert_memberships(memberships[start : start + 5000])
        self.counts["members"] = len(people)
        self.counts["lapsed"] = len(lapsed)
        self.transfers()
        self.applications()

    # People and dates.

    def person(self, area: str) -> NewPerson:
        rng = self.rng
        birth = self.date(dt.date(1960, 1, 1), dt.date(1998, 12, 31))
        while True:
            self.serial += 1
            number = make_id_number(area[:6], birth, self.serial % 1000)
            if number not in self.used_ids:
                break
            birth += dt.timedelta(days=1)
        self.used_ids.add(number)
        roll = rng.random()
        if roll < 0.85:
            name, ethnicity = rng.choice(TIBETAN_NAMES), "藏族"
        elif roll < 0.96:
            name, ethnicity = rng.choice(HAN_SURNAMES) + rng.choice(HAN_GIVEN), "汉族"
        else:
            name, ethnicity = rng.choice(TIBETAN_NAMES), rng.choice(OTHER_GROUPS)
        parsed = parse_id_number(number, today=dt.date(2026, 1, 1))
        return NewPerson(
            id_number=number,
            id_hash=keyed_hash(number),
            name=name,
            birth_date=parsed.birth_date,
            sex=parsed.sex,
            ethnicity=ethnicity,
            phone=f"1{rng.choice('35789')}{rng.randrange(10**9):09d}",
            hukou_place=rng.choice(HUKOU),
            is_migrant=rng.random() < 0.92,
        )

    def joined_on(self, union: dict) -> dt.date:
        founded = max(union["founded_on"], dt.date(2010, 1, 1))
        if founded <= BASELINE_END and self.rng.random() < 0.55:
            return self.date(founded, BASELINE_END)
        # Spread over the six bimonthly periods of 2015, a little faster as the drive goes on.
        period = self.rng.choices(range(6), weights=[1, 2, 3, 3, 3, 2])[0]
        start = max(dt.date(2015, 1 + 2 * period, 1), founded)
        end = dt.date(2015, 2 + 2 * period, 28)
        return self.date(start, max(start, end))

    def date(self, start: dt.date, end: dt.date) -> dt.date:
        return start + dt.timedelta(days=self.rng.randrange((end - start).days + 1))

    # Transfers and applications, through the ORM: a few hundred rows.

    def transfers(self) -> None:
        by_area: dict[str, list[dict]] = {}
        for union in self.unions:
            by_area.setdefault(union["area"][:4], []).append(union)
        candidates = list(
            Membership.objects.filter(
                left_on__isnull=True, joined_on__lte=BASELINE_END, union_id__in=[u["id"] for u in self.unions]
            )
            .order_by("pk")
            .values_list("pk", "union__area_id", "union_id", "member_id")
        )
        count = max(3, len(candidates) // 100)
        picked = self.rng.sample(candidates, min(count, len(candidates)))
        for index, (membership_id, area, union_id, member_id) in enumerate(picked):
            targets = [u for u in by_area.get(area[:4], self.unions) if u["id"] != union_id] or [
                u for u in self.unions if u["id"] != union_id
            ]
            if not targets:
                continue
            target = self.rng.choice(targets)
            issued = self.date(dt.date(2015, 3, 1), dt.date(2015, 11, 30))
            transfer = Transfer.objects.create(
                number=f"pending-{membership_id}",
                member_id=member_id,
                from_membership_id=membership_id,
                issued_on=issued,
            )
            transfer.number = certificate_number(transfer)
            if index % 5 == 4:  # still on its way to the new union
                transfer.save(update_fields=["number"])
                continue
            accepted = max(issued + dt.timedelta(days=self.rng.randrange(3, 30)), target["founded_on"])
            Membership.objects.filter(pk=membership_id).update(
                left_on=accepted, end_reason=EndReason.TRANSFER_OUT
            )
            firm = self.rng.choice(target["enterprises"])
            new = Membership.objects.create(
                member_id=member_id,
                union_id=target["id"],
                employer_id=firm["id"],
                joined_on=accepted,
                channel=JoinChannel.TRANSFER_IN,
            )
            transfer.status = TransferStatus.ACCEPTED
            transfer.to_membership = new
            transfer.accepted_on = accepted
            transfer.save()
            self.counts["transfers"] += 1

    def applications(self) -> None:
        chengguan = [u for u in self.unions if u["area"].startswith("540102")] or self.unions
        count = 12 if self.ctx.scale == "small" else 200
        now = timezone.now()
        for index in range(count):
            union = chengguan[index % len(chengguan)] if index < 8 else self.rng.choice(self.unions)
            person = self.person(union["area"])
            application = JoinApplication(
                union_id=union["id"],
                name=person.name,
                birth_date=person.birth_date,
                sex=person.sex,
                ethnicity=person.ethnicity,
                employer_name="（工地）" + str(self.rng.randrange(1, 99)) + "号项目部",
            )
            application.set_id_number(person.id_number)
            application.set_phone(person.phone)
            if index % 6 == 5:
                application.status = ApplicationStatus.REJECTED
                application.reject_reason = "身份信息与本人不符，请携带身份证到工会办理"
                application.decided_at = now
            application.save()
            self.counts["applications"] += 1
