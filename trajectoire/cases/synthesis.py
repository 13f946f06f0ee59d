"""The document de synthèse: prefilled from the case, edited with optimistic locking, validated by
the person. Results belong to the person (C. trav. L6313-4 al. 3)."""

from datetime import date
from typing import Any

from django.db import transaction

from trajectoire.accounts.enums import AuditAction
from trajectoire.accounts.models import User
from trajectoire.accounts.services import audit_record
from trajectoire.cases.enums import PisteDecision, State, SuggestionStatus
from trajectoire.cases.errors import CaseRuleError, StaleEditError
from trajectoire.cases.models import Accompaniment, Synthesis, SynthesisVersion
from trajectoire.locking import update_versioned


def prefill(accompaniment: Accompaniment) -> dict[str, str]:
    """A first draft from what the case holds; the counsellor rewrites it with the person."""
    circumstances = (
        f"Bilan de compétences engagé à l'initiative de {accompaniment.get_initiated_by_display()}, "
        f"financé par : {accompaniment.get_funder_display()}."
    )
    if accompaniment.started_on:
        circumstances += f" Commencé le {accompaniment.started_on:%d/%m/%Y}."
    skills = [s.label for s in accompaniment.skills.filter(status=SuggestionStatus.ACCEPTED)]
    pistes = list(accompaniment.pistes.filter(decision=PisteDecision.RETAINED))
    projects = []
    for piste in pistes:
        line = f"• {piste.label} ({piste.code_rome}) — {piste.explanation}"
        if piste.missing_skills:
            line += " À développer : " + ", ".join(s["label"] for s in piste.missing_skills[:5]) + "."
        if piste.decision_reason:
            line += f" Pourquoi cette piste : {piste.decision_reason}"
        projects.append(line)
    steps = [
        f"• {step.get_kind_display()} : {step.description}"
        + (f" (échéance visée : {step.target_date:%m/%Y})" if step.target_date else "")
        for step in accompaniment.action_steps.all()
    ]
    return {
        "circumstances": circumstances,
        "skills": ("Compétences reconnues : " + " ; ".join(skills) + ".") if skills else "",
        "projects": "\n".join(projects),
        "steps": "\n".join(steps),
    }


@transaction.atomic
def synthesis_start(*, actor: User, accompaniment: Accompaniment) -> Synthesis:
    existing = Synthesis.objects.filter(accompaniment=accompaniment).first()
    if existing is not None:
        return existing
    synthesis = Synthesis.objects.create(accompaniment=accompaniment, updated_by=actor, **prefill(accompaniment))
    SynthesisVersion.objects.create(
        synthesis=synthesis,
        number=1,
        created_by=actor,
        **{name: getattr(synthesis, name) for name in Synthesis.SECTIONS},
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=synthesis, centre_id=accompaniment.centre_id)
    return synthesis


@transaction.atomic
def synthesis_save(*, actor: User, synthesis: Synthesis, data: dict[str, Any], base_version: int) -> Synthesis:
    if not synthesis.accompaniment.is_open:
        raise CaseRuleError("Le bilan est terminé : la synthèse ne se modifie plus.")
    values = {name: data[name] for name in Synthesis.SECTIONS}
    changed = update_versioned(
        synthesis,
        base_version=base_version,
        values=values,
        stale_message=(
            "La synthèse a été modifiée par quelqu'un d'autre depuis l'ouverture du formulaire : votre texte est "
            "conservé ci-dessous. Comparez avec la dernière version (historique), reportez vos changements, puis "
            "enregistrez."
        ),
        error_class=StaleEditError,
        updated_by=actor,
    )
    if not changed:
        return synthesis
    SynthesisVersion.objects.create(synthesis=synthesis, number=synthesis.version, created_by=actor, **values)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=synthesis,
        centre_id=synthesis.accompaniment.centre_id,
        fields=changed,
    )
    return synthesis


@transaction.atomic
def synthesis_validate(*, actor: User, synthesis: Synthesis, version: int, on: date) -> Synthesis:
    """Record that the person read and approved this exact version (in the session, or on paper). The
    synthesis closes the phase of conclusion (C. trav. R6313-4 3°): it is validated in that phase only."""
    state = synthesis.accompaniment.state
    if state != State.CONCLUSION:
        raise CaseRuleError(
            f"Le bilan est en « {synthesis.accompaniment.get_state_display()} » : la synthèse se valide pendant la "
            "phase de conclusion, qui en présente les résultats (C. trav. R6313-4 3°)."
        )
    if version != synthesis.version:
        raise CaseRuleError(
            f"La personne a relu la version {version}, mais la synthèse en est à la version {synthesis.version} : "
            "faites-lui valider la dernière version."
        )
    if not any(getattr(synthesis, name).strip() for name in Synthesis.SECTIONS):
        raise CaseRuleError("Une synthèse vide ne peut pas être validée.")
    synthesis.validated_version = version
    synthesis.validated_on = on
    synthesis.save(update_fields=["validated_version", "validated_on", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=synthesis,
        centre_id=synthesis.accompaniment.centre_id,
        fields=["validated_version", "validated_on"],
    )
    return synthesis
