"""Official or secondary sources: a rule resting on secondary sources only is never above « medium » and is flagged."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml

from trajectoire.schemes import CatalogueError, evaluate, load_catalogue
from trajectoire.schemes.loader import DEFAULT_PATH
from trajectoire.schemes.models import source_is_official


@pytest.mark.parametrize(
    "url",
    [
        "https://www.legifrance.gouv.fr/jorf/id/JORFTEXT000048729031",
        "https://circulaires.legifrance.gouv.fr/pdf/2019/04/cir_44547.pdf",
        "https://www.service-public.fr/particuliers/vosdroits/F3027",
        "https://travail-emploi.gouv.fr/formation-professionnelle/",
        "https://www.francecompetences.fr/base-documentaire/",
        "https://www.caissedesdepots.fr/mon-compte-formation",
        "https://www.moncompteformation.gouv.fr/espace-public/",
        "https://www.francetravail.fr/candidat/en-formation.html",
        "https://www.urssaf.fr/accueil.html",
        "https://vae.gouv.fr/",
    ],
)
def test_official_publishers_are_recognised_by_their_domain(url: str) -> None:
    assert source_is_official(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://www.centre-inffo.fr/site-droit-formation/actualites-droit/x",
        "https://french-business-law.com/french-legislation-art/article-l6313-4/",
        "https://cpformation.com/bilan-de-competences-cpf-2026",
        "https://legifrance.gouv.fr.example.com/fake",  # a look-alike host is not Légifrance
        "https://notlegifrance.gouv.fr.evil.org/",
        "https://legal.tricoteuses.fr/lois/x",  # a mirror of Légifrance data is still secondary
    ],
)
def test_other_sites_are_secondary_sources(url: str) -> None:
    assert not source_is_official(url)


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "catalogue"
    shutil.copytree(DEFAULT_PATH, target)
    return target


def _set_version(directory: Path, rule_id: str, **changes) -> None:
    path = directory / "bilan_competences.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    rule = next(r for r in data["rules"] if r["id"] == rule_id)
    rule["versions"][0].update(changes)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_high_confidence_on_secondary_sources_only_is_refused_at_load_with_the_file_and_rule(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    _set_version(directory, "bc_consent", confidence="high")
    with pytest.raises(CatalogueError) as error:
        load_catalogue(directory)
    message = str(error.value)
    assert "bilan_competences.yaml" in message and "bc_consent" in message
    assert "aucune source officielle" in message and "confidence: medium" in message


def test_high_confidence_is_accepted_once_an_official_source_is_added(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    _set_version(
        directory,
        "bc_consent",
        confidence="high",
        source_urls=["https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000037385700"],
    )
    catalogue = load_catalogue(directory)
    facts = {"status": "salarie_prive", "beneficiary_consent": True, "framework": "autofinancement"}
    reason = next(r for r in evaluate(catalogue, facts, date(2026, 3, 2)).scheme("bilan_competences").reasons)
    assert reason.rule_id == "bc_consent" and reason.confidence == "high"
    assert reason.official_source and not reason.uncertain and not reason.text.startswith("À vérifier")


def test_a_medium_rule_on_secondary_sources_only_is_shown_to_verify() -> None:
    catalogue = load_catalogue()
    facts = {"status": "salarie_prive", "beneficiary_consent": True, "framework": "autofinancement"}
    result = evaluate(catalogue, facts, date(2026, 3, 2)).scheme("bilan_competences")
    consent = next(r for r in result.reasons if r.rule_id == "bc_consent")
    assert consent.confidence == "medium" and consent.uncertain and not consent.official_source
    data = consent.to_dict()
    assert data["flag"] == "à vérifier" and data["official_source"] is False
    assert data["text"].startswith("À vérifier : ")


def test_no_shipped_rule_rests_on_secondary_sources_with_high_confidence() -> None:
    rows = load_catalogue().rule_rows()
    assert not [r.rule_id for r in rows if r.secondary_only and r.confidence == "high"]
    # The few rules with an official source keep their level.
    assert any(not r.secondary_only and r.confidence == "high" for r in rows)
