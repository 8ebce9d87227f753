from modeltranslation.translator import TranslationOptions, register

from conditions.models import Condition, ConditionItem, ConditionPart, WarningSign


@register(Condition)
class ConditionTranslationOptions(TranslationOptions):
    fields = (
        "title",
        "slug",
        "summary",
        "warning_subject",
        "needs_clinical_review",
    )
    required_languages = ("nb",)


@register(ConditionPart)
class ConditionPartTranslationOptions(TranslationOptions):
    fields = ("heading", "lead", "after", "needs_clinical_review")


@register(ConditionItem)
class ConditionItemTranslationOptions(TranslationOptions):
    fields = ("text", "detail")
    required_languages = ("nb",)


@register(WarningSign)
class WarningSignTranslationOptions(TranslationOptions):
    fields = ("text", "detail")
    required_languages = ("nb",)
