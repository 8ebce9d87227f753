from django.urls import path
from django.utils.translation import pgettext_lazy

from conditions import views

app_name = "conditions"

urlpatterns = [
    path("", views.ConditionListView.as_view(), name="index"),
    path("<slug:slug>/", views.ConditionDetailView.as_view(), name="detail"),
]

# Mounted under this translated prefix by nemus_site.urls.
URL_PREFIX = pgettext_lazy("url", "conditions/")
