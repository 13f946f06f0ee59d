"""Writes of the cases app. Each service runs in one transaction and records an audit event."""

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from trajectoire import formatting
from trajectoire.accounts.enums import AuditAction
from trajectoire.accounts.models import Centre, User
from trajectoire.accounts.services import audit_record
from trajectoire.cases.dates import add_years
from trajectoire.cases.enums import PHASE_STATES, CancelledBy, CaseTaskKind, ConsentKind, Kind, SessionStatus, State
from trajectoire.cases.errors import CaseRuleError, StaleEditError
from trajectoire.cases.models import Accompaniment, Beneficiary, CaseTask, Consent, Session
from trajectoire.locking import update_versioned

# Documents kept with the person's written consent after a bilan: at most 3 years since 31 Dec 2023
# (C. trav. R6313-7 as amended by décret 2023-1350; 1 year before).
RETENTION_CEILING_YEARS = 3

BENEFICIARY_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "birth_year",
    "postal_code",
    "employment_status",
    "counsellor",
)


def _clean_email(value: str) -> str:
    return value.strip().lower()


@transaction.atomic
def beneficiary_create(*, actor: User, centre: Centre, data: dict[str, Any]) -> Beneficiary:
    values = {name: data[name] for name in BENEFICIARY_FIELDS if name in data}
    values["email"] = _clean_email(values.get("email", ""))
    beneficiary = Beneficiary.objects.create(centre=centre, **values)
    audit_record(actor=actor, action=AuditAction.CREATE, obj=beneficiary, centre_id=centre.pk, fields=values.keys())
    return beneficiary


@transaction.atomic
def beneficiary_update(
    *, actor: User, beneficiary: Beneficiary, data: dict[str, Any], base_version: int
) -> Beneficiary:
    """Save the fields of a form opened at `base_version`; refused if anyone saved the record since (nothing
    is written then, the other person's change stays). The audit log names only the fields really changed."""
    values = {
        name: _clean_email(data[name]) if name == "email" else data[name]
        for name in BENEFICIARY_FIELDS
        if name in data
    }
    changed = update_versioned(
        beneficiary,
        base_version=base_version,
        values=values,
        stale_message=(
            f"Le dossier {formatting.de(beneficiary.full_name)} a été modifié par quelqu'un d'autre depuis "
            "l'ouverture du formulaire : rien n'a été enregistré. Votre saisie est conservée ci-dessous ; "
            "vérifiez-la au regard de la modification de votre collègue, puis enregistrez de nouveau."
        ),
        error_class=StaleEditError,
    )
    if changed:
        audit_record(
            actor=actor, action=AuditAction.UPDATE, obj=beneficiary, centre_id=beneficiary.centre_id, fields=changed
        )
    return beneficiary


# --- Accompaniments ------------------------------------------------------------------------------------

ACCOMPANIMENT_FIELDS = (
    "kind",
    "initiated_by",
    "funder",
    "order_reference",
    "price_eur",
    "planned_hours",
    "planned_start",
    "planned_end",
    "counsellor",
)

# The legal ceiling of a bilan, in minutes (C. trav. L6313-4).
BILAN_CEILING_MINUTES = 24 * 60


@transaction.atomic
def accompaniment_create(*, actor: User, beneficiary: Beneficiary, data: dict[str, Any]) -> Accompaniment:
    values = {name: data[name] for name in ACCOMPANIMENT_FIELDS if name in data}
    values.setdefault("counsellor", actor)
    accompaniment = Accompaniment.objects.create(centre=beneficiary.centre, beneficiary=beneficiary, **values)
    if data.get("co_counsellors"):
        accompaniment.co_counsellors.set(data["co_counsellors"])
    audit_record(
        actor=actor, action=AuditAction.CREATE, obj=accompaniment, centre_id=accompaniment.centre_id, fields=values
    )
    return accompaniment


