"""Structural recording of reads and refusals in the audit log.

The access funnels (`get_<model>_for_user`) call `audit_view` when they hand an object out and `audit_denied`
when they refuse it; pages that show a list of people pass what they show through `audited_list`. The views
themselves write nothing, so a new page that reads personal data through a funnel is recorded without anyone
thinking of it (tests/test_audit_coverage.py checks every URL).

Inside a request, `AuditContextMiddleware` keeps the request and the client's address in a context variable.
Reads are collected during the request and written once at its end, one row per object (a page that goes
through the funnel of one case three times writes one row), and only when a page was actually served (2xx):
a POST that redirects after a write is already recorded by its service, and a page that fails shows nothing.
Refusals are written at once. Outside a request (commands, shell, tests of a funnel) reads are written at once.

Only identifiers, counts and field *names* are kept: never a value, a search term or a password.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Page
from django.db import models, transaction

from trajectoire.accounts.enums import AuditAction
from trajectoire.accounts.network import client_ip

BENEFICIARY_LABEL = "cases.beneficiary"
# The foreign keys that lead from a case's record up to the person, in the order they are tried.
_PARENT_FIELDS = ("accompaniment", "synthesis", "session")
# Generic refusals (a role gate said 403 before any funnel ran) name the page, not an object.
PAGE_OBJECT_TYPE = "page"


@dataclass
class _PendingList:
    actor: Any
    centre_id: int | None
    people: set = field(default_factory=set)
    rows: int = 0
    fields: set = field(default_factory=set)


@dataclass
class RequestAudit:
    """What the audit log knows of the request being served."""

    request: Any
    ip: str | None
    views: dict = field(default_factory=dict)  # (object_type, object_id) -> keyword arguments of audit_record
    lists: dict = field(default_factory=dict)  # object_type -> _PendingList
    denied: bool = False
    flushing: bool = False


_current: ContextVar[RequestAudit | None] = ContextVar("trajectoire_audit_request", default=None)


def current() -> RequestAudit | None:
    return _current.get()


def current_ip() -> str | None:
    state = _current.get()
    return state.ip if state else None


def _follow(obj: models.Model | None, attname: str) -> Any:
    if obj is None:
        return None
    try:
        return getattr(obj, attname)
    except ObjectDoesNotExist:
        return None


def beneficiary_id_of(obj: models.Model | None, depth: int = 0) -> int | None:
    """The person a record is about, by id: the beneficiary itself, the case's person, or the person of the case
    a record hangs off (session, consent, synthesis version, attendance...). None for anything else."""
    if obj is None or depth > 3:
        return None
    meta = obj._meta
    if meta.label_lower == BENEFICIARY_LABEL:
        return obj.pk
    for model_field in meta.concrete_fields:
        related = getattr(model_field, "related_model", None)
        if related is not None and related._meta.label_lower == BENEFICIARY_LABEL:
            return getattr(obj, model_field.attname)
    for name in _PARENT_FIELDS:
        try:
            meta.get_field(name)
        except Exception:  # FieldDoesNotExist: this model has no such parent
            continue
        return beneficiary_id_of(_follow(obj, name), depth + 1)
    return None


def centre_id_of(obj: models.Model | None, depth: int = 0) -> int | None:
    """The centre whose journal a record's events belong to."""
    if obj is None or depth > 3:
        return None
    if obj._meta.label_lower == "accounts.centre":
        return obj.pk
    if hasattr(obj, "centre_id"):
        return obj.centre_id
    for name in _PARENT_FIELDS:
        try:
            obj._meta.get_field(name)
        except Exception:
            continue
        return centre_id_of(_follow(obj, name), depth + 1)
    return None


ANONYMOUS_LABEL = "visiteur non connecté"


def _actor_of(user):
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def _label_of(user) -> str:
    """The author's label of a refusal: empty (audit_record names the account) or the anonymous visitor."""
    return "" if _actor_of(user) is not None else ANONYMOUS_LABEL


def _request_centre_id() -> int | None:
    state = _current.get()
    membership = getattr(state.request, "membership", None) if state else None
    return membership.centre_id if membership is not None else None


def audit_view(user, obj: models.Model, *, beneficiary_id: int | None = None, centre_id: int | None = None) -> None:
    """A funnel handed OBJ to USER: one VIEW row per object and request."""
    from trajectoire.accounts.services import audit_record

    values = {
        "actor": _actor_of(user),
        "action": AuditAction.VIEW,
        "obj": obj,
        "centre_id": centre_id if centre_id is not None else centre_id_of(obj),
        "beneficiary_id": beneficiary_id if beneficiary_id is not None else beneficiary_id_of(obj),
    }
    state = _current.get()
    if state is None:
        audit_record(**values)
        return
    state.views.setdefault((obj._meta.label_lower, str(obj.pk)), values)


