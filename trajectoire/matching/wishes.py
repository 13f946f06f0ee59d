"""What a person says they want and refuse, read from their own words (pure functions, no Django).

« J'aime expliquer, transmettre ; je ne veux plus travailler de nuit » holds a wish (teaching) and a refusal
(night work). The text is cut into clauses; a clause is negative when it carries a refusal cue (« ne … plus »,
« plus de », « fini », « sans », « pas de », « marre », « éviter »…). Work conditions are mapped to ROME work
contexts (`unix_referentiel_contexte_travail` codes of the shipped data): named in a negative clause they are
refused, in a positive one liked. Positive clauses are also matched against wish themes (« transmettre »,
« travailler de mes mains », « être utile aux gens »…), each of which says which ROME skill labels answer it.

Everything here works on accent-folded lower-case text; the phrases are people's words, not ROME's.
"""

import re
from dataclasses import dataclass, field

from trajectoire.matching.text import Normaliser

# Work conditions people name, and the ROME work contexts they mean. `burden`: a condition people mostly
# complain about, so « plus de nuits » or « le week-end, c'est fini » is a refusal even in spoken French
# where « ne » is dropped; a non-burden (« dehors », « le contact ») needs a clear negation.
CONDITIONS: dict[str, dict] = {
    "nuit": {
        "pattern": r"\bnuits?\b|\bnocturnes?\b|\bla nuit\b",
        "contexts": ("300803",),
        "burden": True,
    },
    "week-end": {
        "pattern": r"\bweek[- ]?ends?\b|\bwe\b|\bjours? feries?\b|\bferies\b",
        "contexts": ("23376", "23374", "300793"),
        "burden": True,
    },
    "samedi": {"pattern": r"\bsamedis?\b", "contexts": ("23374", "23376"), "burden": True},
    "dimanche": {"pattern": r"\bdimanches?\b", "contexts": ("300793", "23376"), "burden": True},
    "charges": {
        "pattern": (
            r"\bport(er|e|ant)?\b(?! (de|d ?)(tenue|gilet|uniforme|equipement|arme))|\bcharges? lourdes?\b|"
            r"\bsoulever\b|\bmanutention\b|\bcartons?\b|\bsacs?\b|\blourd(e|s|es)?\b|\bmon dos\b|\ble dos\b|"
            r"\bmal au dos\b|\bdos (casse|abime|fichu|en compote)\b|\bhernie\b|\blombaires?\b|\bmanuten\w*"
        ),
        "contexts": ("300795",),
        "burden": True,
    },
    "deplacements": {
        "pattern": (
            r"\bdeplacements?\b|\bme deplacer\b|\bsur la route\b|\bsur les routes\b|\bdecoucher\b|"
            r"\bloin de (chez moi|la maison|ma famille|mes enfants)\b|\bvoyager\b|\bvoyages?\b|\bkilometres\b|"
            r"\bbouger partout\b|\bsillonner\b|\ben tournee\b"
        ),
        "contexts": ("300779",),
        "burden": True,
    },
    "exterieur": {
        "pattern": (
            r"\bdehors\b|\ben exterieur\b|\ba l exterieur\b|\bexterieur\b|\bplein air\b|\bgrand air\b|"
            r"\bsous la pluie\b|\bpar tous les temps\b|\bintemperies\b"
        ),
        "contexts": ("300783",),
        "burden": False,
    },
    "froid": {
        "pattern": r"\bfroid\b|\bfrigos?\b|\bchambres? froides?\b|\bcongel\w*|\bfrigorifique\b",
        "contexts": ("403021", "300787"),
        "burden": True,
    },
    "chaleur": {"pattern": r"\bchaleur\b|\bfourneaux\b|\bfournaise\b", "contexts": ("300789",), "burden": True},
    "poste": {
        "pattern": (
            r"\btravail poste\b|\btravail en poste\b|\bpostes? en \d ?x ?8\b|\b\d ?x ?8\b|\btrois[- ]huit\b|"
            r"\bdeux[- ]huit\b|\ben equipes? alternantes?\b|\bequipes? tournantes?\b|\bhoraires? tournants?\b|"
            r"\ben roulement\b|\bpar roulement\b|\broulements?\b|\ble poste\b(?= (de nuit|du matin|d apres))|"
            r"\bles postes\b"
        ),
        "contexts": ("126450", "300808"),
        "burden": True,
    },
    "decales": {
        "pattern": (
            r"\bhoraires? decales?\b|\bdecales\b|\bcoupures?\b|\bhoraires? coupes?\b|\bhoraires? fractionnes?\b|"
            r"\btres tot\b|\btot le matin\b|\blever a [2-5] ?h\b|\btard le soir\b|\bhoraires? a rallonge\b|"
            r"\bhoraires? impossibles?\b|\bhoraires? de fou\b|\ble soir\b|\bles soirs\b|\bsoirees?\b|\ben soiree\b"
        ),
        "contexts": ("300805", "400005"),
        "burden": True,
    },
    "astreinte": {
        "pattern": r"\bastreintes?\b|\bd astreinte\b|\bappele(e)? (la nuit|a toute heure|n importe quand)\b",
        "contexts": ("300804", "511474"),
        "burden": True,
    },
    "debout": {
        "pattern": r"\bdebout\b|\bpietiner\b|\bsur mes jambes\b|\bmes jambes\b|\bmes pieds\b",
        "contexts": ("300800",),
        "burden": True,
    },
    "assis": {
        "pattern": (
            r"\bassise?s?\b|\bderriere un (bureau|ecran|ordinateur)\b|\bdevant un (ecran|ordinateur)\b|"
            r"\benferme(e)?s? dans un bureau\b|\benferme(e)?s?\b|\bentre quatre murs\b"
        ),
        "contexts": ("403025",),
        "burden": True,
    },
    "cadence": {
        "pattern": (
            r"\bcadences?\b|\brepetitif\w*|\ba la chaine\b|\bla chaine\b|\bchaine de production\b|\bsur une ligne\b|"
            r"\bligne de production\b|\brendement\b|\bflux tendu\b|\bchrono\w*\b"
        ),
        "contexts": ("300801", "23382", "300834"),
        "burden": True,
    },
    "bruit": {"pattern": r"\bbruit\w*|\bbruyant\w*|\bvacarme\b", "contexts": ("300824",), "burden": True},
    "hauteur": {
        "pattern": r"\ben hauteur\b|\bhauteurs?\b|\bvertige\b|\bechafaudages?\b|\bsur les toits\b|\bechelles?\b",
        "contexts": ("300782", "511229"),
        "burden": True,
    },
    "produits": {
        "pattern": r"\bproduits? (chimiques|dangereux|toxiques)\b|\bchimiques?\b|\btoxiques?\b|\bproduits?\b",
        "contexts": ("300791", "403022"),
        "burden": True,
    },
    "public": {
        "pattern": (
            r"\bpublic\b|\bclients?\b|\bclientele\b|\bcontact humain\b|\bcontact avec les gens\b|\bcontact\b|"
            r"\bles gens\b|\bdu monde\b|\bguichet\b"
        ),
        "contexts": ("403020",),
        "burden": False,
    },
    "domicile": {
        "pattern": r"\bchez les gens\b|\ba domicile\b|\bchez des particuliers\b|\bdomicile\b",
        "contexts": ("300778",),
        "burden": False,
    },
    "teletravail": {
        "pattern": r"\bteletravail\w*|\bde chez moi\b|\ba distance\b|\bdepuis la maison\b",
        "contexts": ("300799",),
        "burden": False,
    },
    "chantier": {"pattern": r"\bchantiers?\b", "contexts": ("403962",), "burden": True},
    "animaux": {"pattern": r"\banimaux\b|\banimal\b|\bbetes\b", "contexts": ("403963",), "burden": False},
    "saisonnier": {"pattern": r"\bsaisonni\w*|\bsaisons?\b", "contexts": ("400040", "403098"), "burden": True},
    "uniforme": {"pattern": r"\buniformes?\b|\bgilet pare[- ]balles\b", "contexts": ("402011",), "burden": True},
    "armes": {"pattern": r"\barmes?\b", "contexts": ("511495",), "burden": True},
    "isole": {
        "pattern": r"\bseule?\b(?! (a|au) )|\bisole(e)?s?\b|\bsolitaire\b",
        "contexts": ("490468",),
        "burden": False,
    },
}

