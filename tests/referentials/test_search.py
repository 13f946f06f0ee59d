import pytest

from tests.referentials.helpers import ROME_V460, ROME_V461
from trajectoire.referentials.importers.rome import find_rome_files, parse_rome, rome_import
from trajectoire.referentials.search import (
    JOB_TITLE,
    OCCUPATION,
    SKILL,
    SearchIndex,
    index_from_rome_data,
    job_title_document,
    occupation_document,
    search,
    skill_document,
)
from trajectoire.referentials.text import normalize, split_genders

OCCUPATIONS = (JOB_TITLE, OCCUPATION)


def small_index() -> SearchIndex:
    def title(ogr, label, code, occupation_label, *, rarely_used=False):
        masculine, feminine = split_genders(label)
        return job_title_document(
            ogr_code=ogr,
            label=label,
            short_label=label,
            masculine=masculine,
            feminine=feminine,
            occupation_code=code,
            occupation_label=occupation_label,
            rarely_used=rarely_used,
            is_main=False,
        )

    return SearchIndex(
        [
            occupation_document(code="D1102", label="Boulanger / Boulangère"),
            title(1, "Boulanger / Boulangère", "D1102", "Boulanger / Boulangère"),
            title(2, "Boulanger-traiteur / Boulangère-traiteuse", "D1102", "Boulanger / Boulangère"),
            title(3, "Aide-boulanger / Aide-boulangère", "D1102", "Boulanger / Boulangère"),
            occupation_document(code="J1506", label="Infirmier / Infirmière en soins généraux"),
            title(4, "Infirmier / Infirmière", "J1506", "Infirmier / Infirmière en soins généraux"),
            title(5, "Infirmier / Infirmière de bloc", "J1506", "Infirmier / Infirmière en soins généraux"),
            skill_document(ogr_code=10, label="Fabriquer du pain", detail="savoir-faire"),
            skill_document(ogr_code=11, label="Réaliser des pansements", detail="savoir-faire"),
        ]
    )


def labels(hits):
    return [hit.label for hit in hits]


def test_normalisation_drops_accents_case_and_punctuation():
    assert normalize("Électricien / Électricienne du BÂTIMENT") == "electricien electricienne du batiment"


def test_exact_match_comes_before_longer_labels():
    hits = search("boulanger", kinds=(JOB_TITLE,), index=small_index())
    assert labels(hits)[0] == "Boulanger / Boulangère"
    assert hits[0].match == "exact"
    assert labels(hits)[1] == "Boulanger-traiteur / Boulangère-traiteuse"  # starts with the query


def test_feminine_form_and_missing_accents_find_the_same_title():
    for query in ("boulangere", "BOULANGÈRE", "Boulangère"):
        assert labels(search(query, kinds=(JOB_TITLE,), index=small_index()))[0] == "Boulanger / Boulangère"


def test_a_typo_is_tolerated():
    hits = search("infirmeire de bloc", kinds=OCCUPATIONS, index=small_index())
    assert hits[0].code == "5" and hits[0].match == "approche"


def test_a_word_being_typed_matches_by_prefix():
    hits = search("infirm", kinds=OCCUPATIONS, index=small_index())
    assert hits[0].occupation_code == "J1506"


def test_kinds_restrict_the_result():
    index = small_index()
    assert {h.kind for h in search("pain", index=index)} == {SKILL}
    assert search("pain", kinds=OCCUPATIONS, index=index) == []


def test_too_short_or_empty_queries_give_nothing():
    assert search("", index=small_index()) == []
    assert search(" b ", index=small_index()) == []


def test_a_rome_code_finds_its_occupation():
    hits = search("d1102", kinds=OCCUPATIONS, index=small_index())
    assert (hits[0].kind, hits[0].code) == (OCCUPATION, "D1102")


# --- real data (index built from the shipped CSV files, no database) --------------------------------


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("aide soigante", "J1501"),
        ("aide-soignante", "J1501"),
        ("electricien batiment", "F1602"),
        ("prépa commandes", "N1103"),
        ("boulangere", "D1102"),
        ("chauffeur poids lourd", "N4101"),
        ("asistante de direction", "M1604"),
        ("dev web", "M1855"),
        ("magasiniere cariste", "N1110"),
        ("secretaire medicale", "M1609"),
        ("J1501", "J1501"),
    ],
)
def test_realistic_queries_find_the_expected_occupation_first(real_index, query, code):
    hits = search(query, kinds=OCCUPATIONS, index=real_index)
    assert hits, query
    assert hits[0].occupation_code == code, [(h.occupation_code, h.label) for h in hits[:5]]


def test_aide_soigante_shows_the_main_title_in_both_genders_first(real_index):
    hit = search("aide soigante", kinds=OCCUPATIONS, index=real_index)[0]
    assert hit.label == "Aide-soignant / Aide-soignante"


def test_skills_are_found_by_their_wording(real_index):
    hits = search("gerer une caisse", kinds=(SKILL,), index=real_index)
    assert hits[0].label == "Gérer une caisse" and hits[0].match == "exact"


# --- database index -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_database_index_gives_the_same_results_as_the_files():
    rome_import(directory=ROME_V460)
    from_files = index_from_rome_data(parse_rome(find_rome_files(ROME_V460)))
    for query in ("aide soigante", "magasinier", "prepa commande", "electricien", "soins"):
        assert search(query, limit=20) == search(query, limit=20, index=from_files), query


@pytest.mark.django_db
def test_the_cached_index_follows_a_new_import():
    rome_import(directory=ROME_V460)
    assert search("magasinier cariste", kinds=OCCUPATIONS)[0].occupation_code == "N1110"
    assert all(hit.occupation_code != "J1520" for hit in search("coordinatrice parcours", kinds=OCCUPATIONS))
    rome_import(directory=ROME_V461, allow_shrink=True)  # v461 retires N1110: 1 of 4
    assert search("coordinatrice parcours", kinds=OCCUPATIONS)[0].occupation_code == "J1520"
    assert all(hit.occupation_code != "N1110" for hit in search("magasinier cariste", kinds=OCCUPATIONS))
