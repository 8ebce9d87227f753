"""Photos' WebP renditions: written when a photo is saved (clinics.models.Photo),
and listed for `srcset` without touching storage. No model imports: the models use
this module."""

import io
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from PIL import Image, ImageOps

RENDITION_WIDTHS = (480, 960, 1440)
# EXIF orientations that turn the picture a quarter: stored width is shown height.
QUARTER_TURNS = {5, 6, 7, 8}


def _rendition_name(original: str, width: int) -> str:
    path = PurePosixPath(original)
    return str(path.with_name(f"{path.stem}-{width}w.webp"))


def photo_renditions_create(*, image_field) -> None:
    """Write WebP copies of an uploaded photo at the widths pages ask for (never
    wider than the original), so phones download a small file.

    Memory: the photo is shrunk to the largest width first (JPEGs are even decoded
    at a reduced scale), and the smaller copies are made from that, so a worker
    never holds more than one full-size decode (bench/photo_memory.py)."""
    if not image_field:
        return
    storage = image_field.storage
    largest = RENDITION_WIDTHS[-1]
    image_field.open("rb")
    try:
        with Image.open(image_field) as original:
            turned = original.getexif().get(0x0112, 1) in QUARTER_TURNS
            box = (largest * 4, largest) if turned else (largest, largest * 4)
            full_width = original.height if turned else original.width
            # JPEG: decode at 1/2, 1/4 or 1/8 scale, keeping the width we need.
            original.draft("RGB", (1, largest) if turned else (largest, 1))
            original.thumbnail(box)
            image = ImageOps.exif_transpose(original).convert("RGB")
    finally:
        image_field.close()
    for width in RENDITION_WIDTHS:
        if width > full_width and width != RENDITION_WIDTHS[0]:
            continue
        copy = image.copy()
        copy.thumbnail((width, width * 4))
        buffer = io.BytesIO()
        copy.save(buffer, "WEBP", quality=80, method=4)
        name = _rendition_name(image_field.name, width)
        if storage.exists(name):
            storage.delete(name)
        storage.save(name, ContentFile(buffer.getvalue()))


def photo_renditions(image_field, width: int | None, height: int | None) -> list[dict]:
    """The WebP copies `photo_renditions_create` wrote, smallest first (url, width,
    height), worked out from the original's size without touching storage."""
    if not image_field or not width or not height:
        return []
    widths = [w for w in RENDITION_WIDTHS if w <= width] or [RENDITION_WIDTHS[0]]
    storage = image_field.storage
    return [
        {
            "url": storage.url(_rendition_name(image_field.name, w)),
            "width": min(w, width),
            "height": round(height * min(w, width) / width),
        }
        for w in widths
    ]
