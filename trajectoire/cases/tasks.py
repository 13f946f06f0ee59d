from datetime import date

from django_tasks import task

from trajectoire.cases.models import Accompaniment
from trajectoire.cases.retention import ENDED_STATES, retention_apply


@task()
def apply_retention(*, accompaniment_id: int, on: str) -> dict[str, int]:
    """Destroy a finished case's working documents (enqueued at closure or abandonment).

    The job may run long after it was enqueued: it does nothing if the case was reopened since, or if it
    ended again on another date (that later closure enqueued its own job)."""
    accompaniment = Accompaniment.objects.filter(pk=accompaniment_id).first()
    if accompaniment is None:
        return {}
    if accompaniment.state not in ENDED_STATES or accompaniment.ended_on != date.fromisoformat(on):
        return {}
    record = retention_apply(accompaniment=accompaniment, on=date.fromisoformat(on))
    return record.counts if record else {}


@task()
def send_attendance_code(*, code_id: int, masked_code: str) -> int:
    """E-mail the one-time attendance code to the person (enqueued by attendance_code_send).

    The code arrives masked (the queue keeps task arguments), is unmasked here and only put in the e-mail."""
    from django.conf import settings
    from django.core.mail import EmailMessage
    from django.template.loader import render_to_string

    from trajectoire.cases.attendance import CODE_VALIDITY, french_datetime, unmask_code
    from trajectoire.cases.models import AttendanceCode

    record = AttendanceCode.objects.select_related("session__accompaniment__centre").filter(pk=code_id).first()
    if record is None or record.used_at is not None:
        return 0
    session = record.session
    body = render_to_string(
        "cases/attendance_code_email.txt",
        {
            "code": unmask_code(record.pk, masked_code),
            "centre": session.accompaniment.centre,
            "session_date": french_datetime(session.starts_at),
            "validity_minutes": int(CODE_VALIDITY.total_seconds() // 60),
            "expires_at": french_datetime(record.expires_at),
        },
    )
    subject = f"Votre code de présence — {session.accompaniment.centre.name}"
    message = EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[record.sent_to])
    return message.send()
