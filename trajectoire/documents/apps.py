from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "trajectoire.documents"
    label = "documents"
    verbose_name = "documents"
