from modeltranslation.translator import TranslationOptions, register

from clinics.models import Clinic, Closure, Practitioner, ProfessionFact


@register(Clinic)
class ClinicTranslationOptions(TranslationOptions):
    fields = ("description", "directions", "parking", "photo_alt")


@register(Closure)
class ClosureTranslationOptions(TranslationOptions):
    fields = ("reason",)


@register(Practitioner)
class PractitionerTranslationOptions(TranslationOptions):
    fields = ("bio", "photo_alt")


@register(ProfessionFact)
class ProfessionFactTranslationOptions(TranslationOptions):
    fields = ("text",)
    required_languages = ("nb", "en")
