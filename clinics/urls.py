from django.urls import path
from django.utils.translation import pgettext_lazy

from clinics import views

app_name = "clinics"

urlpatterns = [
    path("", views.ClinicListView.as_view(), name="list"),
    path("<slug:slug>/", views.ClinicDetailView.as_view(), name="detail"),
]

# Mounted under this translated prefix by nemus_site.urls.
URL_PREFIX = pgettext_lazy("url", "clinics/")
