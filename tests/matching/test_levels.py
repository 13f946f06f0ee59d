import pytest

from trajectoire.matching.levels import entry_level


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("Cet emploi est accessible sans diplôme ni expérience professionnelle.", 2),
        ("Cet emploi est accessible avec un CAP/BEP en cuisine. Un Bac professionnel est apprécié.", 3),
        ("Cet emploi est accessible à partir d''un Bac professionnel  à Bac + 2 maintenance des véhicules.", 4),
        ("Ce métier est accessible avec un diplôme de niveau Bac+2 (BTS, DUT) à Bac+5 en comptabilité.", 5),
        ("Cet emploi est accessible avec une Licence ou un Master en droit fiscal.", 6),
        ("Cet emploi est accessible avec un diplôme d'ingénieur ou un Master en génie civil.", 7),
        ("Cet emploi est accessible avec un Doctorat en médecine (Bac+9).", 8),
        # Nothing in the first sentence: the first level named further on.
        ("Cet emploi est accessible avec une expérience. Un BTS peut être demandé.", 5),
        ("Cet emploi est accessible avec une expérience dans le secteur.", 0),
        ("", 0),
    ],
)
def test_entry_level_reads_the_first_level_the_access_text_names(text, level):
    assert entry_level(text) == level


def test_most_occupations_have_a_level_and_state_diplomas_stay_unknown(engine):
    known = (engine.levels > 0).mean()
    assert known > 0.85
    assert engine.levels[engine.index["K2111"]] == 6  # trainer: licence or master
    assert engine.levels[engine.index["N1103"]] == 3  # order picker: CAP
    # State diplomas name no level in the text: unknown, not guessed.
    assert engine.levels[engine.index["J1506"]] == 0