@transaction.atomic
def accompaniment_update(
    *, actor: User, accompaniment: Accompaniment, data: dict[str, Any], base_version: int
) -> Accompaniment:
    """Save the case's information from a form opened at `base_version` (refused if anyone saved since)."""
    if not accompaniment.is_open:
        raise CaseRuleError("Un accompagnement terminé ne se modifie plus.")
    values = {name: data[name] for name in ACCOMPANIMENT_FIELDS if name in data}
    stale_message = (
        "Les informations de ce bilan ont été modifiées par quelqu'un d'autre depuis l'ouverture du formulaire : "
        "rien n'a été enregistré. Votre saisie est conservée ci-dessous ; vérifiez-la, puis enregistrez de nouveau."
    )
    co_changed = "co_counsellors" in data and set(accompaniment.co_counsellors.all()) != set(data["co_counsellors"])
    changed = update_versioned(
        accompaniment,
        base_version=base_version,
        values=values,
        stale_message=stale_message,
        error_class=StaleEditError,
    )
    if co_changed:
        if not changed:
            # The many-to-many is not a column: claim the version by hand so that it is locked like the rest.
            updated = Accompaniment.objects.filter(pk=accompaniment.pk, version=base_version).update(
                version=base_version + 1, updated_at=timezone.now()
            )
            if updated == 0:
                raise StaleEditError(stale_message)
            accompaniment.refresh_from_db()
        accompaniment.co_counsellors.set(data["co_counsellors"])
        changed.append("co_counsellors")
    if changed:
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=accompaniment,
            centre_id=accompaniment.centre_id,
            fields=changed,
        )
    return accompaniment


def minutes_held(accompaniment: Accompaniment) -> int:
    """Heures réalisées: the real duration of the sessions marked held, and nothing else."""
    held = accompaniment.sessions.filter(status=SessionStatus.HELD)
    return held.aggregate(total=Sum("held_minutes"))["total"] or 0


def minutes_planned(accompaniment: Accompaniment, *, excluding: Session | None = None) -> int:
    """Planned length of the sessions still to hold (cancelled and missed ones free their time)."""
    planned = accompaniment.sessions.filter(status=SessionStatus.PLANNED)
    if excluding is not None and excluding.pk:
        planned = planned.exclude(pk=excluding.pk)
    return planned.aggregate(total=Sum("duration_minutes"))["total"] or 0


def minutes_used(accompaniment: Accompaniment, *, excluding: Session | None = None) -> int:
    """What counts against the 24-hour ceiling: held sessions (real duration) plus planned ones."""
    held = accompaniment.sessions.filter(status=SessionStatus.HELD)
    if excluding is not None and excluding.pk:
        held = held.exclude(pk=excluding.pk)
    held_total = held.aggregate(total=Sum("held_minutes"))["total"] or 0
    return held_total + minutes_planned(accompaniment, excluding=excluding)


def _lock(accompaniment: Accompaniment) -> Accompaniment:
    # Serialises concurrent session writes of one case, so two entries cannot together pass 24 hours.
    return Accompaniment.objects.select_for_update(of=("self",)).get(pk=accompaniment.pk)


def _check_ceiling(accompaniment: Accompaniment, duration: int, *, excluding: Session | None = None) -> None:
    if accompaniment.kind != Kind.BILAN:
        return
    used = minutes_used(accompaniment, excluding=excluding)
    if used + duration > BILAN_CEILING_MINUTES:
        left = BILAN_CEILING_MINUTES - used
        raise CaseRuleError(
            f"Cet entretien porterait le bilan à {format_minutes(used + duration)}, au-delà du plafond légal de "
            f"24 heures (C. trav. L6313-4). Il reste {format_minutes(left)} sur ce bilan.",
            field="duration_minutes",
        )


def format_minutes(minutes: int) -> str:
    """« 2 h 30 », « 24 h »: the typography layer's duration, kept under this name for the services' messages."""
    return formatting.duration(minutes)


SESSION_FIELDS = ("starts_at", "duration_minutes", "mode", "phase", "shared_notes", "private_notes")


def _check_session_phase(accompaniment: Accompaniment, phase: str) -> None:
    if not accompaniment.is_open or accompaniment.state == State.REQUEST:
        raise CaseRuleError(
            "Les entretiens se saisissent pendant les trois phases du bilan : commencez la phase préliminaire "
            "(ou rouvrez un bilan en cours)."
        )
    order = [s.value for s in PHASE_STATES]
    if order.index(phase) > order.index(accompaniment.state):
        raise CaseRuleError(
            f"Le bilan est en « {accompaniment.get_state_display()} » : un entretien d'une phase suivante ne peut "
            "pas encore être saisi.",
            field="phase",
        )


