"""One error shape for the whole API, with French messages.

Every refusal, whatever its cause (authentication, CSRF, validation, unknown object, body too large), answers
`{"detail": "…", "errors": [{"field": "…", "message": "…"}]}`: `detail` is one sentence a person can read,
`errors` lists the fields in cause (empty when no field is to blame). Pydantic's English messages never reach
the client: each error type we meet is translated below, and an unknown type falls back to a neutral French
sentence rather than leaking English.

Status codes:
- 400: the request cannot be read (body not JSON) or its URL parameters (path, query) are invalid;
- 401: no usable credentials; 403: session without its CSRF token, or not allowed;
- 404: unknown object, or one outside the caller's scope (never 403, so existence is not revealed);
- 413: body larger than `MAX_BODY_BYTES`; 422: the JSON body does not follow the schema, or the engine
  refuses a value.
"""

import json
import re
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser

from trajectoire.api.base import ISO_DATE, OGR_CODE, RIASEC, ROME_CODE, ROME_CODE_ANY_CASE, SEARCH_QUERY
from trajectoire.formatting import NNBSP, number

MAX_BODY_BYTES = 1_000_000  # the largest valid body (20 000 characters of text, escaped) is far below

PATTERN_MESSAGES = {
    ROME_CODE: "doit être un code ROME : une lettre majuscule suivie de quatre chiffres (p. ex. J1501)",
    ROME_CODE_ANY_CASE: "doit être un code ROME : une lettre suivie de quatre chiffres (p. ex. J1501)",
    OGR_CODE: "doit être un code OGR du ROME, en chiffres (p. ex. 38707)",
    RIASEC: "ne peut contenir que les lettres R, I, A, S, E, C (six au plus, p. ex. SA)",
    ISO_DATE: "doit être une date AAAA-MM-JJ",
    SEARCH_QUERY: "doit contenir au moins 2 caractères autres que des espaces",
}


class FieldErrorOut(Schema):
    field: str = Field(
        description="Chemin du champ en cause, p. ex. « profile.skills[2] » ou « q » ; vide pour le corps entier."
    )
    message: str = Field(description="Ce qui ne va pas, en français.")


class ErrorOut(Schema):
    """The only error shape of the API."""

    detail: str = Field(description="Le problème, en une phrase en français.")
    errors: list[FieldErrorOut] = Field(description="Les champs en cause (vide si aucun champ n'est en cause).")


STATUS_DESCRIPTIONS = {
    400: "Requête illisible (corps qui n'est pas du JSON) ou paramètres d'URL invalides",
    401: "Authentification requise : jeton `Authorization: Bearer trj_…` ou session (second facteur compris)",
    403: "Session sans jeton CSRF valide, ou action non permise",
    404: "Objet inconnu ou hors de votre périmètre",
    413: f"Corps de requête trop volumineux (plus de {MAX_BODY_BYTES:_} octets)".replace("_", NNBSP),
    422: "Corps JSON non conforme au schéma, ou valeur refusée par le moteur",
}


def error_responses(*codes: int) -> dict[int, Any]:
    """`response=` entries documenting these error statuses with the shared shape."""
    return {code: ErrorOut for code in codes}


def french_spacing(text: str) -> str:
    """Narrow no-break spaces inside « » and before ; : ! ? (the house typography), so that a line break never
    leaves a guillemet or a colon alone. Header names such as « Authorization: » have no space to replace."""
    for plain, fine in (("« ", "«\u202f"), (" »", "\u202f»"), (" :", "\u202f:"), (" ;", "\u202f;"), (" ?", "\u202f?")):
        text = text.replace(plain, fine)
    return text.replace(" !", "\u202f!")


def error_body(detail: str, errors: list[dict[str, str]] | None = None) -> dict[str, Any]:
    return {
        "detail": french_spacing(detail),
        "errors": [{"field": e["field"], "message": french_spacing(e["message"])} for e in errors or []],
    }


# -- body parsing ---------------------------------------------------------------------------------------------


class BodyError(Exception):
    """The body cannot be read; ninja wraps it in a 400 HttpError, our handler reads it back."""

    def __init__(self, status: int, message: str):
        self.status = status
        self.message = message
        super().__init__(message)


def _refuse_constant(name: str):
    raise BodyError(400, f"Corps de requête illisible : « {name} » n'est pas une valeur JSON admise.")


class FrenchJsonParser(Parser):
    """ninja's JSON parser, with a size limit and French messages (NaN and Infinity are not JSON)."""

    def parse_body(self, request: HttpRequest) -> Any:
        body = request.body
        if len(body) > MAX_BODY_BYTES:
            raise BodyError(413, _too_large_message())
        try:
            # Decoded here: json.loads would also guess UTF-16 or UTF-32, which JSON on the wire may not be.
            return json.loads(body.decode("utf-8"), parse_constant=_refuse_constant)
        except UnicodeDecodeError:
            raise BodyError(400, "Corps de requête illisible : il doit être encodé en UTF-8.") from None
        except json.JSONDecodeError as error:
            raise BodyError(
                400,
                f"Corps de requête illisible : JSON invalide (ligne {error.lineno}, colonne {error.colno}).",
            ) from None


def _too_large_message() -> str:
    return f"Corps de requête trop volumineux : {number(MAX_BODY_BYTES)} octets au plus."


# -- validation errors in French ------------------------------------------------------------------------------


def _plural(count: Any, singular: str, plural: str) -> str:
    return f"{_num(count)} {singular if count in (0, 1) else plural}"