# Implied refusals: « des horaires de bureau » says no to nights and shifts without naming them.
IMPLIED = (
    (
        r"\bhoraires? (de bureau|normaux|reguliers|fixes|classiques)\b|\ben journee\b|\bde jour\b|\b9 ?h ?- ?17 ?h\b",
        ("300803", "126450", "300805", "300808"),
    ),
    (r"\bvie de famille\b|\bvoir mes enfants\b|\bavec mes enfants\b|\bmes soirees\b", ("300803", "23376")),
)

# Clear refusals. « ne » is often dropped when speaking (« je veux plus porter »), so « veux plus » + a verb
# counts too; a bare « plus de » is weaker (see WEAK_NEGATION).
NEGATION = re.compile(
    r"\bn ?(e )?(veux|veut|voudrais|peux|peut|supporte|supporterai|souhaite|aime|ai|suis|sais|accepte|"
    r"accepterai|irai|fais|ferai|porte|porterai|travaille|travaillerai|conduis|conduirai|plus|pas|jamais)\b"
    r".*\b(plus|pas|jamais|aucun|aucune|rien|ni)\b|"
    r"\bfini(e|s|es)?\b|\bterminee?s?\b|\bsans\b|\bpas (de|d|du|des|le|la|les|en|dans|a|au|aux|trop|question)\b|"
    r"\bmarre\b|\beviter\b|\bevite\b|\brefuse\w*|\bstop\b|\bassez (de|d)\b|\bplus jamais\b|\baucun\w*|"
    r"\barreter\b|\barrete\b|\bni\b|\bne suit plus\b|\b(peux|veux|supporte|peut|veut) plus (\w+(er|ir|re)|"
    r"me|m|le|la|les|y|en|du tout)\b|\bpas\b|\bfuir\b|\bplus envie\b|\bdetest\w*|\bhorreur\b|\bplus jamais\b|"
    r"\ble moins possible\b|\bmoins de\b|\bplus (la|le|les|en|dans|au|aux)\b|\bne (plus|pas|jamais)\b|\bjamais\b|"
    r"\b(veux|peux|veut|peut|supporte|en veux|en peux) plus\s*$|\bquitter\b|\barreter\b|\bsortir de\b|"
    r"\ben ai marre\b|\bj en peux plus\b|\bn en peux plus\b|\bc est fini\b|"
    r"\bc est termine\b|\bplus question\b|\bhors de question\b|\bne supporte\w* plus\b|\bne suit plus\b|\bloin de\b"
)
# A clause that states a wish (it stops a refusal from carrying over).
WISH_CUE = re.compile(
    r"\b(j aime|j aimerais|j adore|je voudrais|je veux|je souhaite|je reve|j ai envie|envie de|je cherche|"
    r"plutot|m irait|me plairait|pourquoi pas|je prefere|je prefererais|mon reve|devenir|rester)\b"
)
WEAK_NEGATION = re.compile(r"\bplus (de|d|du|des)\b")
# Cues of a positive clause: they turn « plus de » into « more » (« je veux plus de contact »).
MORE = re.compile(r"\b(davantage|encore plus|beaucoup plus|envie de plus|besoin de plus)\b")
CLAUSE_SPLIT = re.compile(
    r"[.;!?\n]+|[,:]|\bmais\b|\bpar contre\b|\bet surtout\b|\bquant a\b|\bsauf\b|\ben revanche\b"
)


