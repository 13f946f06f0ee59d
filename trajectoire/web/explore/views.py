"""« Explorer des pistes »: a counsellor tries a profile (job titles and skills) and reads the
suggestions with their explanations. No personal data: nothing is stored."""

from django import forms
from django.shortcuts import render

from trajectoire.cases.profile import labelled_skills
from trajectoire.engines import get_engine
from trajectoire.referentials.models import JobTitle, Occupation, OccupationItem, Skill
from trajectoire.web.decorators import centre_member_required
from trajectoire.web.referentials.forms import JobTitleField, SkillField

MAX_ITEMS = 15


class ExploreForm(forms.Form):
    appellations = forms.MultipleChoiceField(required=False)
    competences = forms.MultipleChoiceField(required=False)
    riasec = forms.CharField(required=False, max_length=3)


class AddForm(forms.Form):
    job_title = JobTitleField(required=False, label="Ajouter une appellation")
    skill = SkillField(required=False, label="Ajouter une compétence")


def _codes(request, name: str) -> list[int]:
    out = []
    for raw in request.GET.getlist(name)[:MAX_ITEMS]:
        if raw.isdigit() and int(raw) not in out:
            out.append(int(raw))
    return out


def build_profile(job_title_codes: list[int], skill_codes: list[int]) -> dict:
    """The engine's profile: skills and knowledge of the chosen job titles' occupations, the chosen
    skills, and those occupations as current ones (so they are not suggested back)."""
    occupations = sorted(
        set(JobTitle.objects.filter(ogr_code__in=job_title_codes).values_list("occupation__code", flat=True))
    )
    items = OccupationItem.objects.active().filter(occupation__code__in=occupations, kind__in=["skill", "knowledge"])
    codes = {str(c) for c in items.values_list("ogr_code", flat=True)} | {str(c) for c in skill_codes}
    return {"skills": sorted(codes), "current_occupations": occupations}


@centre_member_required
def explore(request):
    add = AddForm(request.GET or None)
    job_titles = _codes(request, "appellations")
    skills = _codes(request, "competences")
    if add.is_valid():
        if add.cleaned_data["job_title"] and add.cleaned_data["job_title"].ogr_code not in job_titles:
            job_titles.append(add.cleaned_data["job_title"].ogr_code)
        if add.cleaned_data["skill"] and add.cleaned_data["skill"].ogr_code not in skills:
            skills.append(add.cleaned_data["skill"].ogr_code)
    riasec = "".join(c for c in request.GET.get("riasec", "").upper() if c in "RIASEC")[:3]
    chosen_titles = list(JobTitle.objects.filter(ogr_code__in=job_titles).select_related("occupation"))
    chosen_skills = list(Skill.objects.filter(ogr_code__in=skills))
    suggestions = []
    if chosen_titles or chosen_skills:
        profile = build_profile(job_titles, skills)
        if riasec:
            profile["riasec"] = riasec
        result = get_engine().recommend(profile, top=10).to_dict()
        suggestions = _readable(result["suggestions"])
    return render(
        request,
        "explore/explore.html",
        {
            "add_form": AddForm(),
            "job_titles": chosen_titles,
            "skills": chosen_skills,
            "riasec": riasec,
            "suggestions": suggestions,
        },
    )


def _readable(suggestions: list[dict]) -> list[dict]:
    codes = [c for s in suggestions for c in (*s["shared_skills"], *s["missing_skills"]) if not isinstance(c, dict)]
    labels = Skill.objects.labels_by_code(codes)
    occupations = {o.code: o for o in Occupation.objects.filter(code__in=[s["code_rome"] for s in suggestions])}
    return [
        {
            **suggestion,
            "occupation": occupations.get(suggestion["code_rome"]),
            "shared_labels": [s["label"] for s in labelled_skills(suggestion["shared_skills"], labels)],
            "missing_labels": [s["label"] for s in labelled_skills(suggestion["missing_skills"], labels)],
        }
        for suggestion in suggestions
    ]
