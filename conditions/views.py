from dataclasses import dataclass

from django.conf import settings
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from clinics.forms import ClinicSearchForm
from clinics.selectors import clinic_list_for_map, map_markers, map_settings
from conditions.models import ConditionPart
from conditions.selectors import condition_get_for_reader, condition_list_published
from conditions.warning_signs import warning_signs_of
from nemus_site.fragments import edits_fragment
from nemus_site.page_cache import PublicPageMixin


def content_changed_at(condition):
    """When the text patients read last changed: the condition, a part or a sign
    (all prefetched), whichever was saved last."""
    moments = [condition.updated_at]
    moments += [part.updated_at for part in condition.parts.all()]
    moments += [sign.updated_at for sign in condition.warning_signs.all()]
    return max(moments)


class ConditionListView(PublicPageMixin, TemplateView):
    template_name = "conditions/condition_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["conditions"] = condition_list_published()
        context["breadcrumbs"] = [(_("Home"), reverse("home")), (_("Conditions"), "")]
        return context


@dataclass(frozen=True)
class RenderedArticle:
    """What the article page needs of a condition, rendered: kept per worker until
    the next staff edit (nemus_site/fragments.py), so a reader's request runs no
    query for the text and does not render it again."""

    title: str
    summary: str
    html: str  # the <article>, safe
    alternate_urls: dict
    canonical_url: str
    structured_data: dict
    breadcrumbs: tuple
    has_map: bool


class ConditionDetailView(PublicPageMixin, TemplateView):
    template_name = "conditions/condition_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        request, slug = self.request, kwargs["slug"]
        if context.get("preview"):
            article = self.render_article(slug, preview=True)
        else:
            key = ("article", slug, translation.get_language(), request.get_host())
            article = edits_fragment(request, key, lambda: self.render_article(slug))
        if article is None:
            raise Http404("No such condition")
        request.alternate_urls = article.alternate_urls
        context.update(
            condition=article,
            article_html=article.html,
            canonical_url=article.canonical_url,
            structured_data=article.structured_data,
            breadcrumbs=list(article.breadcrumbs),
            has_map=article.has_map,
        )
        return context

    def render_article(self, slug, preview=False) -> RenderedArticle | None:
        request = self.request
        condition = condition_get_for_reader(
            slug=slug, include_drafts=request.user.is_staff
        )
        if condition is None:
            return None
        parts = list(condition.parts.all())
        sections = [part for part in parts if part.kind != ConditionPart.Kind.INTRO]
        context = {
            "preview": preview,
            "condition": condition,
            "intro": [part for part in parts if part.kind == ConditionPart.Kind.INTRO],
            "warning": warning_signs_of(condition),
            "content_changed_at": content_changed_at(condition),
            "sections": sections,
        }
        has_map = any(part.kind == ConditionPart.Kind.HELP for part in sections)
        if has_map:
            # "Finn din nærmeste klinikk i kartet": a search for the soonest times
            # near the reader (the booking page), the map and the finder.
            context.update(
                finder_form=ClinicSearchForm(),
                clinic_markers=map_markers(clinic_list_for_map()),
                map_settings=map_settings(),
            )
        return RenderedArticle(
            title=condition.title,
            summary=condition.summary,
            html=render_to_string("conditions/_article.html", context, request),
            alternate_urls={
                code: condition.url_in(code) for code, _name in settings.LANGUAGES
            },
            canonical_url=request.build_absolute_uri(condition.get_absolute_url()),
            structured_data=self.structured_data(condition, parts),
            breadcrumbs=(
                (str(_("Home")), reverse("home")),
                (str(_("Conditions")), reverse("conditions:index")),
                (condition.title, ""),
            ),
            has_map=has_map,
        )

    def structured_data(self, condition, parts):
        """schema.org MedicalWebPage about a MedicalCondition, from the parts."""

        def names(kind, schema_type):
            return [
                {"@type": schema_type, "name": item.text}
                for part in parts
                if part.kind == kind
                for item in part.items.all()
            ]

        data = {
            "@context": "https://schema.org",
            "@type": "MedicalWebPage",
            "name": condition.title,
            "description": condition.summary,
            "url": self.request.build_absolute_uri(condition.get_absolute_url()),
            "inLanguage": translation.get_language(),
            "dateModified": content_changed_at(condition).date().isoformat(),
            "publisher": {"@type": "MedicalOrganization", "name": "NEMUS"},
            "about": {
                "@type": "MedicalCondition",
                "name": condition.title,
                "signOrSymptom": names(
                    ConditionPart.Kind.SYMPTOMS, "MedicalSignOrSymptom"
                ),
                "possibleTreatment": names(
                    ConditionPart.Kind.TREATMENT, "MedicalTherapy"
                ),
                "riskFactor": names(ConditionPart.Kind.CAUSES, "MedicalRiskFactor"),
            },
        }
        if condition.is_reviewed:
            data["lastReviewed"] = condition.last_reviewed.isoformat()
            data["reviewedBy"] = {"@type": "Person", "name": condition.reviewer_name}
        return data
