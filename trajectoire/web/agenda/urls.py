from django.urls import path

from trajectoire.web.agenda import views

urlpatterns = [
    path("agenda/", views.agenda, name="calendar"),
    path("agenda/planifier/", views.agenda_plan, name="agenda_plan"),
    path("agenda/calendrier/", views.agenda_feeds, name="agenda_feeds"),
    path("agenda/calendrier/<int:feed_pk>/revocation/", views.agenda_feed_revoke, name="agenda_feed_revoke"),
    path("agenda/ics/<str:token>.ics", views.agenda_ics, name="agenda_ics"),
    path("rendez-vous/annuler/<str:signed>/", views.session_person_cancel, name="session_person_cancel"),
]
