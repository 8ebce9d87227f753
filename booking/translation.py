from modeltranslation.translator import TranslationOptions, register

from booking.models import AppointmentType


@register(AppointmentType)
class AppointmentTypeTranslationOptions(TranslationOptions):
    fields = ("name", "description")
    required_languages = ("nb",)
