"""Entry qualification level of an occupation, read from its ROME "access to the job" text.

Expert mobility links mostly keep the level or go one step up (ROME v460, 12,507 links whose both ends state a
level: 42 % keep it, 20 % go one step up, 14 % one step down, 7 % two steps down or more), so the learned ranker
uses the difference of levels between the current occupation and a target.

Levels follow the French national qualification frame (cadre national des certifications): 2 = no diploma,
3 = CAP/BEP, 4 = baccalauréat, 5 = bac+2, 6 = bac+3/4, 7 = bac+5, 8 = doctorate. The first level the text
names is the entry level ("accessible avec un CAP ... à un Bac+2" gives 3). 0 = not stated.
"""

import re

# Most specific first: at the same position "Bac + 2" must win over "Bac".
_PATTERNS: tuple[tuple[re.Pattern[str], int], ...] = tuple(
    (re.compile(p), level)
    for p, level in (
        (r"bac\s*\+\s*8|doctorat", 8),
        (r"bac\s*\+\s*5|master|dipl[oô]me d.ing[ée]nieur|[ée]cole d.ing[ée]nieur|\bmba\b", 7),
        (r"bac\s*\+\s*[34]|licence|\bbut\b|bachelor", 6),
        (r"bac\s*\+\s*2|\bbts\b|\bdut\b|\bdeust\b", 5),
        (r"\bbac\b|baccalaur|\bbp\b|brevet professionnel", 4),
        (r"\bcap\b|\bbep\b|\bcqp\b|titre professionnel", 3),
        (r"sans dipl[oô]me", 2),
    )
)


def entry_level(access_text: str) -> int:
    """Entry level (2-8) named by an access text, 0 when it names none."""
    text = access_text.lower().replace("''", "'")
    # The first sentence states the usual entry route; later ones list alternatives.
    for part in (text.split(".")[0], text):
        found = [(m.start(), -level) for pattern, level in _PATTERNS for m in pattern.finditer(part)]
        if found:
            return -min(found)[1]
    return 0
