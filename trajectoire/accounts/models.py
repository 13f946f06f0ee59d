import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone

from trajectoire.accounts.enums import AuditAction, Role
from trajectoire.accounts.validators import validate_siret

postal_code_validator = RegexValidator(
    r"^(?:0[1-9]|[1-8]\d|9[0-8])\d{3}$", "Saisissez un code postal français à 5 chiffres, par exemple 31000."
)


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields) -> "User":
        if not email:
            raise ValueError("L'adresse e-mail est obligatoire.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def get_by_natural_key(self, username: str | None) -> "User":
        # Addresses are stored in lower case; people type them as they like.
        return self.get(email=(username or "").strip().lower())

    def create_user(self, email: str, password: str | None = None, **extra_fields) -> "User":
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields) -> "User":
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in: counsellor, manager, centre administrator, network analyst or operator.

    Roles within a centre live on Membership; `is_network_analyst` is the federation-level role that
    sees aggregates only and never personal data.
    """

    email = models.EmailField("adresse e-mail", unique=True)
    first_name = models.CharField("prénom", max_length=150)
    last_name = models.CharField("nom", max_length=150)
    is_active = models.BooleanField("actif", default=True)
    is_staff = models.BooleanField(
        "accès à l'administration technique", default=False, help_text="Réservé aux opérateurs de la plateforme."
    )
    is_network_analyst = models.BooleanField(
        "analyste du réseau",
        default=False,
        help_text="Voit des statistiques agrégées de tous les centres, jamais de données personnelles.",
    )
    date_joined = models.DateTimeField("date de création", default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    class Meta:
        verbose_name = "utilisateur"
        verbose_name_plural = "utilisateurs"
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)


class Centre(models.Model):
    """An organisation delivering accompaniments (a CIBC or a peer)."""

    name = models.CharField("nom", max_length=200, unique=True)
    siret = models.CharField("SIRET", max_length=14, unique=True, validators=[validate_siret])
    address = models.CharField("adresse", max_length=255, blank=True)
    postal_code = models.CharField("code postal", max_length=5, validators=[postal_code_validator])
    city = models.CharField("commune", max_length=120)
    logo = models.FileField(
        "logo",
        upload_to="centres/logos/",
        blank=True,
        help_text="PNG ou SVG, imprimé en tête du document de synthèse.",
    )
    follow_up_months = models.PositiveSmallIntegerField(
        "délai de l'entretien de suivi (mois)",
        default=6,
        help_text="Entretien proposé après la clôture d'un bilan : bonne pratique, pas une obligation légale.",
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        verbose_name = "centre"
        verbose_name_plural = "centres"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self) -> "MembershipQuerySet":
        return self.filter(is_active=True, user__is_active=True)


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships", verbose_name="utilisateur")
    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, related_name="memberships", verbose_name="centre")
    role = models.CharField("rôle", max_length=20, choices=Role.choices)
    is_active = models.BooleanField("actif", default=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = "appartenance à un centre"
        verbose_name_plural = "appartenances à un centre"
        constraints = [models.UniqueConstraint(fields=["user", "centre"], name="membership_one_per_user_and_centre")]

    def __str__(self) -> str:
        return f"{self.user} — {self.centre} ({self.get_role_display()})"


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self) -> "ApiTokenQuerySet":
        return self.filter(revoked_at__isnull=True, user__is_active=True)


class ApiToken(models.Model):
    """A bearer token for the JSON API. Only a SHA-256 digest is stored; the token is shown once."""

    PREFIX = "trj_"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name="utilisateur")
    name = models.CharField("nom", max_length=100)
    digest = models.CharField("empreinte", max_length=64, unique=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    last_used_at = models.DateTimeField("dernière utilisation", null=True, blank=True)
    revoked_at = models.DateTimeField("révoqué le", null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = "jeton d'API"
        verbose_name_plural = "jetons d'API"

    def __str__(self) -> str:
        return f"{self.name} ({self.user})"

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def generate(cls) -> str:
        return cls.PREFIX + secrets.token_urlsafe(32)


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def for_centre(self, centre: Centre) -> "AuditEventQuerySet":
        return self.filter(centre=centre)

    def older_than(self, moment) -> "AuditEventQuerySet":
        return self.filter(created_at__lt=moment)


class AuditEvent(models.Model):
    """Who did what to which personal-data object, and when — never the content itself."""

    created_at = models.DateTimeField("date", default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="auteur",
    )
    # Kept so that the log stays readable after an account is deleted.
    actor_label = models.CharField("auteur (libellé)", max_length=300)
    centre = models.ForeignKey(
        Centre, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name="centre"
    )
    action = models.CharField("action", max_length=20, choices=AuditAction.choices)
    object_type = models.CharField("type d'objet", max_length=100)
    object_id = models.CharField("identifiant de l'objet", max_length=64)
    fields = models.JSONField("champs modifiés", default=list, blank=True)
    # The person whose data it is, by id only (the name is looked up while the record exists, so the log never
    # keeps a name after the file is destroyed).
    beneficiary_id = models.PositiveIntegerField("personne concernée (identifiant)", null=True, blank=True)
    # Lists and searches: how many people were shown.
    shown_count = models.PositiveIntegerField("personnes affichées", null=True, blank=True)
    ip_address = models.GenericIPAddressField("adresse IP", null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = "événement du journal d'audit"
        verbose_name_plural = "journal d'audit"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["centre", "-created_at"], name="audit_centre_date_idx"),
            models.Index(fields=["beneficiary_id", "-created_at"], name="audit_beneficiary_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_type}#{self.object_id}"


class CalendarFeedQuerySet(models.QuerySet["CalendarFeed"]):
    def usable(self) -> "CalendarFeedQuerySet":
        return self.filter(revoked_at__isnull=True, user__is_active=True)


class CalendarFeed(models.Model):
    """A counsellor's ICS feed behind a secret URL. Only the token's hash is stored; revoking it kills the URL."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="calendar_feeds", verbose_name="conseiller")
    digest = models.CharField("empreinte du jeton", max_length=64, unique=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    last_used_at = models.DateTimeField("dernière lecture", null=True, blank=True)
    revoked_at = models.DateTimeField("révoqué le", null=True, blank=True)

    objects = CalendarFeedQuerySet.as_manager()

    class Meta:
        verbose_name = "flux d'agenda"
        verbose_name_plural = "flux d'agenda"

    def __str__(self) -> str:
        return f"flux d'agenda de {self.user}"
