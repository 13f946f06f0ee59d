"""Pure matching engine (no Django): French text -> ROME skills, and explained transition suggestions.

from trajectoire.matching import Engine
engine = Engine.from_dir()              # shipped ROME data; load once per process
engine.extract("J'ai été aide-soignante...", top=5).to_dict()
engine.recommend({"skills": [...], "current_occupations": ["J1501"]}, top=10).to_dict()
"""

from trajectoire.matching.engine import Engine, Extraction, Profile, ProfileError, Recommendation
from trajectoire.matching.explain import both_genders, gender_forms
from trajectoire.matching.loader import DataError, default_data_dir

__all__ = [
    "DataError",
    "Engine",
    "Extraction",
    "Profile",
    "ProfileError",
    "Recommendation",
    "both_genders",
    "default_data_dir",
    "gender_forms",
]
