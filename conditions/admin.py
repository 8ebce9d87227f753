from urllib.parse import urlsplit

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, resolve
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import (
    TabbedTranslationAdmin,
    TranslationStackedInline,
    TranslationTabularInline,
)
from reversion.admin import VersionAdmin
from reversion.models import Version

from conditions.editorial import (
    REVIEW_LABELS,
    ReviewState,
    condition_readability,
    part_readability,
    review_q,
    review_state,
    texts_needing_review,
    translation_completeness,
)
from conditions.forms import WarningSignForm, WarningSignFormSet
from conditions.history import revision_changes
from conditions.models import (
    Condition,
    ConditionItem,
    ConditionPart,
    Source,
    WarningSign,
)
from conditions.readability import HARD, describe
from conditions.signoff_admin import SignOffAdminMixin
from conditions.views import ConditionDetailView
from nemus_site.admin import LabelledTabularMixin

# A source typed without a scheme is an https:// address.
URL_FIELDS_HTTPS = {models.URLField: {"assume_scheme": "https"}}
LANGUAGES = ("nb", "en")


# A part's own fields, in the order staff fill them in: in the article's inline and
# on the part's own page.
PART_FIELDS = [
    "order",
    "kind",
    "heading",
    "lead",
    "after",
    "source",
    "needs_clinical_review",
]


class ConditionPartInline(TranslationStackedInline):
    model = ConditionPart
    formfield_overrides = URL_FIELDS_HTTPS
    extra = 0
    show_change_link = True
    fields = PART_FIELDS


class WarningSignInline(TranslationStackedInline):
    """Each sign beside the source sentence that supports it, and whether a
    clinician has signed it off as it stands."""

    model = WarningSign
    form = WarningSignForm
    formset = WarningSignFormSet
    extra = 0
    fields = [
        "order",
        "level",
        "text",
        "detail",
        "source",
        "source_heading",
        "source_quote",
        "level_note",
        "review_status",
        "english_outdated",
    ]
    readonly_fields = ["review_status", "english_outdated"]

    @admin.display(description=_("clinical sign-off"))
    def review_status(self, obj):
        if obj is None or obj.pk is None:
            return _("New: a proposal until a clinician signs it off.")
        signed = {row["id"]: row for row in obj.condition.signed_warning_signs or []}
        if not obj.needs_clinical_review:
            return _("Signed off as it stands.")
        if obj.pk not in signed:
            return _("Proposal: not signed off yet.")
        before = signed[obj.pk].get("level")
        if before != obj.level:
            return _(
                "Proposal: changed since the sign-off (level was “%(level)s”)."
            ) % {"level": WarningSign.Level(before).label if before else "–"}
        return _("Proposal: changed since the sign-off.")


class ConditionItemInline(LabelledTabularMixin, TranslationTabularInline):
    model = ConditionItem
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 40})}
    }
    extra = 1
    fields = ["order", "text", "detail", "number", "out_of"]


class ReviewStateFilter(admin.SimpleListFilter):
    title = _("clinical review")
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return list(REVIEW_LABELS.items())

    def queryset(self, request, queryset):
        if self.value() in REVIEW_LABELS:
            return queryset.filter(review_q(self.value()))
        return queryset


def lix_cell_data(result) -> dict:
    """A LIX result as the admin's templates show it."""
    if result.score is None:
        return {"score": None}
    return {
        "score": f"{result.score:.0f}",
        "word": describe(result.score),
        "hard": result.is_hard,
    }


def lix_cell(result) -> str:
    return render_to_string(
        "admin/conditions/_lix.html", {"lix": lix_cell_data(result)}
    )


def readability_table(rows) -> str:
    """rows: (label, {language: Lix}); a table with a hint under hard parts."""
    hard = [label for label, by in rows if any(lix.is_hard for lix in by.values())]
    return render_to_string(
        "admin/conditions/readability_table.html",
        {
            "rows": [
                {
                    "label": label,
                    "nb": lix_cell_data(by["nb"]),
                    "en": lix_cell_data(by["en"]),
                }
                for label, by in rows
            ],
            "hard": HARD,
            "hard_parts": ", ".join(str(label).rstrip(".:") for label in hard),
        },
    )


