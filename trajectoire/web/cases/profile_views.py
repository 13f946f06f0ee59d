"""Investigation phase: experiences → skills (with the engine's evidence) → pistes → action plan."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from trajectoire import formatting
from trajectoire.cases.access import (
    get_accompaniment_for_user,
    get_action_step_for_user,
    get_experience_for_user,
    get_piste_for_user,
    get_profile_skill_for_user,
)
from trajectoire.cases.enums import PisteDecision, SuggestionStatus
from trajectoire.cases.errors import CaseRuleError, StaleEditError
from trajectoire.cases.profile import (
    accompaniment_set_area,
    action_step_create,
    action_step_delete,
    action_step_update,
    experience_analyse,
    experience_create,
    experience_delete,
    experience_update,
    piste_decide,
    pistes_compute,
    skill_decide,
    skill_declare,
    skill_remove,
    skill_restore,
)
from trajectoire.engines import get_engine
from trajectoire.referentials.models import EmploymentArea, JobTitle
from trajectoire.web.cases.forms import (
    ActionStepForm,
    AreaForm,
    DeclareSkillForm,
    ExperienceDeleteForm,
    ExperienceForm,
    PisteDecisionForm,
    SkillRemoveForm,
)
from trajectoire.web.cases.views import case_context, closed_case_redirect, report_rule_error
from trajectoire.web.decorators import centre_member_required
from trajectoire.web.stale import report_stale

# An account longer than this shows its beginning and a « Lire tout » disclosure holding the rest, in the page
# itself: the whole text is there, nothing is cut, no round-trip to read it.
ACCOUNT_SHOWN_AT_ONCE = 600


def split_account(text: str, *, at: int = ACCOUNT_SHOWN_AT_ONCE) -> tuple[str, str]:
    """The account as (beginning, rest), cut at a paragraph or word boundary before `at`; rest is "" when short.
    head + rest == text: the page shows every character."""
    if len(text) <= at + at // 2:
        return text, ""
    cut = text.rfind("\n", at // 2, at)
    if cut == -1:
        cut = text.rfind(" ", at // 2, at)
    if cut == -1:
        cut = at
    return text[:cut], text[cut:]


def _skills_context(case) -> dict:
    skills = list(case.skills.select_related("experience", "removed_by"))
    return {
        "pending": [s for s in skills if s.status == SuggestionStatus.PENDING],
        "accepted": [s for s in skills if s.status == SuggestionStatus.ACCEPTED],
        "rejected": [s for s in skills if s.status == SuggestionStatus.REJECTED],
        "removed": sorted(
            (s for s in skills if s.status == SuggestionStatus.REMOVED), key=lambda s: s.removed_at, reverse=True
        ),
    }


def _profile_context(request, case, **extra):
    experiences = list(case.experiences.all())
    for experience in experiences:
        experience.account_head, experience.account_rest = split_account(experience.description)
    context = {**case_context(request, case), **_skills_context(case), "experiences": experiences}
    # After an edit that changed the account, the page offers a new analysis of that experience (a GET that
    # writes nothing: the offer is a POST form).
    offered = request.GET.get("analyser", "")
    context["reanalyse"] = next(
        (e for e in experiences if str(e.pk) == offered and e.description and context["can_write"]), None
    )
    context["experience_form"] = extra.pop("experience_form", None) or ExperienceForm()
    context["declare_form"] = DeclareSkillForm()
    return {**context, **extra}


def _found_message(found: list) -> str:
    count = len(found)
    if count == 0:
        return "Aucune nouvelle compétence proposée : celles que l'analyse repère sont déjà au profil ou décidées."
    proposed = "proposée" if count < 2 else "proposées"
    return f"{formatting.plural(count, 'nouvelle compétence', 'nouvelles compétences')} {proposed}, à examiner."


@centre_member_required
@require_http_methods(["GET", "POST"])
def profile(request, pk: int):
    case = get_accompaniment_for_user(request.user, pk, write=request.method == "POST")
    today = timezone.localdate()
    form = ExperienceForm(request.POST or None, today=today)
    if request.method == "POST":
        if closed := closed_case_redirect(request, case):
            return closed
        if form.is_valid():
            try:
                experience = experience_create(
                    actor=request.user, accompaniment=case, data=form.cleaned_data, today=today
                )
                if experience.description:
                    found = experience_analyse(actor=request.user, experience=experience, engine=get_engine())
                    messages.success(request, f"Expérience ajoutée. {_found_message(found)}")
                else:
                    messages.success(request, "Expérience ajoutée.")
            except CaseRuleError as error:
                report_rule_error(form, error)
            else:
                return redirect("web:case_profile", pk=case.pk)
    return render(request, "cases/profile.html", _profile_context(request, case, experience_form=form))


def _experience_of_case(request, pk: int, experience_pk: int):
    experience = get_experience_for_user(request.user, experience_pk, write=True)
    if experience.accompaniment_id != pk:
        raise Http404
    return experience


def _job_title_label(code: str) -> str:
    if not code.isdigit():
        return ""
    return JobTitle.objects.filter(ogr_code=int(code)).values_list("label", flat=True).first() or ""


@centre_member_required
@require_http_methods(["GET", "POST"])
def experience_edit_view(request, pk: int, experience_pk: int):
    experience = _experience_of_case(request, pk, experience_pk)
    case = experience.accompaniment
    if closed := closed_case_redirect(request, case):
        return closed
    today = timezone.localdate()
    form = ExperienceForm(request.POST or None, instance=experience, today=today)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        base_version = data.pop("base_version") or 0
        experience.refresh_from_db()
        try:
            changed = experience_update(
                actor=request.user, experience=experience, data=data, base_version=base_version, today=today
            )
        except StaleEditError as error:
            report_stale(form, error, experience, base_version=base_version)
        except CaseRuleError as error:
            report_rule_error(form, error)
        else:
            url = reverse("web:case_profile", args=[case.pk])
            if not changed:
                messages.info(request, "Rien n'a changé dans cette expérience.")
            elif "description" in changed and experience.description:
                messages.success(
                    request, "Expérience mise à jour. Son récit a changé : vous pouvez l'analyser à nouveau."
                )
                return redirect(f"{url}?analyser={experience.pk}#experience-{experience.pk}")
            else:
                messages.success(request, "Expérience mise à jour.")
            return redirect(f"{url}#experience-{experience.pk}")
    return render(
        request,
        "cases/experience_form.html",
        {
            **case_context(request, case),
            "experience": experience,
            "form": form,
            "current_job_title": _job_title_label(experience.job_title_code),
        },
    )


@centre_member_required
@require_http_methods(["GET", "POST"])
def experience_delete_view(request, pk: int, experience_pk: int):
    """GET: what deleting will do (the skills it produced, by status) and the choice; POST: do it."""
    experience = _experience_of_case(request, pk, experience_pk)
    case = experience.accompaniment
    if closed := closed_case_redirect(request, case):
        return closed
    form = ExperienceDeleteForm(request.POST or None, initial={"base_version": experience.version})
    if request.method == "POST" and form.is_valid():
        remove = form.cleaned_data["skills"] == ExperienceDeleteForm.REMOVE
        try:
            skills = experience_delete(
                actor=request.user,
                experience=experience,
                base_version=form.cleaned_data["base_version"],
                remove_skills=remove,
            )
        except CaseRuleError as error:
            form.add_error(None, error.message)
            experience.refresh_from_db()
            form.data = {**form.data.dict(), "base_version": str(experience.version)}
        else:
            touched = [s for s in skills if s.status != SuggestionStatus.REJECTED]
            if not touched:
                messages.success(request, f"L'expérience « {experience.job_title} » est supprimée.")
            elif remove:
                messages.success(
                    request,
                    f"L'expérience « {experience.job_title} » est supprimée ; "
                    f"{formatting.plural(len(touched), 'compétence retirée', 'compétences retirées')} du profil "
                    "(liste « Retirées »).",
                )
            else:
                messages.success(
                    request,
                    f"L'expérience « {experience.job_title} » est supprimée ; "
                    f"{formatting.plural(len(touched), 'compétence reste', 'compétences restent')} au profil.",
                )
            return redirect("web:case_profile", pk=case.pk)
    skills = list(experience.skills.all())
    return render(
        request,
        "cases/experience_delete.html",
        {
            **case_context(request, case),
            "experience": experience,
            "form": form,
            "accepted": [s for s in skills if s.status == SuggestionStatus.ACCEPTED],
            "pending": [s for s in skills if s.status == SuggestionStatus.PENDING],
            "rejected": [s for s in skills if s.status == SuggestionStatus.REJECTED],
        },
    )


@centre_member_required
@require_POST
def experience_analyse_view(request, pk: int, experience_pk: int):
    experience = _experience_of_case(request, pk, experience_pk)
    try:
        found = experience_analyse(actor=request.user, experience=experience, engine=get_engine())
    except CaseRuleError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _found_message(found))
    return redirect("web:case_profile", pk=pk)


@centre_member_required
@require_POST
def skill_decide_view(request, pk: int, skill_pk: int, verdict: str):
    skill = get_profile_skill_for_user(request.user, skill_pk, write=True)
    if skill.accompaniment_id != pk or verdict not in {"accepter", "ecarter"}:
        raise Http404
    try:
        skill_decide(actor=request.user, skill=skill, accept=verdict == "accepter")
    except CaseRuleError as error:
        messages.error(request, error.message)
    if request.htmx:
        case = skill.accompaniment
        return render(request, "cases/_partials/skills.html", _profile_context(request, case))
    return redirect("web:case_profile", pk=pk)


def _skill_of_case(request, pk: int, skill_pk: int):
    skill = get_profile_skill_for_user(request.user, skill_pk, write=True)
    if skill.accompaniment_id != pk:
        raise Http404
    return skill


@centre_member_required
@require_http_methods(["GET", "POST"])
def skill_remove_view(request, pk: int, skill_pk: int):
    """GET: the skill and the reason to give; POST: take it out of the profile. The profile page also posts
    here from its inline form; a missing reason comes back to this page with the message beside the field."""
    skill = _skill_of_case(request, pk, skill_pk)
    case = skill.accompaniment
    if closed := closed_case_redirect(request, case):
        return closed
    form = SkillRemoveForm(request.POST or None, auto_id="id_remove_%s")
    if request.method == "POST" and form.is_valid():
        try:
            skill_remove(actor=request.user, skill=skill, reason=form.cleaned_data["reason"])
        except CaseRuleError as error:
            report_rule_error(form, error)
        else:
            messages.success(
                request,
                f"« {skill.label} » est retirée du profil (liste « Retirées »). Les pistes déjà proposées ne "
                "changent pas : recalculez-les pour qu'elles n'en tiennent plus compte.",
            )
            return redirect("web:case_profile", pk=pk)
    return render(request, "cases/skill_remove.html", {**case_context(request, case), "skill": skill, "form": form})


@centre_member_required
@require_POST
def skill_restore_view(request, pk: int, skill_pk: int):
    skill = _skill_of_case(request, pk, skill_pk)
    try:
        skill_restore(actor=request.user, skill=skill)
    except CaseRuleError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"« {skill.label} » est de nouveau dans le profil.")
    return redirect("web:case_profile", pk=pk)


@centre_member_required
@require_POST
def skill_declare_view(request, pk: int):
    case = get_accompaniment_for_user(request.user, pk, write=True)
    form = DeclareSkillForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choisissez une compétence dans la liste proposée.")
    else:
        try:
            skill_declare(actor=request.user, accompaniment=case, skill=form.cleaned_data["skill"])
        except CaseRuleError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "Compétence ajoutée au profil.")
    return redirect("web:case_profile", pk=pk)


def _areas_for(case):
    department = case.beneficiary.postal_code[:2]
    areas = EmploymentArea.objects.filter(is_active=True)
    local = areas.filter(department=department) if department else areas.none()
    return local if local.exists() else areas


@centre_member_required
@require_http_methods(["GET", "POST"])
def pistes(request, pk: int):
    case = get_accompaniment_for_user(request.user, pk, write=request.method == "POST")
    area_form = AreaForm(request.POST or None, areas=_areas_for(case), initial={"area": case.employment_area_code})
    if request.method == "POST":
        if area_form.is_valid():
            area = area_form.cleaned_data["area"]
            try:
                if area is not None:
                    accompaniment_set_area(actor=request.user, accompaniment=case, area_code=area.code)
                found = pistes_compute(
                    actor=request.user, accompaniment=case, engine=get_engine(), area_code=case.employment_area_code
                )
            except CaseRuleError as error:
                messages.error(request, error.message)
            else:
                proposed = "proposée" if len(found) < 2 else "proposées"
                messages.success(
                    request, f"{formatting.plural(len(found), 'piste')} {proposed}, à examiner avec la personne."
                )
                return redirect("web:case_pistes", pk=pk)
    all_pistes = list(case.pistes.all())
    return render(
        request,
        "cases/pistes.html",
        {
            **case_context(request, case),
            "area_form": area_form,
            "pending": [p for p in all_pistes if p.decision == PisteDecision.PENDING],
            "retained": [p for p in all_pistes if p.decision == PisteDecision.RETAINED],
            "set_aside": [p for p in all_pistes if p.decision == PisteDecision.SET_ASIDE],
            "decision_form": PisteDecisionForm(),
            "step_form": ActionStepForm(accompaniment=case),
            "steps": case.action_steps.select_related("piste"),
            "accepted_count": case.skills.filter(status=SuggestionStatus.ACCEPTED).count(),
        },
    )


@centre_member_required
@require_POST
def piste_decide_view(request, pk: int, piste_pk: int):
    piste = get_piste_for_user(request.user, piste_pk, write=True)
    if piste.accompaniment_id != pk:
        raise Http404
    form = PisteDecisionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    else:
        try:
            piste_decide(actor=request.user, piste=piste, **form.cleaned_data)
        except CaseRuleError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"Piste « {piste.label} » : {piste.get_decision_display()}.")
    return redirect("web:case_pistes", pk=pk)


@centre_member_required
@require_POST
def action_step_create_view(request, pk: int):
    case = get_accompaniment_for_user(request.user, pk, write=True)
    form = ActionStepForm(request.POST, accompaniment=case)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label} : {' '.join(errors)}" if label else " ".join(errors))
    else:
        try:
            action_step_create(actor=request.user, accompaniment=case, data=form.cleaned_data)
        except CaseRuleError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "Étape ajoutée au plan d'action.")
    return redirect("web:case_pistes", pk=pk)


@centre_member_required
@require_http_methods(["GET", "POST"])
def action_step_edit_view(request, pk: int, step_pk: int):
    step = get_action_step_for_user(request.user, step_pk, write=True)
    if step.accompaniment_id != pk:
        raise Http404
    case = step.accompaniment
    if closed := closed_case_redirect(request, case):
        return closed
    form = ActionStepForm(request.POST or None, instance=step, accompaniment=case)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        base_version = data.pop("base_version") or 0
        step.refresh_from_db()
        try:
            changed = action_step_update(actor=request.user, step=step, data=data, base_version=base_version)
        except StaleEditError as error:
            report_stale(form, error, step, base_version=base_version)
        except CaseRuleError as error:
            report_rule_error(form, error)
        else:
            messages.success(request, "Étape mise à jour." if changed else "Rien n'a changé dans cette étape.")
            return redirect(reverse("web:case_pistes", args=[pk]) + "#plan")
    return render(request, "cases/action_step_form.html", {**case_context(request, case), "step": step, "form": form})


@centre_member_required
@require_POST
def action_step_delete_view(request, pk: int, step_pk: int):
    step = get_action_step_for_user(request.user, step_pk, write=True)
    if step.accompaniment_id != pk:
        raise Http404
    try:
        action_step_delete(actor=request.user, step=step)
    except CaseRuleError as error:
        messages.error(request, error.message)
    return redirect("web:case_pistes", pk=pk)
