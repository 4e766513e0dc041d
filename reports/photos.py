"""Checking a typical case's photos: JPEG or PNG by their bytes, size-capped.

Pillow is used to open the image when it is installed (it is not a
requirement); otherwise the file's signature and size are checked.
"""

from __future__ import annotations

PHOTO_MAX_BYTES = 5 * 1024 * 1024
SIGNATURES = {b"\xff\xd8\xff": ".jpg", b"\x89PNG\r\n\x1a\n": ".png"}


class PhotoError(ValueError):
    pass


def check_photo(upload) -> str:
    """The photo's extension (".jpg" or ".png"); PhotoError with a clerk-readable message otherwise."""
    if upload.size > PHOTO_MAX_BYTES:
        raise PhotoError(f"照片“{upload.name}”超过 {PHOTO_MAX_BYTES // 1024 // 1024} MB。")
    head = upload.read(8)
    upload.seek(0)
    suffix = next((s for sig, s in SIGNATURES.items() if head.startswith(sig)), None)
    if suffix is None:
        raise PhotoError(f"“{upload.name}”不是 JPG 或 PNG 图片。")
    try:
        from PIL import Image
    except ImportError:
        return suffix
    try:
        Image.open(upload).verify()
    except Exception as error:  # Pillow raises many types for a broken image
        raise PhotoError(f"图片“{upload.name}”已损坏，无法打开。") from error
    finally:
        upload.seek(0)
    return suffix
