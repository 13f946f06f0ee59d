"""« Pistes de financement » of a case (schemes engine) and the rules page of the centre's managers."""

from datetime import date

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from trajectoire.cases.access import get_accompaniment_for_user
from trajectoire.funding.access import get_scheme_evaluation_for_user
from trajectoire.funding.changelog import changelog_html
from trajectoire.funding.errors import FundingError
from trajectoire.funding.facts import case_facts
from trajectoire.funding.presentation import (
    CONFIDENCE_LABELS,
    KIND_LABELS,
    RULE_STATUS_LABELS,
    facts_table,
    missing_by_scheme,
    scheme_views,
    source,
)
from trajectoire.funding.services import scheme_evaluation_create, sensitive_fact_names
from trajectoire.schemes import FactError, evaluate, load_catalogue
from trajectoire.web.cases.views import case_context
from trajectoire.web.decorators import centre_manager_required, centre_member_required
from trajectoire.web.funding.forms import FundingForm


def _date_param(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        return None


@centre_member_required
@require_http_methods(["GET", "POST"])
def case_funding(request, pk: int):
    """Evaluate the schemes on the case's planned start (or a chosen date), asking only what is missing.

    GET shows the facts the case settles; each change re-posts the form (htmx) and the panel comes back with the
    new answer and the next questions. « Enregistrer » (a plain POST) stores the evaluation, for those who may
    write the case.
    """
    case = get_accompaniment_for_user(request.user, pk)
    catalogue = load_catalogue()
    from_case = case_facts(case)
    error_message = ""
    if request.method == "POST":
        saving = request.POST.get("action") == "save"
        if saving:
            case = get_accompaniment_for_user(request.user, pk, write=True)
        form = FundingForm(request.POST, catalogue=catalogue)
        valid = form.is_valid()
        on = form.cleaned_data.get("on")
        facts = form.facts()
        shown = set(facts) | set(from_case) | form.fields_with_errors()
        if saving and valid:
            try:
                record = scheme_evaluation_create(
                    actor=request.user,
                    accompaniment=case,
                    facts=facts,
                    on=on,
                    sensitive_consent=form.cleaned_data["health_consent"],
                    catalogue=catalogue,
                )
            except FundingError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            except FactError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, "L'évaluation est enregistrée : elle pourra être reproduite et expliquée.")
                return redirect("web:case_funding_evaluation", pk=case.pk, evaluation_pk=record.pk)
    else:
        facts = dict(from_case)
        on = _date_param(request.GET.get("on"))
        origin = request.GET.get("depuis")
        if origin and origin.isdigit():
            stored = get_scheme_evaluation_for_user(request.user, int(origin))
            if stored.accompaniment_id != case.pk:
                raise Http404
            facts = dict(stored.facts)
            on = on or stored.evaluated_on
        on = on or case.planned_start
        form = FundingForm(initial={"on": on, **FundingForm.initial_for(facts)}, catalogue=catalogue)
        shown = set(facts) & set(form.definitions)
    result = None
    if on is not None:
        try:
            result = evaluate(catalogue, facts, on).to_dict()
        except FactError as error:  # only stored facts no longer valid under the current catalogue
            error_message = str(error)
    missing_groups = missing_by_scheme(result or {}, catalogue)
    context = {
        **case_context(request, case),
        "form": form,
        "on": on,
        "result": result,
        "schemes": scheme_views(result or {}, catalogue),
        "error_message": error_message,
        "from_case_fields": [form[n] for n in form.definitions if n in from_case],
        "answer_fields": [form[n] for n in form.definitions if n in shown and n not in from_case],
        "question_groups": [(name, [form[n] for n in names if n not in shown]) for name, names in missing_groups],
        "missing_count": len({n for _, names in missing_groups for n in names} - shown),
        "needs_health_consent": bool(sensitive_fact_names(catalogue, facts)),
        "facts_summary": facts_table(catalogue, facts),
        "catalogue": catalogue,
        "past": case.scheme_evaluations.select_related("created_by"),
    }
    template = "funding/_panel.html" if request.htmx else "funding/panel.html"
    return render(request, template, context)


@centre_member_required
def case_funding_evaluation(request, pk: int, evaluation_pk: int):
    """A stored evaluation as it was given, with its facts, and whether it reproduces with today's catalogue."""
    record = get_scheme_evaluation_for_user(request.user, evaluation_pk)
    if record.accompaniment_id != pk:
        raise Http404
    case = get_accompaniment_for_user(request.user, pk)
    catalogue = load_catalogue()
    same_catalogue = record.catalogue_version == catalogue.version
    reproduced = None
    if same_catalogue:
        try:
            reproduced = evaluate(catalogue, record.facts, record.evaluated_on).to_dict() == record.result
        except FactError:
            reproduced = False
    context = {
        **case_context(request, case),
        "record": record,
        "schemes": scheme_views(record.result, catalogue),
        "warnings": record.result.get("warnings", []),
        "facts_summary": facts_table(catalogue, record.facts),
        "same_catalogue": same_catalogue,
        "reproduced": reproduced,
        "catalogue": catalogue,
    }
    return render(request, "funding/evaluation_detail.html", context)


def _rule_view(row, names: dict[str, str]) -> dict:
    return {
        "row": row,
        "scheme_name": names[row.scheme_id],
        "kind_label": KIND_LABELS.get(row.kind, row.kind),
        "status_label": RULE_STATUS_LABELS.get(row.status, row.status),
        "confidence_label": CONFIDENCE_LABELS.get(row.confidence, row.confidence),
        "sources": [source(url) for url in row.source_urls],
    }


@centre_manager_required
def scheme_rules(request):
    """Every rule version of the catalogue with dates, sources, confidence and last verification; the
    « à vérifier » list first; the counsellors' changelog last. No personal data here."""
    catalogue = load_catalogue()
    names = {scheme.id: scheme.name for scheme in catalogue.schemes}
    scheme_id = request.GET.get("dispositif", "")
    if scheme_id not in names:
        scheme_id = ""
    only_to_verify = request.GET.get("a_verifier") == "1"
    rows = [r for r in catalogue.rule_rows() if not scheme_id or r.scheme_id == scheme_id]
    groups = []
    for sid, name in names.items():
        selected = [_rule_view(r, names) for r in rows if r.scheme_id == sid and (r.to_verify or not only_to_verify)]
        if selected:
            groups.append({"id": sid, "name": name, "rules": selected})
    context = {
        "catalogue": catalogue,
        "schemes": list(names.items()),
        "scheme_id": scheme_id,
        "only_to_verify": only_to_verify,
        "groups": groups,
        "rule_count": sum(len(g["rules"]) for g in groups),
        "to_verify": [_rule_view(r, names) for r in rows if r.to_verify],
        "changelog": changelog_html(),
    }
    return render(request, "funding/rules.html", context)
