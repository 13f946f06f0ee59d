"""Émargement: the proof that the person attended a held session.

Three ways to prove it (AttendanceMethod): the person signs on the counsellor's screen, next to the counsellor's
own signature; at a distance, the person reads back a one-time code e-mailed to them; or the counsellor records
the evidence (video-call log). A record is never changed: a correction is a new record citing the old one.

Signatures arrive as SVG markup from the browser (signature_pad's `toSVG()`). Markup from a browser is untrusted:
`sanitise_signature_svg` parses it strictly and rebuilds a new drawing from the numbers it contains, so what is
stored and later shown or printed is our own markup, never the input.
"""

import base64
import hashlib
import hmac
import re
import secrets
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import formats, timezone, translation

from trajectoire import formatting
from trajectoire.accounts.enums import AuditAction
from trajectoire.accounts.models import AuditEvent, User
from trajectoire.accounts.services import audit_record
from trajectoire.cases.enums import AttendanceMethod, SessionStatus
from trajectoire.cases.errors import CaseRuleError
from trajectoire.cases.models import Accompaniment, Attendance, AttendanceCode, Session

CODE_DIGITS = 6
CODE_VALIDITY = timedelta(minutes=30)
CODE_MAX_ATTEMPTS = 5
# A double click, or a counsellor impatient for a slow e-mail, must not flood the person's mailbox.
CODE_RESEND_DELAY = timedelta(minutes=1)
EVIDENCE_MIN_LENGTH = 10
# The button of the émargement page that messages point to.
CORRECT_BUTTON = "Corriger l'émargement"

# --- Dates in French --------------------------------------------------------------------------------------


def french_day(day: date) -> str:
    """« 12 mars 2026 », « 1er avril 2026 »."""
    with translation.override("fr"):
        month_year = formats.date_format(day, "F Y")
    return f"{'1er' if day.day == 1 else day.day} {month_year}"


def french_date(value: datetime) -> str:
    """The day of a moment, in Paris time."""
    return french_day(timezone.localtime(value).date())


def french_time(value: datetime) -> str:
    """« 10 h 05 », « 9 h », with no-break spaces (trajectoire/formatting.py)."""
    local = timezone.localtime(value)
    nbsp = formatting.NBSP
    return f"{local.hour}{nbsp}h{nbsp}{local.minute:02d}" if local.minute else f"{local.hour}{nbsp}h"


def french_datetime(value: datetime) -> str:
    """« 12 mars 2026 à 10 h 05 »: the wording of messages and of the attendance sheet."""
    return f"{french_date(value)} à {french_time(value)}"


# --- Signature SVG ----------------------------------------------------------------------------------------

SVG_MAX_BYTES = 200_000
SVG_NS = "http://www.w3.org/2000/svg"
# What signature_pad's toSVG() emits (path per curve, circle for a dot, line for a short stroke), plus the
# polyline and group a hand-made export may use. Nothing else is drawn on a signature.
SVG_STROKE_TAGS = {"path", "polyline", "line"}
SVG_TAGS = {"svg", "g", "circle"} | SVG_STROKE_TAGS
# A signature is a few strokes: fewer points than this is a stray click on an empty pad.
SVG_MIN_POINTS = 8
SVG_MAX_SIDE = 4000

_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_NUMBER_RE = re.compile(_NUMBER)
_PATH_RE = re.compile(rf"^(?:[MmLlHhVvCcSsQqTtZz]|{_NUMBER}|[\s,])*$")
_POINTS_RE = re.compile(rf"^(?:{_NUMBER}|[\s,])*$")
_COLOUR_RE = re.compile(
    r"^(?:#[0-9a-fA-F]{3,8}|rgba?\(\s*\d{1,3}\s*,\s*\d{1,3}\s*,\s*\d{1,3}\s*(?:,\s*(?:0|1|0?\.\d+)\s*)?\)"
    r"|black|navy|blue|darkblue|none)$"
)
_LINECAP = {"round", "butt", "square"}
# Allowed attributes per element, with the check each value must pass. Any other attribute (on*, style, href,
# transform…) makes the whole drawing refused.
_NUM = "number"
_ALLOWED: dict[str, dict[str, str]] = {
    "svg": {"viewBox": "viewbox", "width": _NUM, "height": _NUM, "version": "ignore"},
    "g": {},
    "path": {"d": "path", "stroke": "colour", "stroke-width": _NUM, "fill": "colour", "stroke-linecap": "linecap"},
    "polyline": {
        "points": "points",
        "stroke": "colour",
        "stroke-width": _NUM,
        "fill": "colour",
        "stroke-linecap": "linecap",
    },
    "line": {
        "x1": _NUM,
        "y1": _NUM,
        "x2": _NUM,
        "y2": _NUM,
        "stroke": "colour",
        "stroke-width": _NUM,
        "stroke-linecap": "linecap",
    },
    "circle": {"cx": _NUM, "cy": _NUM, "r": _NUM, "fill": "colour"},
}