@admin.register(Condition)
class ConditionAdmin(SignOffAdminMixin, VersionAdmin, TabbedTranslationAdmin):
    list_display = [
        "title",
        "status",
        "review",
        "languages",
        "parts_to_review",
        "readability",
    ]
    list_filter = [ReviewStateFilter, "status"]
    search_fields = ["title_nb", "title_en"]
    inlines = [WarningSignInline, ConditionPartInline]
    readonly_fields = [
        "readability_report",
        "editorial_report",
        "last_reviewed",
        "reviewer",
    ]
    change_form_template = "admin/conditions/condition/change_form.html"
    object_history_template = "reversion/conditions/condition/object_history.html"
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "warning_subject", "status"]}),
        (
            _("Clinical review"),
            {
                "fields": [
                    "needs_clinical_review",
                    "last_reviewed",
                    "reviewer",
                    "next_review",
                ],
                "description": _(
                    "A clinical reviewer signs off with the button at the bottom; "
                    "the page then names them and the date."
                ),
            },
        ),
        (
            _("Readability and translation"),
            {"fields": ["readability_report", "editorial_report"]},
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).with_parts().select_related("reviewed_by")

    @admin.display(description=_("reviewed by"))
    def reviewer(self, obj):
        return obj.reviewer_name or "–"

    @admin.display(description=_("clinical review"), ordering="next_review")
    def review(self, obj):
        state = review_state(obj)
        label = REVIEW_LABELS[state]
        due = (
            format_html(
                "<br>{} {}",
                _("next:"),
                date_format(obj.next_review, "SHORT_DATE_FORMAT"),
            )
            if obj.next_review
            else ""
        )
        if state == ReviewState.CURRENT:
            return format_html("{}{}", label, due)
        return format_html('<strong class="nm-admin-hard">{}</strong>{}', label, due)

    @admin.display(description=_("languages"))
    def languages(self, obj):
        parts = []
        for state in translation_completeness(obj):
            if state.complete:
                parts.append(_("%(language)s: complete") % {"language": state.language})
            else:
                parts.append(
                    _("%(language)s: %(missing)s texts missing")
                    % {"language": state.language, "missing": state.missing}
                )
        return format_html_join(mark_safe("<br>"), "{}", ((part,) for part in parts))

    @admin.display(description=_("parts needing clinical review"))
    def parts_to_review(self, obj):
        names = texts_needing_review(obj)
        if not names:
            return _("none")
        return format_html(
            '<span class="nm-admin-parts">{}</span>',
            ", ".join(str(name).rstrip(".:") for name in names),
        )

    @admin.display(description=_("LIX (nb / en)"))
    def readability(self, obj):
        nb, en = (condition_readability(obj, code) for code in LANGUAGES)
        return format_html("{} / {}", lix_cell(nb), lix_cell(en))

    @admin.display(description=_("readability (LIX)"))
    def readability_report(self, obj):
        if obj is None or obj.pk is None:
            return _("Shown once the article is saved.")
        rows = [
            (str(part), {c: part_readability(part, c) for c in LANGUAGES})
            for part in obj.parts.all()
        ]
        rows.append(
            (_("Whole article"), {c: condition_readability(obj, c) for c in LANGUAGES})
        )
        return readability_table(rows)

    @admin.display(description=_("translation and review"))
    def editorial_report(self, obj):
        if obj is None or obj.pk is None:
            return "–"
        return format_html(
            "{}<br>{}: {}",
            self.languages(obj),
            _("Parts needing clinical review"),
            self.parts_to_review(obj),
        )

    def get_urls(self):
        views = [
            ("<path:object_id>/forhandsvis/", self.preview_view, "preview"),
            ("forhandsvis/", self.preview_view, "preview_new"),
            ("<path:object_id>/godkjenn/", self.sign_off_view, "sign_off"),
            (
                "<path:object_id>/history/<int:version_id>/endringer/",
                self.changes_view,
                "changes",
            ),
        ]
        return [
            *(
                path(
                    route,
                    self.admin_site.admin_view(view),
                    name=f"conditions_condition_{name}",
                )
                for route, view, name in views
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request, object_id=None):
        """The article as patients would see it with the form's unsaved changes.

        The admin's own form handling saves the posted form inside a transaction; the
        public page is rendered from it, and the transaction is rolled back: nothing
        is stored, no history is written, and a form with errors is shown again."""
        if request.method != "POST":
            raise PermissionDenied
        language = request.GET.get("language", "nb")
        if language not in LANGUAGES:
            language = "nb"
        # "Save and continue editing": the admin then redirects to the saved
        # article's own page, which names it.
        request.POST = request.POST.copy()
        request.POST["_continue"] = "1"
        with transaction.atomic():
            response = self.changeform_view(request, object_id)
            # The admin's "changed successfully" is not true here.
            list(messages.get_messages(request))
            if response.status_code == 302:
                saved = resolve(urlsplit(response["Location"]).path).kwargs
                condition = Condition.objects.get(pk=saved["object_id"])
                with translation.override(language):
                    slug = condition.slug
                    view = ConditionDetailView(extra_context={"preview": True})
                    view.setup(request, slug=slug)
                    response = view.get(request, slug=slug)
                    response.render()
            transaction.set_rollback(True)
        response["Cache-Control"] = "no-store"
        response["X-Robots-Tag"] = "noindex"
        return response

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        context["can_sign_off"] = bool(
            obj and obj.pk and request.user.has_perm("conditions.sign_off_review")
        )
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)

    def changes_view(self, request, object_id, version_id):
        """What a saved revision changed, against the revision before it."""
        condition = get_object_or_404(Condition, pk=object_id)
        if not self.has_view_or_change_permission(request, condition):
            raise PermissionDenied
        version = get_object_or_404(
            Version.objects.get_for_object(condition).select_related("revision"),
            pk=version_id,
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": condition,
            "version": version,
            "changes": revision_changes(version),
            "title": _("Changes saved %(when)s")
            % {
                "when": date_format(
                    timezone.localtime(version.revision.date_created), "DATETIME_FORMAT"
                )
            },
        }
        return TemplateResponse(
            request, "admin/conditions/condition/changes.html", context
        )


@admin.register(ConditionPart)
class ConditionPartAdmin(VersionAdmin, TabbedTranslationAdmin):
    formfield_overrides = URL_FIELDS_HTTPS
    list_display = ["__str__", "condition", "kind", "order"]
    list_filter = ["condition", "kind"]
    list_select_related = ["condition"]
    inlines = [ConditionItemInline]
    readonly_fields = ["readability_report"]
    fields = ["condition", *PART_FIELDS, "readability_report"]

    @admin.display(description=_("readability (LIX)"))
    def readability_report(self, obj):
        if obj is None or obj.pk is None:
            return _("Shown once the part is saved.")
        return readability_table(
            [(str(obj), {c: part_readability(obj, c) for c in LANGUAGES})]
        )


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    formfield_overrides = URL_FIELDS_HTTPS
    list_display = ["title", "publisher", "year", "url"]
    search_fields = ["title", "publisher"]
