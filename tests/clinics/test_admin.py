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