@transaction.atomic
def session_create(*, actor: User, accompaniment: Accompaniment, data: dict[str, Any]) -> Session:
    accompaniment = _lock(accompaniment)
    values = {name: data[name] for name in SESSION_FIELDS if name in data}
    _check_session_phase(accompaniment, values["phase"])
    _check_ceiling(accompaniment, values["duration_minutes"])
    session = Session.objects.create(accompaniment=accompaniment, created_by=actor, **values)
    audit_record(actor=actor, action=AuditAction.CREATE, obj=session, centre_id=accompaniment.centre_id, fields=values)
    return session


@transaction.atomic
def session_update(*, actor: User, session: Session, data: dict[str, Any], base_version: int) -> Session:
    accompaniment = _lock(session.accompaniment)
    if not accompaniment.is_open:
        raise CaseRuleError("Le bilan est terminé : ses entretiens ne se modifient plus.")
    values = {name: data[name] for name in SESSION_FIELDS if name in data}
    if "duration_minutes" in values and values["duration_minutes"] != session.duration_minutes:
        _check_ceiling(accompaniment, values["duration_minutes"], excluding=session)
    # Conditional update: it only succeeds if nobody saved the session since the form was opened.
    changed = update_versioned(
        session,
        base_version=base_version,
        values=values,
        stale_message=(
            "Cet entretien a été modifié par quelqu'un d'autre depuis l'ouverture du formulaire. Votre texte est "
            "conservé ci-dessous : vérifiez la modification de votre collègue, reportez vos changements, puis "
            "enregistrez."
        ),
        error_class=StaleEditError,
    )
    if changed:
        audit_record(
            actor=actor, action=AuditAction.UPDATE, obj=session, centre_id=accompaniment.centre_id, fields=changed
        )
    return session


# --- What became of a session -------------------------------------------------------------------------
# Each status change is a conditional UPDATE on `status = planned`: when two people mark the same session at
# once, one wins and the other is told what the first one recorded.

# A no-show is followed up the next day (Qualiopi indicator 12: dropout prevention).
NO_SHOW_FOLLOW_UP_DAYS = 1


def _claim_planned(session: Session, *, actor: User | None, now, **values) -> Session:
    updated = Session.objects.filter(pk=session.pk, status=SessionStatus.PLANNED).update(
        **values, status_changed_at=now, status_changed_by=actor, version=F("version") + 1, updated_at=now
    )
    if updated == 0:
        current = Session.objects.select_related("status_changed_by").get(pk=session.pk)
        who = current.status_changed_by.get_full_name() if current.status_changed_by else "quelqu'un d'autre"
        raise StaleEditError(
            f"Cet entretien a déjà été marqué « {current.get_status_display()} » par {who} : rien n'a été "
            "modifié. Rechargez la page pour voir son état."
        )
    session.refresh_from_db()
    return session


def _check_session_open(session: Session) -> Accompaniment:
    accompaniment = _lock(session.accompaniment)
    if not accompaniment.is_open:
        raise CaseRuleError("L'accompagnement est terminé : ses entretiens ne se modifient plus.")
    return accompaniment


@transaction.atomic
def session_mark_held(*, actor: User, session: Session, held_minutes: int, now) -> Session:
    """The session took place: record its real duration. Not before it started, and within the ceiling."""
    accompaniment = _check_session_open(session)
    if session.status != SessionStatus.PLANNED:
        raise CaseRuleError(f"Cet entretien est déjà « {session.get_status_display()} ».")
    if session.starts_at > now:
        raise CaseRuleError(
            f"Cet entretien est prévu le {timezone.localtime(session.starts_at):%d/%m/%Y à %H:%M} : il ne peut "
            "être marqué réalisé qu'une fois commencé.",
            field="held_minutes",
        )
    if not 1 <= held_minutes <= 480:
        raise CaseRuleError(
            "Indiquez la durée réelle de l'entretien, entre 1 minute et 8 heures.", field="held_minutes"
        )
    if accompaniment.kind == Kind.BILAN:
        others = minutes_used(accompaniment, excluding=session)
        if others + held_minutes > BILAN_CEILING_MINUTES:
            raise CaseRuleError(
                f"Avec {format_minutes(held_minutes)} réalisées, le bilan atteindrait "
                f"{format_minutes(others + held_minutes)}, au-delà du plafond légal de 24 heures (C. trav. L6313-4). "
                f"Il reste {format_minutes(BILAN_CEILING_MINUTES - others)}.",
                field="held_minutes",
            )
    _claim_planned(session, actor=actor, now=now, status=SessionStatus.HELD, held_minutes=held_minutes)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=session,
        centre_id=accompaniment.centre_id,
        fields=["status", "held_minutes"],
    )
    return session


