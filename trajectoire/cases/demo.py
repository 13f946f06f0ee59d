"""Demo bilans, one coherent story per person, built through the real services (so they obey the same rules).

Each story (`STORIES`) is a person's path told in dates: when the request came in, when the bilan started, each
session with what became of it (held with its real length, cancelled by the person with a reason, missed, or
still planned), what was said in it, when experiences were told and analysed, when skills and pistes were
decided, when the synthesis was drafted, revised and validated, and when the case ended.

Dates are counted in working days before the day of loading (`today`), so a story always lies in the past
(only the planned sessions of open cases are after `today`) and never falls on a weekend.

**The demo rewrites history.** The services record some moments themselves with `timezone.now()` (the case's
log rows `CaseTransition.at`, synthesis versions, profile skills, pistes, tasks, audit rows, `created_at` and
`updated_at` columns). A demo loaded today but telling a story of last spring would otherwise show every
transition "today" while its sessions ran for months. So every step of a story runs inside `_history(case,
when)`, which, once the services have written, dates the rows they created or touched to the story's moment
with a queryset `.update()`. Services that take the moment (`now=`, `on=`: session statuses, attendance,
workflow dates, validation) are given it directly. This is the demo's privilege only: no other code may rewrite
these columns.

The matching engine analyses each person's experiences at load (real extraction, real pistes) when the ROME
referential is in the database; without it (some tests) the profiles stay empty and the rest of the story is
loaded all the same.
"""

import hashlib
import math
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Max
from django.utils import timezone

from trajectoire.accounts.models import AuditEvent, User
from trajectoire.cases import workflow
from trajectoire.cases.attendance import attendance_record_evidence, attendance_sign_on_site, french_time
from trajectoire.cases.enums import PisteDecision, State, StepKind, SuggestionStatus
from trajectoire.cases.models import (
    Accompaniment,
    ActionStep,
    Beneficiary,
    CaseTask,
    CaseTransition,
    Consent,
    Experience,
    Piste,
    ProfileSkill,
    Session,
    Synthesis,
    SynthesisVersion,
)
from trajectoire.cases.profile import (
    accompaniment_set_area,
    action_step_create,
    experience_analyse,
    experience_create,
    piste_decide,
    pistes_compute,
    skill_decide,
)
from trajectoire.cases.services import (
    accompaniment_create,
    consent_record,
    session_cancel,
    session_create,
    session_mark_held,
    session_mark_missed,
)
from trajectoire.cases.synthesis import synthesis_save, synthesis_start, synthesis_validate
from trajectoire.referentials.models import EmploymentArea, JobTitle, Skill

# --- The stories ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Job:
    """An experience as the person tells it (in their own words), with its years."""

    title: str
    employer_type: str
    start_year: int
    end_year: int | None
    account: str
    # OGR code of the ROME appellation, kept when the referential holds it.
    appellation: int | None = None
    # Month of the end (when the person says « fermé en juin », « jusqu'en janvier »).
    end_month: int = 3


@dataclass(frozen=True)
class Meeting:
    """One session. `ago`: working days before today (negative: after today). `outcome`: held, cancelled,
    missed or planned. `held`: real minutes. `proof`: "sign" (on site) or "evidence" (remote). `steps`: what
    the counsellor records right after it (see `_STEPS`)."""

    phase: str
    ago: int
    hour: float
    minutes: int
    outcome: str
    notes: str
    mode: str = "on_site"
    held: int | None = None
    proof: str = ""
    reason: str = ""
    # Working days before today when a cancellation was phoned in, or when the session was planned (if later
    # than the start of its phase, e.g. a session rescheduled after a cancellation).
    cancelled_ago: int | None = None
    planned_ago: int | None = None
    steps: tuple[str, ...] = ()
    private: str = ""


@dataclass(frozen=True)
class Story:
    last_name: str
    state: str
    # Working days before today: the request, the start (first day of the preliminary phase), the end.
    requested_ago: int
    jobs: tuple[Job, ...]
    meetings: tuple[Meeting, ...] = ()
    extra: dict = field(default_factory=dict)
    started_ago: int | None = None
    ended_ago: int | None = None
    abandon_reason: str = ""
    tripartite_sent_ago: int | None = None
    bassin: str = "Toulouse"
    # Pistes: ROME codes the person would retain if the engine proposes them (else its first one), with why;
    # and why the first other one is set aside.
    wished: tuple[str, ...] = ()
    retain_reason: str = ""
    unwanted: tuple[str, ...] = ()
    set_aside_reason: str = ""
    # Words of skill labels the person does not recognise as theirs: the counsellor sets those suggestions aside.
    not_me: tuple[str, ...] = ()
    # (kind, description, months after today for the target date)
    plan: tuple[tuple[str, str, int], ...] = ()
    # Synthesis sections written with the person; "{piste}" is the retained piste's label.
    synthesis: dict[str, str] = field(default_factory=dict)
    revision: str = ""


S = StepKind

