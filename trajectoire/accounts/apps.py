from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "trajectoire.accounts"
    label = "accounts"
    verbose_name = "comptes et centres"
