import pytest

from trajectoire.matching.text import Normaliser, fold_gender


@pytest.fixture(scope="module")
def norm():
    return Normaliser()


@pytest.mark.parametrize(
    ("feminine", "masculine"),
    [
        ("aide-soignante", "aide-soignant"),
        ("infirmière", "infirmier"),
        ("Infirmieres", "INFIRMIER"),
        ("vendeuse", "vendeur"),
        ("serveuse", "serveur"),
        ("boulangère", "boulanger"),
        ("conductrice", "conducteur"),
        ("technicienne", "technicien"),
        ("cheffe", "chef"),
        ("agente", "agent"),
        ("maîtresse", "maître"),
        ("employée", "employé"),
    ],
)
def test_feminine_and_masculine_forms_give_the_same_stems(norm, feminine, masculine):
    assert norm.stems(feminine) == norm.stems(masculine)


def test_accents_case_and_plurals_are_folded(norm):
    assert norm.stems("Électricité") == norm.stems("electricite")
    assert norm.stems("Soudeurs") == norm.stems("soudeur")


def test_words_that_only_look_feminine_are_left_alone():
    assert fold_gender("vente") == "vente"
    assert fold_gender("matiere") == "matiere"


def test_stopwords_and_elisions_are_dropped(norm):
    assert norm.stems("j'ai été l'aide de la cuisine") == norm.stems("aide cuisine")


def test_word_offsets_point_into_the_original_text(norm):
    text = "L’infirmière d'EHPAD — œuvre à Besançon"
    for word, start, end in norm.words(text):
        assert norm.fold(text[start:end]) == word


def test_folding_keeps_one_character_per_character(norm):
    text = "Ça coûte 10 € — 中文 İstanbul ﬁ"
    assert len(norm.fold(text)) == len(text)
    assert norm.fold(text).isascii()