@transaction.atomic
def session_cancel(*, actor: User | None, session: Session, by: str, reason: str, now) -> Session:
    """Cancelled beforehand, by the person or by the centre, with the reason. Its time is freed.
    `actor` is None when the person cancels through their signed link."""
    accompaniment = _check_session_open(session)
    if session.status != SessionStatus.PLANNED:
        raise CaseRuleError(f"Cet entretien est déjà « {session.get_status_display()} » : il ne peut être annulé.")
    if by not in CancelledBy.values:
        raise CaseRuleError("Indiquez qui annule l'entretien : la personne ou le centre.", field="cancelled_by")
    if not reason.strip():
        raise CaseRuleError("Indiquez le motif de l'annulation.", field="status_reason")
    _claim_planned(
        session, actor=actor, now=now, status=SessionStatus.CANCELLED, cancelled_by=by, status_reason=reason.strip()
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=session,
        centre_id=accompaniment.centre_id,
        fields=["status", "cancelled_by", "status_reason"],
    )
    return session


@transaction.atomic
def session_mark_missed(*, actor: User, session: Session, now, reason: str = "") -> Session:
    """The person did not come and did not warn. A follow-up task is opened for the counsellor."""
    accompaniment = _check_session_open(session)
    if session.status != SessionStatus.PLANNED:
        raise CaseRuleError(f"Cet entretien est déjà « {session.get_status_display()} ».")
    if session.starts_at > now:
        raise CaseRuleError("Une absence ne peut être constatée qu'après l'heure prévue de l'entretien.")
    _claim_planned(session, actor=actor, now=now, status=SessionStatus.MISSED, status_reason=reason.strip())
    CaseTask.objects.create(
        accompaniment=accompaniment,
        session=session,
        kind=CaseTaskKind.NO_SHOW_FOLLOW_UP,
        due_on=timezone.localdate(now) + timedelta(days=NO_SHOW_FOLLOW_UP_DAYS),
    )
    audit_record(
        actor=actor, action=AuditAction.UPDATE, obj=session, centre_id=accompaniment.centre_id, fields=["status"]
    )
    return session


@transaction.atomic
def case_task_done(*, actor: User, task: CaseTask, outcome: str, now) -> CaseTask:
    if not outcome.strip():
        raise CaseRuleError("Indiquez la suite donnée (appel, message, nouveau rendez-vous…).", field="outcome")
    updated = CaseTask.objects.filter(pk=task.pk, done_at__isnull=True).update(
        done_at=now, done_by=actor, outcome=outcome.strip()
    )
    if updated == 0:
        raise StaleEditError("Cette tâche a déjà été traitée : rechargez la page.")
    task.refresh_from_db()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=task,
        centre_id=task.accompaniment.centre_id,
        fields=["done_at", "outcome"],
    )
    return task


# --- Consents ------------------------------------------------------------------------------------------