def audit_denied(user, *, model: type[models.Model], pk: Any, obj: models.Model | None = None) -> None:
    """A funnel refused USER the record PK of MODEL (404: not theirs or not there; 403: read-only asking to
    write). The row goes to the journal of the centre that owns the record, so that its manager sees who tried;
    when there is no such record, to the centre the user works in."""
    from trajectoire.accounts.services import audit_record

    if obj is None:
        try:
            obj = model._default_manager.filter(pk=pk).first()
        except (TypeError, ValueError):
            obj = None
    centre_id = centre_id_of(obj) if obj is not None else None
    audit_record(
        actor=_actor_of(user),
        actor_label=_label_of(user),
        action=AuditAction.DENIED,
        obj=None,
        object_type=model._meta.label_lower,
        object_id=str(pk)[:64],
        centre_id=centre_id if centre_id is not None else _request_centre_id(),
        beneficiary_id=beneficiary_id_of(obj),
    )
    state = _current.get()
    if state is not None:
        state.denied = True


def audited_list(request, objects, *, search: bool = False):
    """Record that REQUEST shows OBJECTS (a page of a paginator, a queryset slice or a list): one LIST row per
    kind of object and request, with the number of distinct people shown and never who they are or what was
    searched (`search` only says that a search narrowed the list). Returns what it was given, evaluated, so the
    template shows exactly what was counted."""
    rows = list(objects.object_list) if isinstance(objects, Page) else list(objects)
    if isinstance(objects, Page):
        objects.object_list = rows
    if not rows:
        model = getattr(getattr(objects, "object_list", objects), "model", None)
    else:
        model = type(rows[0])
    if model is None:
        return objects if isinstance(objects, Page) else rows
    label = model._meta.label_lower
    membership = getattr(request, "membership", None)
    state = _current.get()
    pending = _PendingList(actor=_actor_of(request.user), centre_id=membership.centre_id if membership else None)
    if state is not None:
        pending = state.lists.setdefault(label, pending)
    pending.rows += len(rows)
    pending.people.update(p for p in (beneficiary_id_of(row) for row in rows) if p is not None)
    if search:
        pending.fields.add("q")
    if state is None:
        _write_list(label, pending)
    return objects if isinstance(objects, Page) else rows


def _write_list(label: str, pending: _PendingList) -> None:
    from trajectoire.accounts.services import audit_record

    audit_record(
        actor=pending.actor,
        action=AuditAction.LIST,
        obj=None,
        object_type=label,
        object_id="",
        centre_id=pending.centre_id,
        fields=pending.fields,
        shown_count=len(pending.people),
    )


def _flush(state: RequestAudit, response) -> None:
    from trajectoire.accounts.services import audit_record

    status = getattr(response, "status_code", 500)
    state.flushing = True
    if 200 <= status < 300 and (state.views or state.lists):
        # One transaction for the request's reads: one commit (one fsync) instead of one per row.
        with transaction.atomic():
            for values in state.views.values():
                audit_record(**values)
            for label, pending in state.lists.items():
                _write_list(label, pending)
    if status == 403 and not state.denied:
        request = state.request
        audit_record(
            actor=_actor_of(getattr(request, "user", None)),
            actor_label=_label_of(getattr(request, "user", None)),
            action=AuditAction.DENIED,
            obj=None,
            object_type=PAGE_OBJECT_TYPE,
            object_id=request.path[:64],
            centre_id=_request_centre_id(),
        )


class AuditContextMiddleware:
    """Keeps the request and the client's address for the audit log, and writes the reads collected by the
    funnels once the response is known. After the authentication and current-centre middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        state = RequestAudit(request=request, ip=client_ip(request))
        token = _current.set(state)
        try:
            response = self.get_response(request)
            _flush(state, response)
            return response
        finally:
            _current.reset(token)


def login_failed(sender, credentials: dict | None = None, request=None, **kwargs) -> None:
    """Receiver of django.contrib.auth's user_login_failed: a LOGIN_FAILED row per centre of the account tried.

    The address typed is kept only when it is an existing account's (then the row names that account): what
    someone typed into the e-mail box may be a password typed in the wrong box, and is never stored."""
    from trajectoire.accounts.access import centre_ids_of
    from trajectoire.accounts.models import User
    from trajectoire.accounts.services import audit_record

    typed = (credentials or {}).get("username") or (credentials or {}).get("email") or ""
    user = User.objects.filter(email=str(typed).strip().lower()).first() if typed else None
    ip = client_ip(request) if request is not None else current_ip()
    centres: Iterable[int | None] = (centre_ids_of(user) if user is not None else []) or [None]
    for centre_id in centres:
        audit_record(
            actor=None,
            actor_label=f"compte visé : {user.get_full_name()} <{user.email}>" if user else "adresse inconnue",
            action=AuditAction.LOGIN_FAILED,
            obj=user,
            object_type="accounts.user",
            object_id=str(user.pk) if user else "",
            centre_id=centre_id,
            ip=ip,
        )
