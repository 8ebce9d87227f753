import http.server
import threading
import zipfile
from functools import partial
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from clinics.models import Postcode
from tests.conftest import POSTCODE_ROWS, POSTCODES

pytestmark = pytest.mark.django_db


def test_imports_every_postcode_of_the_geonames_file(postcodes):
    assert Postcode.objects.count() == POSTCODE_ROWS
    oslo = Postcode.objects.get(code="0150")
    assert (oslo.place, oslo.municipality, oslo.county) == (
        "Oslo",
        "Oslo",
        "Oslo County",
    )
    assert oslo.place_key == "oslo"
    assert round(oslo.latitude, 2) == 59.91


def test_reimport_updates_in_place_and_removes_what_is_gone(postcodes, tmp_path):
    Postcode.objects.filter(code="0150").update(place="Feil", latitude=0)
    Postcode.objects.create(
        code="0000", place="Borte", place_key="borte", latitude=1, longitude=1
    )
    out = StringIO()
    call_command("import_postcodes", str(POSTCODES), stdout=out)
    assert f"Imported {POSTCODE_ROWS} postcodes (1 removed)" in out.getvalue()
    assert Postcode.objects.get(code="0150").place == "Oslo"
    assert not Postcode.objects.filter(code="0000").exists()


def zipped(tmp_path):
    archive = tmp_path / "NO.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("readme.txt", "")
        zf.write(POSTCODES, "NO.txt")
    return archive


def test_imports_from_a_zip_like_geonames_publishes(tmp_path):
    call_command("import_postcodes", str(zipped(tmp_path)), stdout=StringIO())
    assert Postcode.objects.count() == POSTCODE_ROWS


def test_imports_from_a_url(tmp_path):
    zipped(tmp_path)
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
    )
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/NO.zip"
        call_command("import_postcodes", url, stdout=StringIO())
    finally:
        server.shutdown()
        server.server_close()
    assert Postcode.objects.filter(code="9008").get().place == "Tromsø"


def test_if_empty_leaves_loaded_postcodes_alone(postcodes):
    out = StringIO()
    call_command("import_postcodes", "/does/not/exist", "--if-empty", stdout=out)
    assert "already loaded" in out.getvalue()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "No postcodes found"),
        (
            b"NO\t01X0\tOslo\tOslo\t03\tOslo\t0301\t\t\t59.9\t10.7\t\n",
            "is not a postcode",
        ),
        (b"NO\t0150\tOslo\n", "expected 12 columns"),
        (
            b"NO\t0150\tOslo\tOslo\t03\tOslo\t0301\t\t\tnord\t10.7\t\n",
            "bad coordinates",
        ),
    ],
)
def test_a_broken_file_is_refused_with_a_clear_message_and_nothing_saved(
    tmp_path, content, message
):
    source = tmp_path / "bad.txt"
    source.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        call_command("import_postcodes", str(source), stdout=StringIO())
    assert Postcode.objects.count() == 0


def test_an_unreachable_source_is_a_clear_error():
    with pytest.raises(CommandError, match="Could not read"):
        call_command(
            "import_postcodes",
            "http://127.0.0.1:9/NO.zip",
            "--timeout",
            "2",
            stdout=StringIO(),
        )
