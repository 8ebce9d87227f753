from modeltranslation.translator import TranslationOptions, register

from booking.models import AppointmentType, HelfoRate


@register(AppointmentType)
class AppointmentTypeTranslationOptions(TranslationOptions):
    fields = ("name", "description")
    required_languages = ("nb",)


@register(HelfoRate)
class HelfoRateTranslationOptions(TranslationOptions):
    fields = ("conditions",)
    required_languages = ("nb", "en")
