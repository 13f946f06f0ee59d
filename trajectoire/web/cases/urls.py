from django.urls import path

from trajectoire.web.cases import caseload_views, profile_views, session_views, synthesis_views, views, workflow_views
from trajectoire.web.cases.attendance_views import (
    attendance_code_confirm_view,
    attendance_code_send_view,
    attendance_correct_view,
    attendance_evidence_view,
    attendance_sheet_pdf_view,
    attendance_view,
)
from trajectoire.web.funding import views as funding

urlpatterns = [
    path("beneficiaires/<int:beneficiary_pk>/bilan/nouveau/", views.case_create, name="case_create"),
    path("accompagnements/<int:pk>/", views.case_detail, name="case_detail"),
    path("accompagnements/<int:pk>/modifier/", views.case_edit, name="case_edit"),
    path("accompagnements/<int:pk>/etape/<slug:move>/", workflow_views.move_confirm, name="case_move"),
    path("accompagnements/<int:pk>/entretiens/nouveau/", session_views.session_create_view, name="session_create"),
    path(
        "accompagnements/<int:pk>/entretiens/<int:session_pk>/modifier/",
        session_views.session_edit_view,
        name="session_edit",
    ),
    path(
        "accompagnements/<int:pk>/entretiens/<int:session_pk>/realise/",
        session_views.session_mark_held_view,
        name="session_mark_held",
    ),
    path(
        "accompagnements/<int:pk>/entretiens/<int:session_pk>/annulation/",
        session_views.session_cancel_view,
        name="session_cancel",
    ),
    path(
        "accompagnements/<int:pk>/entretiens/<int:session_pk>/absence/",
        session_views.session_mark_missed_view,
        name="session_mark_missed",
    ),
    path(
        "accompagnements/<int:pk>/taches/<int:task_pk>/fait/",
        session_views.case_task_done_view,
        name="case_task_done",
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
    path("accompagnements/<int:pk>/profil/", profile_views.profile, name="case_profile"),
    path(
        "accompagnements/<int:pk>/experiences/<int:experience_pk>/analyse/",
        profile_views.experience_analyse_view,
        name="experience_analyse",
    ),
    path(
        "accompagnements/<int:pk>/experiences/<int:experience_pk>/modifier/",
        profile_views.experience_edit_view,
        name="experience_edit",
    ),
    path(
        "accompagnements/<int:pk>/experiences/<int:experience_pk>/suppression/",
        profile_views.experience_delete_view,
        name="experience_delete",
    ),
    # Before the verdict pattern below, which would take « retrait » and « remise » for verdicts.
    path(
        "accompagnements/<int:pk>/competences/<int:skill_pk>/retrait/",
        profile_views.skill_remove_view,
        name="skill_remove",
    ),
    path(
        "accompagnements/<int:pk>/competences/<int:skill_pk>/remise/",
        profile_views.skill_restore_view,
        name="skill_restore",
    ),
    path(
        "accompagnements/<int:pk>/competences/<int:skill_pk>/<slug:verdict>/",
        profile_views.skill_decide_view,
        name="skill_decide",
    ),
    path("accompagnements/<int:pk>/competences/ajout/", profile_views.skill_declare_view, name="skill_declare"),
    path("accompagnements/<int:pk>/pistes/", profile_views.pistes, name="case_pistes"),
    path(
        "accompagnements/<int:pk>/pistes/<int:piste_pk>/decision/",
        profile_views.piste_decide_view,
        name="piste_decide",
    ),
    path("accompagnements/<int:pk>/plan/", profile_views.action_step_create_view, name="action_step_create"),
    path(
        "accompagnements/<int:pk>/plan/<int:step_pk>/modifier/",
        profile_views.action_step_edit_view,
        name="action_step_edit",
    ),
    path(
        "accompagnements/<int:pk>/plan/<int:step_pk>/suppression/",
        profile_views.action_step_delete_view,
        name="action_step_delete",
    ),
    path("accompagnements/<int:pk>/financement/", funding.case_funding, name="case_funding"),
    path(
        "accompagnements/<int:pk>/financement/<int:evaluation_pk>/",
        funding.case_funding_evaluation,
        name="case_funding_evaluation",
    ),
    path("centre/accompagnements/", caseload_views.centre_cases, name="centre_cases"),
    path("centre/accompagnements/export.csv", caseload_views.centre_cases_csv, name="centre_cases_csv"),
    # Émargement (attendance) of a held session, and the case's attendance sheet.
    path(
        "accompagnements/<int:pk>/entretiens/<int:session_pk>/emargement/",
        attendance_view,
        name="attendance",
    ),
    path(
        "accompagnements/<int:pk>/entretiens/<int:session_pk>/emargement/code/",
        attendance_code_send_view,
        name="attendance_code_send",
    ),
    path(
        "accompagnements/<int:pk>/entretiens/<int:session_pk>/emargement/code/confirmation/",
        attendance_code_confirm_view,
        name="attendance_code_confirm",
    ),
    path(
        "accompagnements/<int:pk>/entretiens/<int:session_pk>/emargement/preuve/",
        attendance_evidence_view,
        name="attendance_evidence",
    ),
    path(
        "accompagnements/<int:pk>/entretiens/<int:session_pk>/emargement/<int:attendance_pk>/correction/",
        attendance_correct_view,
        name="attendance_correct",
    ),
    path(
        "accompagnements/<int:pk>/emargement.pdf",
        attendance_sheet_pdf_view,
        name="attendance_sheet_pdf",
    ),
]
