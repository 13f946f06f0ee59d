from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.template import loader
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django_tasks import task


@task()
def send_email(*, subject: str, body: str, to: list[str], html_body: str | None = None) -> int:
    """Send one e-mail out of the request cycle, so a slow SMTP server never blocks a page."""
    message = EmailMultiAlternatives(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=to)
    if html_body:
        message.attach_alternative(html_body, "text/html")
    return message.send()


SECOND_FACTOR_ADDED = "added"
SECOND_FACTOR_REMOVED = "removed"
_SECOND_FACTOR_SUBJECTS = {
    SECOND_FACTOR_ADDED: "Trajectoire : double authentification activée sur votre compte",
    SECOND_FACTOR_REMOVED: "Trajectoire : double authentification retirée de votre compte",
}


@task()
def send_second_factor_notice(*, user_id: int, change: str, at: str, ip: str | None) -> int:
    """Tell the account holder that a second factor was added or removed (AT: ISO date-time, IP: the client's
    address or None). Rendered here, in French, from the account as it is when the e-mail leaves."""
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None or not user.email:
        return 0
    with translation.override("fr"):
        body = loader.render_to_string(
            "registration/second_factor_email.txt",
            {
                "user": user,
                "added": change == SECOND_FACTOR_ADDED,
                "at": timezone.localtime(parse_datetime(at)),
                "ip": ip,
                "site_url": (settings.SITE_URL or "").rstrip("/"),
            },
        )
    message = EmailMultiAlternatives(
        subject=_SECOND_FACTOR_SUBJECTS[change], body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[user.email]
    )
    return message.send()
