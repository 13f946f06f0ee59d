from ninja import NinjaAPI

from trajectoire.api.auth import API_AUTH
from trajectoire.api.matching import router as matching_router
from trajectoire.api.me import router as me_router
from trajectoire.api.referentials import router as referentials_router
from trajectoire.api.schemes import router as schemes_router

api = NinjaAPI(
    title="Trajectoire API",
    version="1",
    description=(
        "API JSON de Trajectoire. Authentification par session (pages de l'application) ou par jeton "
        "(`Authorization: Bearer trj_...`, créé par `manage.py create_api_token`)."
    ),
    auth=API_AUTH,
    urls_namespace="api-v1",
)
api.add_router("/", me_router)
api.add_router("/", referentials_router)
api.add_router("/", schemes_router)
api.add_router("/", matching_router)