STORIES: tuple[Story, ...] = (
    Story(
        "Lambert",
        State.REQUEST,
        requested_ago=6,
        jobs=(
            Job(
                "Équipier polyvalent en restauration rapide",
                "private",
                2016,
                2019,
                "Après mon bac pro, j'ai travaillé trois ans dans un fast-food à Muret : prise des commandes en "
                "caisse, préparation en cuisine, nettoyage de la salle à la fermeture. Au bout d'un an on m'a "
                "confié l'ouverture du matin et la réception des livraisons.",
                14875,
            ),
            Job(
                "Préparateur de commandes en intérim",
                "temping",
                2019,
                2026,
                "Depuis 2019 j'enchaîne les missions d'intérim dans les entrepôts de Portet-sur-Garonne : "
                "préparation de commandes au scanner, chargement des camions, inventaires. J'ai passé le CACES "
                "et je conduis les chariots élévateurs. Ma dernière mission s'est arrêtée au printemps et je "
                "voudrais un métier où je peux évoluer.",
                17993,
                end_month=4,
            ),
        ),
    ),
    Story(
        "Bertrand",
        State.REQUEST,
        requested_ago=5,
        tripartite_sent_ago=3,
        extra={"initiated_by": "employer", "funder": "skills_plan"},
        bassin="Montauban",
        jobs=(
            Job(
                "Commercial terrain pour un grossiste en plomberie-chauffage",
                "private",
                2009,
                None,
                "Je suis commercial itinérant pour un grossiste en plomberie et chauffage depuis 2009. Je visite "
                "une soixantaine d'artisans et d'installateurs du Tarn-et-Garonne, je fais les devis, je négocie "
                "les remises et je suis les livraisons sur les chantiers. L'entreprise redécoupe les secteurs et "
                "m'a proposé ce bilan pour réfléchir à la suite.",
                12739,
            ),
            Job(
                "Vendeur au comptoir professionnel",
                "private",
                2003,
                2009,
                "Avant, six ans au comptoir d'une agence du même réseau : conseil aux artisans sur les pièces et "
                "les chaudières, préparation des commandes, encaissement, tenue du stock de pièces détachées.",
                20517,
            ),
        ),
    ),
    Story(
        "Diallo",
        State.PRELIMINARY,
        requested_ago=14,
        started_ago=7,
        extra={"funder": "france_travail"},
        jobs=(
            Job(
                "Vendeuse en boulangerie-pâtisserie",
                "private",
                2013,
                2020,
                "J'ai travaillé sept ans dans une boulangerie du quartier Saint-Agne : vente au comptoir, mise en "
                "place des vitrines dès 6 heures, encaissement, prise des commandes de gâteaux pour les fêtes. "
                "C'est moi qui formais les apprenties à la vente.",
                20560,
            ),
            Job(
                "Hôtesse de caisse en supermarché",
                "private",
                2020,
                2026,
                "Ensuite caissière dans un supermarché, à temps partiel, avec des horaires qui changeaient chaque "
                "semaine. J'ai tenu aussi l'accueil et le service après-vente. Le magasin a fermé en juin ; je "
                "cherche un métier avec des horaires réguliers, pour mes deux enfants.",
                15487,
                end_month=6,
            ),
        ),
        meetings=(
            Meeting(
                "preliminary",
                7,
                9.5,
                120,
                "held",
                "Premier entretien. Aïcha a quitté la caisse après la fermeture du magasin et veut des horaires "
                "compatibles avec l'école de ses enfants. Présentation du déroulement du bilan et des trois "
                "phases ; son parcours en boulangerie puis en grande surface est retracé.",
                held=110,
                proof="sign",
                steps=("experiences",),
                private="Fictif : très motivée, inquiète pour la garde des enfants le mercredi.",
            ),
            Meeting(
                "preliminary",
                1,
                14,
                120,
                "missed",
                "Entretien prévu pour préciser la demande et les contraintes horaires.",
                reason="Pas venue, pas de message ; téléphone sur messagerie.",
            ),
            Meeting(
                "preliminary",
                -4,
                14,
                120,
                "planned",
                "À préciser : contraintes de garde, mobilité (pas de voiture), premières idées de métiers.",
            ),
        ),
    ),
    Story(
        "Carpentier",
        State.INVESTIGATION,
        requested_ago=40,
        started_ago=30,
        wished=("M1215", "M1204", "M1202"),
        retain_reason="Garder les chiffres tout en sortant de l'isolement : l'analyse des comptes avec les "
        "équipes d'un groupe, ce qu'elle cherchait en venant.",
        unwanted=("C1303", "M1201"),
        set_aside_reason="Les marchés financiers sont loin de son expérience et ne l'attirent pas.",
        not_me=("maire", "copropriétaires", "affaires générales", "discipline sportive"),
        plan=(
            (S.IMMERSION, "Immersion de trois jours au contrôle financier d'une ETI de Colomiers.", 1),
            (S.TRAINING, "Se renseigner sur le DCG (diplôme de comptabilité et de gestion) en cours du soir.", 2),
        ),
        jobs=(
            Job(
                "Comptable dans une PME de négoce",
                "private",
                2016,
                None,
                "Je suis la seule comptable d'une PME de négoce de fournitures industrielles de 35 salariés : "
                "saisie, rapprochements bancaires, relances des clients, déclarations de TVA, préparation du "
                "bilan avec l'expert-comptable, et la paie de l'équipe depuis deux ans. J'aime les chiffres "
                "mais je suis seule dans mon bureau toute la journée.",
                12786,
            ),
            Job(
                "Assistante comptable en cabinet d'expertise",
                "private",
                2012,
                2016,
                "Quatre ans dans un cabinet d'expertise comptable à Blagnac : tenue des dossiers de commerçants "
                "et d'artisans, déclarations fiscales, et je répondais aux questions des clients au téléphone. "
                "C'est là que j'ai découvert que j'aimais expliquer.",
                11213,
            ),
            Job(
                "Trésorière bénévole d'un club de handball",
                "other",
                2019,
                None,
                "Trésorière bénévole du club de handball de mon fils : budget, dossiers de subvention à la "
                "mairie, présentation des comptes en assemblée générale, et j'ai formé les parents à tenir la "
                "caisse de la buvette.",
            ),
        ),
        meetings=(
            Meeting(
                "preliminary",
                30,
                9.5,
                120,
                "held",
                "Analyse de la demande : Julie aime son métier mais souffre de l'isolement. Elle veut savoir si "
                "ses compétences comptables peuvent la mener vers un poste d'équipe. Informations sur le "
                "déroulement et la confidentialité du bilan.",
                held=120,
                proof="sign",
            ),
            Meeting(
                "preliminary",
                25,
                9.5,
                120,
                "held",
                "Retour sur son parcours : cabinet, PME, bénévolat au club. Objectifs du bilan fixés ensemble : "
                "explorer deux ou trois pistes et vérifier leur réalisme avant l'été.",
                held=135,
                proof="sign",
                steps=("experiences",),
            ),
            Meeting(
                "investigation",
                20,
                14,
                120,
                "held",
                "Entretien à distance. Lecture des compétences tirées de ses trois expériences ; questionnaire "
                "d'intérêts à remplir pour la prochaine fois.",
                mode="remote",
                held=115,
                proof="evidence",
                steps=("analyse",),
            ),
            Meeting(
                "investigation",
                15,
                14,
                120,
                "cancelled",
                "Restitution du questionnaire d'intérêts.",
                reason="Enfant malade, la crèche ne le prend pas : Julie demande à décaler de quelques jours.",
                cancelled_ago=16,
            ),
            Meeting(
                "investigation",
                13,
                14,
                120,
                "held",
                "Restitution du questionnaire d'intérêts (reportée) : goût marqué pour l'analyse et la "
                "transmission. Compétences du profil passées en revue et validées avec elle.",
                held=120,
                proof="sign",
                planned_ago=16,
                steps=("decide",),
            ),
            Meeting(
                "investigation",
                8,
                9.5,
                180,
                "held",
                "Pistes examinées une à une, avec la tension de recrutement à Toulouse. Le contrôle comptable "
                "et financier en groupe retient son attention ; une immersion est à organiser.",
                held=170,
                proof="sign",
                steps=("pistes", "plan"),
                private="Fictif : envisage de parler de son projet à son employeur après l'immersion.",
            ),
            Meeting(
                "investigation",
                -3,
                14,
                120,
                "planned",
                "Préparer l'enquête métier : trois questions à poser aux contrôleurs financiers rencontrés.",
            ),
            Meeting(
                "investigation",
                -8,
                9.5,
                120,
                "planned",
                "Retour d'immersion et décision sur la piste principale.",
                mode="remote",
            ),
        ),
    ),
    Story(
        "Rousseau",
        State.CONCLUSION,
        requested_ago=56,
        started_ago=50,
        wished=("K1801", "K1812", "K2111"),
        retain_reason="Accompagner des personnes vers l'emploi : ce qu'elle préfère dans son poste RH, et un "
        "métier qui recrute dans le bassin.",
        unwanted=("K1814",),
        set_aside_reason="Elle ne veut pas revenir au recrutement en agence, trop centré sur les chiffres.",
        not_me=("commandes",),
        plan=(
            (S.TRAINING, "Titre professionnel conseiller en insertion professionnelle (CIP), via le CPF.", 3),
            (S.IMMERSION, "Deux semaines d'immersion dans une mission locale de Toulouse.", 1),
            (S.JOB_SEARCH, "Candidatures aux postes de chargée d'accompagnement à l'issue du titre.", 10),
        ),
        jobs=(
            Job(
                "Assistante ressources humaines dans le transport",
                "private",
                2015,
                None,
                "Depuis 2015, je suis assistante RH dans une entreprise de transport et de logistique de 200 "
                "salariés : éléments variables de paie, contrats et avenants, suivi des visites médicales, "
                "organisation des entretiens annuels et du plan de formation. J'accueille les nouveaux "
                "conducteurs et je réponds à toutes leurs questions, c'est la partie que je préfère.",
                11329,
            ),
            Job(
                "Chargée de recrutement en agence d'emploi",
                "private",
                2011,
                2015,
                "Quatre ans dans une agence d'intérim : recrutement de caristes et de préparateurs de commandes, "
                "entretiens, vérification des références, suivi des intérimaires en mission et relation avec "
                "les entreprises clientes.",
                11863,
            ),
        ),
        meetings=(
            Meeting(
                "preliminary",
                50,
                10,
                120,
                "held",
                "Analyse de la demande : Émilie veut un métier plus tourné vers l'accompagnement des personnes "
                "et moins vers l'administratif de la paie.",
                held=120,
                proof="sign",
            ),
            Meeting(
                "preliminary",
                45,
                10,
                120,
                "held",
                "Parcours retracé (agence d'intérim, puis service RH). Objectifs du bilan et calendrier convenus.",
                held=105,
                proof="sign",
                steps=("experiences",),
            ),
            Meeting(
                "investigation",
                40,
                17,
                120,
                "held",
                "Entretien à distance, après sa journée de travail. Compétences issues de ses expériences "
                "relues ensemble.",
                mode="remote",
                held=120,
                proof="evidence",
                steps=("analyse",),
            ),
            Meeting(
                "investigation",
                35,
                10,
                180,
                "held",
                "Valeurs et intérêts professionnels : le contact et l'utilité sociale ressortent nettement. "
                "Profil de compétences validé.",
                held=180,
                proof="sign",
                steps=("decide",),
            ),
            Meeting(
                "investigation",
                30,
                10,
                120,
                "held",
                "Pistes proposées à partir du profil : l'insertion professionnelle arrive en tête, avec une "
                "tension de recrutement favorable à Toulouse.",
                held=125,
                steps=("pistes",),
            ),
            Meeting(
                "investigation",
                25,
                10,
                120,
                "held",
                "Retour de ses deux enquêtes métier (mission locale, Cap emploi) : la piste est confirmée.",
                held=120,
                proof="sign",
            ),
            Meeting(
                "conclusion",
                18,
                10,
                120,
                "held",
                "Facteurs favorables et freins du projet ; étapes du plan d'action et financement par le CPF. "
                "Premier jet de la synthèse.",
                held=120,
                proof="sign",
                steps=("plan", "synthesis_start", "synthesis_draft"),
            ),
            Meeting(
                "conclusion",
                10,
                17,
                120,
                "held",
                "Entretien à distance : relecture de la synthèse, précisions sur le calendrier de formation.",
                mode="remote",
                held=110,
                proof="evidence",
                steps=("synthesis_revise",),
            ),
            Meeting(
                "conclusion",
                -5,
                10,
                120,
                "planned",
                "Relecture finale et validation du document de synthèse par Émilie ; clôture du bilan.",
            ),
        ),
        synthesis={
            "circumstances": "Émilie Rousseau, assistante ressources humaines depuis 2015 dans une entreprise de "
            "transport, a engagé ce bilan sur son compte personnel de formation pour construire un projet plus "
            "tourné vers l'accompagnement des personnes.",
            "skills": "Accueil et information des salariés, conduite d'entretiens, connaissance du droit du "
            "travail et des contrats, organisation du plan de formation, recrutement et suivi de candidats.",
            "projects": "Projet principal : {piste}. Facteurs favorables : expérience du recrutement et de "
            "l'accueil, forte motivation pour l'utilité sociale, recrutements réguliers dans le bassin de "
            "Toulouse. Points de vigilance : baisse de salaire possible au début, formation à mener en parallèle "
            "de son emploi.",
            "steps": "1. Immersion de deux semaines dans une mission locale. 2. Titre professionnel CIP financé "
            "par le CPF. 3. Candidatures à l'issue de la formation.",
        },
        revision=" Calendrier précisé : entrée en formation visée dans trois mois, cours du soir et le samedi.",
    ),
    Story(
        "Haddad",
        State.CLOSED,
        requested_ago=78,
        started_ago=70,
        ended_ago=12,
        wished=("I1302", "I1304", "I1310"),
        retain_reason="Rester dans la maintenance, son savoir-faire, en montant en qualification sur des "
        "équipements qu'il connaît déjà.",
        unwanted=("N4101", "N4103"),
        set_aside_reason="Il ne veut pas reprendre la route : les tournées et le dos, c'est ce qu'il a quitté.",
        not_me=("conditionner des produits", "flux de matières"),
        plan=(
            (S.TRAINING, "Titre professionnel technicien de maintenance industrielle (AFPA de Toulouse).", 2),
            (S.IMMERSION, "Immersion d'une semaine au service maintenance d'une conserverie du Gers.", 1),
            (S.JOB_SEARCH, "Candidatures aux postes de technicien de maintenance dans l'agroalimentaire.", 12),
        ),
        jobs=(
            Job(
                "Agent de maintenance sur une ligne de production agroalimentaire",
                "private",
                2012,
                2026,
                "Treize ans agent de maintenance dans une usine de plats cuisinés à Toulouse : dépannage des "
                "lignes de conditionnement, changements de format, maintenance préventive des convoyeurs et des "
                "thermoscelleuses, respect des règles d'hygiène, petites interventions électriques avec mon "
                "habilitation. J'étais d'astreinte une semaine sur quatre. Le site a fermé en janvier : "
                "licenciement économique.",
                10501,
                end_month=1,
            ),
            Job(
                "Chauffeur-livreur pour un grossiste en boissons",
                "private",
                2006,
                2012,
                "Avant l'usine, six ans chauffeur-livreur pour un grossiste en boissons : tournées chez les "
                "cafés et les restaurants, chargement du camion, livraison des fûts, encaissement et bons de "
                "livraison.",
                11999,
            ),
        ),
        meetings=(
            Meeting(
                "preliminary",
                70,
                9.5,
                120,
                "held",
                "Analyse de la demande : après le licenciement économique, Mohamed veut savoir s'il peut "
                "évoluer dans la maintenance plutôt que de reprendre le premier poste venu.",
                held=120,
                proof="sign",
            ),
            Meeting(
                "preliminary",
                65,
                9.5,
                120,
                "held",
                "Parcours retracé : livraison puis maintenance. Objectifs et calendrier du bilan fixés.",
                held=120,
                proof="sign",
                steps=("experiences",),
            ),
            Meeting(
                "investigation",
                60,
                9.5,
                180,
                "held",
                "Inventaire des compétences techniques : mécanique, électricité, hygiène. Lecture des compétences "
                "tirées de ses expériences.",
                held=170,
                proof="sign",
                steps=("analyse",),
            ),
            Meeting(
                "investigation",
                55,
                14,
                120,
                "held",
                "Entretien à distance : profil de compétences validé ensemble.",
                mode="remote",
                held=120,
                proof="evidence",
                steps=("decide",),
            ),
            Meeting(
                "investigation",
                50,
                9.5,
                120,
                "held",
                "Pistes proposées à partir du profil ; la maintenance industrielle qualifiée se détache.",
                held=130,
                proof="sign",
                steps=("pistes",),
            ),
            Meeting(
                "investigation",
                45,
                9.5,
                120,
                "held",
                "Retour de l'enquête métier auprès d'un technicien de maintenance : exigences du titre, "
                "salaires, horaires.",
                held=120,
                proof="sign",
            ),
            Meeting(
                "conclusion",
                35,
                9.5,
                120,
                "held",
                "Facteurs favorables et freins ; étapes du projet. Premier jet de la synthèse.",
                held=120,
                proof="sign",
                steps=("plan", "synthesis_start", "synthesis_draft"),
            ),
            Meeting(
                "conclusion",
                25,
                14,
                90,
                "held",
                "Entretien à distance : relecture de la synthèse, ajout du financement de la formation.",
                mode="remote",
                held=90,
                proof="evidence",
                steps=("synthesis_revise",),
            ),
            Meeting(
                "conclusion",
                15,
                9.5,
                120,
                "held",
                "Remise et validation du document de synthèse ; accord pour conserver les documents en vue de "
                "l'entretien de suivi.",
                held=110,
                proof="sign",
                steps=("validate",),
            ),
        ),
        synthesis={
            "circumstances": "Mohamed Haddad, agent de maintenance pendant treize ans dans une usine de plats "
            "cuisinés, a été licencié pour motif économique à la fermeture du site. Il a engagé ce bilan pour "
            "évoluer dans son métier plutôt que de changer de voie.",
            "skills": "Dépannage mécanique et électrique de lignes de conditionnement, maintenance préventive, "
            "respect des règles d'hygiène et de sécurité, autonomie en astreinte, relation client acquise comme "
            "chauffeur-livreur.",
            "projects": "Projet principal : {piste}. Facteurs favorables : expérience solide des équipements de "
            "production, demande forte des industriels de la région. Freins : formation qualifiante de sept mois "
            "à financer, niveau en automatisme à consolider.",
            "steps": "1. Immersion d'une semaine au service maintenance d'une conserverie. 2. Titre professionnel "
            "de technicien de maintenance industrielle. 3. Candidatures dans l'agroalimentaire.",
        },
        revision=" Financement : France Travail a donné son accord de principe pour la formation.",
    ),
    Story(
        "Vidal",
        State.ABANDONED,
        requested_ago=36,
        started_ago=30,
        ended_ago=20,
        extra={"funder": "self"},
        abandon_reason="Reclassement sur un poste adapté proposé par la mairie : M. Vidal préfère arrêter le bilan.",
        jobs=(
            Job(
                "Agent des espaces verts de la ville",
                "public",
                1998,
                None,
                "Agent municipal depuis 1998 aux espaces verts : tonte, taille des haies, plantation des massifs, "
                "entretien du matériel. Depuis deux ans j'ai mal aux épaules et le médecin de prévention m'a "
                "conseillé de réfléchir à autre chose.",
                10678,
            ),
            Job(
                "Magasinier des services techniques",
                "public",
                2019,
                2021,
                "Pendant deux ans j'ai aussi tenu le magasin des services techniques : réception des "
                "fournitures, sortie du matériel pour les équipes, inventaire de fin d'année.",
                16276,
            ),
        ),
        meetings=(
            Meeting(
                "preliminary",
                30,
                10,
                120,
                "held",
                "Analyse de la demande : restrictions médicales aux épaules, souhait d'un poste moins physique "
                "avant la retraite.",
                held=120,
                proof="sign",
                steps=("experiences",),
            ),
            Meeting(
                "preliminary",
                24,
                10,
                120,
                "held",
                "Point sur les possibilités de reclassement au sein de la collectivité et sur les objectifs du bilan.",
                held=110,
            ),
            Meeting(
                "preliminary",
                17,
                10,
                120,
                "cancelled",
                "Explorer les métiers de la logistique et de l'accueil.",
                reason="La mairie lui propose un poste adapté au magasin : M. Vidal ne souhaite pas poursuivre.",
                cancelled_ago=20,
            ),
        ),
    ),
    Story(
        "Le Bihan",
        State.INVESTIGATION,
        requested_ago=31,
        started_ago=25,
        bassin="Rennes",
        wished=("M1609", "K2111"),
        retain_reason="Rester dans le soin sans le port de charges : son expérience des transmissions et des "
        "familles y est un atout.",
        unwanted=("J1305", "J1308"),
        set_aside_reason="Port de charges et horaires décalés : c'est ce qu'elle veut quitter.",
        not_me=("panne", "processus hospitaliers", "centre hospitalier", "préparer des repas"),
        plan=((S.IMMERSION, "Immersion d'une semaine au secrétariat d'un service de gériatrie du CHU.", 1),),
        jobs=(
            Job(
                "Aide-soignante en EHPAD",
                "private",
                2010,
                None,
                "Aide-soignante depuis 2010 dans un EHPAD privé de Rennes : toilettes et aide au lever, "
                "surveillance de l'état de santé des résidents, transmissions aux infirmières, accompagnement "
                "des repas, ateliers mémoire l'après-midi. Je suis référente bientraitance de mon étage. Les "
                "nuits, les week-ends et mon dos me font penser à changer.",
                10891,
            ),
            Job(
                "Agente de service hospitalier",
                "public",
                2006,
                2010,
                "Avant mon diplôme, quatre ans agente de service hospitalier au CHU : bionettoyage des chambres, "
                "distribution des repas, circuit du linge, et beaucoup d'écoute des patients.",
                10698,
            ),
        ),
        meetings=(
            Meeting(
                "preliminary",
                25,
                9,
                120,
                "held",
                "Analyse de la demande : Gwenaëlle veut quitter les horaires décalés et le port de charges sans "
                "perdre le contact avec les patients.",
                held=120,
                proof="sign",
            ),
            Meeting(
                "preliminary",
                20,
                18,
                120,
                "held",
                "Entretien à distance après son poste : parcours retracé, objectifs du bilan convenus.",
                mode="remote",
                held=120,
                proof="evidence",
                steps=("experiences",),
            ),
            Meeting(
                "investigation",
                15,
                9,
                180,
                "held",
                "Inventaire des compétences : soin, relation avec les familles, transmissions écrites.",
                held=175,
                proof="sign",
                steps=("analyse",),
            ),
            Meeting(
                "investigation",
                9,
                9,
                120,
                "held",
                "Profil validé ensemble et premières pistes : le secrétariat médical l'intéresse.",
                held=120,
                proof="sign",
                steps=("decide", "pistes", "plan"),
            ),
            Meeting(
                "investigation",
                4,
                18,
                120,
                "held",
                "Entretien à distance : préparation de l'immersion et des questions à poser.",
                mode="remote",
                held=120,
            ),
            Meeting(
                "investigation",
                -2,
                9,
                120,
                "planned",
                "Retour d'immersion au secrétariat médical ; vérifier le financement d'une formation courte.",
            ),
        ),
    ),
)

