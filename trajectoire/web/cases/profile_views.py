"""Investigation phase: experiences → skills (with the engine's evidence) → pistes → action plan."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from trajectoire.cases.access import (
    get_accompaniment_for_user,
    get_action_step_for_user,
    get_experience_for_user,
    get_piste_for_user,
    get_profile_skill_for_user,
)
from trajectoire.cases.enums import PisteDecision, SuggestionStatus
from trajectoire.cases.errors import CaseRuleError
from trajectoire.cases.profile import (
    accompaniment_set_area,
    action_step_create,
    action_step_delete,
    experience_analyse,
    experience_create,
    piste_decide,
    pistes_compute,
    skill_decide,
    skill_declare,
)
from trajectoire.engines import get_engine
from trajectoire.referentials.models import EmploymentArea
from trajectoire.web.cases.forms import ActionStepForm, AreaForm, DeclareSkillForm, ExperienceForm, PisteDecisionForm
from trajectoire.web.cases.views import case_context, report_rule_error
from trajectoire.web.decorators import centre_member_required


def _profile_context(request, case, **extra):
    skills = list(case.skills.select_related("experience"))
    return {
        **case_context(request, case),
        "experiences": case.experiences.all(),
        "pending": [s for s in skills if s.status == SuggestionStatus.PENDING],
        "accepted": [s for s in skills if s.status == SuggestionStatus.ACCEPTED],
        "rejected": [s for s in skills if s.status == SuggestionStatus.REJECTED],
        "experience_form": extra.pop("experience_form", None) or ExperienceForm(),
        "declare_form": DeclareSkillForm(),
        **extra,
    }


@centre_member_required
@require_http_methods(["GET", "POST"])
def profile(request, pk: int):
    case = get_accompaniment_for_user(request.user, pk, write=request.method == "POST")
    form = ExperienceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            experience = experience_create(actor=request.user, accompaniment=case, data=form.cleaned_data)
            if experience.description:
                found = experience_analyse(actor=request.user, experience=experience, engine=get_engine())
                messages.success(request, f"Expérience ajoutée : {len(found)} compétence(s) proposée(s) à examiner.")
            else:
                messages.success(request, "Expérience ajoutée.")
        except CaseRuleError as error:
            report_rule_error(form, error)
        else:
            return redirect("web:case_profile", pk=case.pk)
    return render(request, "cases/profile.html", _profile_context(request, case, experience_form=form))


@centre_member_required
@require_POST
def experience_analyse_view(request, pk: int, experience_pk: int):
    experience = get_experience_for_user(request.user, experience_pk, write=True)
    if experience.accompaniment_id != pk:
        raise Http404
    try:
        found = experience_analyse(actor=request.user, experience=experience, engine=get_engine())
    except CaseRuleError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{len(found)} nouvelle(s) compétence(s) proposée(s).")
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
                messages.success(request, f"{len(found)} piste(s) proposée(s), à examiner avec la personne.")
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
