from modeltranslation.translator import TranslationOptions, register

from clinics.models import Clinic, Closure, Practitioner


@register(Clinic)
class ClinicTranslationOptions(TranslationOptions):
    fields = ("description", "directions", "parking", "photo_alt")


@register(Closure)
class ClosureTranslationOptions(TranslationOptions):
    fields = ("reason",)


@register(Practitioner)
class PractitionerTranslationOptions(TranslationOptions):
    fields = ("bio", "photo_alt")
