"""Demo bilans in every state, built through the real services (so they obey the same rules)."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from trajectoire.accounts.models import User
from trajectoire.cases import workflow
from trajectoire.cases.models import Accompaniment, Beneficiary, Experience
from trajectoire.cases.services import accompaniment_create, consent_record, session_create, session_mark_held
from trajectoire.cases.synthesis import synthesis_save, synthesis_start, synthesis_validate


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), timezone.get_current_timezone())


def _sessions(
    actor, case, start: date, phases: list[str], minutes: int = 120, *, only: str | None = None, now=None
) -> None:
    """The sessions of `phases` (one a week from `start`); with `only`, just those of that phase. Sessions whose
    time has come (before `now`) are marked held with their planned length, as the counsellor would."""
    notes = {
        "preliminary": "Analyse de la demande : envie de changer de métier, contraintes horaires à respecter.",
        "investigation": "Exploration des intérêts et des compétences transférables ; enquêtes métiers à mener.",
        "conclusion": "Relecture des pistes et des étapes ; points d'appui et freins identifiés.",
    }
    monday = start - timedelta(days=start.weekday())
    for index, phase in enumerate(phases):
        if only is not None and phase != only:
            continue
        # Weekdays only, Monday to Thursday, one session a week.
        day = max(start, monday + timedelta(days=7 * index + index % 4))
        session = session_create(
            actor=actor,
            accompaniment=case,
            data={
                "starts_at": _at(day, 9 + (index % 3) * 2),
                "duration_minutes": minutes,
                "phase": phase,
                "mode": "remote" if index % 3 == 2 else "on_site",
                "shared_notes": notes[phase],
                "private_notes": "Notes de travail du conseiller (fictives).",
            },
        )
        if now is not None and session.starts_at <= now:
            session_mark_held(actor=actor, session=session, held_minutes=minutes, now=now)


def _case(actor: User, beneficiary: Beneficiary, **extra) -> Accompaniment:
    data = {
        "kind": "bilan",
        "initiated_by": "beneficiary",
        "funder": "cpf",
        "order_reference": f"MCF-DEMO-{beneficiary.pk:04d}",
        "price_eur": Decimal("1600.00"),
        "planned_hours": Decimal("24"),
        "counsellor": actor,
    }
    data.update(extra)
    return accompaniment_create(actor=actor, beneficiary=beneficiary, data=data)


def _to(case, actor, state: str, start: date, phases: list[str], *, now) -> None:
    """Consents, start, then each phase's sessions (held when past) before the move to the next phase: the
    workflow's brakes ask for a held session of a phase before leaving it."""
    consent_record(actor=actor, accompaniment=case, data={"kind": "bilan_agreement", "given_on": start})
    consent_record(actor=actor, accompaniment=case, data={"kind": "data_processing", "given_on": start})
    workflow.accompaniment_start(actor=actor, accompaniment=case, on=start)
    _sessions(actor, case, start, phases, only="preliminary", now=now)
    if state == "preliminary":
        return
    workflow.accompaniment_investigate(actor=actor, accompaniment=case)
    _sessions(actor, case, start, phases, only="investigation", now=now)
    if state == "investigation":
        return
    workflow.accompaniment_conclude(actor=actor, accompaniment=case)
    _sessions(actor, case, start, phases, only="conclusion", now=now)


