"""Uploaded import files kept between the preview and the confirmation (or the job).

The browser import is two requests: the preview validates the file and saves
nothing, the confirmation validates it again and saves; a large member file is
read by a worker, which may run on another machine. In between the file waits
in the storage (organizations.files) as imports/<token>, with a small JSON note
imports/<token>.json saying who uploaded it and for which import; only that
user, for that import, can open it again (anyone else gets 404, as if it did
not exist). Files older than a day are removed whenever a new one arrives.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass
from typing import IO

from django.core.files.uploadedfile import UploadedFile
from django.http import Http404
from django.utils import timezone

from organizations import files

FOLDER = "imports"
MAX_AGE = dt.timedelta(days=1)


@dataclass(frozen=True)
class StashedUpload:
    token: str
    name: str  # in the storage
    filename: str  # as the clerk's computer named it

    def open(self) -> IO[bytes]:
        return files.open_file(self.name)


def _name(token: str) -> str:
    return f"{FOLDER}/{token}"


def stash(upload: UploadedFile, *, user, importer_name: str) -> StashedUpload:
    files.sweep(FOLDER, modified_before=timezone.now() - MAX_AGE)
    token = uuid.uuid4().hex
    name = files.save_upload(_name(token), upload)
    note = {"user": user.pk, "importer": importer_name, "filename": upload.name or "", "name": name}
    files.save_bytes(f"{_name(token)}.json", json.dumps(note).encode())
    return StashedUpload(token, name, note["filename"])


def retrieve(token: str, *, user, importer_name: str) -> StashedUpload:
    """The stashed file, if user uploaded it for this import; otherwise 404."""
    try:
        token = uuid.UUID(str(token)).hex
    except ValueError:
        raise Http404 from None
    try:
        with files.open_file(f"{_name(token)}.json") as handle:
            note = json.loads(handle.read().decode("utf-8"))
    except ValueError:
        raise Http404 from None
    name = note.get("name", _name(token))
    if note.get("user") != user.pk or note.get("importer") != importer_name or not files.exists(name):
        raise Http404
    return StashedUpload(token, name, note.get("filename", ""))


def discard(upload: StashedUpload) -> None:
    files.delete(upload.name)
    files.delete(f"{_name(upload.token)}.json")
