from django.contrib import admin
from modeltranslation.admin import TabbedTranslationAdmin

from nemus_site.models import Page, Redirect


class LabelledTabularMixin:
    """Tabular inlines label their fields only in the table's header, which screen
    readers and axe do not tie to the inputs below: give each input its name."""

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)

        class Labelled(formset):
            def add_fields(self, form, index):
                super().add_fields(form, index)
                for name, field in form.fields.items():
                    field.widget.attrs.setdefault(
                        "aria-label", str(field.label or name)
                    )

        return Labelled


@admin.register(Page)
class PageAdmin(TabbedTranslationAdmin):
    list_display = ["title", "key", "updated_at"]
    readonly_fields = ["updated_at"]
    fields = ["key", "title", "lead", "body", "updated_at"]

    def has_delete_permission(self, request, obj=None):
        # The site links to every page by its key; deleting one would break the footer.
        return False


@admin.register(Redirect)
class RedirectAdmin(admin.ModelAdmin):
    list_display = ["old_path", "new_path"]
    search_fields = ["old_path", "new_path"]