# --- Moments ----------------------------------------------------------------------------------------------


def workdays_before(today: date, count: int) -> date:
    """The day `count` working days before `today` (after it when negative); weekends are skipped."""
    day, step = today, (-1 if count > 0 else 1)
    for _ in range(abs(count)):
        day += timedelta(days=step)
        while day.weekday() >= 5:
            day += timedelta(days=step)
    return day


def _at(day: date, hour: float) -> datetime:
    whole = int(hour)
    return datetime.combine(day, time(whole, round((hour - whole) * 60)), timezone.get_current_timezone())


# Rows the services create with a `timezone.now()` moment (model, columns), dated to the story by `_history`.
_CREATED: tuple[tuple[type, tuple[str, ...]], ...] = (
    (AuditEvent, ("created_at",)),
    (CaseTransition, ("at",)),
    (SynthesisVersion, ("created_at",)),
    (ProfileSkill, ("created_at",)),
    (Piste, ("created_at",)),
    (CaseTask, ("created_at",)),
    (Experience, ("created_at", "updated_at")),
    (ActionStep, ("created_at", "updated_at")),
    (Consent, ("created_at", "updated_at")),
    (Session, ("created_at", "updated_at")),
    (Accompaniment, ("created_at", "updated_at")),
)
# Rows of the case the services touch (auto_now `updated_at`).
_TOUCHED = (Experience, ActionStep, Consent, Session)


