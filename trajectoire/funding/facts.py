"""Facts of the schemes engine taken from a case, and helpers to store and replay an evaluation.

Only facts whose value follows with certainty from what the case records are filled in; everything else is asked.
The mapping (documented in docs/schemes.md, « Dans l'application »):

- `status` from the beneficiary's employment status: salarié du privé → `salarie_prive`, demandeur d'emploi →
  `demandeur_emploi`, indépendant → `travailleur_independant`, agent public → `agent_public`; « autre » is asked
  (it may be an ESAT worker);
- `private_law_contract`: true for a salarié du privé; otherwise asked (a public employer may hire under private law);
- `action_type` from the kind of case: bilan → `bilan_competences`, VAE → `vae`; a CEP is not an action to fund;
- `framework` from the funder (bilan and VAE only): CPF → `cpf`, plan de développement des compétences →
  `plan_developpement_competences`, congé de reclassement → `conge_reclassement`, France Travail → `france_travail`,
  autofinancement → `autofinancement`, autre → `autre`; Transitions Pro and OPCO have no equivalent value: asked;
- `initiated_by` (bilan and VAE only): la personne → `beneficiaire`, l'employeur → `employeur`;
- `beneficiary_consent` (bilan only): true when the person's agreement to the bilan is signed and not withdrawn;
  otherwise asked;
- `action_price_eur` (bilan and VAE only): the case's price (TTC), used for the remaining cost beyond a CPF cap.

Nothing is inferred from the birth year or the planned hours: no fact of the vocabulary follows from them.
"""

from collections.abc import Mapping
from datetime import date

from trajectoire.cases.enums import ConsentKind, EmploymentStatus, Funder, Initiator, Kind
from trajectoire.cases.models import Accompaniment

STATUS: dict[str, str] = {
    EmploymentStatus.PRIVATE_EMPLOYEE: "salarie_prive",
    EmploymentStatus.JOB_SEEKER: "demandeur_emploi",
    EmploymentStatus.SELF_EMPLOYED: "travailleur_independant",
    EmploymentStatus.PUBLIC_AGENT: "agent_public",
}
ACTION_TYPE: dict[str, str] = {Kind.BILAN: "bilan_competences", Kind.VAE: "vae"}
FRAMEWORK: dict[str, str] = {
    Funder.CPF: "cpf",
    Funder.SKILLS_PLAN: "plan_developpement_competences",
    Funder.REDEPLOYMENT_LEAVE: "conge_reclassement",
    Funder.FRANCE_TRAVAIL: "france_travail",
    Funder.SELF: "autofinancement",
    Funder.OTHER: "autre",
}
INITIATOR: dict[str, str] = {Initiator.BENEFICIARY: "beneficiaire", Initiator.EMPLOYER: "employeur"}


def case_facts(accompaniment: Accompaniment) -> dict[str, object]:
    """The facts the case settles with certainty (see the module's table). Reads the case's consents once."""
    facts: dict[str, object] = {}
    status = STATUS.get(accompaniment.beneficiary.employment_status)
    if status is not None:
        facts["status"] = status
    if accompaniment.beneficiary.employment_status == EmploymentStatus.PRIVATE_EMPLOYEE:
        facts["private_law_contract"] = True
    action_type = ACTION_TYPE.get(accompaniment.kind)
    if action_type is not None:
        facts["action_type"] = action_type
        if accompaniment.funder in FRAMEWORK:
            facts["framework"] = FRAMEWORK[accompaniment.funder]
        if accompaniment.initiated_by in INITIATOR:
            facts["initiated_by"] = INITIATOR[accompaniment.initiated_by]
        if accompaniment.price_eur is not None:
            facts["action_price_eur"] = float(accompaniment.price_eur)
    if accompaniment.kind == Kind.BILAN and _bilan_agreed(accompaniment):
        facts["beneficiary_consent"] = True
    return facts


def _bilan_agreed(accompaniment: Accompaniment) -> bool:
    return accompaniment.consents.filter(
        kind=ConsentKind.BILAN_AGREEMENT, given_on__isnull=False, withdrawn_on__isnull=True
    ).exists()


def json_facts(facts: Mapping[str, object]) -> dict[str, object]:
    """Facts as stored in JSON: known values only, dates as ISO strings, without the derived evaluation date."""
    out: dict[str, object] = {}
    for name, value in facts.items():
        if value is None or name == "as_of_date":
            continue
        out[name] = value.isoformat() if isinstance(value, date) else value
    return out
