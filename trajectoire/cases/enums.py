from django.db import models


class EmploymentStatus(models.TextChoices):
    PRIVATE_EMPLOYEE = "private_employee", "salarié du privé"
    JOB_SEEKER = "job_seeker", "demandeur d'emploi"
    SELF_EMPLOYED = "self_employed", "indépendant"
    PUBLIC_AGENT = "public_agent", "agent public"
    OTHER = "other", "autre"


class Kind(models.TextChoices):
    BILAN = "bilan", "bilan de compétences"
    VAE = "vae", "VAE"
    CEP = "cep", "conseil en évolution professionnelle"


class State(models.TextChoices):
    REQUEST = "request", "demande"
    PRELIMINARY = "preliminary", "phase préliminaire"
    INVESTIGATION = "investigation", "phase d'investigation"
    CONCLUSION = "conclusion", "phase de conclusion"
    CLOSED = "closed", "clôturé"
    ABANDONED = "abandoned", "abandonné"


OPEN_STATES = frozenset({State.REQUEST, State.PRELIMINARY, State.INVESTIGATION, State.CONCLUSION})
PHASE_STATES = (State.PRELIMINARY, State.INVESTIGATION, State.CONCLUSION)


class Initiator(models.TextChoices):
    BENEFICIARY = "beneficiary", "la personne"
    EMPLOYER = "employer", "l'employeur"


class Funder(models.TextChoices):
    CPF = "cpf", "CPF (Mon Compte Formation)"
    SKILLS_PLAN = "skills_plan", "plan de développement des compétences"
    REDEPLOYMENT_LEAVE = "redeployment_leave", "congé de reclassement"
    FRANCE_TRAVAIL = "france_travail", "France Travail"
    TRANSITIONS_PRO = "transitions_pro", "Transitions Pro"
    OPCO = "opco", "OPCO"
    SELF = "self", "autofinancement"
    OTHER = "other", "autre"


# Funding routes of an employer-initiated bilan: they need the tripartite agreement (R6313-8).
EMPLOYER_ROUTES = frozenset({Funder.SKILLS_PLAN, Funder.REDEPLOYMENT_LEAVE})


class SessionMode(models.TextChoices):
    ON_SITE = "on_site", "présentiel"
    REMOTE = "remote", "à distance"


class SessionStatus(models.TextChoices):
    """What became of a planned session. Only HELD sessions count as hours réalisées."""

    PLANNED = "planned", "prévu"
    HELD = "held", "réalisé"
    CANCELLED = "cancelled", "annulé"
    MISSED = "missed", "absence non prévenue"


class CancelledBy(models.TextChoices):
    PERSON = "person", "par la personne"
    CENTRE = "centre", "par le centre"


class AttendanceMethod(models.TextChoices):
    """How the person's presence was proven (émargement)."""

    ON_SITE_SIGNATURE = "on_site_signature", "signature sur place"
    EMAIL_CODE = "email_code", "code reçu par e-mail"
    COUNSELLOR_EVIDENCE = "counsellor_evidence", "preuve consignée par le conseiller"


class CaseTaskKind(models.TextChoices):
    NO_SHOW_FOLLOW_UP = "no_show_follow_up", "relancer après une absence"


class ConsentKind(models.TextChoices):
    BILAN_AGREEMENT = "bilan_agreement", "accord de la personne pour le bilan"
    TRIPARTITE = "tripartite", "convention tripartite (employeur, salarié, prestataire)"
    DATA_PROCESSING = "data_processing", "traitement des données personnelles"
    SYNTHESIS_SHARING = "synthesis_sharing", "communication de la synthèse à un tiers nommé"
    DOCUMENT_KEEPING = "document_keeping", "conservation de documents pour le suivi"


class FollowUpOutcome(models.TextChoices):
    EMPLOYED_IN_PROJECT = "employed_in_project", "en emploi dans le projet"
    IN_TRAINING = "in_training", "en formation"
    SEARCHING = "searching", "en recherche"
    OTHER = "other", "autre"


class EmployerType(models.TextChoices):
    PRIVATE = "private", "entreprise privée"
    PUBLIC = "public", "fonction publique"
    ASSOCIATION = "association", "association"
    SELF = "self", "à son compte"
    TEMPING = "temping", "intérim"
    OTHER = "other", "autre (bénévolat, stage, etc.)"


class SkillProvenance(models.TextChoices):
    DECLARED = "declared", "déclarée"
    EXTRACTED = "extracted", "extraite"
    VALIDATED = "validated", "validée"


class SuggestionStatus(models.TextChoices):
    PENDING = "pending", "à examiner"
    ACCEPTED = "accepted", "acceptée"
    REJECTED = "rejected", "écartée"
    # Accepted once, then taken out of the profile by the counsellor, with a reason kept in history.
    REMOVED = "removed", "retirée du profil"


class PisteDecision(models.TextChoices):
    PENDING = "pending", "à examiner"
    RETAINED = "retained", "retenue"
    SET_ASIDE = "set_aside", "écartée"


class StepKind(models.TextChoices):
    TRAINING = "training", "formation / certification"
    VAE = "vae", "VAE"
    IMMERSION = "immersion", "immersion (PMSMP)"
    JOB_SEARCH = "job_search", "recherche d'emploi"
    BUSINESS_CREATION = "business_creation", "création d'entreprise"
