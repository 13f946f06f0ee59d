from django.urls import path

from trajectoire.web.cases import caseload_views, synthesis_views, views

urlpatterns = [
    path("beneficiaires/<int:beneficiary_pk>/bilan/nouveau/", views.case_create, name="case_create"),
    path("accompagnements/<int:pk>/", views.case_detail, name="case_detail"),
    path("accompagnements/<int:pk>/modifier/", views.case_edit, name="case_edit"),
    path("accompagnements/<int:pk>/etape/<slug:move>/", views.case_move, name="case_move"),
    path("accompagnements/<int:pk>/entretiens/nouveau/", views.session_create_view, name="session_create"),
    path(
        "accompagnements/<int:pk>/entretiens/<int:session_pk>/modifier/", views.session_edit_view, name="session_edit"
    ),
    path("accompagnements/<int:pk>/consentements/nouveau/", views.consent_create_view, name="consent_create"),
    path(
        "accompagnements/<int:pk>/consentements/<int:consent_pk>/signature/",
        views.consent_sign_view,
        name="consent_sign",
    ),
    path(
        "accompagnements/<int:pk>/consentements/<int:consent_pk>/retrait/",
        views.consent_withdraw_view,
        name="consent_withdraw",
    ),
    path("accompagnements/<int:pk>/suivi/", views.follow_up_view, name="follow_up"),
    path("accompagnements/<int:pk>/synthese/", synthesis_views.synthesis_edit, name="synthesis_edit"),
    path(
        "accompagnements/<int:pk>/synthese/validation/",
        synthesis_views.synthesis_validate_view,
        name="synthesis_validate",
    ),
    path("accompagnements/<int:pk>/synthese/pdf/", synthesis_views.synthesis_pdf_view, name="synthesis_pdf"),
    path("ma-synthese/<str:token>/", synthesis_views.synthesis_person_view, name="synthesis_person"),
    path("agenda/", caseload_views.calendar_week, name="calendar"),
    path("centre/accompagnements/", caseload_views.centre_cases, name="centre_cases"),
    path("centre/accompagnements/export.csv", caseload_views.centre_cases_csv, name="centre_cases_csv"),
]
