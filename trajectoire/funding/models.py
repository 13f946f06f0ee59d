from django.conf import settings
from django.db import models

from trajectoire.cases.models import Accompaniment, CaseQuerySet


class SchemeEvaluation(models.Model):
    """One stored answer of the schemes engine for a case: its facts, its date and the catalogue version, so the
    answer can be reproduced (same facts, same date, same catalogue → same result) and explained later."""

    # Facts describe the person's situation (some are health data, RGPD art. 9): funnel and audit required.
    PERSONAL_DATA = True

    accompaniment = models.ForeignKey(
        Accompaniment, on_delete=models.PROTECT, related_name="scheme_evaluations", verbose_name="accompagnement"
    )
    evaluated_on = models.DateField("date d'évaluation")
    facts = models.JSONField("faits", default=dict)
    catalogue_version = models.CharField("version du catalogue des règles", max_length=60)
    result = models.JSONField("résultat", default=dict)
    sensitive_facts_consented = models.BooleanField(
        "consentement explicite aux données de santé",
        default=False,
        help_text="Seulement quand une réponse touche à la santé (RGPD art. 9).",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="enregistrée par"
    )
    created_at = models.DateTimeField("enregistrée le", auto_now_add=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = "évaluation des pistes de financement"
        verbose_name_plural = "évaluations des pistes de financement"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"évaluation au {self.evaluated_on:%d/%m/%Y}"

    @property
    def catalogue_label(self) -> str:
        """« catalogue du 1er décembre 2026, 86 règles » when the result carries it (since 2026.12.1)."""
        return str(self.result.get("catalogue_label") or f"catalogue {self.catalogue_version}")

    @property
    def scheme_results(self) -> list[dict]:
        return list(self.result.get("schemes", []))