@dataclass(frozen=True)
class Theme:
    """A kind of work people wish for, and the ROME skill labels (folded, regex) that answer it."""

    key: str
    words: str  # regex over the person's folded words
    items: str  # regex over folded ROME competence and knowledge labels
    contexts: tuple[str, ...] = ()  # ROME work contexts that answer it too (publics, places)


THEMES: tuple["Theme", ...] = (
    Theme(
        "transmettre",
        r"\bexpliqu\w*|\btransmet\w*|\benseign\w*|\bformer (des|les|d)\b|\bformat(eur|rice|ion)s?\b|\bpedagog\w*|"
        r"\bapprendre (aux|a des|a d autres|a quelqu)\b|\bpartager (mon|mes|son|ses) (savoir|experience|"
        r"connaissances|metier)|\btutor\w*|\btuteur\b|\bprof\b|\bprofesseur\b|\bfaire apprendre\b|\bapprentis\b",
        r"\b(former|formation|enseign\w*|transmettre|pedagogi\w*|apprenants?|stagiaires?|tutorat|tuteur|"
        r"seances? (de formation|pedagogiques?)|action de formation|savoirs professionnels)\b",
    ),
    Theme(
        "accompagner",
        r"\baccompagn\w*|\baider (les|des|d autres|aux|a des|a les) ?(gens|personnes|autres|familles)?|\baider\b|"
        r"\betre utile\b|\bsocial\b|\bsociale\b|\becoute\w*|\bsoutenir\b|\bprendre soin\b|\bsoutien\b|"
        r"\bhumain\b|\bhumaine\b|\bse sentir utile\b|\bservir a quelque chose\b|\bservice aux personnes\b|"
        r"\bconseiller les\b|\borienter les\b|\binsertion\b|\btrouver (leur|sa|une) voie\b|\borientation\b|"
        r"\bvers l emploi\b|\bbilans?\b|\btrouver (un|du) (travail|emploi)\b",
        r"\b(accompagner|accompagnement|ecoute|soutien|insertion|orienter (une|des) personnes?|orientation|"
        r"conseiller (une|des) personnes?|aider (une|des) personnes?|aide a la personne|projet (professionnel|"
        r"de vie|personnalise)|relation d aide|autonomie de la personne|situation de handicap|accueillir une "
        r"personne)\b",
    ),
    Theme(
        "mains",
        r"\bde mes (deux )?mains\b|\bavec mes mains\b|\bde ses mains\b|\bmanuel(le)?s?\b|\bconcret\w*|\bfabriqu\w*|"
        r"\bbricol\w*|\bconstruire\b|\bcreer des objets\b|\bdu bois\b|\ble bois\b|\bmenuis\w*|\bartisan\w*|"
        r"\bmetier d art\b|\bfaconner\b|\bsouder\b|\bmonter des\b",
        r"\b(fabriquer|faconner|assembler|usiner|poncer|souder|soudure|menuiserie|ebenisterie|travail du bois|"
        r"realiser (un|une|des) (ouvrage|piece|objet|assemblage|meuble)|tailler|sculpter|modeler|"
        r"decouper (des|les) (pieces|materiaux))\b",
    ),
    Theme(
        "nature",
        r"\bnature\b|\bjardin\w*|\bespaces? verts?\b|\bforets?\b|\bplantes?\b|\bvegeta\w*|\bfleurs?\b|\barbres?\b|"
        r"\bla terre\b|\bagricul\w*|\bmaraich\w*|\bpaysag\w*|\benvironnement\b|\becolog\w*",
        r"\b(espaces? verts?|vegetaux|vegetal|plantations?|jardins?|paysag\w*|arbres?|forest\w*|cultures?|"
        r"horticult\w*|semis|biodiversite|milieux naturels|sols?|environnement)\b",
        ("300783",),
    ),
    Theme(
        "dehors",
        r"\bdehors\b|\ben exterieur\b|\ba l exterieur\b|\bplein air\b|\bgrand air\b|\bbouger\b|\bpas assise?\b",
        r"\b(espaces? verts?|chantier|exterieur|parcours|itinerai\w*)\b",
        ("300783",),
    ),
    Theme(
        "enfants",
        r"\benfants?\b|\bpetits\b|\bbebes?\b|\bjeunes\b|\bados\b|\badolescents?\b|\beleves?\b|\bpetite enfance\b",
        r"\b(enfants?|jeunes?|adolescents?|mineurs?|eleves?|petite enfance|eveil)\b",
        ("300825", "300826", "300827", "300828", "300818", "300847", "300835"),
    ),
    Theme(
        "ages",
        r"\bpersonnes? agees?\b|\banciens\b|\bseniors?\b|\bgrand[- ]?parents\b|\bvieilles personnes\b|\behpad\b|"
        r"\bpapys?\b|\bmamies?\b",
        r"\b(personnes? agees?|gerontolog\w*|dependance|fin de vie)\b",
        ("300839",),
    ),
    Theme(
        "handicap",
        r"\bhandicap\w*",
        r"\b(handicap\w*)\b",
        ("300840", "512381"),
    ),
    Theme(
        "soigner",
        r"\bsoign\w*|\bsoins\b|\bsante\b|\bpatients?\b|\bmalades?\b|\bmedical\w*|\bhopital\b|\bparamedical\b",
        r"\b(soins?|patients?|therapeut\w*|medica\w*|sante|infirmi\w*)\b",
        ("300838",),
    ),
    Theme(
        "animaux",
        r"\banimaux\b|\banimal\b|\bchevaux\b|\bchiens?\b|\bchats?\b|\bbetes\b|\belevage\b",
        r"\b(animal|animaux|elevage|canin\w*|equin\w*|chevaux|betail|soins aux animaux)\b",
        ("403963",),
    ),
    Theme(
        "vendre",
        r"\bvendre\b|\bvente\b|\bcommerc\w*|\bnegoci\w*|\bconvaincre\b|\bconseiller (les|des) clients\b",
        r"\b(vendre|vente|negocier|negociation|prospect\w*|commercia\w*|conseiller (un|le|des) clients?)\b",
    ),
    Theme(
        "contact",
        r"\bcontact\b|\brelationnel\b|\brencontrer\b|\bvoir du monde\b|\bles gens\b|\baccueil\w*|"
        r"\bparler (aux|avec les) gens\b|\bechanger\b",
        r"\b(accueillir|accueil|renseigner|relation client\w*|orienter (le|les) public)\b",
        ("403020",),
    ),
    Theme(
        "cuisine",
        r"\bcuisin\w*|\bpatiss\w*|\brecettes?\b|\bfourneaux\b|\bgastronom\w*|\bboulang\w*",
        r"\b(cuisin\w*|patiss\w*|culinaire|recettes?|mets|plats?|pate|boulang\w*)\b",
    ),
    Theme(
        "conduire",
        r"\bconduire\b|\bconduite\b|\bvolant\b|\brouler\b|\bchauffeur\b|\bpoids lourds?\b|\bcamion\w*|"
        r"\bengins?\b|\btracteurs?\b",
        r"\b(conduire (un|le|des|les) (vehicule\w*|engins?)|conduite|engins?|transport de (personnes|marchandises|"
        r"voyageurs))\b",
    ),
    Theme(
        "reparer",
        r"\brepar\w*|\bmecani\w*|\bdepann\w*|\bmoteurs?\b|\bmachines?\b|\belectroni\w*|\belectri\w*",
        r"\b(reparer|reparation|depanner|depannage|diagnostiquer (une|la|les) (panne|dysfonctionnement)\w*|"
        r"maintenance|mecanique|remplacer (un|une|des|les) (pieces?|organes?|elements?))\b",
    ),
    Theme(
        "chiffres",
        r"\bchiffres\b|\bcalcul\w*|\bcompta\w*|\bbudgets?\b|\bfinance\w*|\bgestion\b|\banalyser\b|\btableaux?\b|"
        r"\bexcel\b|\bdonnees\b|\bstatisti\w*",
        r"\b(comptab\w*|budget\w*|financ\w*|tableaux? de bord|statisti\w*|donnees chiffrees|analyse de donnees)\b",
    ),
    Theme(
        "numerique",
        r"\binformatique\b|\bordinateurs?\b|\bnumerique\b|\bcod(e|er)\b|\bprogramm\w*|\bdevelopp\w* (web|des "
        r"(sites|applications|logiciels))|\bweb\b|\bsites? internet\b|\breseaux sociaux\b|\bdigital\b",
        r"\b(logiciels?|informatique\w*|applications?|programm\w*|developpement (web|informatique|logiciel)|"
        r"numerique|web|reseaux? (informatiques?|sociaux)|base de donnees)\b",
    ),
    Theme(
        "creer",
        r"\bcreer\b|\bcreati\w*|\bartisti\w*|\bdessin\w*|\bpeindre\b|\bpeinture\b|\bart\b|\barts\b|\bdecor\w*|"
        r"\bcouture\b|\bphoto\w*|\bmusique\b|\bimagin\w*|\bgraphis\w*",
        r"\b(creer|creation|creati\w*|dessin\w*|esquisses?|artisti\w*|graphi\w*|illustr\w*|couture|photograph\w*|"
        r"decor\w*|maquettes?|arts? plastiques)\b",
    ),
    Theme(
        "sport",
        r"\bsport\w*|\bactivite physique\b|\bentrain(er|ement)\b|\bcoach\w*|\bmon corps\b",
        r"\b(sport\w*|activites? physiques?|entrainement|seances? (sportives|d activite))\b",
        ("403091", "403961", "300848"),
    ),
    Theme(
        "organiser",
        r"\borganis\w*|\bcoordonn\w*|\bplanifi\w*|\bprojets?\b|\bevenement\w*|\bgerer des\b",
        r"\b(organiser|coordonner|planifier|planification|conduite de projet|gestion de projet|evenement\w*)\b",
    ),
    Theme(
        "ecrire",
        r"\becrire\b|\bredig\w*|\bredaction\b|\bcommunication\b|\bjournalis\w*|\bla langue\b|\bles mots\b",
        r"\b(rediger|redaction\w*|communication|editorial\w*|contenus?|articles?)\b",
    ),
    Theme(
        "proteger",
        r"\bsecurite\b|\bproteger\b|\bsurveill\w*|\bsecour\w*|\bpompiers?\b|\bprevention\b",
        r"\b(securite|surveill\w*|secours|secourisme|proteger|prevention des risques|incendie)\b",
    ),
    Theme(
        "bureau",
        r"\bbureau\b|\badministrati\w*|\bsecretariat\b|\bdossiers?\b|\bpaperasse\b|\bclasser\b|\bcourriers?\b",
        r"\b(administrati\w*|courriers?|dossiers?|secretariat|classement|saisir des donnees|standard "
        r"telephonique|agenda)\b",
    ),
    Theme(
        "droit",
        r"\bdroit\b|\bjuridique\w*|\blois?\b|\bjustice\b",
        r"\b(juridique\w*|droit|contentieux|reglementation\w*|procedures? (judiciaires|juridiques))\b",
    ),
    Theme(
        "batiment",
        r"\bbatiment\b|\bmaisons?\b|\brenov\w*|\bmacon\w*|\bconstruction\b|\btravaux\b|\bbtp\b",
        r"\b(batiments?|maconnerie|renovation|gros oeuvre|second oeuvre|ouvrages?|chantier)\b",
    ),
    Theme(
        "beaute",
        r"\besthet\w*|\bcoiff\w*|\bbeaute\b|\bbien[- ]etre\b|\bmassages?\b|\bmaquill\w*|\bongles\b",
        r"\b(esthetique|coiff\w*|soins? (du visage|du corps|esthetiques)|maquillage|modelage|bien[- ]etre)\b",
    ),
    Theme(
        "sciences",
        r"\bscienc\w*|\brecherche\b|\blaboratoire\b|\blabo\b|\banalyses?\b|\bexperiences scientifiques\b|"
        r"\bchimie\b|\bbiologie\b",
        r"\b(laboratoire|analyses?|recherche|experimentation|echantillons?|protocoles?|biolog\w*|chimi\w*)\b",
    ),
    Theme(
        "encadrer",
        r"\bencadr\w*|\bmanag\w*|\bdiriger\b|\bgerer une equipe\b|\bchef d equipe\b|\bresponsabilites\b|"
        r"\bmener une equipe\b|\bresponsable\b",
        r"\b(encadrer|manager|management|diriger|piloter|animer une equipe|superviser|coordonner une equipe)\b",
    ),
    Theme(
        "independant",
        r"\bindependan\w*|\ba mon compte\b|\bmon propre patron\b|\bma propre (boite|entreprise)\b|"
        r"\bcreer (ma|mon) (entreprise|activite|boite)\b|\bfreelance\b|\bliberal\b|\bautonom\w*",
        r"\b(creation d entreprise|gestion d entreprise|developper une activite)\b",
        ("403106", "403102", "490468"),
    ),
    Theme(
        "tourisme",
        r"\btouris\w*|\bvoyageurs?\b|\bhotel\w*|\bloisirs?\b|\bvacances\b|\bculture\b|\bmusees?\b|\bpatrimoine\b",
        r"\b(touris\w*|sejours?|visites?|patrimoine|loisirs?|hebergement)\b",
        ("300878",),
    ),
    Theme(
        "plans",
        r"\bplans?\b|\bdessin technique\b|\bdessiner des (plans|pieces|maisons)\b|\bdao\b|\bcao\b|\bautocad\b|"
        r"\bbureau d etudes?\b|\bsur ordinateur\b",
        r"\b(plans?|dessin technique|dessins? (d execution|techniques?)|dao|cao|maquettes? numeriques?|releves?|"
        r"logiciels? de (dessin|conception)|bim)\b",
    ),
    Theme(
        "collectivite",
        r"\bcantines?\b|\brestauration collective\b|\bcollectivites?\b|\brestaurants? (d entreprise|d ecole|"
        r"scolaires?|administratifs?)\b|\bcreches?\b|\bcuisine centrale\b|\bself\b",
        r"\b(restauration collective|liaison (chaude|froide)|grandes? quantites?|cuisine centrale)\b",
        ("300811",),
    ),
    Theme(
        "logistique",
        r"\blogisti\w*|\bstocks?\b|\bentrepot\w*|\bexpedi\w*|\bapprovisionn\w*",
        r"\b(logisti\w*|stocks?|approvisionnement\w*|expedition\w*|entreposage|flux de marchandises)\b",
    ),
)