def _num(value: Any) -> str:
    if isinstance(value, float) and not value.is_integer():
        text = repr(value)
        decimals = len(text.partition(".")[2]) if "e" not in text else 6
        return number(value, decimals)
    return number(value)


def _choices(expected: str) -> str:
    values = re.findall(r"'([^']*)'", expected) or [expected]
    if len(values) == 1:
        return values[0]
    return ", ".join(values[:-1]) + " ou " + values[-1]


def _message(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return "est obligatoire"
    if kind == "extra_forbidden":
        return "n'est pas un champ connu"
    if kind == "string_type":
        return "doit être une chaîne de caractères"
    if kind == "string_too_short":
        return f"doit contenir au moins {_plural(ctx.get('min_length', 1), 'caractère', 'caractères')}"
    if kind == "string_too_long":
        return f"ne doit pas dépasser {_plural(ctx.get('max_length', 0), 'caractère', 'caractères')}"
    if kind == "string_pattern_mismatch":
        return PATTERN_MESSAGES.get(ctx.get("pattern", ""), "n'a pas le format attendu")
    if kind == "too_short":
        return f"doit contenir au moins {_plural(ctx.get('min_length', 1), 'élément', 'éléments')}"
    if kind == "too_long":
        return f"ne doit pas contenir plus de {_plural(ctx.get('max_length', 0), 'élément', 'éléments')}"
    if kind in ("literal_error", "enum"):
        return f"doit valoir : {_choices(str(ctx.get('expected', '')))}"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return "doit être un nombre entier"
    if kind in ("float_type", "float_parsing"):
        return "doit être un nombre"
    if kind == "finite_number":
        return "doit être un nombre fini"
    if kind in ("bool_type", "bool_parsing"):
        return "doit être un booléen (true ou false)"
    if kind == "greater_than_equal":
        return f"doit être supérieur ou égal à {_num(ctx.get('ge'))}"
    if kind == "greater_than":
        return f"doit être strictement supérieur à {_num(ctx.get('gt'))}"
    if kind == "less_than_equal":
        return f"doit être inférieur ou égal à {_num(ctx.get('le'))}"
    if kind == "less_than":
        return f"doit être strictement inférieur à {_num(ctx.get('lt'))}"
    if kind in ("list_type", "tuple_type", "set_type"):
        return "doit être une liste"
    if kind in ("dict_type", "model_type", "model_attributes_type", "dataclass_type"):
        return "doit être un objet JSON"
    if kind in ("json_invalid", "json_type"):
        return "doit être du JSON valide"
    if kind.startswith("date") or kind.startswith("datetime"):
        return "doit être une date AAAA-MM-JJ valide"
    if kind == "none_required":
        return "doit être null"
    if kind == "value_error":
        # Our own validators raise ValueError with a French message.
        return str(ctx.get("error", "")).removeprefix("Value error, ") or "est invalide"
    return "est invalide"


def field_path(loc: tuple | list) -> str:
    """("body", "payload", "profiles", 0, "riasec") → "profiles[0].riasec"; ("query", "q") → "q"."""
    parts = list(loc)
    if parts and parts[0] == "body":
        parts = parts[2:]  # the source, then the view's parameter name (« payload »)
    elif parts:
        parts = parts[1:]
    path = ""
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += ("." if path else "") + str(part)
    return path


def translate(errors: list[dict[str, Any]]) -> list[dict[str, str]]:
    out = []
    for error in errors:
        path = field_path(error.get("loc", ()))
        if not path and error.get("type") == "missing":
            message = "le corps de la requête est obligatoire (un objet JSON)"
        else:
            message = _message(error)
        out.append({"field": path, "message": message})
    return out


def _summary(errors: list[dict[str, str]]) -> str:
    parts = [f"« {e['field']} » {e['message']}" if e["field"] else e["message"] for e in errors]
    if not parts:
        return "Requête invalide."
    text = " ; ".join(parts)
    return f"Requête invalide : {text}."


def _is_url_error(error: dict[str, Any]) -> bool:
    loc = error.get("loc") or ("",)
    return loc[0] in ("path", "query")


# -- handlers -------------------------------------------------------------------------------------------------


def install_handlers(api: NinjaAPI) -> None:
    """Replace ninja's default handlers, which answer in English and in other shapes."""

    @api.exception_handler(ValidationError)
    def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = translate(exc.errors)
        status = 400 if exc.errors and all(_is_url_error(e) for e in exc.errors) else 422
        return api.create_response(request, error_body(_summary(errors), errors), status=status)

    @api.exception_handler(AuthenticationError)
    def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = api.create_response(
            request,
            error_body(
                "Authentification requise : envoyez l'en-tête « Authorization: Bearer trj_… » avec un jeton "
                "valide (manage.py create_api_token), ou ouvrez une session dans l'application."
            ),
            status=401,
        )
        response["WWW-Authenticate"] = 'Bearer realm="trajectoire"'
        return response

    @api.exception_handler(HttpError)
    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        cause = exc.__cause__
        if isinstance(cause, BodyError):
            return api.create_response(request, error_body(cause.message), status=cause.status)
        if isinstance(cause, RequestDataTooBig):
            return api.create_response(request, error_body(_too_large_message()), status=413)
        return api.create_response(request, error_body(exc.message), status=exc.status_code)

    @api.exception_handler(RequestDataTooBig)
    def on_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        return api.create_response(request, error_body(_too_large_message()), status=413)

    @api.exception_handler(Http404)
    def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        # Out-of-scope objects are 404 too (access funnels): the message never says which.
        return api.create_response(request, error_body("Objet introuvable ou hors de votre périmètre."), status=404)
