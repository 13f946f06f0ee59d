from django.apps import AppConfig


class FundingConfig(AppConfig):
    name = "trajectoire.funding"
    label = "funding"
    verbose_name = "pistes de financement"
