from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from trajectoire.accounts.access import centre_ids_of
from trajectoire.accounts.models import Centre, postal_code_validator
from trajectoire.cases.enums import EmploymentStatus


class BeneficiaryQuerySet(models.QuerySet["Beneficiary"]):
    def visible_to(self, user) -> "BeneficiaryQuerySet":
        """Beneficiaries of the centres where the user is an active member; nothing for anyone else."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(centre_id__in=centre_ids_of(user))

    def search(self, query: str) -> "BeneficiaryQuerySet":
        query = query.strip()
        if not query:
            return self
        condition = Q()
        for word in query.split():
            condition &= (
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(email__icontains=word)
                | Q(postal_code__startswith=word)
            )
        return self.filter(condition)


class Beneficiary(models.Model):
    """The person accompanied. Data minimisation: nothing beyond what the accompaniment needs
    (C. trav. L6313-4 al. 3) — no social security number, no health details."""

    # Marks the model as holding personal data: it must have an access funnel (tests/test_consistency.py).
    PERSONAL_DATA = True

    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="beneficiaries", verbose_name="centre")
    counsellor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="beneficiaries",
        verbose_name="conseiller référent",
    )
    first_name = models.CharField("prénom", max_length=100)
    last_name = models.CharField("nom", max_length=100)
    email = models.EmailField("adresse e-mail", blank=True)
    phone = models.CharField("téléphone", max_length=20, blank=True)
    birth_year = models.PositiveSmallIntegerField("année de naissance", null=True, blank=True)
    postal_code = models.CharField("code postal", max_length=5, blank=True, validators=[postal_code_validator])
    employment_status = models.CharField("situation professionnelle", max_length=20, choices=EmploymentStatus.choices)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    objects = BeneficiaryQuerySet.as_manager()

    class Meta:
        verbose_name = "bénéficiaire"
        verbose_name_plural = "bénéficiaires"
        ordering = ["last_name", "first_name", "id"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"), "centre", condition=~Q(email=""), name="beneficiary_email_unique_per_centre"
            ),
            models.CheckConstraint(
                condition=Q(birth_year__isnull=True) | Q(birth_year__gte=1900, birth_year__lte=2100),
                name="beneficiary_birth_year_plausible",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"
