"""The regulated workflow of an accompaniment: one table of allowed moves.

Nothing but the services of this module assigns `Accompaniment.state`; each writes a CaseTransition
(who, when, from, to, why). Preconditions follow the Code du travail (sources in each docstring).
Dates are always passed in by the caller: nothing here asks for today's date.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction

from trajectoire.accounts.enums import AuditAction
from trajectoire.accounts.models import User
from trajectoire.accounts.services import audit_record
from trajectoire.cases.dates import add_months
from trajectoire.cases.enums import OPEN_STATES, ConsentKind, State
from trajectoire.cases.errors import CaseRuleError
from trajectoire.cases.models import Accompaniment, CaseTransition

# Days an employee has to sign the tripartite agreement once the draft is sent; silence is a refusal
# (C. trav. R6313-8).
TRIPARTITE_DELAY_DAYS = 10


@dataclass(frozen=True)
class Move:
    name: str
    sources: frozenset[State]
    target: State
    label: str


MOVES = {
    move.name: move
    for move in [
        Move("start", frozenset({State.REQUEST}), State.PRELIMINARY, "Commencer la phase préliminaire"),
        Move("investigate", frozenset({State.PRELIMINARY}), State.INVESTIGATION, "Passer à la phase d'investigation"),
        Move("conclude", frozenset({State.INVESTIGATION}), State.CONCLUSION, "Passer à la phase de conclusion"),
        Move("close", frozenset({State.CONCLUSION}), State.CLOSED, "Clôturer le bilan"),
        Move("abandon", frozenset(OPEN_STATES), State.ABANDONED, "Abandonner"),
    ]
}


def available_moves(accompaniment: Accompaniment) -> list[Move]:
    return [move for move in MOVES.values() if accompaniment.state in move.sources]


def _check_source(accompaniment: Accompaniment, move: Move) -> None:
    if accompaniment.state not in move.sources:
        raise CaseRuleError(
            f"Action impossible : l'accompagnement est à l'étape « {accompaniment.get_state_display()} »."
        )


def _record(accompaniment: Accompaniment, move: Move, *, actor: User, reason: str, fields: list[str]) -> None:
    CaseTransition.objects.create(
        accompaniment=accompaniment,
        actor=actor,
        from_state=accompaniment.state,
        to_state=move.target,
        reason=reason,
    )
    accompaniment.state = move.target
    accompaniment.save(update_fields=["state", *fields, "updated_at"])
    audit_record(
        actor=actor, action=AuditAction.UPDATE, obj=accompaniment, centre_id=accompaniment.centre_id, fields=["state"]
    )


def _active_consent(accompaniment: Accompaniment, kind: ConsentKind, on: date):
    return next((c for c in accompaniment.consents.filter(kind=kind) if c.is_active_on(on)), None)


def check_can_start(accompaniment: Accompaniment, *, on: date) -> None:
    """The bilan needs the person's consent (L6313-4 al. 2). An employer-initiated bilan needs the
    tripartite agreement signed within 10 days of its sending; silence is a refusal (R6313-8)."""
    if _active_consent(accompaniment, ConsentKind.BILAN_AGREEMENT, on) is None:
        raise CaseRuleError(
            "Le bilan ne peut commencer sans le consentement de la personne (C. trav. L6313-4) : "
            "enregistrez son accord dans « Consentements »."
        )
    if not accompaniment.needs_tripartite_agreement:
        return
    agreements = list(accompaniment.consents.filter(kind=ConsentKind.TRIPARTITE))
    if not agreements or all(a.sent_on is None for a in agreements):
        raise CaseRuleError(
            "Bilan à l'initiative de l'employeur : la convention tripartite doit être envoyée au salarié puis "
            "signée avant de commencer (C. trav. R6313-8). Enregistrez sa date d'envoi."
        )
    for agreement in agreements:
        if agreement.sent_on is None:
            continue
        deadline = agreement.sent_on + timedelta(days=TRIPARTITE_DELAY_DAYS)
        if agreement.is_active_on(on) and agreement.given_on <= deadline:
            return
    latest = max((a for a in agreements if a.sent_on), key=lambda a: a.sent_on)
    deadline = latest.sent_on + timedelta(days=TRIPARTITE_DELAY_DAYS)
    if latest.given_on is not None and latest.given_on > deadline:
        raise CaseRuleError(
            f"La convention tripartite a été signée le {latest.given_on:%d/%m/%Y}, après le délai de 10 jours "
            f"(échu le {deadline:%d/%m/%Y}) : le silence du salarié valait refus (C. trav. R6313-8). "
            "Envoyez une nouvelle convention."
        )
    if on > deadline:
        raise CaseRuleError(
            f"La convention tripartite envoyée le {latest.sent_on:%d/%m/%Y} n'a pas été signée dans les 10 jours "
            f"(échéance le {deadline:%d/%m/%Y}) : le silence vaut refus (C. trav. R6313-8). "
            "Le bilan ne peut pas commencer ; une nouvelle convention peut être proposée."
        )
    raise CaseRuleError(
        f"La convention tripartite envoyée le {latest.sent_on:%d/%m/%Y} n'est pas encore signée : le salarié a "
        f"jusqu'au {deadline:%d/%m/%Y} (C. trav. R6313-8)."
    )


@transaction.atomic
def accompaniment_start(*, actor: User, accompaniment: Accompaniment, on: date, reason: str = "") -> Accompaniment:
    move = MOVES["start"]
    _check_source(accompaniment, move)
    check_can_start(accompaniment, on=on)
    accompaniment.started_on = on
    _record(accompaniment, move, actor=actor, reason=reason, fields=["started_on"])
    return accompaniment


@transaction.atomic
def accompaniment_investigate(*, actor: User, accompaniment: Accompaniment, reason: str = "") -> Accompaniment:
    move = MOVES["investigate"]
    _check_source(accompaniment, move)
    _record(accompaniment, move, actor=actor, reason=reason, fields=[])
    return accompaniment


@transaction.atomic
def accompaniment_conclude(*, actor: User, accompaniment: Accompaniment, reason: str = "") -> Accompaniment:
    move = MOVES["conclude"]
    _check_source(accompaniment, move)
    _record(accompaniment, move, actor=actor, reason=reason, fields=[])
    return accompaniment


@transaction.atomic
def accompaniment_close(*, actor: User, accompaniment: Accompaniment, on: date, reason: str = "") -> Accompaniment:
    """Closure needs the synthesis validated by the person in its current version. It schedules the
    follow-up interview (centre setting, good practice) and the destruction of working documents."""
    from trajectoire.cases.tasks import apply_retention

    move = MOVES["close"]
    _check_source(accompaniment, move)
    synthesis = getattr(accompaniment, "synthesis", None)
    if synthesis is None or not synthesis.is_validated:
        raise CaseRuleError(
            "Le bilan ne peut être clôturé qu'après validation par la personne de la dernière version du "
            "document de synthèse."
        )
    accompaniment.ended_on = on
    accompaniment.follow_up_on = add_months(on, accompaniment.centre.follow_up_months)
    _record(accompaniment, move, actor=actor, reason=reason, fields=["ended_on", "follow_up_on"])
    transaction.on_commit(lambda: apply_retention.enqueue(accompaniment_id=accompaniment.pk, on=on.isoformat()))
    return accompaniment


@transaction.atomic
def accompaniment_abandon(*, actor: User, accompaniment: Accompaniment, on: date, reason: str) -> Accompaniment:
    from trajectoire.cases.tasks import apply_retention

    move = MOVES["abandon"]
    _check_source(accompaniment, move)
    if not reason.strip():
        raise CaseRuleError("Indiquez le motif de l'abandon.", field="reason")
    accompaniment.ended_on = on
    accompaniment.abandon_reason = reason.strip()
    _record(accompaniment, move, actor=actor, reason=reason.strip(), fields=["ended_on", "abandon_reason"])
    transaction.on_commit(lambda: apply_retention.enqueue(accompaniment_id=accompaniment.pk, on=on.isoformat()))
    return accompaniment