@contextmanager
def _history(case: Accompaniment | None, when: datetime) -> Iterator[None]:
    """Run service calls as if at `when`: afterwards, rows they created, and rows of the case they touched,
    carry `when` instead of the moment of loading (see the module docstring)."""
    started = timezone.now()
    last = {model: model.objects.aggregate(m=Max("pk"))["m"] or 0 for model, _ in _CREATED}
    yield
    for model, columns in _CREATED:
        model.objects.filter(pk__gt=last[model]).update(**dict.fromkeys(columns, when))
    if case is None:
        return
    for model in _TOUCHED:
        model.objects.filter(accompaniment=case, updated_at__gte=started).update(updated_at=when)
    Synthesis.objects.filter(accompaniment=case, updated_at__gte=started).update(updated_at=when)
    Accompaniment.objects.filter(pk=case.pk, updated_at__gte=started).update(updated_at=when)


# --- Signatures and evidence ------------------------------------------------------------------------------


def signature_svg(name: str, width: int = 320, height: int = 120) -> str:
    """A plausible handwritten signature for `name`, as signature_pad would send it: a looping stroke across
    the pad and a short underline, drawn from a seed so that each person always signs the same way."""
    rng = random.Random(hashlib.sha256(name.encode()).digest())
    loops = 3 + len(name) % 4
    points = []
    for index in range(48):
        t = index / 47
        x = 24 + t * (width - 70) + 14 * math.sin(t * loops * 2 * math.pi + rng.uniform(-0.3, 0.3))
        y = height * 0.5 - 26 * math.sin(t * loops * 2 * math.pi * 1.5) * (1 - 0.5 * t) + rng.uniform(-3, 3)
        points.append((x, y))
    stroke = "M " + " L ".join(f"{x:.1f} {y:.1f}" for x, y in points)
    y = height * 0.8 + rng.uniform(-4, 4)
    underline = f"M {width * 0.2:.1f} {y:.1f} L {width * 0.55:.1f} {y + 3:.1f} L {width * 0.85:.1f} {y - 2:.1f}"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}">'
        f'<path d="{stroke}" stroke="black" stroke-width="2" fill="none" stroke-linecap="round"/>'
        f'<path d="{underline}" stroke="black" stroke-width="2" fill="none" stroke-linecap="round"/></svg>'
    )


