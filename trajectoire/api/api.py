from ninja import NinjaAPI

from trajectoire.api.auth import API_AUTH
from trajectoire.api.errors import STATUS_DESCRIPTIONS, FrenchJsonParser, install_handlers
from trajectoire.api.matching import router as matching_router
from trajectoire.api.me import router as me_router
from trajectoire.api.referentials import router as referentials_router
from trajectoire.api.schemes import router as schemes_router


class TrajectoireAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        """ninja describes error responses in English (« Bad Request »); ours say what happened, in French."""
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema["paths"].values():
            for operation in operations.values():
                for status, response in operation.get("responses", {}).items():
                    if int(status) in STATUS_DESCRIPTIONS:
                        response["description"] = STATUS_DESCRIPTIONS[int(status)]
        return schema


api = TrajectoireAPI(
    title="Trajectoire API",
    version="1",
    description=(
        "API JSON de Trajectoire. Authentification par jeton (`Authorization: Bearer trj_...`, créé par "
        "`manage.py create_api_token`), sans jeton CSRF ; ou par la session des pages, qui doit alors envoyer "
        "l'en-tête `X-CSRFToken` pour toute écriture. Toute erreur a la même forme : "
        '`{"detail": "…", "errors": [{"field": "…", "message": "…"}]}`, en français. '
        "Voir docs/api.md."
    ),
    auth=API_AUTH,
    parser=FrenchJsonParser(),
    urls_namespace="api-v1",
)
install_handlers(api)
api.add_router("/", me_router)
api.add_router("/", referentials_router)
api.add_router("/", schemes_router)
api.add_router("/", matching_router)
