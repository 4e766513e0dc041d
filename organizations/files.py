"""Files the app keeps between requests and hosts, always through Django's storage API.

Uploads waiting for their import, import error workbooks, export-job files, special
reports and case photos all live in the `default` storage (settings.STORAGES): a folder
on one machine, a shared folder (NFS) or an S3-compatible bucket when the web hosts and
the workers are different machines (docs/deploy.md, "Past one machine"). No code here or
in its callers builds a local path, so the backend is one setting; tests run the jobs on
an in-memory storage and on a second root to hold them to that.

Nothing in the storage is public: every file is streamed by a view that checks its owner
or scope first (no storage URL is ever handed out), so a bucket stays private.
"""

from __future__ import annotations

import datetime as dt
import secrets
import tempfile
from collections.abc import Callable, Iterator
from typing import IO

from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.http import FileResponse, Http404

from organizations.tabular.exporter import content_disposition

# In memory up to this size while a worker writes a file, then a temporary file of its own.
SPOOL_BYTES = 8 * 1024 * 1024


def storage() -> Storage:
    return storages["default"]


def unique_name(folder: str, stem: str, suffix: str) -> str:
    """A name nobody can guess (the storage never serves it, but names leak into logs)."""
    return f"{folder}/{stem}-{secrets.token_hex(8)}{suffix}"


def save_bytes(name: str, data: bytes) -> str:
    """Store data under name (or the storage's free variant of it); the stored name."""
    return storage().save(name, ContentFile(data))


def save_upload(name: str, upload) -> str:
    return storage().save(name, upload)


def save_written(name: str, write: Callable[[IO[bytes]], None]) -> str:
    """Store what write() writes into a scratch file; the name appears only once complete.

    The scratch file is the worker's own (memory, then its temporary folder): the storage
    receives the finished file in one save, so no reader can find half of it."""
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as scratch:
        write(scratch)
        scratch.seek(0)
        return storage().save(name, File(scratch, name=name))


def open_file(name: str) -> IO[bytes]:
    """The stored file opened for reading (seekable), or Http404 when it is gone."""
    try:
        return storage().open(name, "rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None


def exists(name: str) -> bool:
    return bool(name) and storage().exists(name)


def delete(name: str) -> None:
    if name:
        storage().delete(name)


def stream(name: str, *, filename: str, fallback: str, content_type: str) -> FileResponse:
    """The stored file as an attachment, streamed through the app (after the caller's checks)."""
    response = FileResponse(open_file(name), content_type=content_type)
    response["Content-Disposition"] = content_disposition(filename, fallback)
    return response


def listed(folder: str) -> Iterator[str]:
    """Names of the files directly in folder (none when the folder does not exist yet)."""
    try:
        _dirs, files = storage().listdir(folder)
    except FileNotFoundError:
        return
    for file in files:
        yield f"{folder}/{file}"


def sweep(folder: str, *, modified_before: dt.datetime) -> int:
    """Delete the files in folder last modified before the given time; how many went."""
    gone = 0
    for name in listed(folder):
        try:
            if storage().get_modified_time(name) < modified_before:
                storage().delete(name)
                gone += 1
        except (FileNotFoundError, OSError):
            continue  # another request removed it first
    return gone
