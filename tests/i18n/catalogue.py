"""A small reader for gettext .po files (Django ships none), enough for checking the catalogue."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

CJK = re.compile(r"[\u4e00-\u9fff]")
# Quoted values a user types into a file (e.g. “联合基层工会”) stay Chinese inside an English message.
QUOTED = re.compile(r"“[^”]*”")
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%%|\{[a-z_0-9]*\}")


@dataclass
class Entry:
    msgid: str
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstrs: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)

    @property
    def label(self) -> str:
        return f"{self.msgctxt}|{self.msgid}" if self.msgctxt else self.msgid


def read_po(path: Path) -> list[Entry]:
    """Entries of a .po file, the header excluded and obsolete (#~) entries ignored."""
    entries: list[Entry] = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        values: dict[str, str] = {}
        flags: set[str] = set()
        key = None
        for line in block.splitlines():
            if line.startswith("#,"):
                flags |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#"):
                continue
            elif match := re.match(r"(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) (\".*\")$", line):
                key = match.group(1)
                values[key] = ast.literal_eval(match.group(2))
            elif line.startswith('"') and key:
                values[key] += ast.literal_eval(line)
        if "msgid" not in values or values["msgid"] == "":
            continue
        msgstrs = [values[k] for k in sorted(values) if k.startswith("msgstr")]
        entries.append(
            Entry(values["msgid"], values.get("msgctxt"), values.get("msgid_plural"), msgstrs, flags)
        )
    return entries


def problems(entries: list[Entry]) -> list[str]:
    """Every entry must be translated into English: no fuzzy flag, no empty or Chinese msgstr,
    the same placeholders as its msgid."""
    found = []
    for entry in entries:
        if "fuzzy" in entry.flags:
            found.append(f"fuzzy: {entry.label}")
        for msgstr in entry.msgstrs:
            if not msgstr:
                found.append(f"untranslated: {entry.label}")
            elif CJK.search(QUOTED.sub("", msgstr)):
                found.append(f"still Chinese: {entry.label} -> {msgstr}")
            elif set(PLACEHOLDER.findall(msgstr)) != set(PLACEHOLDER.findall(entry.msgid)):
                found.append(f"placeholders differ: {entry.label} -> {msgstr}")
    return found