INVALID_SIGNATURE = (
    "La signature reçue n'est pas un simple tracé : effacez le cadre et signez à nouveau. Si le problème "
    "persiste, utilisez un autre navigateur."
)


class SignatureError(CaseRuleError):
    pass


def _fmt(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


def _number(value: str) -> float:
    value = value.strip()
    if not re.fullmatch(_NUMBER, value):
        raise SignatureError(INVALID_SIGNATURE)
    number = float(value)
    if not -SVG_MAX_SIDE <= number <= SVG_MAX_SIDE * 2:
        raise SignatureError(INVALID_SIGNATURE)
    return number


def _check_attribute(kind: str, value: str) -> str:
    if kind == _NUM:
        return _fmt(_number(value))
    if kind == "colour":
        if not _COLOUR_RE.match(value.strip()):
            raise SignatureError(INVALID_SIGNATURE)
        return value.strip()
    if kind == "linecap":
        if value.strip() not in _LINECAP:
            raise SignatureError(INVALID_SIGNATURE)
        return value.strip()
    if kind == "viewbox":
        numbers = [_number(n) for n in value.replace(",", " ").split()]
        if len(numbers) != 4 or numbers[2] <= 0 or numbers[3] <= 0:
            raise SignatureError(INVALID_SIGNATURE)
        return " ".join(_fmt(n) for n in numbers)
    if kind == "path":
        if not _PATH_RE.match(value):
            raise SignatureError(INVALID_SIGNATURE)
        # Rebuilt token by token: command letters and our own formatting of the numbers.
        tokens = re.findall(rf"[MmLlHhVvCcSsQqTtZz]|{_NUMBER}", value)
        return " ".join(t if t.isalpha() else _fmt(_number(t)) for t in tokens)
    if kind == "points":
        if not _POINTS_RE.match(value):
            raise SignatureError(INVALID_SIGNATURE)
        coordinates = [_fmt(_number(n)) for n in _NUMBER_RE.findall(value)]
        if len(coordinates) % 2:
            raise SignatureError(INVALID_SIGNATURE)
        return " ".join(f"{x},{y}" for x, y in zip(coordinates[::2], coordinates[1::2], strict=True))
    return ""


def _points_of(tag: str, attributes: dict[str, str]) -> int:
    if tag == "path":
        return len(_NUMBER_RE.findall(attributes.get("d", ""))) // 2
    if tag == "polyline":
        return len(_NUMBER_RE.findall(attributes.get("points", ""))) // 2
    if tag == "line":
        return 2
    return 0


def sanitise_signature_svg(raw: str, *, missing: str = "Signature manquante.") -> str:
    """The signature as safe SVG markup rebuilt from the input, or SignatureError with a French message.

    1. Empty input, or a drawing without a stroke of a few points, is a missing signature.
    2. Over 200 kB, a DOCTYPE, an entity, a comment, CDATA or a processing instruction: refused before parsing,
       so no entity is ever expanded (billion laughs, external entities).
    3. Only svg, g, path, polyline, line and circle elements, in the SVG namespace or none, each with its own
       short list of attributes whose values are numbers, path commands, colours or line caps. Anything else
       (script, foreignObject, image, on* handlers, style, href) refuses the whole drawing.
    4. The output is written from the parsed numbers, not copied from the input.
    """
    raw = (raw or "").strip()
    if not raw:
        raise SignatureError(missing)
    if len(raw.encode()) > SVG_MAX_BYTES:
        raise SignatureError(
            "La signature dépasse 200 ko : effacez le cadre et signez à nouveau, d'un tracé plus simple."
        )
    body = re.sub(r"^<\?xml[^>]*\?>", "", raw).lstrip()
    if "<!" in body or "<?" in body or "&" in body:
        raise SignatureError(INVALID_SIGNATURE)
    try:
        root = ET.fromstring(body)
    except ET.ParseError as error:
        raise SignatureError(INVALID_SIGNATURE) from error

    def tag_of(element: ET.Element) -> str:
        tag = element.tag
        if tag.startswith("{"):
            namespace, _, tag = tag[1:].partition("}")
            if namespace != SVG_NS:
                raise SignatureError(INVALID_SIGNATURE)
        if tag not in SVG_TAGS:
            raise SignatureError(INVALID_SIGNATURE)
        return tag

    def clean_attributes(tag: str, element: ET.Element) -> dict[str, str]:
        allowed = _ALLOWED[tag]
        cleaned = {}
        for name, value in element.attrib.items():
            if name not in allowed:
                raise SignatureError(INVALID_SIGNATURE)
            if allowed[name] != "ignore":
                cleaned[name] = _check_attribute(allowed[name], value)
        return cleaned

    if tag_of(root) != "svg":
        raise SignatureError(INVALID_SIGNATURE)
    svg_attributes = clean_attributes("svg", root)
    if (root.text or "").strip():
        raise SignatureError(INVALID_SIGNATURE)
    width = svg_attributes.get("width")
    height = svg_attributes.get("height")
    view_box = svg_attributes.get("viewBox") or (f"0 0 {width} {height}" if width and height else "")
    if not view_box:
        raise SignatureError(INVALID_SIGNATURE)
    _, _, box_width, box_height = (float(n) for n in view_box.split())
    if box_width > SVG_MAX_SIDE or box_height > SVG_MAX_SIDE:
        raise SignatureError(INVALID_SIGNATURE)

    shapes: list[str] = []
    points = 0
    for element in root.iter():
        if element is root:
            continue
        tag = tag_of(element)
        if tag == "svg" or (element.text or "").strip() or (element.tail or "").strip():
            raise SignatureError(INVALID_SIGNATURE)
        if tag == "g":
            clean_attributes(tag, element)
            continue
        attributes = clean_attributes(tag, element)
        points += _points_of(tag, attributes)
        if tag in SVG_STROKE_TAGS:
            attributes.setdefault("stroke", "black")
            attributes.setdefault("fill", "none")
        shapes.append(f"<{tag} " + " ".join(f'{name}="{value}"' for name, value in sorted(attributes.items())) + "/>")
    if points < SVG_MIN_POINTS:
        raise SignatureError(missing)
    return (
        f'<svg xmlns="{SVG_NS}" viewBox="{view_box}" width="{_fmt(box_width)}" height="{_fmt(box_height)}">'
        + "".join(shapes)
        + "</svg>"
    )


# --- Preconditions ----------------------------------------------------------------------------------------


def _lock_open_case(session: Session) -> Accompaniment:
    # Serialises the attendance writes of one case, like the session writes (see services._lock).
    accompaniment = Accompaniment.objects.select_for_update(of=("self",)).get(pk=session.accompaniment_id)
    if not accompaniment.is_open:
        raise CaseRuleError(
            "Le bilan est terminé : ses entretiens ne s'émargent plus et leurs émargements restent tels quels."
        )
    return accompaniment


def _check_held(session: Session) -> None:
    session.refresh_from_db(fields=["status", "held_minutes"])
    if session.status != SessionStatus.HELD:
        raise CaseRuleError(
            f"Cet entretien est {formatting.quote(session.get_status_display())} : seul un entretien réalisé "
            "s'émarge. Marquez-le d'abord réalisé, avec sa durée réelle."
        )


def _already_signed_message(existing: Attendance) -> str:
    return (
        f"Cet entretien est déjà émargé le {french_datetime(existing.signed_at)} : pour corriger, utilisez "
        f"{formatting.quote(CORRECT_BUTTON)}."
    )


def _check_not_signed(session: Session) -> None:
    existing = Attendance.objects.filter(session=session, corrects__isnull=True).first()
    if existing is not None:
        raise CaseRuleError(_already_signed_message(existing))


def _create(session: Session, **values) -> Attendance:
    """Create the record; a concurrent first record (unique constraint) gets the same message as a late one."""
    try:
        with transaction.atomic():
            return Attendance.objects.create(session=session, **values)
    except IntegrityError as error:
        if values.get("corrects") is None:
            existing = Attendance.objects.filter(session=session, corrects__isnull=True).first()
            if existing is not None:
                raise CaseRuleError(_already_signed_message(existing)) from error
        raise CaseRuleError(
            "Cet émargement vient d'être corrigé par quelqu'un d'autre : rechargez la page."
        ) from error


def _audit(actor: User | None, created, accompaniment: Accompaniment, fields: list[str]) -> None:
    audit_record(actor=actor, action=AuditAction.CREATE, obj=created, centre_id=accompaniment.centre_id, fields=fields)


def _evidence_text(evidence: str) -> str:
    evidence = (evidence or "").strip()
    if len(evidence) < EVIDENCE_MIN_LENGTH:
        raise CaseRuleError(
            "Décrivez la preuve de présence : outil de visioconférence, heures de connexion et de déconnexion…",
            field="evidence",
        )
    return evidence


@dataclass(frozen=True)
class Proof:
    """The new proof given with a correction: the fields of an on-site signature or of recorded evidence."""

    method: str
    signature_svg: str = ""
    counsellor_signature_svg: str = ""
    evidence: str = ""


def _proof_values(proof: Proof) -> dict[str, str]:
    if proof.method == AttendanceMethod.ON_SITE_SIGNATURE:
        return {
            "method": proof.method,
            "signature_svg": sanitise_signature_svg(
                proof.signature_svg, missing="Signature de la personne manquante : faites-la signer dans le cadre."
            ),
            "counsellor_signature_svg": sanitise_signature_svg(
                proof.counsellor_signature_svg,
                missing="Signature du conseiller manquante : signez dans le second cadre.",
            ),
        }
    if proof.method == AttendanceMethod.COUNSELLOR_EVIDENCE:
        return {"method": proof.method, "evidence": _evidence_text(proof.evidence)}
    raise CaseRuleError(
        "Une correction se fait par une nouvelle signature sur place ou par une preuve consignée.", field="method"
    )


# --- Services ---------------------------------------------------------------------------------------------


@transaction.atomic
def attendance_sign_on_site(
    *, actor: User, session: Session, signature_svg: str, counsellor_signature_svg: str, now: datetime
) -> Attendance:
    """The person signs on the counsellor's screen, and the counsellor signs beside: both drawings are kept."""
    accompaniment = _lock_open_case(session)
    _check_held(session)
    _check_not_signed(session)
    values = _proof_values(
        Proof(
            method=AttendanceMethod.ON_SITE_SIGNATURE,
            signature_svg=signature_svg,
            counsellor_signature_svg=counsellor_signature_svg,
        )
    )
    attendance = _create(session, **values, signed_at=now, confirmed_by=actor, created_at=now)
    _audit(actor, attendance, accompaniment, ["method", "signature_svg", "counsellor_signature_svg"])
    return attendance


@transaction.atomic
def attendance_record_evidence(*, actor: User, session: Session, evidence: str, now: datetime) -> Attendance:
    """At a distance, the counsellor records the evidence of presence (video-call log, connection times)."""
    accompaniment = _lock_open_case(session)
    _check_held(session)
    _check_not_signed(session)
    values = _proof_values(Proof(method=AttendanceMethod.COUNSELLOR_EVIDENCE, evidence=evidence))
    attendance = _create(session, **values, signed_at=now, confirmed_by=actor, created_at=now)
    _audit(actor, attendance, accompaniment, ["method", "evidence"])
    return attendance


def _key() -> bytes:
    return str(settings.SECRET_KEY).encode()


def _code_digest(session: Session, code: str) -> str:
    return hmac.new(_key(), f"{session.pk}:{code}".encode(), hashlib.sha256).hexdigest()


def _code_mask(code_id: int) -> int:
    digest = hmac.new(_key(), f"attendance-code-mask:{code_id}".encode(), hashlib.sha256)
    return int.from_bytes(digest.digest()[:8], "big") % 10**CODE_DIGITS


def mask_code(code_id: int, code: str) -> str:
    """The code as handed to the e-mail task. The task queue keeps its arguments in the database after the run,
    so the code travels masked by a pad only the server can compute (keyed by SECRET_KEY and the code's row)."""
    return f"{(int(code) + _code_mask(code_id)) % 10**CODE_DIGITS:0{CODE_DIGITS}d}"


def unmask_code(code_id: int, masked: str) -> str:
    return f"{(int(masked) - _code_mask(code_id)) % 10**CODE_DIGITS:0{CODE_DIGITS}d}"


@transaction.atomic
def attendance_code_send(*, actor: User, session: Session, now: datetime) -> AttendanceCode:
    """E-mail a one-time code to the person, valid 30 minutes; sending a new one voids the previous ones.
    Only the code's keyed hash is stored; the code itself is never logged."""
    from trajectoire.cases.tasks import send_attendance_code

    accompaniment = _lock_open_case(session)
    _check_held(session)
    _check_not_signed(session)
    beneficiary = accompaniment.beneficiary
    if not beneficiary.email:
        raise CaseRuleError(
            f"{beneficiary.full_name} n'a pas d'adresse e-mail dans son dossier : ajoutez-la, ou consignez la "
            "preuve de présence."
        )
    latest = AttendanceCode.objects.filter(session=session).order_by("-sent_at", "-id").first()
    if latest is not None and latest.sent_at > now - CODE_RESEND_DELAY:
        raise CaseRuleError(
            f"Un code vient d'être envoyé à {latest.sent_to} à {french_time(latest.sent_at)} : l'e-mail peut "
            "mettre une minute à arriver. Attendez avant d'en demander un nouveau."
        )
    AttendanceCode.objects.filter(session=session, used_at__isnull=True, expires_at__gt=now).update(expires_at=now)
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    record = AttendanceCode.objects.create(
        session=session,
        digest=_code_digest(session, code),
        sent_to=beneficiary.email,
        sent_at=now,
        expires_at=now + CODE_VALIDITY,
    )
    _audit(actor, record, accompaniment, ["sent_to"])
    masked = mask_code(record.pk, code)
    transaction.on_commit(lambda: send_attendance_code.enqueue(code_id=record.pk, masked_code=masked))
    return record


def code_sender(record: AttendanceCode) -> User | None:
    """Who sent a code: the author of its audited creation (AttendanceCode keeps no author of its own)."""
    event = (
        AuditEvent.objects.filter(
            object_type=AttendanceCode._meta.label_lower, object_id=str(record.pk), action=AuditAction.CREATE
        )
        .select_related("actor")
        .first()
    )
    return event.actor if event is not None else None


def attendance_code_confirm(*, session: Session, code: str, now: datetime) -> Attendance:
    """The person reads back the code they received; the counsellor who sent it is the one who confirms.

    A wrong code still counts as an attempt (kept even though the call fails), so the outcome is decided inside
    the transaction and the refusal raised after it."""
    code = (code or "").strip().replace(" ", "")
    refusal = None
    with transaction.atomic():
        accompaniment = _lock_open_case(session)
        _check_held(session)
        _check_not_signed(session)
        record = (
            AttendanceCode.objects.select_for_update()
            .filter(session=session, used_at__isnull=True)
            .order_by("-sent_at", "-id")
            .first()
        )
        if record is None:
            raise CaseRuleError(
                "Aucun code n'a été envoyé pour cet entretien : envoyez d'abord un code à la personne."
            )
        if record.expires_at <= now:
            raise CaseRuleError(
                "Ce code a expiré (il est valable 30 minutes) ou un code plus récent a été envoyé : envoyez un "
                "nouveau code.",
                field="code",
            )
        if record.attempts >= CODE_MAX_ATTEMPTS:
            raise CaseRuleError("Trop d'essais erronés pour ce code : envoyez un nouveau code.", field="code")
        well_formed = bool(re.fullmatch(rf"\d{{{CODE_DIGITS}}}", code))
        expected = record.digest
        given = _code_digest(session, code) if well_formed else "0" * len(expected)
        if not hmac.compare_digest(expected, given):
            AttendanceCode.objects.filter(pk=record.pk).update(attempts=F("attempts") + 1)
            left = CODE_MAX_ATTEMPTS - record.attempts - 1
            refusal = f"Code incorrect : vérifiez les {CODE_DIGITS} chiffres reçus par e-mail. " + (
                f"Il reste {formatting.plural(left, 'essai')}." if left else "Envoyez un nouveau code."
            )
        else:
            claimed = AttendanceCode.objects.filter(pk=record.pk, used_at__isnull=True).update(used_at=now)
            if claimed == 0:
                raise CaseRuleError("Ce code vient d'être utilisé : rechargez la page.", field="code")
            sender = code_sender(record) or accompaniment.counsellor
            attendance = _create(
                session,
                method=AttendanceMethod.EMAIL_CODE,
                evidence=f"Code à usage unique envoyé à {record.sent_to} le {french_datetime(record.sent_at)}.",
                signed_at=now,
                confirmed_by=sender,
                created_at=now,
            )
            _audit(sender, attendance, accompaniment, ["method"])
    if refusal:
        raise CaseRuleError(refusal, field="code")
    return attendance


@transaction.atomic
def attendance_correct(*, actor: User, attendance: Attendance, reason: str, proof: Proof, now: datetime) -> Attendance:
    """A new record that cites the one it corrects, with the reason; the corrected record stays as it was."""
    session = attendance.session
    accompaniment = _lock_open_case(session)
    reason = (reason or "").strip()
    if not reason:
        raise CaseRuleError("Indiquez le motif de la correction.", field="correction_reason")
    later = Attendance.objects.filter(corrects=attendance).first()
    if later is not None:
        raise CaseRuleError(
            f"Cet émargement a déjà été corrigé le {french_datetime(later.created_at)} : corrigez le plus récent."
        )
    values = _proof_values(proof)
    corrected = _create(
        session,
        **values,
        corrects=attendance,
        correction_reason=reason,
        signed_at=now,
        confirmed_by=actor,
        created_at=now,
    )
    _audit(actor, corrected, accompaniment, ["method", "corrects", "correction_reason"])
    return corrected


# --- Reading ----------------------------------------------------------------------------------------------


def attendance_chain(session: Session) -> list[Attendance]:
    """The records of a session, oldest first: the original, then each correction."""
    return list(session.attendances.select_related("confirmed_by").order_by("created_at", "id"))


def current_attendance(records: list[Attendance]) -> Attendance | None:
    corrected = {r.corrects_id for r in records if r.corrects_id}
    current = [r for r in records if r.pk not in corrected]
    return current[-1] if current else None


def svg_data_url(svg: str) -> str:
    """A stored (sanitised) signature as an image URL: shown with <img>, which the CSP allows for data: URLs and
    which never runs anything inside the SVG."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode() if svg else ""


@dataclass(frozen=True)
class SheetRow:
    session: Session
    date: str
    hours: str
    duration: str
    record: Attendance | None
    confirmed_on: str
    # (when, reason) of each correction that led to the current record.
    corrections: list[tuple[str, str]]
    signature_url: str
    counsellor_signature_url: str


def bilan_period(accompaniment: Accompaniment) -> str:
    """The dates of the bilan as the sheet states them: real ones when known, else the planned ones."""
    if accompaniment.started_on:
        text = f"commencé le {french_day(accompaniment.started_on)}"
        if accompaniment.ended_on:
            text += f", terminé le {french_day(accompaniment.ended_on)}"
        return text
    if accompaniment.planned_start and accompaniment.planned_end:
        return f"prévu du {french_day(accompaniment.planned_start)} au {french_day(accompaniment.planned_end)}"
    return "non commencé"


def attendance_sheet(accompaniment: Accompaniment) -> tuple[list[SheetRow], int]:
    """One row per HELD session with its current record and the corrections that led to it; total held minutes."""
    sessions = list(accompaniment.sessions.filter(status=SessionStatus.HELD).order_by("starts_at", "id"))
    records: dict[int, list[Attendance]] = {}
    for record in (
        Attendance.objects.filter(session__in=sessions).select_related("confirmed_by").order_by("created_at", "id")
    ):
        records.setdefault(record.session_id, []).append(record)
    rows = []
    total = 0
    for session in sessions:
        chain = records.get(session.pk, [])
        current = current_attendance(chain)
        total += session.held_minutes or 0
        rows.append(
            SheetRow(
                session=session,
                date=french_date(session.starts_at),
                hours=f"{french_time(session.starts_at)} – {french_time(session.ends_at)}",
                duration=formatting.duration(session.held_minutes or 0),
                record=current,
                confirmed_on=french_datetime(current.signed_at) if current else "",
                corrections=[(french_datetime(r.created_at), r.correction_reason) for r in chain if r.corrects_id],
                signature_url=svg_data_url(current.signature_svg) if current else "",
                counsellor_signature_url=svg_data_url(current.counsellor_signature_svg) if current else "",
            )
        )
    return rows, total
