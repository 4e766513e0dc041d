"""seed_demo: a deterministic, believable 2015 drive with a 2014 baseline.

Each app seeds its own part (its `demo.seed(ctx)`), in the order of SEEDERS;
this command then creates one demo user per role and prints the credentials.
The same --seed gives the same data.
"""

import random
import time
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from organizations.demo import refresh_statistics
from organizations.models import Area, Role, Union, User
from organizations.services.divisions import BUNDLED_DIVISIONS, load_divisions

SEEDERS = ["organizations.demo", "members.demo", "drives.demo", "reports.demo"]
DEMO_PASSWORD = "Demo-2015-drive"  # noqa: S105 - printed for the demo, not a secret


@dataclass
class DemoContext:
    scale: str  # "small" or "region"
    rng: random.Random
    write: Any  # a print-like callable for progress lines
    shared: dict[str, Any] = field(default_factory=dict)  # what one seeder leaves for the next

    @property
    def is_region(self) -> bool:
        return self.scale == "region"


DEMO_USERS = [
    # username, role, area code, full name
    ("hq", Role.HQ, None, "组织部 卓玛"),
    ("leader", Role.HQ_VIEWER, None, "区总工会领导 次仁"),
    ("lhasa", Role.PREFECTURE, "540100", "拉萨市总工会 王芳"),
    ("chengguan", Role.COUNTY, "540102", "城关区总工会 格桑"),
    ("federation", Role.FEDERATION, None, "区非公企业工会联合会 李强"),
    ("union", Role.UNION, None, "基层工会 达瓦"),
]


class Command(BaseCommand):
    help = "Seed a demo drive (2015, baseline 2014) with one user per role."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=["small", "region"], default="small")
        parser.add_argument("--seed", type=int, default=2015)

    def handle(self, *args, scale, seed, **options):
        if User.objects.filter(username="hq").exists():
            self.stdout.write("Demo data is already present; nothing seeded.")
            self._print_credentials()
            return
        if not Area.objects.filter(code="540000").exists():
            load_divisions(BUNDLED_DIVISIONS.read_text(encoding="utf-8"))
        ctx = DemoContext(scale=scale, rng=random.Random(seed), write=self.stdout.write)
        started = time.monotonic()
        try:
            with transaction.atomic():
                for name in SEEDERS:
                    step = time.monotonic()
                    import_module(name).seed(ctx)
                    self.stdout.write(f"  {name}: {time.monotonic() - step:.1f}s")
                self._create_users()
                refresh_statistics()
        except Exception as error:  # report which part failed; nothing is kept
            raise CommandError(f"Seeding failed, nothing saved: {error}") from error
        self.stdout.write(f"Seeded scale={scale} seed={seed} in {time.monotonic() - started:.1f}s")
        self._print_credentials()

    def _create_users(self) -> None:
        demo_union = Union.objects.filter(area__code__startswith="540102").order_by("pk").first()
        for username, role, area_code, full_name in DEMO_USERS:
            user = User(username=username, role=role, area_id=area_code, last_name=full_name)
            if role == Role.UNION:
                if demo_union is None:
                    continue
                user.union = demo_union
            user.can_view_personal_data = role in (Role.HQ, Role.COUNTY)
            user.is_superuser = user.is_staff = False
            user.set_password(DEMO_PASSWORD)
            user.save()

    def _print_credentials(self) -> None:
        self.stdout.write(f"\nDemo accounts (password for all: {DEMO_PASSWORD}):")
        for user in User.objects.filter(username__in=[u[0] for u in DEMO_USERS]).order_by("pk"):
            self.stdout.write(f"  {user.username:<11} {user.role_label} · {user.place_label}")
