from django.contrib import admin
from modeltranslation.admin import TabbedTranslationAdmin

from nemus_site.models import Page, Redirect


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