def _evidence(session: Session, first_name: str) -> str:
    start = session.starts_at + timedelta(minutes=2)
    return (
        f"Visioconférence du centre : connexion de {first_name} à {french_time(start)}, déconnexion à "
        f"{french_time(session.ends_at)} ; caméra allumée pendant tout l'entretien."
    )


# --- Building a story -------------------------------------------------------------------------------------


@dataclass
class _Case:
    story: Story
    case: Accompaniment
    actor: User
    today: date
    engine_factory: Callable[[], object] | None
    experiences: list[Experience] = field(default_factory=list)
    retained: Piste | None = None

    def day(self, ago: int) -> date:
        return workdays_before(self.today, ago)


def _job_code(job: Job, known: set[int]) -> str:
    return str(job.appellation) if job.appellation in known else ""


def _step_experiences(built: _Case, when: datetime) -> None:
    known = set(
        JobTitle.objects.filter(ogr_code__in=[j.appellation for j in built.story.jobs if j.appellation]).values_list(
            "ogr_code", flat=True
        )
    )
    for job in built.story.jobs:
        built.experiences.append(
            experience_create(
                actor=built.actor,
                accompaniment=built.case,
                data={
                    "job_title": job.title,
                    "job_title_code": _job_code(job, known),
                    "employer_type": job.employer_type,
                    "started_on": date(job.start_year, 9, 1),
                    "ended_on": min(date(job.end_year, job.end_month, 28), when.date()) if job.end_year else None,
                    "description": job.account,
                },
                today=when.date(),
            )
        )


