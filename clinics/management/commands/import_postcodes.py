import csv
import io
import urllib.request
import zipfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from clinics.models import Postcode
from nemus_site.page_cache import public_pages_changed

GEONAMES_URL = "https://download.geonames.org/export/zip/NO.zip"


class Command(BaseCommand):
    """Load Norway's postcodes from the GeoNames postal-code format (CC BY 4.0).

    SOURCE is a tab-separated file, a .zip holding NO.txt, or an http(s) URL of
    either. Re-importing updates rows in place; codes no longer in the source are
    removed.
    """

    help = "Import Norwegian postcodes (GeoNames format) from a file or URL."

    def add_arguments(self, parser):
        parser.add_argument("source", help=f"File or URL, e.g. {GEONAMES_URL}")
        parser.add_argument(
            "--timeout", type=float, default=20, help="Seconds to wait for a URL."
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when postcodes are already loaded.",
        )

    def handle(self, *args, source, timeout, if_empty, **options):
        if if_empty and Postcode.objects.exists():
            self.stdout.write("Postcodes already loaded; nothing to do.")
            return
        raw = self.read(source, timeout)
        rows = self.parse(raw)
        if not rows:
            raise CommandError(f"No postcodes found in {source}.")
        with transaction.atomic():
            Postcode.objects.bulk_create(
                rows,
                batch_size=500,
                update_conflicts=True,
                unique_fields=["code"],
                update_fields=[
                    "place",
                    "place_key",
                    "municipality",
                    "county",
                    "latitude",
                    "longitude",
                ],
            )
            removed, _ = Postcode.objects.exclude(
                code__in=[row.code for row in rows]
            ).delete()
        public_pages_changed()  # the finder's answers may differ now
        self.stdout.write(
            f"Imported {len(rows)} postcodes ({removed} removed). "
            "Postcode data: GeoNames, CC BY 4.0."
        )

    def read(self, source: str, timeout: float) -> bytes:
        try:
            if source.startswith(("http://", "https://")):
                with urllib.request.urlopen(source, timeout=timeout) as response:
                    data = response.read()
            else:
                data = Path(source).read_bytes()
        except (OSError, ValueError) as error:
            raise CommandError(f"Could not read {source}: {error}") from error
        if data[:2] == b"PK":
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = [n for n in archive.namelist() if n.endswith(".txt")]
                preferred = [n for n in names if n.upper() == "NO.TXT"] or names
                if not preferred:
                    raise CommandError(f"No .txt file in {source}.")
                data = archive.read(preferred[0])
        return data

    def parse(self, raw: bytes) -> list[Postcode]:
        text = raw.decode("utf-8")
        rows = {}
        reader = csv.reader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE)
        for line_number, fields in enumerate(reader, start=1):
            if not fields or not "".join(fields).strip():
                continue
            if len(fields) < 11:
                raise CommandError(f"Line {line_number}: expected 12 columns.")
            code, place = fields[1].strip(), fields[2].strip()
            if len(code) != 4 or not code.isdigit():
                raise CommandError(f"Line {line_number}: {code!r} is not a postcode.")
            try:
                latitude, longitude = float(fields[9]), float(fields[10])
            except ValueError as error:
                raise CommandError(f"Line {line_number}: bad coordinates.") from error
            rows[code] = Postcode(
                code=code,
                place=place,
                place_key=place.casefold(),
                county=fields[3].strip(),
                municipality=fields[5].strip(),
                latitude=latitude,
                longitude=longitude,
            )
        return list(rows.values())
