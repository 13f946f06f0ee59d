from django.conf import settings
from ninja.security import HttpBearer, SessionAuth

from trajectoire.accounts.services import api_token_authenticate


class VerifiedSessionAuth(SessionAuth):
    """The page session, only once its second factor is passed when REQUIRE_2FA is on: a password
    alone must not open the API any more than it opens the pages."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is None:
            return None
        if settings.REQUIRE_2FA and not user.is_verified():
            return None
        return user


class TokenAuth(HttpBearer):
    """`Authorization: Bearer trj_...` with a token created by `manage.py create_api_token`."""

    def authenticate(self, request, token: str):
        user = api_token_authenticate(token)
        if user is None:
            return None
        request.user = user
        return user


# Session first (pages calling the API with htmx), then bearer tokens (scripts, other systems).
API_AUTH = [VerifiedSessionAuth(), TokenAuth()]
