from django.db import models


class ReferentialSource(models.TextChoices):
    ROME = "rome", "ROME 4.0 (France Travail)"
    TENSION = "tension", "tension de recrutement (France Travail / DARES)"
    ESCO = "esco", "ESCO (Commission européenne)"


class Riasec(models.TextChoices):
    """Holland's six interest types, as ROME codes them on each occupation."""

    REALISTIC = "R", "réaliste"
    INVESTIGATIVE = "I", "investigateur"
    ARTISTIC = "A", "artistique"
    SOCIAL = "S", "social"
    ENTERPRISING = "E", "entreprenant"
    CONVENTIONAL = "C", "conventionnel"


class EcologicalTransition(models.TextChoices):
    """ROME's `transition_eco` tag (labels as France Travail publishes them)."""

    NONE = "", "non renseigné"
    WHITE = "blanc", "emploi blanc"
    GREEN = "vert", "emploi vert"
    BROWN = "brun", "emploi brun"
    STRATEGIC = "strategique", "emploi stratégique pour la transition écologique"


class SkillNature(models.TextChoices):
    COMPETENCE = "competence", "compétence"
    MACRO = "macro", "macro-compétence"


class SkillCategory(models.TextChoices):
    KNOW_HOW = "savoir_faire", "savoir-faire"
    SOFT_SKILL = "savoir_etre", "savoir-être professionnel"


class ItemKind(models.TextChoices):
    SKILL = "skill", "compétence"
    KNOWLEDGE = "knowledge", "savoir"
    WORK_CONTEXT = "work_context", "contexte de travail"


class CoreFlag(models.TextChoices):
    """ROME's `coeur_metier`: whether an item is at the heart of the occupation."""

    NONE = "", "complémentaire"
    MAIN = "principale", "cœur de métier"
    EMERGING = "emergente", "cœur de métier émergent"
