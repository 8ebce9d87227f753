"""Peak memory of making a photo's WebP renditions (clinics.photos), per size.

    .venv/bin/python bench/photo_memory.py

Each case runs in a fresh process on a generated image in a temporary folder: its
resident size before, the peak while the renditions are made (Linux VmHWM, reset
just before), and the difference. The largest photo the
admin accepts is 24 megapixels (clinics/admin.py PHOTO_MAX_PIXELS); the 7999 × 7999
PNG is the one a hostile test uploaded before that cap.
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CASES = [
    (6000, 4000, "JPEG"),
    (6000, 4000, "PNG"),
    (4000, 6000, "JPEG"),
    (7999, 7999, "PNG"),
]

CHILD = """
import sys
import django
django.setup()
from django.core.files.storage import FileSystemStorage
from django.db.models.fields.files import FieldFile
from clinics.models import Clinic
from clinics.photos import photo_renditions_create
folder, name = sys.argv[1], sys.argv[2]
photo = FieldFile(None, Clinic._meta.get_field("photo"), name)
photo.storage = FileSystemStorage(location=folder)
def status(field):
    for line in open("/proc/self/status"):
        if line.startswith(field):
            return int(line.split()[1]) // 1024
before = status("VmRSS:")
with open("/proc/self/clear_refs", "w") as refs:
    refs.write("5")  # restart the peak (VmHWM) from the present size
photo_renditions_create(image_field=photo)
print(before, status("VmHWM:"))
"""


def main() -> None:
    from PIL import Image

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "nemus_site.settings_test"}
    with tempfile.TemporaryDirectory() as folder:
        print(f"{'photo':<22}{'process before':>16}{'peak':>8}{'growth':>9}")
        for width, height, kind in CASES:
            name = f"photo-{width}x{height}.{kind.lower()}"
            Image.new("RGB", (width, height), (120, 160, 200)).save(
                Path(folder) / name, kind
            )
            out = subprocess.run(
                [sys.executable, "-c", CHILD, folder, name],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
                text=True,
            ).stdout.split()
            before, peak = int(out[-2]), int(out[-1])
            label = f"{width} x {height} {kind}"
            print(f"{label:<22}{before:>13} MB{peak:>5} MB{peak - before:>6} MB")


if __name__ == "__main__":
    main()