THEME_BY_KEY = {t.key: t for t in THEMES}
_FOLD_RE = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """Lower case, accents removed, punctuation and apostrophes as spaces (« j'aime » -> « j aime »)."""
    return " ".join(_FOLD_RE.split(Normaliser.fold(text))).strip()


def fold_lines(labels: list[str]) -> str:
    """`fold` of each label, one per line (newlines inside a label become spaces)."""
    return "\n".join(" ".join(_FOLD_RE.split(Normaliser.fold(label))).strip() for label in labels)


@dataclass(frozen=True)
class Stance:
    """One condition or theme the person named, with the words they used."""

    key: str
    words: str
    refused: bool
    contexts: tuple[str, ...] = ()


@dataclass(frozen=True)
class WishReading:
    conditions: list[Stance] = field(default_factory=list)  # work conditions named, refused or liked
    themes: list[Stance] = field(default_factory=list)  # kinds of work wished for (positive clauses)
    positive_text: str = ""  # the wishes without their refusals, for the extraction engine

    @property
    def refused_contexts(self) -> dict[str, str]:
        """ROME work-context code -> the words that refused it (first mention)."""
        out: dict[str, str] = {}
        for s in self.conditions:
            if s.refused:
                for code in s.contexts:
                    out.setdefault(code, s.words)
        return out

    @property
    def liked_contexts(self) -> dict[str, str]:
        out: dict[str, str] = {}
        refused = self.refused_contexts
        for s in [*self.conditions, *self.themes]:
            if not s.refused:
                for code in s.contexts:
                    if code not in refused:
                        out.setdefault(code, s.words)
        return out


