"""The centre's audit log (« journal d'audit ») for its managers, in French.

An event keeps only identifiers (trajectoire/accounts/audit.py); this page turns them into words while the
records exist: the kind of object and the fields by their French names, the person concerned by name (looked up
among the centre's beneficiaries, so a destroyed file reads « dossier détruit » and the log never kept a name),
and a link to the object.
"""

from datetime import datetime, time, timedelta

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from trajectoire.accounts.audit import PAGE_OBJECT_TYPE, centre_id_of
from trajectoire.accounts.enums import SECURITY_ACTIONS, AuditAction
from trajectoire.accounts.models import AuditEvent
from trajectoire.cases.models import Beneficiary
from trajectoire.web.audit.forms import AuditFilterForm
from trajectoire.web.decorators import centre_manager_required

PAGE_SIZE = 50
DESTROYED = "dossier détruit"
# Apps whose records have a page of their own (a case's page, the profile, the pistes, the funding panel).
LINKED_APPS = {"cases", "funding"}

# Names recorded that are not model fields: what a list was narrowed by, what an export held.
EXTRA_FIELD_LABELS = {
    "q": "recherche",
    "person_link": "lien de téléchargement de la personne",
    "accompaniments": "liste des accompagnements",
}


def _model(object_type: str):
    if object_type == PAGE_OBJECT_TYPE or "." not in object_type:
        return None
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def object_type_label(object_type: str) -> str:
    if object_type == PAGE_OBJECT_TYPE:
        return "page"
    model = _model(object_type)
    return str(model._meta.verbose_name) if model else object_type


def field_labels(object_type: str, names) -> list[str]:
    model = _model(object_type)
    out = []
    for name in names:
        label = EXTRA_FIELD_LABELS.get(name, name)
        if model is not None and name not in EXTRA_FIELD_LABELS:
            try:
                label = str(model._meta.get_field(name).verbose_name)
            except FieldDoesNotExist:
                pass
        out.append(label)
    return out


def _accompaniment_id(obj) -> int | None:
    for path in ("accompaniment_id", "synthesis.accompaniment_id", "session.accompaniment_id"):
        value = obj
        for part in path.split("."):
            value = getattr(value, part, None)
        if value is not None:
            return value
    return None


def _link(object_type: str, obj) -> str:
    """Where the object is read today (for a case's record, the page of the case that shows it)."""
    if object_type == "cases.beneficiary":
        return reverse("web:beneficiary_detail", args=[obj.pk])
    if object_type == "cases.accompaniment":
        return reverse("web:case_detail", args=[obj.pk])
    case_id = _accompaniment_id(obj)
    if case_id is None:
        return ""
    if object_type in {"cases.synthesis", "cases.synthesisversion"}:
        return reverse("web:synthesis_edit", args=[case_id])
    if object_type == "funding.schemeevaluation":
        return reverse("web:case_funding_evaluation", args=[case_id, obj.pk])
    if object_type in {"cases.experience", "cases.profileskill"}:
        return reverse("web:case_profile", args=[case_id])
    if object_type in {"cases.piste", "cases.actionstep"}:
        return reverse("web:case_pistes", args=[case_id])
    return reverse("web:case_detail", args=[case_id])


def _links(events, centre) -> dict[tuple[str, str], str]:
    """Links of the objects of EVENTS that still exist and belong to CENTRE, one query per kind of object."""
    wanted: dict[str, set[int]] = {}
    for event in events:
        if event.object_id.isdigit() and event.action not in SECURITY_ACTIONS:
            wanted.setdefault(event.object_type, set()).add(int(event.object_id))
    links = {}
    for object_type, ids in wanted.items():
        model = _model(object_type)
        if model is None or model._meta.app_label not in LINKED_APPS:
            continue
        for pk, obj in model._default_manager.in_bulk(list(ids)).items():
            if centre_id_of(obj) == centre.pk:
                links[(object_type, str(pk))] = _link(object_type, obj)
    return links


def describe(events, centre) -> list[dict]:
    """Each event of the page in words."""
    events = list(events)
    people = {
        b.pk: b.full_name
        for b in Beneficiary.objects.filter(
            centre=centre, pk__in={e.beneficiary_id for e in events if e.beneficiary_id}
        )
    }
    links = _links(events, centre)
    rows = []
    for event in events:
        person = ""
        if event.beneficiary_id is not None:
            person = people.get(event.beneficiary_id, DESTROYED)
        is_security = event.action in SECURITY_ACTIONS
        rows.append(
            {
                "event": event,
                "kind": object_type_label(event.object_type),
                "object_id": event.object_id,
                "link": links.get((event.object_type, event.object_id), ""),
                "person": person,
                "person_id": event.beneficiary_id,
                "fields": field_labels(event.object_type, event.fields),
                "is_security": is_security,
                "ip": event.ip_address if is_security else None,
            }
        )
    return rows


@centre_manager_required
def audit_log(request):
    centre = request.membership.centre
    events = AuditEvent.objects.for_centre(centre).select_related("actor")
    types = sorted(set(events.values_list("object_type", flat=True).distinct()))
    choices = sorted(((t, object_type_label(t)) for t in types), key=lambda choice: choice[1])
    form = AuditFilterForm(request.GET or None, centre=centre, object_types=choices)
    if form.is_valid():
        data = form.cleaned_data
        person = data["person"].strip()
        if person.isdigit():
            events = events.filter(beneficiary_id=int(person))
        elif person:
            # Only the centre's own beneficiaries are searched: the log never names anyone else.
            ids = Beneficiary.objects.filter(centre=centre).search(person).values_list("pk", flat=True)
            events = events.filter(beneficiary_id__in=list(ids))
        if data["actor"]:
            events = events.filter(actor=data["actor"])
        if data["action"]:
            events = events.filter(action=data["action"])
        if data["object_type"]:
            events = events.filter(object_type=data["object_type"])
        if data["security"]:
            events = events.filter(action__in=list(SECURITY_ACTIONS))
        zone = timezone.get_current_timezone()
        if data["since"]:
            events = events.filter(created_at__gte=datetime.combine(data["since"], time.min, zone))
        if data["until"]:
            events = events.filter(created_at__lt=datetime.combine(data["until"] + timedelta(days=1), time.min, zone))
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/log.html",
        {
            "form": form,
            "page": page,
            "rows": describe(page.object_list, centre),
            "query": query.urlencode(),
            "retention_days": settings.AUDIT_LOG_RETENTION_DAYS,
            "list_action": AuditAction.LIST,
        },
    )
