import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from clinics.admin import ClinicForm

pytestmark = pytest.mark.django_db


def image_file(size=(800, 600), image_format="JPEG", name="klinikk.jpg"):
    buffer = io.BytesIO()
    Image.new("RGB", size, "#336699").save(buffer, image_format)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def clinic_data(**extra):
    return {
        "name": "NEMUS Test",
        "slug": "nemus-test",
        "street_address": "Testgata 1",
        "postcode": "0150",
        "town": "Oslo",
        "latitude": "59.91",
        "longitude": "10.75",
        "phone": "22 00 00 00",
        **extra,
    }


@pytest.mark.parametrize(
    ("upload", "error"),
    [
        (SimpleUploadedFile("x.jpg", b"not an image"), "Last opp et gyldig bilde"),
        (image_file(size=(100, 80)), "Bildet må være minst 400 × 300 piksler."),
        (
            image_file(image_format="GIF", name="x.gif"),
            "Last opp et JPEG-, PNG- eller WebP-bilde.",
        ),
    ],
)
def test_bad_photos_are_refused_with_a_clear_message(upload, error):
    form = ClinicForm(
        data=clinic_data(photo_alt_nb="Venterommet"), files={"photo": upload}
    )
    assert not form.is_valid()
    assert any(error in message for message in form.errors["photo"])


def test_a_photo_needs_a_description():
    form = ClinicForm(data=clinic_data(), files={"photo": image_file()})
    assert not form.is_valid()
    assert form.errors["photo_alt_nb"] == [
        "Beskriv bildet for dem som ikke kan se det."
    ]


def test_a_good_photo_with_a_description_is_saved(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    form = ClinicForm(
        data=clinic_data(photo_alt_nb="Venterommet med stoler"),
        files={"photo": image_file()},
    )
    assert form.is_valid(), form.errors
    clinic = form.save()
    assert clinic.photo.name.startswith("clinics/")
    assert (tmp_path / clinic.photo.name).exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("latitude", "40.0"), ("longitude", "45.0"), ("postcode", "12a4")],
)
def test_positions_outside_norway_and_bad_postcodes_are_refused(field, value):
    form = ClinicForm(data=clinic_data(**{field: value}))
    assert not form.is_valid()
    assert field in form.errors


def test_responsive_webp_sizes_are_made_and_used_on_the_page(
    settings, tmp_path, client
):
    settings.MEDIA_ROOT = tmp_path
    form = ClinicForm(
        data=clinic_data(photo_alt_nb="Venterommet med stoler"),
        files={"photo": image_file(size=(1200, 800))},
    )
    assert form.is_valid(), form.errors
    form.save()  # the renditions are made on save, wherever it happens
    made = sorted(p.name for p in (tmp_path / "clinics").iterdir())
    assert made == ["klinikk-480w.webp", "klinikk-960w.webp", "klinikk.jpg"]
    with Image.open(tmp_path / "clinics" / "klinikk-480w.webp") as small:
        assert (small.format, small.size) == ("WEBP", (480, 320))
    html = client.get("/klinikker/nemus-test/").content.decode()
    srcset = (
        "/media/clinics/klinikk-480w.webp 480w, /media/clinics/klinikk-960w.webp 960w"
    )
    assert f'srcset="{srcset}"' in html
    assert 'width="480" height="320" alt="Venterommet med stoler"' in html


def test_uploaded_media_are_served_from_the_local_folder(settings, tmp_path, client):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "clinics").mkdir()
    (tmp_path / "clinics" / "a.webp").write_bytes(b"RIFF0000WEBP")
    response = client.get("/media/clinics/a.webp")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"RIFF0000WEBP"
    traversal = client.get("/media/../nemus_site/settings.py")
    assert traversal.status_code == 400
    assert b"SECRET_KEY" not in traversal.content


def test_a_practitioner_photo_gets_sizes_and_shows_on_the_clinic_page(
    settings, tmp_path, client
):
    from clinics.admin import PractitionerForm
    from tests.factories import ClinicFactory

    settings.MEDIA_ROOT = tmp_path
    clinic = ClinicFactory(slug="nemus-foto")
    form = PractitionerForm(
        data={
            "clinic": clinic.pk,
            "name": "Kari Rygg",
            "profession": "kiropraktor",
            "photo_alt_nb": "Kari Rygg smiler",
            "is_active": "on",
        },
        files={"photo": image_file(size=(600, 800), name="kari.jpg")},
    )
    assert form.is_valid(), form.errors
    form.save()
    html = client.get("/klinikker/nemus-foto/").content.decode()
    assert 'srcset="/media/practitioners/kari-480w.webp 480w"' in html
    assert 'width="480" height="640" alt="Kari Rygg smiler"' in html


def test_a_photo_of_more_than_24_megapixels_is_refused():
    # 7999 × 7999 of one colour: a small PNG file that decodes to 192 MB.
    upload = image_file(size=(7999, 7999), image_format="PNG", name="stor.png")
    assert upload.size < 1_000_000
    form = ClinicForm(data=clinic_data(photo_alt_nb="Stort"), files={"photo": upload})
    assert not form.is_valid()
    assert form.errors["photo"] == [
        "Bildet har 64 megapiksler; høyst 24 tas imot (f.eks. 6000 × 4000). "
        "Lagre det mindre og last det opp igjen."
    ]


def test_a_turned_camera_photo_gets_upright_renditions(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x0112] = 6  # stored landscape, shown turned a quarter: portrait
    Image.new("RGB", (3000, 2000), "#336699").save(buffer, "JPEG", exif=exif)
    form = ClinicForm(
        data=clinic_data(photo_alt_nb="Inngangen"),
        files={
            "photo": SimpleUploadedFile(
                "snudd.jpg", buffer.getvalue(), content_type="image/jpeg"
            )
        },
    )
    assert form.is_valid(), form.errors
    form.save()
    sizes = {}
    for width in (480, 960, 1440):
        with Image.open(tmp_path / "clinics" / f"snudd-{width}w.webp") as copy:
            sizes[width] = copy.size
    assert sizes == {480: (480, 720), 960: (960, 1440), 1440: (1440, 2160)}
