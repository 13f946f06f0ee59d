"""Experiences → skills profile → pistes → action plan: the investigation phase of a bilan.

Suggestions come from the matching engine and are explained; the counsellor decides each one with
the person (no automated decision, RGPD art. 22). The engine never receives anything but skill and
occupation codes: no name, age, gender or origin.
"""

from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from trajectoire import formatting
from trajectoire.accounts.enums import AuditAction
from trajectoire.accounts.models import User
from trajectoire.accounts.services import audit_record
from trajectoire.cases.enums import PisteDecision, SkillProvenance, SuggestionStatus
from trajectoire.cases.errors import CaseRuleError, StaleEditError
from trajectoire.cases.models import Accompaniment, ActionStep, Experience, Piste, ProfileSkill
from trajectoire.locking import update_versioned
from trajectoire.matching.extract import MAX_TEXT_CHARS
from trajectoire.referentials.models import JobTitle, LabourTension, Occupation, Skill

EXTRACTED_SKILLS_PER_EXPERIENCE = 12
PISTES_TOP = 10

# Limits that match what is used: the engine reads the first MAX_TEXT_CHARS characters of an account and nothing
# more, so a longer account would be stored but only partly analysed (and the profile page would show text the
# skills never came from). The form and the services refuse beyond; the page counts before sending.
EXPERIENCE_ACCOUNT_MAX_LENGTH = MAX_TEXT_CHARS
# The columns' sizes (Experience.job_title, ActionStep.description); tests/cases/test_profile.py checks they agree.
JOB_TITLE_MAX_LENGTH = 200
ACTION_STEP_DESCRIPTION_MAX_LENGTH = 300
REMOVAL_REASON_MAX_LENGTH = 1000
# An experience told in a bilan: nobody working today started before 1950; the future is a typing slip.
EXPERIENCE_EARLIEST = date(1950, 1, 1)
EXPERIENCE_FIELDS = ("job_title", "job_title_code", "employer_type", "started_on", "ended_on", "description")
ACTION_STEP_FIELDS = ("kind", "description", "target_date", "piste")
# The reason written on the skills an experience took with it when the counsellor chose to remove them.
REASON_EXPERIENCE_DELETED = "expérience supprimée"


def too_long_message(what: str, *, limit: int, count: int) -> str:
    """« Le récit ne peut dépasser 20 000 caractères (il en compte 24 512). » — shared by forms and services."""
    pronoun = "elle" if what.startswith("La ") else "il"
    shorten = "raccourcissez-la" if pronoun == "elle" else "raccourcissez-le"
    over = count - limit
    return (
        f"{what} ne peut dépasser {formatting.plural(limit, 'caractère')} "
        f"({pronoun} en compte {formatting.number(count)}) : {shorten} de "
        f"{formatting.plural(over, 'caractère')}."
    )


def experience_value_errors(values: dict[str, Any], *, today: date) -> dict[str, str]:
    """What is wrong with an experience's values, field by field, in French (empty when all is plausible)."""
    errors: dict[str, str] = {}
    account = values.get("description") or ""
    if len(account) > EXPERIENCE_ACCOUNT_MAX_LENGTH:
        errors["description"] = too_long_message("Le récit", limit=EXPERIENCE_ACCOUNT_MAX_LENGTH, count=len(account))
    title = values.get("job_title") or ""
    if not title.strip():
        errors["job_title"] = "Indiquez le poste occupé (ou choisissez une appellation du référentiel)."
    elif len(title) > JOB_TITLE_MAX_LENGTH:
        errors["job_title"] = too_long_message("L'intitulé du poste", limit=JOB_TITLE_MAX_LENGTH, count=len(title))
    for name, what in (("started_on", "Le début"), ("ended_on", "La fin")):
        day = values.get(name)
        if day is None:
            continue
        if day < EXPERIENCE_EARLIEST:
            errors[name] = f"{what} ({day:%d/%m/%Y}) précède 1950 : vérifiez l'année."
        elif day > today:
            errors[name] = (
                f"{what} ({day:%d/%m/%Y}) est dans le futur : une expérience se saisit une fois vécue "
                f"(au plus tard le {today:%d/%m/%Y})."
            )
    start, end = values.get("started_on"), values.get("ended_on")
    if start and end and end < start and "ended_on" not in errors:
        errors["ended_on"] = f"La fin ({end:%d/%m/%Y}) doit suivre le début ({start:%d/%m/%Y})."
    return errors


def _check_experience_values(values: dict[str, Any], *, today: date) -> None:
    errors = experience_value_errors(values, today=today)
    if errors:
        field, message = next(iter(errors.items()))
        raise CaseRuleError(message + " Rien n'a été enregistré.", field=field)


