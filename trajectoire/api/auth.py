"""Who may call the API: a bearer token (scripts, other systems) or the page session (htmx calls).

Order matters. ninja tries the authenticators in turn and stops at the first that raises, so a session
authenticator that checks CSRF first (ninja's `SessionAuth`) refuses every token POST with 403 before the token
is even read. Here the token comes first, and the session authenticator checks CSRF only for a request that
really carries a logged-in session: a token needs no CSRF protection (a browser never adds it by itself to a
cross-site request), a session does, for every unsafe method.
"""

from django.conf import settings
from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth
from ninja.utils import check_csrf

from trajectoire.accounts.services import api_token_authenticate
from trajectoire.api.errors import french_spacing

CSRF_MESSAGE = french_spacing(
    "Jeton CSRF absent ou invalide : une requête faite avec la session de l'application doit porter l'en-tête "
    "« X-CSRFToken » (valeur du cookie csrftoken). Un script doit plutôt utiliser un jeton d'API "
    "(« Authorization: Bearer trj_… »)."
)


class VerifiedSessionAuth(SessionAuth):
    """The page session, only once its second factor is passed when REQUIRE_2FA is on (a password alone must
    not open the API any more than it opens the pages), and with Django's CSRF check on unsafe methods."""

    def __call__(self, request: HttpRequest):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None  # no session: let the caller get a plain 401, not a CSRF error
        if settings.REQUIRE_2FA and not user.is_verified():
            return None
        if self.csrf and not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request) is not None:
            raise HttpError(403, CSRF_MESSAGE)
        return user


class TokenAuth(HttpBearer):
    """`Authorization: Bearer trj_...` with a token created by `manage.py create_api_token`."""

    def authenticate(self, request: HttpRequest, token: str):
        user = api_token_authenticate(token)
        if user is None:
            return None
        request.user = user
        return user


# Token first (it needs no CSRF token), then the session of the pages (with its CSRF check).
API_AUTH = [TokenAuth(), VerifiedSessionAuth()]
