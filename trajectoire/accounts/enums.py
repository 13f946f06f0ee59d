from django.db import models


class Role(models.TextChoices):
    COUNSELLOR = "counsellor", "conseiller ou conseillère"
    MANAGER = "manager", "responsable de centre"
    ADMIN = "admin", "administrateur du centre"


# Roles that may change personal data of any beneficiary of their centre.
CENTRE_WIDE_WRITE_ROLES = frozenset({Role.MANAGER, Role.ADMIN})


class AuditAction(models.TextChoices):
    VIEW = "view", "consultation"
    CREATE = "create", "création"
    UPDATE = "update", "modification"
    DELETE = "delete", "suppression"
    EXPORT = "export", "export"
    DESTROY = "destroy", "destruction (conservation échue)"
    LIST = "list", "consultation d'une liste"
    # Security events: refused access, failed logins, second-factor changes.
    DENIED = "denied", "accès refusé"
    LOGIN_FAILED = "login_failed", "échec de connexion"
    SECURITY = "security", "événement de sécurité"


SECURITY_ACTIONS = frozenset({AuditAction.DENIED, AuditAction.LOGIN_FAILED, AuditAction.SECURITY})