def _step_analyse(built: _Case, when: datetime) -> None:
    if built.engine_factory is None:
        return
    engine = built.engine_factory()
    for experience in built.experiences:
        experience_analyse(actor=built.actor, experience=experience, engine=engine)


def _step_decide(built: _Case, when: datetime) -> None:
    """The counsellor goes through the engine's suggestions with the person: a skill found with its evidence
    is kept unless the person does not recognise it (`Story.not_me`); one found without evidence is set aside.
    If the person recognised everything, the counsellor still sets aside the weakest one, left for later."""
    pending = [
        skill
        for experience in built.experiences
        for skill in experience.skills.filter(status=SuggestionStatus.PENDING).order_by("id")
    ]
    not_me = [word.lower() for word in built.story.not_me]
    keep = {s.pk: bool(s.evidence) and not any(word in s.label.lower() for word in not_me) for s in pending}
    if pending and all(keep.values()):
        keep[pending[-1].pk] = False
    # Each suggestion is decided once, as the counsellor does on the page.
    for skill in pending:
        skill_decide(actor=built.actor, skill=skill, accept=keep[skill.pk])


def _area_code(story: Story) -> str:
    area = EmploymentArea.objects.filter(label=story.bassin).first()
    return area.code if area else ""


def _step_pistes(built: _Case, when: datetime) -> None:
    if built.engine_factory is None or not built.case.skills.filter(status=SuggestionStatus.ACCEPTED).exists():
        return
    story = built.story
    area = _area_code(story)
    if area:
        accompaniment_set_area(actor=built.actor, accompaniment=built.case, area_code=area)
    pistes = pistes_compute(actor=built.actor, accompaniment=built.case, engine=built.engine_factory(), area_code=area)
    if not pistes:
        return
    by_code = {p.code_rome: p for p in pistes}
    retained = next((by_code[c] for c in story.wished if c in by_code), pistes[0])
    piste_decide(actor=built.actor, piste=retained, decision=PisteDecision.RETAINED, reason=story.retain_reason)
    built.retained = retained
    others = [p for p in pistes if p.pk != retained.pk]
    by_code.pop(retained.code_rome)
    other = next((by_code[c] for c in story.unwanted if c in by_code), others[0] if others else None)
    if other is not None:
        piste_decide(actor=built.actor, piste=other, decision=PisteDecision.SET_ASIDE, reason=story.set_aside_reason)


