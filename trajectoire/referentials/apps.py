from django.apps import AppConfig


class ReferentialsConfig(AppConfig):
    name = "trajectoire.referentials"
    label = "referentials"
    verbose_name = "référentiels (ROME, tension, ESCO)"
