"""The matching engine over HTTP, with the same JSON as `python -m trajectoire.matching`."""

from ninja import Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from trajectoire.engines import get_engine

router = Router(tags=["matching"])

MAX_TEXT = 20_000


class ExtractIn(Schema):
    id: str | None = None
    text: str = Field(max_length=MAX_TEXT)
    top: int = Field(default=5, ge=1, le=50)
    top_skills: int = Field(default=10, ge=1, le=100)


class RecommendIn(Schema):
    id: str | None = None
    skills: list[str] = Field(default_factory=list, max_length=2000)
    current_occupations: list[str] = Field(default_factory=list, max_length=50)
    riasec: str | None = Field(default=None, max_length=6)
    exclude: list[str] = Field(default_factory=list, max_length=200)
    top: int = Field(default=10, ge=1, le=50)


@router.post("/matching/extract", summary="Texte d'expérience → métiers et compétences ROME, avec leurs indices")
def extract(request, payload: ExtractIn) -> dict:
    try:
        result = get_engine().extract(payload.text, top=payload.top, top_skills=payload.top_skills).to_dict()
    except ValueError as error:
        raise HttpError(422, str(error))
    return {"id": payload.id, **{k: v for k, v in result.items() if k != "id"}}


@router.post("/matching/recommend", summary="Profil de compétences → métiers de destination expliqués")
def recommend(request, payload: RecommendIn) -> dict:
    profile = payload.dict(exclude={"id", "top"}, exclude_none=True)
    try:
        result = get_engine().recommend(profile, top=payload.top).to_dict()
    except ValueError as error:
        raise HttpError(422, str(error))
    return {"id": payload.id, **{k: v for k, v in result.items() if k != "id"}}