def _step_plan(built: _Case, when: datetime) -> None:
    for kind, description, months in built.story.plan:
        action_step_create(
            actor=built.actor,
            accompaniment=built.case,
            data={
                "kind": kind,
                "description": description,
                "target_date": built.today + timedelta(days=30 * months),
                "piste": built.retained,
            },
        )


def _sections(built: _Case, *, revised: bool) -> dict[str, str]:
    piste = built.retained
    label = f"{piste.label} ({piste.code_rome})" if piste else "projet retenu avec la personne"
    sections = {name: text.replace("{piste}", label) for name, text in built.story.synthesis.items()}
    if revised:
        sections["steps"] += built.story.revision
    return sections


# Why the pistes nobody argued for are closed when the conclusion begins.
OTHER_PISTES_REASON = "Examinée avec la personne : plus éloignée de son projet que la piste retenue."


def _step_synthesis_start(built: _Case, when: datetime) -> None:
    """The conclusion settles the pistes left open, then the synthesis starts from what the case holds."""
    for piste in built.case.pistes.filter(decision=PisteDecision.PENDING):
        piste_decide(actor=built.actor, piste=piste, decision=PisteDecision.SET_ASIDE, reason=OTHER_PISTES_REASON)
    synthesis_start(actor=built.actor, accompaniment=built.case)


def _step_synthesis_draft(built: _Case, when: datetime) -> None:
    synthesis = Synthesis.objects.get(accompaniment=built.case)
    prefilled = {name: getattr(synthesis, name) for name in Synthesis.SECTIONS}
    sections = _sections(built, revised=False)
    # The counsellor keeps the prefilled dates and funding line, then writes with the person.
    sections["circumstances"] = prefilled["circumstances"] + " " + sections["circumstances"]
    synthesis_save(actor=built.actor, synthesis=synthesis, data=sections, base_version=synthesis.version)


def _step_synthesis_revise(built: _Case, when: datetime) -> None:
    synthesis = Synthesis.objects.get(accompaniment=built.case)
    sections = {name: getattr(synthesis, name) for name in Synthesis.SECTIONS}
    sections["steps"] = sections["steps"].rstrip() + built.story.revision
    synthesis_save(actor=built.actor, synthesis=synthesis, data=sections, base_version=synthesis.version)


def _step_validate(built: _Case, when: datetime) -> None:
    synthesis = Synthesis.objects.get(accompaniment=built.case)
    synthesis_validate(actor=built.actor, synthesis=synthesis, version=synthesis.version, on=when.date())
    ended = built.day(built.story.ended_ago)
    consent_record(
        actor=built.actor,
        accompaniment=built.case,
        data={"kind": "document_keeping", "given_on": when.date(), "keep_until": ended + timedelta(days=365)},
    )


_STEPS: dict[str, Callable[[_Case, datetime], None]] = {
    "experiences": _step_experiences,
    "analyse": _step_analyse,
    "decide": _step_decide,
    "pistes": _step_pistes,
    "plan": _step_plan,
    "synthesis_start": _step_synthesis_start,
    "synthesis_draft": _step_synthesis_draft,
    "synthesis_revise": _step_synthesis_revise,
    "validate": _step_validate,
}

# The phases after the preliminary one that each story goes through.
_LATER_PHASES = {
    State.PRELIMINARY: (),
    State.ABANDONED: (),
    State.INVESTIGATION: ("investigation",),
    State.CONCLUSION: ("investigation", "conclusion"),
    State.CLOSED: ("investigation", "conclusion"),
}
_MOVES = {"investigation": workflow.accompaniment_investigate, "conclusion": workflow.accompaniment_conclude}


def _plan_session(built: _Case, meeting: Meeting) -> Session:
    return session_create(
        actor=built.actor,
        accompaniment=built.case,
        data={
            "starts_at": _at(built.day(meeting.ago), meeting.hour),
            "duration_minutes": meeting.minutes,
            "phase": meeting.phase,
            "mode": meeting.mode,
            "shared_notes": meeting.notes,
            "private_notes": meeting.private,
        },
    )


