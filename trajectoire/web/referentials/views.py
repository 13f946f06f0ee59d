"""Referential pages: browse by domain, occupation sheet, skill, search and autocomplete.

Public reference data without personal data: any logged-in user working in a centre, or a network
analyst, may read it.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from trajectoire.referentials.enums import ItemKind, ReferentialSource
from trajectoire.referentials.models import (
    MajorDomain,
    Occupation,
    OccupationItem,
    ProfessionalDomain,
    ReferentialVersion,
    Skill,
)
from trajectoire.referentials.search import (
    JOB_TITLE,
    OCCUPATION,
    SKILL,
    occupations_from_hits,
    search,
    without_duplicate_labels,
)
from trajectoire.referentials.sheets import occupation_sheet, tension_view
from trajectoire.web.referentials.forms import AreaForm, ReferentialSearchForm

AUTOCOMPLETE_SOURCES = {
    "appellations": (JOB_TITLE,),
    "metiers": (JOB_TITLE, OCCUPATION),
    "competences": (SKILL,),
}
AUTOCOMPLETE_LIMIT = 10


def referential_reader_required(view):
    """Logged in, and working in a centre or analysing the network; otherwise 403."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.membership is None and not request.user.is_network_analyst:
            raise PermissionDenied("Votre compte n'est rattaché à aucun centre.")
        return view(request, *args, **kwargs)

    return wrapper


@referential_reader_required
def browse(request):
    domains = ProfessionalDomain.objects.active().annotate(
        occupation_count=Count("occupations", filter=Q(occupations__is_active=True))
    )
    majors = MajorDomain.objects.active().prefetch_related(Prefetch("domains", queryset=domains))
    return render(
        request,
        "referentials/browse.html",
        {
            "majors": majors,
            "form": ReferentialSearchForm(),
            "version": ReferentialVersion.objects.current(ReferentialSource.ROME),
        },
    )


@referential_reader_required
def domain_detail(request, code: str):
    domain = get_object_or_404(ProfessionalDomain.objects.select_related("major_domain"), code=code.upper())
    occupations = domain.occupations.active().annotate(
        job_title_count=Count("job_titles", filter=Q(job_titles__is_active=True))
    )
    return render(request, "referentials/domain.html", {"domain": domain, "occupations": occupations})


@referential_reader_required
def occupation_detail(request, code: str):
    occupation = get_object_or_404(Occupation.objects.select_related("domain__major_domain"), code=code.upper())
    area_form = AreaForm(request.GET or None)
    area = area_form.cleaned_data["bassin"] if area_form.is_valid() else None
    tension = tension_view(occupation, area)
    if request.htmx:
        return render(
            request,
            "referentials/_partials/tension.html",
            {"occupation": occupation, "tension": tension, "area_form": area_form},
        )
    return render(
        request,
        "referentials/occupation.html",
        {"sheet": occupation_sheet(occupation), "occupation": occupation, "tension": tension, "area_form": area_form},
    )


@referential_reader_required
def skill_detail(request, ogr_code: int):
    skill = get_object_or_404(Skill.objects.select_related("macro_competence"), ogr_code=ogr_code)
    items = (
        OccupationItem.objects.active()
        .filter(kind=ItemKind.SKILL, skill=skill, occupation__is_active=True)
        .select_related("occupation")
        .order_by("core", "occupation__code")
    )
    return render(
        request,
        "referentials/skill.html",
        {"skill": skill, "items": items, "competences": skill.competences.active().order_by("label")},
    )


@referential_reader_required
def search_view(request):
    form = ReferentialSearchForm(request.GET or None)
    occupations = []
    skills = []
    query = ""
    if form.is_valid():
        query = form.cleaned_data["q"].strip()
        occupations = occupations_from_hits(search(query, kinds=(JOB_TITLE, OCCUPATION), limit=40))[:20]
        skills = search(query, kinds=(SKILL,), limit=15)
    context = {"form": form, "query": query, "occupations": occupations, "skills": skills}
    if request.htmx:
        return render(request, "referentials/_partials/search_results.html", context)
    return render(request, "referentials/search.html", context)


@referential_reader_required
def autocomplete(request, source: str):
    """The options of the autocomplete component, as an HTML fragment (htmx)."""
    kinds = AUTOCOMPLETE_SOURCES.get(source)
    if kinds is None:
        raise Http404
    form = ReferentialSearchForm(request.GET)
    hits = []
    query = ""
    if form.is_valid():
        query = form.cleaned_data["q"].strip()
        hits = without_duplicate_labels(search(query, kinds=kinds, limit=AUTOCOMPLETE_LIMIT + 2))[:AUTOCOMPLETE_LIMIT]
    return render(
        request,
        "referentials/_partials/autocomplete_options.html",
        {"hits": hits, "query": query, "listbox_id": request.GET.get("listbox", "")[:80]},
    )
