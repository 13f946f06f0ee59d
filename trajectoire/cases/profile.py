"""Experiences → skills profile → pistes → action plan: the investigation phase of a bilan.

Suggestions come from the matching engine and are explained; the counsellor decides each one with
the person (no automated decision, RGPD art. 22). The engine never receives anything but skill and
occupation codes: no name, age, gender or origin.
"""

from typing import Any

from django.db import transaction

from trajectoire.accounts.enums import AuditAction
from trajectoire.accounts.models import User
from trajectoire.accounts.services import audit_record
from trajectoire.cases.enums import PisteDecision, SkillProvenance, SuggestionStatus
from trajectoire.cases.errors import CaseRuleError
from trajectoire.cases.models import Accompaniment, ActionStep, Experience, Piste, ProfileSkill
from trajectoire.referentials.models import JobTitle, LabourTension, Occupation, Skill

EXTRACTED_SKILLS_PER_EXPERIENCE = 12
PISTES_TOP = 10


def _check_open(accompaniment: Accompaniment) -> None:
    if not accompaniment.is_open:
        raise CaseRuleError("Le bilan est terminé : son profil et ses pistes ne se modifient plus.")


def _audit(actor: User, action: str, obj, fields=()) -> None:
    accompaniment = obj if isinstance(obj, Accompaniment) else obj.accompaniment
    audit_record(actor=actor, action=action, obj=obj, centre_id=accompaniment.centre_id, fields=fields)


@transaction.atomic
def experience_create(*, actor: User, accompaniment: Accompaniment, data: dict[str, Any]) -> Experience:
    _check_open(accompaniment)
    fields = ("job_title", "job_title_code", "employer_type", "started_on", "ended_on", "description")
    values = {name: data[name] for name in fields if data.get(name) not in (None, "")}
    experience = Experience.objects.create(accompaniment=accompaniment, **values)
    _audit(actor, AuditAction.CREATE, experience, values.keys())
    return experience


@transaction.atomic
def experience_analyse(*, actor: User, experience: Experience, engine) -> list[ProfileSkill]:
    """Turn the account of an experience into skill suggestions waiting for the counsellor's decision.
    Skills already in the profile, or already set aside, are not suggested again."""
    accompaniment = experience.accompaniment
    _check_open(accompaniment)
    text = " ".join(part for part in (experience.job_title, experience.description) if part).strip()
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
    skill.status = SuggestionStatus.ACCEPTED if accept else SuggestionStatus.REJECTED
    if accept:
        skill.provenance = SkillProvenance.VALIDATED
    skill.save(update_fields=["status", "provenance"])
    _audit(actor, AuditAction.UPDATE, skill, ["status"])
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
        profile_skill.status = SuggestionStatus.ACCEPTED
        profile_skill.provenance = SkillProvenance.DECLARED
        profile_skill.save(update_fields=["status", "provenance"])
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


@transaction.atomic
def action_step_create(*, actor: User, accompaniment: Accompaniment, data: dict[str, Any]) -> ActionStep:
    _check_open(accompaniment)
    piste = data.get("piste")
    if piste is not None and (piste.accompaniment_id != accompaniment.pk or piste.decision != PisteDecision.RETAINED):
        raise CaseRuleError("Une étape ne se rattache qu'à une piste retenue de ce bilan.", field="piste")
    step = ActionStep.objects.create(
        accompaniment=accompaniment,
        piste=piste,
        kind=data["kind"],
        description=data["description"].strip(),
        target_date=data.get("target_date"),
    )
    _audit(actor, AuditAction.CREATE, step, ["kind", "description", "target_date"])
    return step


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
