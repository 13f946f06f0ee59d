from ninja.security import HttpBearer, django_auth

from trajectoire.accounts.services import api_token_authenticate


class TokenAuth(HttpBearer):
    """`Authorization: Bearer trj_...` with a token created by `manage.py create_api_token`."""

    def authenticate(self, request, token: str):
        user = api_token_authenticate(token)
        if user is None:
            return None
        request.user = user
        return user


# Session first (pages calling the API with htmx), then bearer tokens (scripts, other systems).
API_AUTH = [django_auth, TokenAuth()]
