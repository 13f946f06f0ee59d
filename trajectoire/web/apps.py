from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "trajectoire.web"
    label = "web"
    verbose_name = "interface web"
