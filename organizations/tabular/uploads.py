"""Uploaded import files kept between the preview and the confirmation.

The browser import is two requests: the preview validates the file and saves
nothing, the confirmation validates it again and saves. In between the file
waits in MEDIA_ROOT/imports/<token> with a small JSON note saying who uploaded
it and for which import; only that user, for that import, can open it again
(anyone else gets 404, as if it did not exist). Files older than a day are
removed whenever a new one arrives.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404

MAX_AGE_SECONDS = 24 * 3600


@dataclass(frozen=True)
class StashedUpload:
    token: str
    path: Path
    filename: str


def _folder() -> Path:
    folder = Path(settings.MEDIA_ROOT) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def stash(upload: UploadedFile, *, user, importer_name: str) -> StashedUpload:
    folder = _folder()
    _sweep(folder)
    token = uuid.uuid4().hex
    path = folder / token
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    note = {"user": user.pk, "importer": importer_name, "filename": upload.name or ""}
    (folder / f"{token}.json").write_text(json.dumps(note), encoding="utf-8")
    return StashedUpload(token, path, note["filename"])


def retrieve(token: str, *, user, importer_name: str) -> StashedUpload:
    """The stashed file, if user uploaded it for this import; otherwise 404."""
    try:
        token = uuid.UUID(str(token)).hex
    except ValueError:
        raise Http404 from None
    folder = _folder()
    path = folder / token
    try:
        note = json.loads((folder / f"{token}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise Http404 from None
    if note.get("user") != user.pk or note.get("importer") != importer_name or not path.is_file():
        raise Http404
    return StashedUpload(token, path, note.get("filename", ""))


def discard(upload: StashedUpload) -> None:
    upload.path.unlink(missing_ok=True)
    upload.path.with_name(f"{upload.token}.json").unlink(missing_ok=True)


def _sweep(folder: Path) -> None:
    cutoff = time.time() - MAX_AGE_SECONDS
    for old in folder.iterdir():
        try:
            if old.stat().st_mtime < cutoff:
                old.unlink()
        except OSError:
            continue  # another request removed it first
