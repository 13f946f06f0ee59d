from django.urls import path

from trajectoire.web.agenda.urls import urlpatterns as agenda_urls
from trajectoire.web.audit import views as audit
from trajectoire.web.auth import views as auth
from trajectoire.web.beneficiaries import views as beneficiaries
from trajectoire.web.cases.urls import urlpatterns as case_urls
from trajectoire.web.explore import views as explore
from trajectoire.web.funding import views as funding
from trajectoire.web.home import views as home
from trajectoire.web.referentials import views as referentials

app_name = "web"

urlpatterns = [
    path("", home.home, name="home"),
    # Authentication
    path("connexion/", auth.login_view, name="login"),
    path("deconnexion/", auth.logout_view, name="logout"),
    path("compte/2fa/activer/", auth.otp_setup, name="otp_setup"),
    path("compte/2fa/verifier/", auth.otp_verify, name="otp_verify"),
    path("compte/2fa/retirer/", auth.otp_remove, name="otp_remove"),
    path("mot-de-passe/oubli/", auth.password_reset, name="password_reset"),
    path("mot-de-passe/oubli/envoye/", auth.password_reset_done, name="password_reset_done"),
    path("mot-de-passe/nouveau/<uidb64>/<token>/", auth.password_reset_confirm, name="password_reset_confirm"),
    path("mot-de-passe/nouveau/fait/", auth.password_reset_complete, name="password_reset_complete"),
    path("centre/changer/", auth.switch_centre, name="switch_centre"),
    # Beneficiaries
    path("beneficiaires/", beneficiaries.beneficiary_list, name="beneficiary_list"),
    path("beneficiaires/nouveau/", beneficiaries.beneficiary_create_view, name="beneficiary_create"),
    path("beneficiaires/<int:pk>/", beneficiaries.beneficiary_detail, name="beneficiary_detail"),
    path("beneficiaires/<int:pk>/modifier/", beneficiaries.beneficiary_edit, name="beneficiary_edit"),
    path("explorer/", explore.explore, name="explore"),
    # Centre management
    path("centre/journal/", audit.audit_log, name="audit_log"),
    path("centre/regles/", funding.scheme_rules, name="scheme_rules"),
    # ROME referential
    path("referentiel/", referentials.browse, name="referential_browse"),
    path("referentiel/recherche/", referentials.search_view, name="referential_search"),
    path("referentiel/domaines/<str:code>/", referentials.domain_detail, name="referential_domain"),
    path("referentiel/metiers/<str:code>/", referentials.occupation_detail, name="referential_occupation"),
    path("referentiel/competences/<int:ogr_code>/", referentials.skill_detail, name="referential_skill"),
    path("referentiel/autocompletion/<str:source>/", referentials.autocomplete, name="referential_autocomplete"),
]

urlpatterns += case_urls
urlpatterns += agenda_urls