@transaction.atomic
def consent_record(*, actor: User, accompaniment: Accompaniment, data: dict[str, Any]) -> Consent:
    kind = data["kind"]
    if kind == ConsentKind.SYNTHESIS_SHARING and not data.get("third_party", "").strip():
        raise CaseRuleError(
            "Nommez le destinataire de la synthèse : un accord général ne suffit pas.", field="third_party"
        )
    if kind == ConsentKind.TRIPARTITE and not data.get("sent_on"):
        raise CaseRuleError("Indiquez la date d'envoi de la convention au salarié.", field="sent_on")
    if kind == ConsentKind.DOCUMENT_KEEPING:
        keep_until = data.get("keep_until")
        if keep_until is None:
            raise CaseRuleError("Indiquez jusqu'à quand les documents sont conservés.", field="keep_until")
        reference = accompaniment.ended_on or accompaniment.planned_end or data.get("given_on")
        if reference and keep_until > add_years(reference, RETENTION_CEILING_YEARS):
            raise CaseRuleError(
                f"La conservation ne peut dépasser 3 ans après la fin du bilan (C. trav. R6313-7), soit le "
                f"{add_years(reference, RETENTION_CEILING_YEARS):%d/%m/%Y}.",
                field="keep_until",
            )
    consent = Consent.objects.create(
        accompaniment=accompaniment,
        kind=kind,
        third_party=data.get("third_party", "").strip(),
        sent_on=data.get("sent_on"),
        given_on=data.get("given_on"),
        keep_until=data.get("keep_until"),
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=consent,
        centre_id=accompaniment.centre_id,
        fields=[f for f in ("kind", "third_party", "sent_on", "given_on", "keep_until") if data.get(f)],
    )
    return consent


CONSENT_STALE_MESSAGE = (
    "Ce consentement a été modifié par quelqu'un d'autre depuis l'affichage de la page : rien n'a été enregistré. "
    "Vérifiez son état ci-dessous, puis recommencez si besoin."
)


@transaction.atomic
def consent_sign(*, actor: User, consent: Consent, on: date, base_version: int) -> Consent:
    """Record the signature of a consent shown at `base_version`, on an open case."""
    if not consent.accompaniment.is_open:
        raise CaseRuleError("Le bilan est terminé : un consentement ne s'y signe plus.")
    if consent.given_on is not None:
        raise CaseRuleError("Ce consentement est déjà enregistré comme donné.")
    if consent.sent_on and on < consent.sent_on:
        raise CaseRuleError("La signature ne peut précéder l'envoi de la convention.", field="given_on")
    changed = update_versioned(
        consent,
        base_version=base_version,
        values={"given_on": on},
        stale_message=CONSENT_STALE_MESSAGE,
        error_class=StaleEditError,
    )
    audit_record(
        actor=actor, action=AuditAction.UPDATE, obj=consent, centre_id=consent.accompaniment.centre_id, fields=changed
    )
    return consent


@transaction.atomic
def consent_withdraw(*, actor: User, consent: Consent, on: date, base_version: int) -> Consent:
    """The person withdraws a consent shown at `base_version`. Possible after the end of the bilan too: a
    consent can be withdrawn at any time (RGPD art. 7.3), e.g. the keeping of documents (R6313-7)."""
    if consent.given_on is None:
        raise CaseRuleError("Un consentement qui n'a pas été donné ne peut pas être retiré.")
    if consent.withdrawn_on is not None:
        raise CaseRuleError(f"Ce consentement a déjà été retiré le {consent.withdrawn_on:%d/%m/%Y}.")
    changed = update_versioned(
        consent,
        base_version=base_version,
        values={"withdrawn_on": max(on, consent.given_on)},
        stale_message=CONSENT_STALE_MESSAGE,
        error_class=StaleEditError,
    )
    audit_record(
        actor=actor, action=AuditAction.UPDATE, obj=consent, centre_id=consent.accompaniment.centre_id, fields=changed
    )
    return consent


# --- Follow-up -----------------------------------------------------------------------------------------


@transaction.atomic
def follow_up_record(*, actor: User, accompaniment: Accompaniment, on: date, outcome: str) -> Accompaniment:
    if accompaniment.state != State.CLOSED:
        raise CaseRuleError("L'entretien de suivi a lieu après la clôture du bilan.")
    if accompaniment.ended_on and on < accompaniment.ended_on:
        raise CaseRuleError("La date du suivi ne peut précéder la clôture du bilan.", field="done_on")
    accompaniment.follow_up_done_on = on
    accompaniment.follow_up_outcome = outcome
    accompaniment.save(update_fields=["follow_up_done_on", "follow_up_outcome", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=accompaniment,
        centre_id=accompaniment.centre_id,
        fields=["follow_up_done_on", "follow_up_outcome"],
    )
    return accompaniment