def _check_step_description(description: str) -> str:
    description = (description or "").strip()
    if not description:
        raise CaseRuleError("Décrivez l'étape en une phrase.", field="description")
    if len(description) > ACTION_STEP_DESCRIPTION_MAX_LENGTH:
        raise CaseRuleError(
            too_long_message("La description", limit=ACTION_STEP_DESCRIPTION_MAX_LENGTH, count=len(description)),
            field="description",
        )
    return description


def _check_open(accompaniment: Accompaniment) -> None:
    if not accompaniment.is_open:
        raise CaseRuleError("Le bilan est terminé : son profil et ses pistes ne se modifient plus.")


def _audit(actor: User, action: str, obj, fields=()) -> None:
    accompaniment = obj if isinstance(obj, Accompaniment) else obj.accompaniment
    audit_record(actor=actor, action=action, obj=obj, centre_id=accompaniment.centre_id, fields=fields)


@transaction.atomic
def experience_create(*, actor: User, accompaniment: Accompaniment, data: dict[str, Any], today: date) -> Experience:
    """Record an experience told by the person. `today` bounds its dates (no experience in the future)."""
    _check_open(accompaniment)
    values = {name: data[name] for name in EXPERIENCE_FIELDS if data.get(name) not in (None, "")}
    _check_experience_values(values, today=today)
    experience = Experience.objects.create(accompaniment=accompaniment, **values)
    _audit(actor, AuditAction.CREATE, experience, values.keys())
    return experience


@transaction.atomic
def experience_update(
    *, actor: User, experience: Experience, data: dict[str, Any], base_version: int, today: date
) -> list[str]:
    """Save an experience from a form opened at `base_version`; refused (nothing written) if anyone saved it
    since. Returns the fields really changed: the view offers a new analysis when the account is among them.
    Skills already proposed stay as decided: a new analysis only adds what is not yet known."""
    _check_open(experience.accompaniment)
    values = {name: data[name] for name in EXPERIENCE_FIELDS if name in data}
    for name in ("job_title", "job_title_code", "employer_type", "description"):
        if name in values and values[name] is None:
            values[name] = ""
    _check_experience_values(values, today=today)
    changed = update_versioned(
        experience,
        base_version=base_version,
        values=values,
        stale_message=(
            f"L'expérience « {experience.job_title} » a été modifiée par quelqu'un d'autre depuis l'ouverture du "
            "formulaire : rien n'a été enregistré. Votre saisie est conservée ci-dessous ; vérifiez-la au regard "
            "de la modification de votre collègue, puis enregistrez de nouveau."
        ),
        error_class=StaleEditError,
    )
    if changed:
        _audit(actor, AuditAction.UPDATE, experience, changed)
    return changed


@transaction.atomic
def experience_delete(
    *,
    actor: User,
    experience: Experience,
    base_version: int,
    remove_skills: bool,
    now: datetime | None = None,
) -> list[ProfileSkill]:
    """Delete an experience. The skills it produced either stay in the profile, no longer linked to it (their
    provenance and evidence kept), or leave it with the reason « expérience supprimée » (status REMOVED, so a
    later analysis does not propose them again, and « Remettre dans le profil » can bring one back). Skills set
    aside stay set aside. Refused if the experience was changed since the confirmation page was shown.
    Returns the skills it produced, as they are now."""
    _check_open(experience.accompaniment)
    now = now or timezone.now()
    # Claim the row at the version the page showed: a colleague's edit in between is not deleted unseen.
    claimed = Experience.objects.filter(pk=experience.pk, version=base_version).update(version=base_version + 1)
    if claimed == 0:
        raise StaleEditError(
            f"L'expérience « {experience.job_title} » a été modifiée par quelqu'un d'autre depuis l'ouverture de "
            "cette page : rien n'a été supprimé. Relisez-la, puis recommencez si elle doit toujours disparaître."
        )
    skills = list(experience.skills.select_for_update())
    for skill in skills:
        fields = ["experience"]
        skill.experience = None
        if remove_skills and skill.status in {SuggestionStatus.ACCEPTED, SuggestionStatus.PENDING}:
            skill.status = SuggestionStatus.REMOVED
            skill.removal_reason = REASON_EXPERIENCE_DELETED
            skill.removed_at = now
            skill.removed_by = actor
            fields += ["status", "removal_reason", "removed_at", "removed_by"]
        skill.save(update_fields=fields)
        _audit(actor, AuditAction.UPDATE, skill, fields)
    _audit(actor, AuditAction.DELETE, experience)
    experience.delete()
    return skills