def _fold_keep_length(text: str) -> str:
    """Folded text with the same length as `text` (clause marks kept), so split positions apply to both."""
    chars = []
    for ch in text:
        if ch in ".;!?,:\n":
            chars.append(ch)
            continue
        f = Normaliser.fold(ch)[:1]
        chars.append(f if f.isalnum() else " ")
    return "".join(chars)


def is_negative(folded: str) -> bool:
    """A clear refusal, or a clause that starts with « plus de » (« plus de nuits »)."""
    if MORE.search(folded):
        return False
    return bool(NEGATION.search(folded)) or bool(re.match(r"^(et |ou |mais )?plus (de|d|du|des)\b", folded))


def _words(original: str, limit: int = 80) -> str:
    words = " ".join(original.split())
    if len(words) <= limit:
        return words
    cut = words[:limit].rsplit(" ", 1)[0]
    return f"{cut}…"


def clauses(text: str) -> list[tuple[str, str, int, str]]:
    """(original words, folded words, sentence number, folded mark before it) of each clause, in order."""
    out = []
    start = 0
    sentence = 0
    mark = ""
    raw = text.replace("’", "'")
    folded_raw = _fold_keep_length(raw)
    for m in [*CLAUSE_SPLIT.finditer(folded_raw), None]:
        end = m.start() if m else len(raw)
        part = raw[start:end].strip(" ,;:-–—'\"()«»")
        if part:
            out.append((part, fold(part), sentence, mark))
        if m:
            mark = m.group(0).strip()
            if re.fullmatch(r"[.;!?\n]+", m.group(0).strip(" ") or "\n"):
                sentence += 1
            start = m.end()
    return out


