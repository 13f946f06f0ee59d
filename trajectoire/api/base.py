"""What every input schema of the API shares: patterns, and the refusal of unknown fields.

A field the API does not know is refused rather than ignored: a typo (« curent_occupations ») would otherwise
silently give another answer than the one asked for.
"""

from typing import Annotated, Any

from ninja import Schema
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

# Patterns shared by the schemas, so that their messages can say what is expected.
ROME_CODE = r"^[A-Z][0-9]{4}$"
ROME_CODE_ANY_CASE = r"^[A-Za-z][0-9]{4}$"
OGR_CODE = r"^[0-9]{1,10}$"
RIASEC = r"^[RIASECriasec]{1,6}$"
ISO_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
SEARCH_QUERY = r"^\s*\S.*\S\s*$"  # at least two characters once the spaces around are stripped, one line


class InputSchema(Schema):
    """Strict too: « "5" » is not a number and « 1 » is not a string, exactly as the JSON schema says."""

    model_config = ConfigDict(extra="forbid", strict=True)


class EngineOut(BaseModel):
    """An engine's answer: the documented fields, plus any field a newer engine adds (passed through, so that
    the API keeps giving exactly the command line's JSON). A plain pydantic model: ninja's Schema reads its input
    through a getter that hides the extra fields."""

    model_config = ConfigDict(extra="allow")


def _json_number(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PydanticCustomError("int_type", "not an integer")
    return value


# JSON Schema's « integer » includes 41.0; strict pydantic would refuse it, lax pydantic would take « "41" ».
# So: a JSON number, whole (41.0 becomes 41, 41.5 is refused), never a string or a boolean.
WholeNumber = Annotated[int, BeforeValidator(_json_number), Field(strict=False)]
