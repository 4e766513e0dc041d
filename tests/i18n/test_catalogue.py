"""The English catalogue is complete, current and compiled.

Re-running makemessages (as anyone adding a string does) must leave no entry untranslated or
fuzzy: the extraction runs afresh on a copy of the source, merged into a copy of the committed
catalogue, so a wrapped string without a translation fails here.
"""

import gettext
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from tests.i18n.catalogue import CJK, problems, read_po

ROOT = Path(settings.BASE_DIR)
PO = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
# The same folders `make messages` leaves out.
IGNORED = (".venv", "var", "bench", "loadtest", "tests", "static/vendor", "test-artifacts", ".git")


def test_every_entry_is_translated():
    entries = read_po(PO)
    assert len(entries) > 500
    assert problems(entries) == []


@pytest.fixture(scope="module")
def fresh_catalogue(tmp_path_factory) -> Path:
    """makemessages run on a copy of the tree, merged into a copy of the committed .po."""
    copy = tmp_path_factory.mktemp("tree") / "src"
    shutil.copytree(
        ROOT,
        copy,
        ignore=lambda folder, names: [
            name
            for name in names
            if (Path(folder) / name).relative_to(ROOT).as_posix() in IGNORED or name == "__pycache__"
        ],
    )
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "unionapp.settings"}
    ignores = [f"--ignore={name}" for name in IGNORED]
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "en", *ignores],
        cwd=copy,
        env=environment,
        check=True,
        capture_output=True,
    )
    return copy / "locale" / "en" / "LC_MESSAGES" / "django.po"


def test_a_fresh_extraction_finds_nothing_untranslated(fresh_catalogue):
    fresh = read_po(fresh_catalogue)
    committed = {entry.label for entry in read_po(PO)}
    assert problems(fresh) == [], "run `make messages` and translate the new entries"
    # Entries only in the committed .po (strings since removed) are harmless; new ones are not.
    assert {entry.label for entry in fresh} <= committed, "run `make messages`: the committed .po is stale"


def test_the_compiled_catalogue_matches_the_po(tmp_path):
    compiled = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check", "-o", str(compiled), str(PO)], check=True)
    with compiled.open("rb") as expected, MO.open("rb") as actual:
        wanted = gettext.GNUTranslations(expected)._catalog
        have = gettext.GNUTranslations(actual)._catalog
    assert have == wanted, "run `make messages` (compilemessages) and commit django.mo"


def test_django_answers_in_english_from_the_catalogue():
    with translation.override("en"):
        assert translation.gettext("集中行动") == "Membership drive"
        assert translation.gettext("双月进展报告") == "Bimonthly progress report"
        assert translation.pgettext("action", "推荐") == "Feature"
        for entry in read_po(PO):
            if entry.msgctxt is None and entry.msgid_plural is None:
                assert not CJK.search(translation.gettext(entry.msgid)) or "“" in entry.msgstrs[0]
    with translation.override("zh-hans"):
        assert translation.gettext("集中行动") == "集中行动"
