"""Vendored front-end files: each is the package's own file, and the deploy's collectstatic takes them.

The production deploy failed at `collectstatic` because Chart.js named a source map that was not
shipped: WhiteNoise's manifest storage rewrites every `sourceMappingURL` to a hashed name and
refuses one whose file is missing. These tests read static/vendor/README.md, which lists every
vendored file with its package and checksum.
"""

import hashlib
import re
from pathlib import Path

from django.core.management import call_command
from django.test import override_settings

from tests.conftest import ROOT

VENDOR = ROOT / "static" / "vendor"
# Django's ManifestStaticFilesStorage looks for these forms (staticfiles/storage.py).
SOURCE_MAP = re.compile(r"^(?://|/\*)# ?sourceMappingURL=(\S+?)(?:\s*\*/)?\s*$", re.MULTILINE)


def listed() -> dict[str, str]:
    rows = re.findall(
        r"^\| (\S+) \| \S+@\S+ \| \S+ \| ([0-9a-f]{64}) \|$", (VENDOR / "README.md").read_text(), re.M
    )
    return dict(rows)


def vendored() -> list[Path]:
    return sorted(p for p in VENDOR.rglob("*") if p.is_file() and p.name != "README.md")


def test_every_vendored_file_is_listed_with_its_checksum():
    table = listed()
    assert sorted(table) == [str(p.relative_to(VENDOR)) for p in vendored()]
    for name, digest in table.items():
        assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == digest, name


def test_every_source_map_a_vendored_file_names_is_shipped():
    named = 0
    for path in vendored():
        if path.suffix not in (".js", ".css"):
            continue
        for target in SOURCE_MAP.findall(path.read_text(encoding="utf-8")):
            named += 1
            assert (path.parent / target).is_file(), f"{path.relative_to(VENDOR)} names {target}, not shipped"
    assert named >= 3  # bootstrap's script and stylesheet, Chart.js


def test_the_production_storage_collects_every_static_file(tmp_path):
    storage = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
    with override_settings(
        STATIC_ROOT=tmp_path,
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": storage,
        },
    ):
        call_command("collectstatic", interactive=False, verbosity=0)
    collected = (tmp_path / "staticfiles.json").read_text()
    assert "vendor/chartjs/chart.umd.min.js" in collected
    hashed = next(tmp_path.glob("vendor/chartjs/chart.umd.min.*.js"))
    # The reference now names the hashed map, which was collected too.
    target = SOURCE_MAP.findall(hashed.read_text())[0]
    assert target != "chart.umd.min.js.map" and (hashed.parent / target).is_file()
