from modeltranslation.translator import TranslationOptions, register

from nemus_site.models import Page


@register(Page)
class PageTranslationOptions(TranslationOptions):
    fields = ("title", "lead", "body")
    required_languages = ("nb",)
