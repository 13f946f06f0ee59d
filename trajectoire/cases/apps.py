from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "trajectoire.cases"
    label = "cases"
    verbose_name = "bénéficiaires et accompagnements"