def read_wishes(text: str) -> WishReading:
    """The conditions refused or liked, the themes wished for, and the positive part of the wishes.

    Negation scope: a clause is negative when it carries a refusal cue; within a sentence, a negative clause
    carries over to the bare noun phrases that follow it (« fini l'usine, les 2x8 et le bruit »), and a bare
    refusal (« …, je veux plus », « …, c'est fini ») turns back onto the clauses before it. « mais » and a
    new wish (« j'aimerais… ») stop the carry-over.
    """
    if not text or not text.strip():
        return WishReading()
    parts = clauses(text)
    negative = [is_negative(folded) for _, folded, _, _ in parts]
    named = [_conditions_named(folded) for _, folded, _, _ in parts]
    wishful = [bool(WISH_CUE.search(folded)) for _, folded, _, _ in parts]
    for k in range(1, len(parts)):
        _, folded, sentence, mark = parts[k]
        same = sentence == parts[k - 1][2]
        if negative[k] or not same or mark == "mais" or wishful[k]:
            continue
        if negative[k - 1] and (named[k] or re.match(r"^(ni|et|ou|non plus|ou bien|les?|la|l|des|du|de)\b", folded)):
            negative[k] = True
    for k in range(len(parts) - 1, 0, -1):
        # « Porter les poubelles par tous les temps, je veux plus »: a bare refusal closes the sentence.
        if negative[k] and not named[k] and not _themes_named(parts[k][1]) and parts[k][3] != "mais":
            j = k - 1
            while j >= 0 and parts[j][2] == parts[k][2] and not wishful[j] and not negative[j]:
                negative[j] = True
                if parts[j][3] == "mais":
                    break
                j -= 1
    conditions: list[Stance] = []
    themes: list[Stance] = []
    positive: list[str] = []
    for k, (original, folded, _, _) in enumerate(parts):
        weak = bool(WEAK_NEGATION.search(folded)) and not MORE.search(folded)
        for key in named[k]:
            spec = CONDITIONS[key]
            refused = negative[k] or (spec["burden"] and (weak or _burden_complaint(folded)))
            conditions.append(Stance(key, _words(original), refused, spec["contexts"]))
        if negative[k]:
            continue
        for pattern, contexts in IMPLIED:
            if re.search(pattern, folded):
                conditions.append(Stance("horaires", _words(original), True, contexts))
        positive.append(original)
        for key in _themes_named(folded):
            theme = THEME_BY_KEY[key]
            themes.append(Stance(key, _words(original), False, theme.contexts))
    return WishReading(conditions=_dedupe(conditions), themes=_dedupe(themes), positive_text=" ; ".join(positive))


def _conditions_named(folded: str) -> list[str]:
    return [key for key, spec in CONDITIONS.items() if re.search(spec["pattern"], folded)]


def _themes_named(folded: str) -> list[str]:
    return [theme.key for theme in THEMES if re.search(theme.words, folded)]


def _burden_complaint(folded: str) -> bool:
    """A burden named with a complaint but no grammatical negation (« les nuits m'ont usée »)."""
    return bool(
        re.search(
            r"\b(use\w*|fatigu\w*|tue\w*|dur(e|es|s)?|penible\w*|lourd\w*|mal|douleur\w*|"
            r"abim\w*|trop|sature\w*|craque\w*|plus la force|bousill\w*|fichu|foutu|casse|bloque\w*|usure|"
            r"ne tient plus|souffr\w*|hernie|operee?)\b",
            folded,
        )
    )


def _dedupe(stances: list[Stance]) -> list[Stance]:
    """One stance per key; a refusal wins over a like for the same condition."""
    out: dict[str, Stance] = {}
    for s in stances:
        if s.key not in out or (s.refused and not out[s.key].refused):
            out[s.key] = s
    return list(out.values())
