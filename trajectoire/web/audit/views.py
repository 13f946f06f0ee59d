from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from trajectoire.accounts.models import AuditEvent
from trajectoire.web.audit.forms import AuditFilterForm
from trajectoire.web.decorators import centre_manager_required


@centre_manager_required
def audit_log(request):
    centre = request.membership.centre
    events = AuditEvent.objects.for_centre(centre).select_related("actor")
    object_types = sorted(set(events.values_list("object_type", flat=True).distinct()))
    form = AuditFilterForm(request.GET or None, centre=centre, object_types=object_types)
    if form.is_valid():
        data = form.cleaned_data
        if data["actor"]:
            events = events.filter(actor=data["actor"])
        if data["action"]:
            events = events.filter(action=data["action"])
        if data["object_type"]:
            events = events.filter(object_type=data["object_type"])
        zone = timezone.get_current_timezone()
        if data["since"]:
            events = events.filter(created_at__gte=datetime.combine(data["since"], time.min, zone))
        if data["until"]:
            events = events.filter(created_at__lt=datetime.combine(data["until"] + timedelta(days=1), time.min, zone))
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/log.html",
        {"form": form, "page": page, "retention_days": settings.AUDIT_LOG_RETENTION_DAYS},
    )
