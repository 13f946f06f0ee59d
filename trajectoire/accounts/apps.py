from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "trajectoire.accounts"
    label = "accounts"
    verbose_name = "comptes et centres"

    def ready(self):
        from django.contrib.auth.signals import user_login_failed

        from trajectoire.accounts.audit import login_failed

        # Failed logins are security events of the audit log (never the password tried).
        user_login_failed.connect(login_failed, dispatch_uid="trajectoire.audit.login_failed")
