from django.urls import path
from django.utils.translation import pgettext_lazy

from booking import views

app_name = "booking"

urlpatterns = [
    path("", views.BookingStartView.as_view(), name="index"),
    path(
        pgettext_lazy("url", "confirmation/"),
        views.ConfirmationView.as_view(),
        name="confirmation",
    ),
    path(
        pgettext_lazy("url", "cancel/<str:token>/"),
        views.CancelView.as_view(),
        name="cancel",
    ),
    path(
        pgettext_lazy("url", "change/<str:token>/"),
        views.ChangeTimesView.as_view(),
        name="change",
    ),
    path(
        pgettext_lazy("url", "change/<str:token>/<int:slot_id>/"),
        views.ChangeConfirmView.as_view(),
        name="change_confirm",
    ),
    path(
        pgettext_lazy("url", "calendar/<str:token>.ics"),
        views.calendar_feed,
        name="calendar_feed",
    ),
    path(
        pgettext_lazy("url", "waiting-list/<str:token>/"),
        views.WaitlistEntryView.as_view(),
        name="waitlist_entry",
    ),
    path(
        pgettext_lazy("url", "<slug:clinic>/waiting-list/"),
        views.WaitlistJoinView.as_view(),
        name="waitlist_join",
    ),
    path("<slug:clinic>/", views.ClinicSlotsView.as_view(), name="clinic"),
    path("<slug:clinic>/<int:slot_id>/", views.SlotBookView.as_view(), name="book"),
]

# Mounted under this translated prefix by nemus_site.urls.
URL_PREFIX = pgettext_lazy("url", "booking/")
