from modeltranslation.translator import TranslationOptions, register

from conditions.models import Condition, ConditionItem, ConditionPart


@register(Condition)
class ConditionTranslationOptions(TranslationOptions):
    fields = ("title", "slug", "summary", "needs_clinical_review")
    required_languages = ("nb",)


@register(ConditionPart)
class ConditionPartTranslationOptions(TranslationOptions):
    fields = ("heading", "lead", "after", "source", "needs_clinical_review")


@register(ConditionItem)
class ConditionItemTranslationOptions(TranslationOptions):
    fields = ("text", "detail")
    required_languages = ("nb",)