def _run_phase(built: _Case, phase: str, entered: datetime) -> datetime:
    """Plan the phase's sessions, then live them in order. Returns the moment its last held session ended."""
    meetings = [m for m in built.story.meetings if m.phase == phase]
    sessions: dict[int, Session] = {}
    with _history(built.case, entered):
        for index, meeting in enumerate(meetings):
            if meeting.planned_ago is None:
                sessions[index] = _plan_session(built, meeting)
    last_end = entered
    for index, meeting in enumerate(meetings):
        if meeting.planned_ago is not None:
            with _history(built.case, _at(built.day(meeting.planned_ago), 17.5)):
                sessions[index] = _plan_session(built, meeting)
        session = sessions[index]
        if meeting.outcome == "cancelled":
            with _history(built.case, _at(built.day(meeting.cancelled_ago), 8.75)):
                moment = _at(built.day(meeting.cancelled_ago), 8.75)
                session_cancel(actor=built.actor, session=session, by="person", reason=meeting.reason, now=moment)
        elif meeting.outcome == "missed":
            moment = session.starts_at + timedelta(minutes=30)
            with _history(built.case, moment):
                session_mark_missed(actor=built.actor, session=session, now=moment, reason=meeting.reason)
        elif meeting.outcome == "held":
            ended = session.starts_at + timedelta(minutes=meeting.held)
            with _history(built.case, ended):
                session_mark_held(actor=built.actor, session=session, held_minutes=meeting.held, now=ended)
                if meeting.proof == "sign":
                    attendance_sign_on_site(
                        actor=built.actor,
                        session=session,
                        signature_svg=signature_svg(built.case.beneficiary.full_name),
                        counsellor_signature_svg=signature_svg(built.actor.get_full_name()),
                        now=ended,
                    )
                elif meeting.proof == "evidence":
                    session.refresh_from_db()
                    attendance_record_evidence(
                        actor=built.actor,
                        session=session,
                        evidence=_evidence(session, built.case.beneficiary.first_name),
                        now=ended + timedelta(minutes=5),
                    )
            for offset, name in enumerate(meeting.steps, start=1):
                with _history(built.case, ended + timedelta(minutes=5 * offset)):
                    _STEPS[name](built, ended + timedelta(minutes=5 * offset))
            last_end = ended + timedelta(minutes=5 * (len(meeting.steps) + 1))
    return last_end


def _build(story: Story, beneficiary: Beneficiary, today: date, engine_factory) -> Accompaniment:
    actor = beneficiary.counsellor
    requested = _at(workdays_before(today, story.requested_ago), 11)
    data = {
        "kind": "bilan",
        "initiated_by": "beneficiary",
        "funder": "cpf",
        "order_reference": f"MCF-DEMO-{beneficiary.pk:04d}",
        "price_eur": Decimal("1600.00"),
        "planned_hours": Decimal("24"),
        "counsellor": actor,
    }
    if story.started_ago is not None:
        start = workdays_before(today, story.started_ago)
        data["planned_start"], data["planned_end"] = start, start + timedelta(weeks=16)
    data.update(story.extra)
    with _history(None, requested):
        case = accompaniment_create(actor=actor, beneficiary=beneficiary, data=data)
    Beneficiary.objects.filter(pk=beneficiary.pk).update(created_at=requested, updated_at=requested)
    built = _Case(story, case, actor, today, engine_factory)
    if story.tripartite_sent_ago is not None:
        sent = workdays_before(today, story.tripartite_sent_ago)
        with _history(case, _at(sent, 10)):
            consent_record(actor=actor, accompaniment=case, data={"kind": "bilan_agreement", "given_on": sent})
            consent_record(actor=actor, accompaniment=case, data={"kind": "tripartite", "sent_on": sent})
    if story.started_ago is None:
        # The person told their experiences in the portal while waiting for the first meeting.
        told = _at(workdays_before(today, story.requested_ago - 1), 20)
        with _history(case, told):
            _step_experiences(built, told)
        return case
    start = workdays_before(today, story.started_ago)
    with _history(case, _at(start, 8.5)):
        for kind in ("bilan_agreement", "data_processing"):
            consent_record(actor=actor, accompaniment=case, data={"kind": kind, "given_on": start})
        workflow.accompaniment_start(actor=actor, accompaniment=case, on=start)
    moment = _run_phase(built, "preliminary", _at(start, 8.75))
    for phase in _LATER_PHASES[story.state]:
        with _history(case, moment):
            _MOVES[phase](actor=actor, accompaniment=case, on=moment.date())
        moment = _run_phase(built, phase, moment)
    if story.state == State.CLOSED:
        ended = workdays_before(today, story.ended_ago)
        with _history(case, _at(ended, 10)):
            workflow.accompaniment_close(actor=actor, accompaniment=case, on=ended)
    elif story.state == State.ABANDONED:
        ended = workdays_before(today, story.ended_ago)
        with _history(case, _at(ended, 16)):
            workflow.accompaniment_abandon(actor=actor, accompaniment=case, on=ended, reason=story.abandon_reason)
    case.refresh_from_db()
    return case


def _engine_factory() -> Callable[[], object] | None:
    """The matching engine, loaded once on first use (a few seconds), or None without the referential."""
    if not Skill.objects.exists():
        return None
    from trajectoire.engines import get_engine

    return get_engine


def load_demo_cases(today: date) -> int:
    """Create the demo bilans once (a beneficiary that already has one is left alone)."""
    created = 0
    engine_factory = _engine_factory()
    for story in STORIES:
        beneficiary = Beneficiary.objects.filter(last_name=story.last_name).select_related("counsellor").first()
        if beneficiary is None or beneficiary.counsellor is None or beneficiary.accompaniments.exists():
            continue
        _build(story, beneficiary, today, engine_factory)
        created += 1
    return created