@transaction.atomic
def experience_analyse(*, actor: User, experience: Experience, engine) -> list[ProfileSkill]:
    """Turn the account of an experience into skill suggestions waiting for the counsellor's decision.
    Skills already in the profile, or already set aside, are not suggested again."""
    accompaniment = experience.accompaniment
    _check_open(accompaniment)
    text = " ".join(part for part in (experience.job_title, experience.description) if part).strip()
    if len(text) > MAX_TEXT_CHARS:
        # The engine reads MAX_TEXT_CHARS characters: a full-length account must not lose its end to the title.
        text = experience.description.strip()
    if not text:
        raise CaseRuleError("Décrivez d'abord l'expérience : l'analyse part du récit de la personne.")
    result = engine.extract(text, top=5, top_skills=EXTRACTED_SKILLS_PER_EXPERIENCE).to_dict()
    known = set(accompaniment.skills.values_list("code_ogr", flat=True))
    codes = [s["code_ogr"] for s in result["skills"] if s["code_ogr"] not in known]
    labels = Skill.objects.labels_by_code(codes)
    created = []
    for suggestion in result["skills"]:
        code = suggestion["code_ogr"]
        if code in known or code not in labels:
            continue
        known.add(code)
        created.append(
            ProfileSkill.objects.create(
                accompaniment=accompaniment,
                code_ogr=code,
                label=labels[code],
                provenance=SkillProvenance.EXTRACTED,
                status=SuggestionStatus.PENDING,
                evidence=str(suggestion.get("evidence", ""))[:300],
                experience=experience,
            )
        )
    _audit(actor, AuditAction.CREATE, experience, ["skills_suggested"])
    return created


@transaction.atomic
def skill_decide(*, actor: User, skill: ProfileSkill, accept: bool) -> ProfileSkill:
    _check_open(skill.accompaniment)
    status = SuggestionStatus.ACCEPTED if accept else SuggestionStatus.REJECTED
    provenance = SkillProvenance.VALIDATED if accept else skill.provenance
    # A removed skill has its own way back (skill_restore, which clears the reason): a page opened before the
    # removal does not bring it back through a stale « Accepter ».
    updated = (
        ProfileSkill.objects.filter(pk=skill.pk)
        .exclude(status=SuggestionStatus.REMOVED)
        .update(status=status, provenance=provenance)
    )
    skill.refresh_from_db()
    if updated == 0:
        raise CaseRuleError(
            f"La compétence « {skill.label} » est « {skill.get_status_display()} » : rien n'a changé. "
            "« Remettre dans le profil » la rétablit."
        )
    _audit(actor, AuditAction.UPDATE, skill, ["status"])
    return skill


@transaction.atomic
def skill_remove(*, actor: User, skill: ProfileSkill, reason: str, now: datetime | None = None) -> ProfileSkill:
    """Take a skill out of the profile (accepted or declared), with the counsellor's reason kept beside it. It
    is not proposed again by a later analysis and no longer feeds the pistes computed afterwards."""
    _check_open(skill.accompaniment)
    reason = (reason or "").strip()
    if not reason:
        raise CaseRuleError(
            "Dites pourquoi la compétence quitte le profil : ce motif reste dans l'historique.", field="reason"
        )
    if len(reason) > REMOVAL_REASON_MAX_LENGTH:
        raise CaseRuleError(
            too_long_message("Le motif", limit=REMOVAL_REASON_MAX_LENGTH, count=len(reason)), field="reason"
        )
    now = now or timezone.now()
    # Conditional update: a skill removed (or restored) by someone else meanwhile is not overwritten.
    updated = ProfileSkill.objects.filter(pk=skill.pk, status=SuggestionStatus.ACCEPTED).update(
        status=SuggestionStatus.REMOVED, removal_reason=reason, removed_at=now, removed_by=actor
    )
    if updated == 0:
        skill.refresh_from_db()
        raise CaseRuleError(
            f"La compétence « {skill.label} » n'est pas dans le profil (elle est « {skill.get_status_display()} ») : "
            "rien n'a changé."
        )
    skill.refresh_from_db()
    _audit(actor, AuditAction.UPDATE, skill, ["status", "removal_reason", "removed_at", "removed_by"])
    return skill


