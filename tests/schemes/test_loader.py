"""The catalogue loader: valid as shipped, and every broken catalogue names the file and the rule."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from trajectoire.schemes import CatalogueError, load_catalogue
from trajectoire.schemes.loader import DEFAULT_PATH

# The fact vocabulary of ../shared/law/dispositifs.yaml (`facts:`) is the public contract: names and types frozen.
CONTRACT_FACTS = {
    "as_of_date": "date",
    "status": "enum",
    "contract_type": "enum",
    "private_law_contract": "bool",
    "working_time_ratio": "number",
    "highest_qualification_level": "integer",
    "salaried_months_total": "number",
    "salaried_months_current_company": "number",
    "salaried_months_last_5_years": "number",
    "cdd_months_last_12_months": "number",
    "interim_hours_branch_last_18_months": "number",
    "interim_hours_current_ett_last_18_months": "number",
    "days_worked_last_60_months": "number",
    "mainly_self_insured_employer_recent": "bool",
    "boeth": "bool",
    "reemployed_after_eco_or_inaptitude_dismissal_without_training": "bool",
    "occupational_disease_absence_last_24_months": "bool",
    "illness_accident_absence_months_last_24_months": "number",
    "cep_requested_before_resignation": "bool",
    "project_type": "enum",
    "transitions_pro_real_serious_attestation": "bool",
    "is_job_seeker": "bool",
    "employer_abondement": "bool",
    "third_party_cofunding_eur": "number",
    "uses_c2p_points_for_reconversion": "bool",
    "uses_atmp_incapacity_abondement": "bool",
    "bilan_funded_by_funder_last_5_years": "bool",
    "action_type": "enum",
    "during_working_time": "bool",
    "initiated_by": "enum",
    "framework": "enum",
    "reference_salary_in_smic": "number",
    "training_elapsed_months": "number",
    "pro_a_avenant_signed_before_2026": "bool",
    "beneficiary_consent": "bool",
    "relevant_experience_months": "number",
    "experience_related_to_target_certification": "bool",
    "target_registered_rncp": "bool",
    "positioning_done": "bool",
}
CONTRACT_VALUES = {
    "status": {
        "salarie_prive",
        "demandeur_emploi",
        "travailleur_independant",
        "agent_public",
        "salarie_esat",
        "autre",
    },
    "contract_type": {
        "CDI",
        "CDD",
        "CTT",
        "CDI_interimaire",
        "CUI_CDI",
        "apprentissage",
        "professionnalisation",
        "intermittent_spectacle",
        "aucun",
    },
    "project_type": {
        "changement_metier_formation_certifiante",
        "creation_reprise_entreprise",
        "evolution_interne",
        "autre",
    },
    "action_type": {
        "formation_rncp",
        "bloc_competences",
        "certification_rs",
        "clea",
        "vae",
        "bilan_competences",
        "permis_vehicule_leger",
        "permis_groupe_lourd",
        "creation_reprise_entreprise",
        "autre",
    },
    "initiated_by": {"beneficiaire", "employeur"},
    "framework": {
        "cpf",
        "plan_developpement_competences",
        "conge_reclassement",
        "france_travail",
        "autofinancement",
        "autre",
    },
}
REQUIRED_SCHEMES = {
    "bilan_competences",
    "vae",
    "cep",
    "cpf",
    "ptp",
    "demission_reconversion",
    "pro_a",
    "transco",
    "periode_reconversion",
}


def test_the_shipped_catalogue_loads_with_the_required_schemes() -> None:
    catalogue = load_catalogue()
    assert {s.id for s in catalogue.schemes} == REQUIRED_SCHEMES


def test_the_fact_vocabulary_keeps_every_contract_name_type_and_value() -> None:
    facts = load_catalogue().facts
    for name, fact_type in CONTRACT_FACTS.items():
        assert name in facts, name
        assert facts[name].type == fact_type, name
    for name, values in CONTRACT_VALUES.items():
        assert values <= set(facts[name].values), name


def test_every_fact_has_a_french_question() -> None:
    for fact in load_catalogue().facts.values():
        assert fact.question.endswith("?"), fact.name


def test_every_rule_version_is_dated_sourced_and_verified() -> None:
    for row in load_catalogue().rule_rows():
        assert row.legal_refs and row.source_urls, row.rule_id
        assert row.last_verified is not None
        assert row.status == "draft" or row.effective_from is not None, row.rule_id


def test_drafts_and_low_confidence_rules_are_listed_to_verify() -> None:
    flagged = {(row.rule_id, row.status) for row in load_catalogue().to_verify()}
    assert ("cpf_participation_forfaitaire", "draft") in flagged  # the 150 € draft
    assert ("bc_min_duration", "draft") in flagged  # the 13-hour minimum draft
    assert ("cpf_bilan_accompaniment_hours_only", "unverified") in flagged


def test_catalogue_version_is_deterministic_and_follows_content(tmp_path: Path) -> None:
    first = load_catalogue()
    assert load_catalogue().version == first.version
    copy = _copy(tmp_path)
    assert load_catalogue(copy).version == first.version
    (copy / "cep.yaml").write_text((copy / "cep.yaml").read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    changed = load_catalogue(copy).version
    assert changed != first.version
    assert changed.split("+")[0] == first.version.split("+")[0]


# --- broken catalogues -------------------------------------------------------------------------------------------


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "catalogue"
    shutil.copytree(DEFAULT_PATH, target)
    return target


def _edit(directory: Path, filename: str, edit) -> None:
    path = directory / filename
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _rule(data: dict, rule_id: str) -> dict:
    return next(r for r in data["rules"] if r["id"] == rule_id)


def _load_error(directory: Path) -> str:
    with pytest.raises(CatalogueError) as error:
        load_catalogue(directory)
    return str(error.value)


def test_an_unknown_fact_names_the_file_and_the_rule(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    _edit(
        directory,
        "vae.yaml",
        lambda d: _rule(d, "vae_target_rncp")["versions"][0].update(
            predicate={"fact": "favourite_colour", "op": "is_true"}
        ),
    )
    message = _load_error(directory)
    assert "vae.yaml" in message and "vae_target_rncp" in message and "favourite_colour" in message


def test_an_unknown_enum_value_in_a_predicate_is_refused(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    _edit(
        directory,
        "ptp.yaml",
        lambda d: _rule(d, "ptp_employee")["versions"][0].update(
            predicate={"fact": "status", "op": "eq", "value": "cadre_sup"}
        ),
    )
    message = _load_error(directory)
    assert "ptp.yaml" in message and "ptp_employee" in message and "cadre_sup" in message


def test_a_bad_date_range_names_the_file_and_the_rule(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    _edit(
        directory, "pro_a.yaml", lambda d: _rule(d, "proa_contract")["versions"][0].update(effective_to="2018-06-30")
    )
    message = _load_error(directory)
    assert "pro_a.yaml" in message and "proa_contract" in message and "plage de dates invalide" in message


def test_overlapping_versions_name_the_file_and_the_rule(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    _edit(
        directory,
        "cpf.yaml",
        lambda d: _rule(d, "cpf_participation_forfaitaire")["versions"][1].update(effective_from="2024-12-01"),
    )
    message = _load_error(directory)
    assert "cpf.yaml" in message and "cpf_participation_forfaitaire" in message and "chevauchent" in message


def test_an_open_version_followed_by_another_overlaps(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    _edit(
        directory,
        "vae.yaml",
        lambda d: _rule(d, "vae_experience")["versions"][0].update(effective_to=None, status="in_force"),
    )
    message = _load_error(directory)
    assert "vae.yaml" in message and "vae_experience" in message and "chevauchent" in message


def test_an_unknown_reference_names_the_rule(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    _edit(
        directory,
        "ptp.yaml",
        lambda d: _rule(d, "ptp_seniority")["versions"][1]["predicate"]["any"].append({"ref": "no_such_rule"}),
    )
    message = _load_error(directory)
    assert "ptp.yaml" in message and "ptp_seniority" in message and "no_such_rule" in message


def test_a_duplicate_rule_id_across_files_is_refused(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    _edit(directory, "transco.yaml", lambda d: _rule(d, "transco_employee").update(id="ptp_employee"))
    message = _load_error(directory)
    assert "transco.yaml" in message and "ptp_employee" in message and "déjà utilisé" in message


def test_a_version_without_legal_reference_is_refused(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    _edit(directory, "cep.yaml", lambda d: _rule(d, "cep_levels")["versions"][1].update(legal_refs=[]))
    message = _load_error(directory)
    assert "cep.yaml" in message and "cep_levels" in message and "legal_refs" in message


def test_a_misspelt_field_is_refused(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    _edit(directory, "cep.yaml", lambda d: _rule(d, "cep_levels")["versions"][1].update(last_verifed="2026-01-01"))
    message = _load_error(directory)
    assert "cep_levels" in message and "last_verifed" in message and "champ inconnu" in message


def test_an_amount_case_must_give_every_output(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    _edit(
        directory,
        "cpf.yaml",
        lambda d: _rule(d, "cpf_credit_esat")["versions"][0]["cases"][0]["values"].pop("ceiling_eur"),
    )
    message = _load_error(directory)
    assert "cpf.yaml" in message and "cpf_credit_esat" in message


def test_a_scheme_file_missing_from_the_list_is_refused(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    shutil.copy(directory / "cep.yaml", directory / "cep_copy.yaml")
    assert "cep_copy.yaml" in _load_error(directory)


def test_unreadable_yaml_names_the_file(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    (directory / "transco.yaml").write_text("id: transco\nrules: [\n", encoding="utf-8")
    assert "transco.yaml" in _load_error(directory)


def test_a_missing_directory_is_a_clear_error(tmp_path: Path) -> None:
    assert "introuvable" in _load_error(tmp_path / "nowhere")
