"""Checking a typical case's photos: JPEG or PNG by their bytes, size-capped.

Pillow is used to open the image when it is installed (it is not a
requirement); otherwise the file's signature and size are checked.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

PHOTO_MAX_BYTES = 5 * 1024 * 1024
SIGNATURES = {b"\xff\xd8\xff": ".jpg", b"\x89PNG\r\n\x1a\n": ".png"}


class PhotoError(ValueError):
    pass


def check_photo(upload) -> str:
    """The photo's extension (".jpg" or ".png"); PhotoError with a clerk-readable message otherwise."""
    if upload.size > PHOTO_MAX_BYTES:
        raise PhotoError(
            _("照片“%(name)s”超过 %(megabytes)s MB。")
            % {"name": upload.name, "megabytes": PHOTO_MAX_BYTES // 1024 // 1024}
        )
    head = upload.read(8)
    upload.seek(0)
    suffix = next((s for sig, s in SIGNATURES.items() if head.startswith(sig)), None)
    if suffix is None:
        raise PhotoError(_("“%(name)s”不是 JPG 或 PNG 图片。") % {"name": upload.name})
    try:
        from PIL import Image
    except ImportError:
        return suffix
    try:
        Image.open(upload).verify()
    except Exception as error:  # Pillow raises many types for a broken image
        raise PhotoError(_("图片“%(name)s”已损坏，无法打开。") % {"name": upload.name}) from error
    finally:
        upload.seek(0)
    return suffix
