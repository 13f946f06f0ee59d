import pytest

from trajectoire.matching.synonyms import ACRONYMS


def top_codes(engine, text, k=3):
    return [o.code_rome for o in engine.extract(text, top=k).occupations]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("aide-soignante en EHPAD", "J1501"),
        ("aide soignant à l'hôpital", "J1501"),
        ("infirmière en service de chirurgie", "J1506"),
        ("vendeuse en boulangerie", "D1106"),
        ("serveuse en brasserie", "G1803"),
        ("boulangère, je fais le pain et les viennoiseries", "D1102"),
        ("conductrice de bus", "N4103"),
        ("maçonne gros oeuvre", "F1703"),
    ],
)
def test_job_titles_are_found_in_both_genders(engine, text, code):
    assert top_codes(engine, text)[0] == code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("aide soigante de nuit", "J1501"),
        ("infirmiere diplomee", "J1506"),
        ("chauffeur poid lourd", "N4101"),
        ("préparatrise de commandes", "N1103"),
        ("eletricien du batiment", "F1602"),
    ],
)
def test_typos_are_tolerated(engine, text, code):
    assert code in top_codes(engine, text)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("J'ai le DEAS", "J1501"),
        ("CACES R489 cat 3 et 5 en entrepôt", "N1101"),
        ("SSIAP 1 dans un centre commercial", "K2503"),
        ("FIMO et FCO à jour, transport de marchandises", "N4101"),
        ("ATSEM depuis 10 ans", "K1308"),
        ("AES en foyer", "K1306"),
        ("chauffeur VTC", "N4112"),
    ],
)
def test_acronyms_of_working_life_are_understood(engine, text, code):
    assert code in top_codes(engine, text)


def test_ambiguous_acronyms_need_capitals(engine):
    # "as" is a French word; only "AS" means aide-soignant(e).
    soign = engine.norm.stem("soignant")
    assert soign not in engine.extractor.analyse("tu as vu").stems
    assert soign in engine.extractor.analyse("AS en gériatrie").stems


def test_every_acronym_expansion_matches_the_referential_vocabulary(engine):
    # Each expansion must bring words the referential knows; a stray word is tolerated, a dead entry is not.
    vocab = engine.extractor.vocab
    dead = []
    for key, expansion in ACRONYMS.items():
        stems = engine.norm.stems(expansion)
        known = [s for s in stems if s in vocab]
        if stems and len(known) < max(1, len(stems) - 1):
            dead.append((key, stems))
    assert not dead


def test_every_skill_comes_with_evidence_words_from_the_text(engine):
    text = "Cariste, chargement et déchargement des camions, rangement des palettes en hauteur, inventaires."
    result = engine.extract(text, top=5)
    assert result.skills
    lowered = engine.norm.fold(text)
    for skill in result.skills:
        assert skill.evidence
        for word in skill.evidence.split(", "):
            assert engine.norm.fold(word) in lowered


def test_skills_are_codes_of_the_referential_with_labels(engine):
    result = engine.extract("Comptable : saisie des factures, déclarations de TVA, bilans", top=3)
    assert result.occupations[0].code_rome in {"M1203", "M1213", "M1206"}
    for skill in result.skills:
        assert skill.code_ogr in engine.item_index
        assert skill.label == engine.item_label(skill.code_ogr)


def test_empty_or_meaningless_text_gives_empty_lists(engine):
    for text in ["", "   ", "\n\t", "!!! ??? ...", "le la les de"]:
        result = engine.extract(text, top=5)
        assert result.to_dict() == {"occupations": [], "skills": []}


def test_scores_are_sorted_and_top_is_respected(engine):
    result = engine.extract("Serveur en restaurant, service en salle, encaissement", top=4)
    scores = [o.score for o in result.occupations]
    assert len(scores) == 4
    assert scores == sorted(scores, reverse=True)
    assert engine.extract("Serveur", top=0).occupations == []


def test_to_dict_is_the_command_line_json(engine):
    data = engine.extract("plombier chauffagiste", top=2).to_dict()
    assert set(data) == {"occupations", "skills"}
    assert set(data["occupations"][0]) == {"code_rome", "score", "label"}
    if data["skills"]:
        assert set(data["skills"][0]) == {"code_ogr", "score", "evidence", "label"}