@transaction.atomic
def skill_restore(*, actor: User, skill: ProfileSkill) -> ProfileSkill:
    """« Remettre dans le profil »: a removed skill comes back as accepted. Putting it back is the counsellor's
    decision, so an extracted suggestion that was never decided becomes validated. The removal itself stays in
    the audit log (who, when); the reason is cleared with it, since it no longer holds."""
    _check_open(skill.accompaniment)
    provenance = SkillProvenance.VALIDATED if skill.provenance == SkillProvenance.EXTRACTED else skill.provenance
    updated = ProfileSkill.objects.filter(pk=skill.pk, status=SuggestionStatus.REMOVED).update(
        status=SuggestionStatus.ACCEPTED, provenance=provenance, removal_reason="", removed_at=None, removed_by=None
    )
    if updated == 0:
        skill.refresh_from_db()
        raise CaseRuleError(
            f"La compétence « {skill.label} » n'est pas retirée (elle est « {skill.get_status_display()} ») : "
            "rien n'a changé."
        )
    skill.refresh_from_db()
    _audit(actor, AuditAction.UPDATE, skill, ["status", "provenance", "removal_reason", "removed_at", "removed_by"])
    return skill


@transaction.atomic
def skill_declare(*, actor: User, accompaniment: Accompaniment, skill: Skill) -> ProfileSkill:
    """A skill the person states, chosen in the referential by the counsellor."""
    _check_open(accompaniment)
    profile_skill, created = ProfileSkill.objects.get_or_create(
        accompaniment=accompaniment,
        code_ogr=str(skill.ogr_code),
        defaults={"label": skill.label, "provenance": SkillProvenance.DECLARED, "status": SuggestionStatus.ACCEPTED},
    )
    if not created and profile_skill.status != SuggestionStatus.ACCEPTED:
        # Declaring again a skill set aside or removed puts it back in the profile, as the person now states it.
        profile_skill.status = SuggestionStatus.ACCEPTED
        profile_skill.provenance = SkillProvenance.DECLARED
        profile_skill.removal_reason, profile_skill.removed_at, profile_skill.removed_by = "", None, None
        profile_skill.save(update_fields=["status", "provenance", "removal_reason", "removed_at", "removed_by"])
    _audit(actor, AuditAction.CREATE, profile_skill, ["code_ogr"])
    return profile_skill


def current_occupations(accompaniment: Accompaniment) -> list[str]:
    codes = [c for c in accompaniment.experiences.values_list("job_title_code", flat=True) if c]
    return sorted(
        set(
            JobTitle.objects.filter(ogr_code__in=[int(c) for c in codes if c.isdigit()]).values_list(
                "occupation__code", flat=True
            )
        )
    )


def labelled_skills(items, labels: dict[str, str]) -> list[dict[str, str]]:
    """The engine's shared or missing skills (codes, or dicts with a code) as {code_ogr, label}."""
    out = []
    for item in items:
        code = str(item["code_ogr"] if isinstance(item, dict) else item)
        label = (item.get("label") if isinstance(item, dict) else None) or labels.get(code, code)
        out.append({"code_ogr": code, "label": label})
    return out


def tension_for(code_rome: str, area_code: str) -> dict[str, Any]:
    if not area_code:
        return {}
    row = (
        LabourTension.objects.filter(occupation__code=code_rome, area__code=area_code)
        .select_related("area")
        .order_by("-year")
        .first()
    )
    if row is None:
        return {"area": area_code, "known": False}
    return {
        "area": area_code,
        "area_label": row.area.label,
        "known": True,
        "tension": row.tension,
        "year": row.year,
        "offers": row.offers,
        "job_seekers": row.job_seekers,
    }


@transaction.atomic
def pistes_compute(*, actor: User, accompaniment: Accompaniment, engine, area_code: str = "") -> list[Piste]:
    """Ask the engine for transition suggestions from the accepted profile. Pistes already decided
    keep their decision; pending ones are refreshed; set-aside occupations are not suggested again."""
    _check_open(accompaniment)
    skills = list(accompaniment.skills.filter(status=SuggestionStatus.ACCEPTED).values_list("code_ogr", flat=True))
    if not skills:
        raise CaseRuleError("Le profil ne contient encore aucune compétence acceptée : les pistes en découlent.")
    decided = set(accompaniment.pistes.exclude(decision=PisteDecision.PENDING).values_list("code_rome", flat=True))
    profile = {
        "skills": skills,
        "current_occupations": current_occupations(accompaniment),
        "exclude": sorted(decided),
    }
    result = engine.recommend(profile, top=PISTES_TOP).to_dict()
    accompaniment.pistes.filter(decision=PisteDecision.PENDING).delete()
    suggestions = result["suggestions"]
    occupations = {o.code: o.label for o in Occupation.objects.filter(code__in=[s["code_rome"] for s in suggestions])}
    all_codes = [
        str(c) for s in suggestions for c in (*s["shared_skills"], *s["missing_skills"]) if not isinstance(c, dict)
    ]
    labels = Skill.objects.labels_by_code(all_codes)
    pistes = []
    for suggestion in suggestions:
        code = suggestion["code_rome"]
        if code in decided:
            continue
        pistes.append(
            Piste.objects.create(
                accompaniment=accompaniment,
                code_rome=code,
                label=occupations.get(code, code),
                score=float(suggestion["score"]),
                explanation=suggestion.get("explanation", ""),
                shared_skills=labelled_skills(suggestion["shared_skills"], labels),
                missing_skills=labelled_skills(suggestion["missing_skills"], labels),
                is_mobility=bool(suggestion.get("mobility")),
                tension=tension_for(code, area_code),
            )
        )
    _audit(actor, AuditAction.UPDATE, accompaniment, ["pistes"])
    return pistes


