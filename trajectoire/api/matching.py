"""The matching engine over HTTP, with the same JSON as `python -m trajectoire.matching`."""

from typing import Annotated, Literal

from ninja import Router
from ninja.errors import HttpError
from pydantic import Field

from trajectoire.api.base import OGR_CODE, RIASEC, ROME_CODE, EngineOut, InputSchema, WholeNumber
from trajectoire.api.errors import error_responses
from trajectoire.engines import get_engine
from trajectoire.matching.engine import ProfileError

router = Router(tags=["matching"])

MAX_TEXT = 20_000
MAX_ID = 200
MAX_SKILLS = 2000  # the engine itself accepts 5 000 codes; 2 000 already exceeds any real profile
MAX_OCCUPATIONS = 50
MAX_EXCLUDE = 200
MAX_WISHES = 5000

RomeCode = Annotated[str, Field(pattern=ROME_CODE, description="Code ROME 4.0, p. ex. J1501")]
OgrCode = Annotated[str, Field(pattern=OGR_CODE, description="Code OGR d'une compétence ou d'un savoir du ROME")]
RequestId = Annotated[
    str | None, Field(default=None, max_length=MAX_ID, description="Identifiant libre, renvoyé tel quel")
]


class ExtractIn(InputSchema):
    id: RequestId = None
    text: str = Field(max_length=MAX_TEXT, description="Description d'une expérience, en français")
    top: WholeNumber = Field(default=5, ge=1, le=50, description="Nombre de fiches métiers proposées")
    top_skills: WholeNumber = Field(default=10, ge=1, le=100, description="Nombre de compétences proposées")


class RecommendIn(InputSchema):
    id: RequestId = None
    skills: list[OgrCode] = Field(default_factory=list, max_length=MAX_SKILLS)
    current_occupations: list[RomeCode] = Field(default_factory=list, max_length=MAX_OCCUPATIONS)
    riasec: str | None = Field(
        default=None, pattern=RIASEC, description="Lettres RIASEC d'intérêts, de la plus forte à la moins forte"
    )
    exclude: list[RomeCode] = Field(default_factory=list, max_length=MAX_EXCLUDE)
    wishes: str | None = Field(
        default=None,
        max_length=MAX_WISHES,
        description="Ce que la personne dit vouloir et refuser, dans ses mots (« j'aime expliquer ; plus de nuits »)",
    )
    avoid_contexts: list[OgrCode] | None = Field(
        default=None,
        max_length=MAX_EXCLUDE,
        description="Contextes de travail ROME refusés (codes OGR, p. ex. 300803 « Travail de nuit »)",
    )
    distance: Literal["proche", "equilibre", "reconversion"] | None = Field(
        default=None, description="proche, equilibre (défaut) ou reconversion (d'autres domaines)"
    )
    top: WholeNumber = Field(default=10, ge=1, le=50, description="Nombre de pistes proposées")


class ExtractedOccupationOut(EngineOut):
    code_rome: str
    score: float
    label: str


class ExtractedSkillOut(EngineOut):
    code_ogr: str
    score: float
    evidence: str = Field(description="Le passage du texte qui a fait reconnaître la compétence")
    label: str


class ExtractOut(EngineOut):
    id: str | None
    occupations: list[ExtractedOccupationOut]
    skills: list[ExtractedSkillOut]


class SuggestionOut(EngineOut):
    code_rome: str
    label: str
    score: float
    shared_skills: list[str]
    missing_skills: list[str]
    mobility: bool = Field(description="Vrai si c'est une mobilité retenue par les experts du ROME")
    riasec_fit: float | None
    explanation: str


class RecommendOut(EngineOut):
    id: str | None
    suggestions: list[SuggestionOut]


WRITE_ERRORS = error_responses(400, 401, 403, 413, 422)


def _french(error: ProfileError) -> str:
    # The engine writes « français / English »: the API answers in French only.
    return str(error).split(" / ")[0]


@router.post(
    "/matching/extract",
    response={200: ExtractOut, **WRITE_ERRORS},
    summary="Texte d'expérience → métiers et compétences ROME, avec leurs indices",
)
def extract(request, payload: ExtractIn):
    result = get_engine().extract(payload.text, top=payload.top, top_skills=payload.top_skills).to_dict()
    return {"id": payload.id, **{k: v for k, v in result.items() if k != "id"}}


@router.post(
    "/matching/recommend",
    response={200: RecommendOut, **WRITE_ERRORS},
    summary="Profil de compétences → métiers de destination expliqués",
)
def recommend(request, payload: RecommendIn):
    profile = payload.dict(exclude={"id", "top"}, exclude_none=True)
    try:
        result = get_engine().recommend(profile, top=payload.top).to_dict()
    except ProfileError as error:
        raise HttpError(422, _french(error))
    return {"id": payload.id, **{k: v for k, v in result.items() if k != "id"}}