def load_demo_cases(today: date) -> int:
    """Create the demo bilans once (a beneficiary that already has one is left alone)."""
    created = 0
    now = _at(today, 23)
    plans = [
        ("Lambert", "request", {}),
        ("Bertrand", "request_employer", {"initiated_by": "employer", "funder": "skills_plan"}),
        ("Diallo", "preliminary", {"funder": "france_travail"}),
        ("Carpentier", "investigation", {}),
        ("Rousseau", "conclusion", {}),
        ("Haddad", "closed", {}),
        ("Vidal", "abandoned", {"funder": "self"}),
    ]
    for last_name, state, extra in plans:
        beneficiary = Beneficiary.objects.filter(last_name=last_name).select_related("counsellor").first()
        if beneficiary is None or beneficiary.counsellor is None or beneficiary.accompaniments.exists():
            continue
        actor = beneficiary.counsellor
        case = _case(actor, beneficiary, **extra)
        created += 1
        if state == "request":
            continue
        if state == "request_employer":
            consent_record(actor=actor, accompaniment=case, data={"kind": "bilan_agreement", "given_on": today})
            consent_record(
                actor=actor, accompaniment=case, data={"kind": "tripartite", "sent_on": today - timedelta(days=3)}
            )
            continue
        if state == "abandoned":
            start = today - timedelta(days=40)
            _to(case, actor, "preliminary", start, ["preliminary"], now=now)
            workflow.accompaniment_abandon(
                actor=actor,
                accompaniment=case,
                on=today - timedelta(days=20),
                reason="Reprise d'un emploi à temps plein.",
            )
            continue
        weeks = {"preliminary": 1, "investigation": 5, "conclusion": 9, "closed": 12}[state]
        start = today - timedelta(days=7 * weeks)
        case.planned_start, case.planned_end = start, start + timedelta(days=7 * 12)
        case.save(update_fields=["planned_start", "planned_end"])
        phases = {
            "preliminary": ["preliminary", "preliminary"],
            "investigation": [
                "preliminary",
                "preliminary",
                "investigation",
                "investigation",
                "investigation",
                "investigation",
            ],
            "conclusion": [
                "preliminary",
                "preliminary",
                "investigation",
                "investigation",
                "investigation",
                "investigation",
                "conclusion",
                "conclusion",
                "conclusion",
                "conclusion",
            ],
        }.get(
            state,
            [
                "preliminary",
                "preliminary",
                "investigation",
                "investigation",
                "investigation",
                "investigation",
                "conclusion",
                "conclusion",
                "conclusion",
                "conclusion",
            ],
        )
        _to(case, actor, "conclusion" if state == "closed" else state, start, phases, now=now)
        Experience.objects.create(
            accompaniment=case,
            job_title="Agent de service hospitalier",
            employer_type="public",
            started_on=start - timedelta(days=3650),
            ended_on=start - timedelta(days=30),
            description=(
                "Pendant dix ans à l'hôpital : entretien des chambres, distribution des repas, aide à la toilette "
                "avec les aides-soignantes, accueil des familles."
            ),
        )
        if state in {"conclusion", "closed"}:
            synthesis = synthesis_start(actor=actor, accompaniment=case)
            synthesis_save(
                actor=actor,
                synthesis=synthesis,
                data={
                    "circumstances": synthesis.circumstances + " La personne souhaitait quitter un poste usant et "
                    "retrouver un métier au contact des patients.",
                    "skills": "Sens du soin et de l'hygiène, écoute des patients et des familles, travail en équipe "
                    "pluridisciplinaire, respect des protocoles.",
                    "projects": "Projet principal : aide-soignante (J1501). Facteurs favorables : expérience "
                    "hospitalière, forte motivation, tension de recrutement élevée dans le bassin. Facteurs "
                    "défavorables : formation de 12 mois à financer, horaires décalés.",
                    "steps": "1. Immersion PMSMP de deux semaines en EHPAD. 2. Dossier de transition professionnelle "
                    "(Transitions Pro). 3. Entrée en formation DEAS à la rentrée.",
                },
                base_version=synthesis.version,
            )
        if state == "closed":
            ended = today - timedelta(days=5)
            consent_record(
                actor=actor,
                accompaniment=case,
                data={"kind": "document_keeping", "given_on": ended, "keep_until": ended + timedelta(days=365)},
            )
            synthesis.refresh_from_db()
            synthesis_validate(actor=actor, synthesis=synthesis, version=synthesis.version, on=ended)
            workflow.accompaniment_close(actor=actor, accompaniment=case, on=ended)
    return created
