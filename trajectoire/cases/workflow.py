"""The regulated workflow of an accompaniment: one table of allowed moves.

Nothing but the services of this module assigns `Accompaniment.state`; each writes a CaseTransition
(who, when, from, to, why). Preconditions follow the Code du travail (sources in each docstring).
Dates are always passed in by the caller: nothing here asks for today's date.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from trajectoire.accounts.access import has_centre_wide_write
from trajectoire.accounts.enums import AuditAction
from trajectoire.accounts.models import User
from trajectoire.accounts.services import audit_record
from trajectoire.cases.dates import add_months
from trajectoire.cases.enums import OPEN_STATES, ConsentKind, SessionStatus, State
from trajectoire.cases.errors import CaseRuleError
from trajectoire.cases.models import Accompaniment, CaseTransition, Synthesis

# Days an employee has to sign the tripartite agreement once the draft is sent; silence is a refusal
# (C. trav. R6313-8).
TRIPARTITE_DELAY_DAYS = 10

# A precondition of a move: raises CaseRuleError (French, citing its rule) when the move is not possible now.
Check = Callable[[Accompaniment, date | None], None]


def _held_session_in(phase: State, label: str) -> Check:
    def check(accompaniment: Accompaniment, on: date | None) -> None:
        held = accompaniment.sessions.filter(phase=phase, status=SessionStatus.HELD)
        if not held.exists():
            raise CaseRuleError(
                f"Aucun entretien de la {label} n'est marqué réalisé : le bilan se déroule en trois phases "
                "(C. trav. R6313-4), chacune avec au moins un entretien tenu. Marquez « réalisé » l'entretien "
                "qui a eu lieu, puis revenez à cette étape."
            )

    check.__name__ = f"check_held_{phase}_session"
    check.__doc__ = f"At least one held session of the {phase} phase (C. trav. R6313-4)."
    return check


check_held_preliminary_session = _held_session_in(State.PRELIMINARY, "phase préliminaire")
check_held_investigation_session = _held_session_in(State.INVESTIGATION, "phase d'investigation")
check_held_conclusion_session = _held_session_in(State.CONCLUSION, "phase de conclusion")


def check_synthesis_validated(accompaniment: Accompaniment, on: date | None) -> None:
    """The phase of conclusion ends with the document de synthèse (R6313-4 3°), validated by the person in its
    current version."""
    synthesis = Synthesis.objects.filter(accompaniment=accompaniment).first()
    if synthesis is None or not synthesis.is_validated:
        raise CaseRuleError(
            "Le bilan ne peut être clôturé qu'après validation par la personne de la dernière version du "
            "document de synthèse (C. trav. R6313-4, phase de conclusion)."
        )


def check_documents_still_there(accompaniment: Accompaniment, on: date | None) -> None:
    """A bilan is reopened only while its working documents exist: once destroyed (R6313-7) there is nothing
    left to work on."""
    if accompaniment.retention_applied_at is not None:
        raise CaseRuleError(
            f"Les documents de travail de ce bilan ont été détruits le "
            f"{timezone.localtime(accompaniment.retention_applied_at):%d/%m/%Y} "
            "(C. trav. R6313-7) : il ne peut plus être rouvert."
        )


@dataclass(frozen=True)
class Move:
    name: str
    sources: frozenset[State]
    target: State
    label: str
    # Checked in order by the service and by `available_moves`; the first refusal is the one shown.
    preconditions: tuple[Check, ...] = ()
    # Where the preconditions come from, for the confirmation page and docs/bilan.md.
    source: str = ""
    reason_required: bool = False
    managers_only: bool = False
    danger: bool = False

    def refusal(self, accompaniment: Accompaniment, *, on: date) -> str:
        """Why the move is not possible now ("" when it is)."""
        if accompaniment.state not in self.sources:
            return _wrong_state_message(accompaniment)
        for check in self.preconditions:
            try:
                check(accompaniment, on)
            except CaseRuleError as error:
                return error.message
        return ""


def _wrong_state_message(accompaniment: Accompaniment) -> str:
    return f"Action impossible : l'accompagnement est à l'étape « {accompaniment.get_state_display()} »."


def _active_consent(accompaniment: Accompaniment, kind: ConsentKind, on: date):
    return next((c for c in accompaniment.consents.filter(kind=kind) if c.is_active_on(on)), None)


def _check_start(accompaniment: Accompaniment, on: date | None) -> None:
    if on is None:
        raise CaseRuleError("La date du début du bilan est nécessaire.")
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


def check_can_start(accompaniment: Accompaniment, *, on: date) -> None:
    """The bilan needs the person's consent (L6313-4 al. 2). An employer-initiated bilan needs the
    tripartite agreement signed within 10 days of its sending; silence is a refusal (R6313-8)."""
    _check_start(accompaniment, on)


MOVES = {
    move.name: move
    for move in [
        Move(
            "start",
            frozenset({State.REQUEST}),
            State.PRELIMINARY,
            "Commencer la phase préliminaire",
            preconditions=(_check_start,),
            source="C. trav. L6313-4 (consentement) et R6313-8 (convention tripartite)",
        ),
        Move(
            "investigate",
            frozenset({State.PRELIMINARY}),
            State.INVESTIGATION,
            "Passer à la phase d'investigation",
            preconditions=(check_held_preliminary_session,),
            source="C. trav. R6313-4 1°",
        ),
        Move(
            "conclude",
            frozenset({State.INVESTIGATION}),
            State.CONCLUSION,
            "Passer à la phase de conclusion",
            preconditions=(check_held_investigation_session,),
            source="C. trav. R6313-4 2°",
        ),
        Move(
            "close",
            frozenset({State.CONCLUSION}),
            State.CLOSED,
            "Clôturer le bilan",
            preconditions=(check_held_conclusion_session, check_synthesis_validated),
            source="C. trav. R6313-4 3° ; destruction des documents : R6313-7",
            danger=True,
        ),
        Move(
            "abandon",
            frozenset(OPEN_STATES),
            State.ABANDONED,
            "Abandonner",
            source="C. trav. R6313-7 (destruction des documents)",
            reason_required=True,
            danger=True,
        ),
        Move(
            "reopen",
            frozenset({State.CLOSED}),
            State.CONCLUSION,
            "Rouvrir le bilan",
            preconditions=(check_documents_still_there,),
            source="décision du responsable de centre, tant que R6313-7 n'a pas été appliqué",
            reason_required=True,
            managers_only=True,
        ),
    ]
}


@dataclass(frozen=True)
class MoveOption:
    """A move of the table as offered on the case page: possible now, or disabled with the reason."""

    move: Move
    refusal: str = field(default="")

    @property
    def name(self) -> str:
        return self.move.name

    @property
    def label(self) -> str:
        return self.move.label

    @property
    def possible(self) -> bool:
        return not self.refusal


def may_perform(user: User, accompaniment: Accompaniment, move: Move) -> bool:
    """Reopening is the manager's decision (role manager or centre admin); other moves belong to whoever may
    write the case (checked by the access funnel)."""
    return not move.managers_only or has_centre_wide_write(user, accompaniment.centre_id)


def available_moves(accompaniment: Accompaniment, *, on: date, user: User | None = None) -> list[MoveOption]:
    """The moves whose source is the current state, each with why it is not possible now ("" if it is).
    With `user`, moves reserved to managers are left out for others."""
    return [
        MoveOption(move, move.refusal(accompaniment, on=on))
        for move in MOVES.values()
        if accompaniment.state in move.sources and (user is None or may_perform(user, accompaniment, move))
    ]


def _lock_and_check(accompaniment: Accompaniment, move: Move, *, on: date) -> None:
    # Two people confirming at once: the row lock serialises them and the second sees the new state.
    Accompaniment.objects.select_for_update(of=("self",)).filter(pk=accompaniment.pk).first()
    accompaniment.refresh_from_db()
    if accompaniment.state not in move.sources:
        raise CaseRuleError(_wrong_state_message(accompaniment))
    for check in move.preconditions:
        check(accompaniment, on)


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
        actor=actor,
        action=AuditAction.UPDATE,
        obj=accompaniment,
        centre_id=accompaniment.centre_id,
        fields=["state", *fields],
    )


@transaction.atomic
def accompaniment_start(*, actor: User, accompaniment: Accompaniment, on: date, reason: str = "") -> Accompaniment:
    move = MOVES["start"]
    _lock_and_check(accompaniment, move, on=on)
    accompaniment.started_on = on
    _record(accompaniment, move, actor=actor, reason=reason, fields=["started_on"])
    return accompaniment


@transaction.atomic
def accompaniment_investigate(
    *, actor: User, accompaniment: Accompaniment, on: date | None = None, reason: str = ""
) -> Accompaniment:
    """The preliminary phase has taken place: at least one of its sessions is held (R6313-4 1°)."""
    move = MOVES["investigate"]
    _lock_and_check(accompaniment, move, on=on)
    _record(accompaniment, move, actor=actor, reason=reason, fields=[])
    return accompaniment


@transaction.atomic
def accompaniment_conclude(
    *, actor: User, accompaniment: Accompaniment, on: date | None = None, reason: str = ""
) -> Accompaniment:
    """The investigation phase has taken place: at least one of its sessions is held (R6313-4 2°)."""
    move = MOVES["conclude"]
    _lock_and_check(accompaniment, move, on=on)
    _record(accompaniment, move, actor=actor, reason=reason, fields=[])
    return accompaniment


@transaction.atomic
def accompaniment_close(*, actor: User, accompaniment: Accompaniment, on: date, reason: str = "") -> Accompaniment:
    """Closure needs a held conclusion session and the synthesis validated by the person in its current version
    (R6313-4 3°). It schedules the follow-up interview (centre setting, good practice) and the destruction of
    working documents (R6313-7)."""
    from trajectoire.cases.tasks import apply_retention

    move = MOVES["close"]
    _lock_and_check(accompaniment, move, on=on)
    accompaniment.ended_on = on
    accompaniment.follow_up_on = add_months(on, accompaniment.centre.follow_up_months)
    _record(accompaniment, move, actor=actor, reason=reason, fields=["ended_on", "follow_up_on"])
    transaction.on_commit(lambda: apply_retention.enqueue(accompaniment_id=accompaniment.pk, on=on.isoformat()))
    return accompaniment


@transaction.atomic
def accompaniment_abandon(*, actor: User, accompaniment: Accompaniment, on: date, reason: str) -> Accompaniment:
    from trajectoire.cases.tasks import apply_retention

    move = MOVES["abandon"]
    _lock_and_check(accompaniment, move, on=on)
    if not reason.strip():
        raise CaseRuleError("Indiquez le motif de l'abandon.", field="reason")
    accompaniment.ended_on = on
    accompaniment.abandon_reason = reason.strip()
    _record(accompaniment, move, actor=actor, reason=reason.strip(), fields=["ended_on", "abandon_reason"])
    transaction.on_commit(lambda: apply_retention.enqueue(accompaniment_id=accompaniment.pk, on=on.isoformat()))
    return accompaniment


@transaction.atomic
def accompaniment_reopen(*, actor: User, accompaniment: Accompaniment, on: date, reason: str) -> Accompaniment:
    """A manager takes a closed bilan back to its conclusion phase (a closure by mistake, a synthesis to
    correct), as long as its working documents have not been destroyed. The end date and the follow-up
    date are cleared; the destruction enqueued at closure finds the case open and does nothing
    (`retention_apply` checks the state when it runs)."""
    move = MOVES["reopen"]
    if not may_perform(actor, accompaniment, move):
        raise CaseRuleError("Seuls les responsables du centre peuvent rouvrir un bilan clôturé.")
    _lock_and_check(accompaniment, move, on=on)
    if not reason.strip():
        raise CaseRuleError("Indiquez pourquoi le bilan est rouvert.", field="reason")
    accompaniment.ended_on = None
    accompaniment.follow_up_on = None
    _record(accompaniment, move, actor=actor, reason=reason.strip(), fields=["ended_on", "follow_up_on"])
    return accompaniment


SERVICES = {
    "start": accompaniment_start,
    "investigate": accompaniment_investigate,
    "conclude": accompaniment_conclude,
    "close": accompaniment_close,
    "abandon": accompaniment_abandon,
    "reopen": accompaniment_reopen,
}


def perform(name: str, *, actor: User, accompaniment: Accompaniment, on: date, reason: str = "") -> Accompaniment:
    """Run the service of the move `name` (the confirmation page's POST); the date is the caller's."""
    return SERVICES[name](actor=actor, accompaniment=accompaniment, on=on, reason=reason)