@transaction.atomic
def piste_decide(*, actor: User, piste: Piste, decision: str, reason: str) -> Piste:
    _check_open(piste.accompaniment)
    if decision not in {PisteDecision.RETAINED, PisteDecision.SET_ASIDE}:
        raise CaseRuleError("Choisissez de retenir ou d'écarter la piste.", field="decision")
    if not reason.strip():
        raise CaseRuleError("Dites pourquoi : ce motif nourrit la synthèse.", field="reason")
    piste.decision = decision
    piste.decision_reason = reason.strip()
    piste.save(update_fields=["decision", "decision_reason"])
    _audit(actor, AuditAction.UPDATE, piste, ["decision", "decision_reason"])
    return piste


def _check_step_piste(accompaniment: Accompaniment, piste: Piste | None, *, current_piste_id: int | None = None):
    if piste is None or piste.pk == current_piste_id:
        # A step keeps the piste it hangs off even if that piste was reconsidered since.
        return
    if piste.accompaniment_id != accompaniment.pk or piste.decision != PisteDecision.RETAINED:
        raise CaseRuleError("Une étape ne se rattache qu'à une piste retenue de ce bilan.", field="piste")


@transaction.atomic
def action_step_create(*, actor: User, accompaniment: Accompaniment, data: dict[str, Any]) -> ActionStep:
    _check_open(accompaniment)
    piste = data.get("piste")
    _check_step_piste(accompaniment, piste)
    step = ActionStep.objects.create(
        accompaniment=accompaniment,
        piste=piste,
        kind=data["kind"],
        description=_check_step_description(data["description"]),
        target_date=data.get("target_date"),
    )
    _audit(actor, AuditAction.CREATE, step, ["kind", "description", "target_date"])
    return step


@transaction.atomic
def action_step_update(*, actor: User, step: ActionStep, data: dict[str, Any], base_version: int) -> list[str]:
    """Save a step of the action plan from a form opened at `base_version` (refused if anyone saved it since,
    nothing written). Returns the fields really changed."""
    accompaniment = step.accompaniment
    _check_open(accompaniment)
    values = {name: data[name] for name in ACTION_STEP_FIELDS if name in data}
    if "description" in values:
        values["description"] = _check_step_description(values["description"])
    if "piste" in values:
        _check_step_piste(accompaniment, values["piste"], current_piste_id=step.piste_id)
    changed = update_versioned(
        step,
        base_version=base_version,
        values=values,
        stale_message=(
            "Cette étape du plan d'action a été modifiée par quelqu'un d'autre depuis l'ouverture du formulaire : "
            "rien n'a été enregistré. Votre saisie est conservée ci-dessous ; vérifiez-la, puis enregistrez de "
            "nouveau."
        ),
        error_class=StaleEditError,
    )
    if changed:
        _audit(actor, AuditAction.UPDATE, step, changed)
    return changed


@transaction.atomic
def action_step_delete(*, actor: User, step: ActionStep) -> None:
    _check_open(step.accompaniment)
    _audit(actor, AuditAction.DELETE, step)
    step.delete()


@transaction.atomic
def accompaniment_set_area(*, actor: User, accompaniment: Accompaniment, area_code: str) -> Accompaniment:
    if accompaniment.employment_area_code != area_code:
        accompaniment.employment_area_code = area_code
        accompaniment.save(update_fields=["employment_area_code", "updated_at"])
        for piste in accompaniment.pistes.all():
            piste.tension = tension_for(piste.code_rome, area_code)
            piste.save(update_fields=["tension"])
        _audit(actor, AuditAction.UPDATE, accompaniment, ["employment_area_code"])
    return accompaniment
