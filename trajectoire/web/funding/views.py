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
    answer_label,
    catalogue_label,
    fact_question,
    facts_table,
    scheme_views,
    source,
)
from trajectoire.funding.services import scheme_evaluation_create, sensitive_fact_names
from trajectoire.schemes import FactError, evaluate, load_catalogue
from trajectoire.schemes.questions import plan_questions, relevant_schemes
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
    """Evaluate the schemes that matter for this case on its planned start (or a chosen date), asking only what can
    still change an answer (`trajectoire.schemes.questions`).

    GET shows the results first, then the questions, then what is already known (from the case or answered);
    each change re-posts the form (htmx) and the panel comes back with the new answer and the next questions.
    « Enregistrer » (a plain POST) stores the evaluation, for those who may write the case. `tous=1` examines every
    scheme of the catalogue, not only those relevant to this kind of case and project.
    """
    case = get_accompaniment_for_user(request.user, pk)
    catalogue = load_catalogue()
    from_case = case_facts(case)
    error_message = ""
    data = request.POST if request.method == "POST" else request.GET
    every_scheme = data.get("tous") == "1"
    if request.method == "POST":
        saving = request.POST.get("action") == "save"
        if saving:
            case = get_accompaniment_for_user(request.user, pk, write=True)
        form = FundingForm(request.POST, catalogue=catalogue)
        valid = form.is_valid()
        on = form.cleaned_data.get("on")
        facts = form.facts()
        if saving and valid:
            try:
                record = scheme_evaluation_create(
                    actor=request.user,
                    accompaniment=case,
                    facts=facts,
                    on=on,
                    sensitive_consent=form.cleaned_data["health_consent"],
                    catalogue=catalogue,
                    schemes=None if every_scheme else relevant_schemes(catalogue, facts, on)[0],
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
    plan = None
    if on is not None:
        try:
            plan = plan_questions(catalogue, facts, on, every_scheme=every_scheme)
        except FactError as error:  # only stored facts no longer valid under the current catalogue
            error_message = str(error)
    result = plan.evaluation.to_dict() if plan else None
    asked = [q.fact for q in plan.questions] if plan else []
    errors = form.fields_with_errors()
    known = [n for n in form.definitions if n in facts and n not in asked]
    to_fix = [n for n in form.definitions if n in errors and n not in asked and n not in known]
    names = {scheme.id: scheme.name for scheme in catalogue.schemes}
    context = {
        **case_context(request, case),
        "form": form,
        "on": on,
        "result": result,
        "every_scheme": every_scheme,
        "schemes": scheme_views(result or {}, catalogue),
        "catalogue_label": catalogue_label(result or {}, catalogue),
        "error_message": error_message,
        "question_groups": [
            (group.label, [form[q.fact] for q in group.questions]) for group in (plan.groups if plan else ())
        ],
        "question_count": len(asked),
        "fix_fields": [form[n] for n in to_fix],
        "known_fields": [form[n] for n in known],
        "known_summary": [
            (fact_question(catalogue, n), answer_label(catalogue, n, facts[n]), from_case.get(n) == facts[n])
            for n in known
        ],
        "other_schemes": [names[s] for s in plan.others] if plan else [],
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
            stored_ids = [s["id"] for s in record.result.get("schemes", [])]
            replay = evaluate(catalogue, record.facts, record.evaluated_on, schemes=stored_ids)
            reproduced = replay.to_dict() == record.result
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
        "catalogue_label": catalogue_label(record.result, catalogue),
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
