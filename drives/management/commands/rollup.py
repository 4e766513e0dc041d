"""python manage.py rollup --drive YEAR [--period YYYY-Bn]: the roll-up, run inline."""

from django.core.management.base import BaseCommand, CommandError

from drives.models import Drive
from drives.periods import Period, PeriodError
from drives.rollup import periods_to_roll, rollup_period


class Command(BaseCommand):
    help = "计算并保存集中行动各地市、县区及区非公企业工会联合会的双月统计快照。"

    def add_arguments(self, parser):
        parser.add_argument("--drive", type=int, required=True, help="集中行动年度，如 2015")
        parser.add_argument("--period", help="期次，如 2015-B3；省略时计算该年度已开始的每一期")

    def handle(self, *args, drive: int, period: str | None = None, **options):
        found = Drive.objects.filter(year=drive).first()
        if found is None:
            raise CommandError(f"没有{drive}年度的集中行动。")
        try:
            periods = [Period.parse(period)] if period else periods_to_roll(found)
        except PeriodError as error:
            raise CommandError(str(error)) from None
        for each in periods:
            if each.year != found.year:
                raise CommandError(f"期次{each}不属于{found.year}年度的集中行动。")
            stored = rollup_period(drive=found, period=each)
            self.stdout.write(f"{each}: {stored} 个统计单位已保存")
