from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import (
    TabbedTranslationAdmin,
    TranslationStackedInline,
    TranslationTabularInline,
)

from conditions.models import Condition, ConditionItem, ConditionPart

# A source typed without a scheme is an https:// address.
URL_FIELDS_HTTPS = {models.URLField: {"assume_scheme": "https"}}


class ConditionPartInline(TranslationStackedInline):
    model = ConditionPart
    formfield_overrides = URL_FIELDS_HTTPS
    extra = 0
    show_change_link = True
    fields = [
        "order",
        "kind",
        "heading",
        "lead",
        "after",
        "source",
        "source_url",
        "needs_clinical_review",
    ]


class ConditionItemInline(TranslationTabularInline):
    model = ConditionItem
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 40})}
    }
    extra = 1
    fields = ["order", "text", "detail", "number", "out_of"]


def _needs_review_anywhere():
    flags = Q(needs_clinical_review_nb=True) | Q(needs_clinical_review_en=True)
    return flags | Q(
        Exists(ConditionPart.objects.filter(flags, condition=OuterRef("pk")))
    )


@admin.register(Condition)
class ConditionAdmin(TabbedTranslationAdmin):
    list_display = ["title", "status", "review_needed", "last_reviewed", "next_review"]
    list_filter = ["status"]
    search_fields = ["title_nb", "title_en"]
    inlines = [ConditionPartInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "status"]}),
        (
            _("Clinical review"),
            {
                "fields": [
                    "needs_clinical_review",
                    "last_reviewed",
                    "reviewed_by",
                    "next_review",
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(review_needed_flag=_needs_review_anywhere())
        )

    @admin.display(boolean=True, description=_("needs clinical review"))
    def review_needed(self, obj):
        return obj.review_needed_flag


@admin.register(ConditionPart)
class ConditionPartAdmin(TabbedTranslationAdmin):
    formfield_overrides = URL_FIELDS_HTTPS
    list_display = ["__str__", "condition", "kind", "order"]
    list_filter = ["condition", "kind"]
    list_select_related = ["condition"]
    inlines = [ConditionItemInline]
    fields = [
        "condition",
        "order",
        "kind",
        "heading",
        "lead",
        "after",
        "source",
        "source_url",
        "needs_clinical_review",
    ]
