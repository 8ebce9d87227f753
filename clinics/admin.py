from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import (
    TabbedTranslationAdmin,
    TranslationStackedInline,
    TranslationTabularInline,
)
from PIL import Image, UnidentifiedImageError

from clinics.models import (
    PRACTITIONER_LANGUAGES,
    Clinic,
    Closure,
    OpeningHours,
    Postcode,
    Practitioner,
    ProfessionFact,
)
from nemus_site.admin import LabelledTabularMixin

PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_FORMATS = {"JPEG", "PNG", "WEBP"}
PHOTO_MIN_SIZE = (400, 300)
PHOTO_MAX_SIZE = (8000, 8000)
# 24 megapixels (a 6000 × 4000 camera photo): decoding one takes about 72 MB, and the
# renditions stay within the memory budget in docs/operations.md.
PHOTO_MAX_PIXELS = 24_000_000


def translated(*names):
    """The per-language form fields of translated model fields."""
    return [f"{name}_{code}" for name in names for code, _name in settings.LANGUAGES]


def validate_photo(upload):
    """A real JPEG, PNG or WebP image of a sensible size (Pillow reads it)."""
    if upload.size > PHOTO_MAX_BYTES:
        raise ValidationError(_("The photo is larger than 5 MB."))
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image_format, (width, height) = image.format, image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError) as error:
        raise ValidationError(_("The file is not an image we can read.")) from error
    finally:
        upload.seek(0)
    if image_format not in PHOTO_FORMATS:
        raise ValidationError(_("Upload a JPEG, PNG or WebP image."))
    if width < PHOTO_MIN_SIZE[0] or height < PHOTO_MIN_SIZE[1]:
        raise ValidationError(_("The photo must be at least 400 × 300 pixels."))
    if width > PHOTO_MAX_SIZE[0] or height > PHOTO_MAX_SIZE[1]:
        raise ValidationError(_("The photo must be at most 8000 × 8000 pixels."))
    if width * height > PHOTO_MAX_PIXELS:
        raise ValidationError(
            _(
                "The photo has %(megapixels)s megapixels; at most 24 are taken "
                "(e.g. 6000 × 4000). Save it smaller and upload it again."
            )
            % {"megapixels": round(width * height / 1_000_000)}
        )


class PhotoFormMixin:
    """Checks an uploaded photo and that it has a description (alt text)."""

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if photo and hasattr(photo, "content_type"):  # a new upload
            validate_photo(photo)
        return photo

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("photo") and not cleaned.get("photo_alt_nb"):
            self.add_error(
                "photo_alt_nb", _("Describe the photo for people who cannot see it.")
            )
        return cleaned


class ClinicForm(PhotoFormMixin, forms.ModelForm):
    class Meta:
        model = Clinic
        fields = [
            "name",
            "slug",
            "street_address",
            "postcode",
            "town",
            "latitude",
            "longitude",
            "phone",
            "email",
            *translated("description", "directions", "parking", "photo_alt"),
            "step_free_access",
            "accessible_toilet",
            "lift",
            "photo",
            "is_demo",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The position map (js/admin-coordinates.js) uses the site's tile settings.
        self.fields["latitude"].widget.attrs.update(
            {
                "data-tile-url": settings.MAP_TILE_URL,
                "data-attribution": settings.MAP_ATTRIBUTION,
            }
        )


class PractitionerForm(PhotoFormMixin, forms.ModelForm):
    languages = forms.MultipleChoiceField(
        label=_("languages spoken"),
        choices=PRACTITIONER_LANGUAGES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Languages the practitioner can hold an appointment in."),
    )

    class Meta:
        model = Practitioner
        fields = [
            "clinic",
            "name",
            "profession",
            *translated("bio", "photo_alt"),
            "languages",
            "public_agreement",
            "photo",
            "is_active",
        ]


class OpeningHoursInline(LabelledTabularMixin, admin.TabularInline):
    model = OpeningHours
    extra = 0


class ClosureInline(LabelledTabularMixin, TranslationTabularInline):
    model = Closure
    extra = 0


class PractitionerInline(TranslationStackedInline):
    model = Practitioner
    form = PractitionerForm
    extra = 0
    fields = [
        "name",
        "profession",
        "bio",
        "languages",
        "public_agreement",
        "photo",
        "photo_alt",
        "is_active",
    ]


@admin.register(Clinic)
class ClinicAdmin(TabbedTranslationAdmin):
    form = ClinicForm
    list_display = ["name", "town", "phone", "is_demo"]
    list_filter = ["is_demo", "town"]
    search_fields = ["name", "town", "postcode"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [OpeningHoursInline, ClosureInline, PractitionerInline]
    fieldsets = [
        (
            None,
            {"fields": ["name", "slug", "phone", "email", "description", "is_demo"]},
        ),
        (
            _("Address and position"),
            {
                "fields": [
                    "street_address",
                    "postcode",
                    "town",
                    "latitude",
                    "longitude",
                    "directions",
                ],
                "description": _(
                    "Click on the map to set the position, or type the coordinates."
                ),
            },
        ),
        (
            _("Access"),
            {"fields": ["step_free_access", "accessible_toilet", "lift", "parking"]},
        ),
        (_("Photo"), {"fields": ["photo", "photo_alt"]}),
    ]

    class Media:
        css = {"all": ["vendor/leaflet/leaflet.css"]}
        js = ["vendor/leaflet/leaflet.js", "js/admin-coordinates.js"]


@admin.register(Practitioner)
class PractitionerAdmin(TabbedTranslationAdmin):
    form = PractitionerForm
    list_display = ["name", "profession", "clinic", "is_active"]
    list_filter = ["profession", "clinic", "is_active"]
    list_select_related = ["clinic"]
    search_fields = ["name"]


@admin.register(ProfessionFact)
class ProfessionFactAdmin(TabbedTranslationAdmin):
    list_display = ["profession", "topic", "text", "source_name"]
    list_filter = ["profession", "topic"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Postcode)
class PostcodeAdmin(admin.ModelAdmin):
    list_display = ["code", "place", "municipality", "county"]
    search_fields = ["code", "place"]

    def has_add_permission(self, request):
        return False  # loaded by `manage.py import_postcodes`

    def has_change_permission(self, request, obj=None):
        return False
