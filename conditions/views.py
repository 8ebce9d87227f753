from django.conf import settings
from django.http import Http404
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from clinics.forms import ClinicSearchForm
from clinics.selectors import clinic_list_for_map, map_markers, map_settings
from conditions.models import ConditionPart
from conditions.selectors import condition_get_for_reader, condition_list_published
from conditions.warning_signs import warning_signs_of
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


class ConditionDetailView(PublicPageMixin, TemplateView):
    template_name = "conditions/condition_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        request = self.request
        condition = condition_get_for_reader(
            slug=kwargs["slug"], include_drafts=request.user.is_staff
        )
        if condition is None:
            raise Http404("No such condition")
        request.alternate_urls = {
            code: condition.url_in(code) for code, _name in settings.LANGUAGES
        }
        parts = list(condition.parts.all())
        sections = [part for part in parts if part.kind != ConditionPart.Kind.INTRO]
        if any(part.kind == ConditionPart.Kind.HELP for part in sections):
            # "Finn din nærmeste klinikk i kartet": a search for the soonest times
            # near the reader (the booking page), the map and the finder.
            context.update(
                finder_form=ClinicSearchForm(),
                clinic_markers=map_markers(clinic_list_for_map()),
                map_settings=map_settings(),
            )
        context.update(
            condition=condition,
            intro=[part for part in parts if part.kind == ConditionPart.Kind.INTRO],
            warning=warning_signs_of(condition),
            content_changed_at=content_changed_at(condition),
            sections=sections,
            canonical_url=request.build_absolute_uri(condition.get_absolute_url()),
            structured_data=self.structured_data(condition, parts),
            breadcrumbs=[
                (_("Home"), reverse("home")),
                (_("Conditions"), reverse("conditions:index")),
                (condition.title, ""),
            ],
        )
        return context

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
