"""Word lists for framing cues (`parallax.compare.framing`): attribution verbs on a small scale,
hedges, qualifiers of an attribution, and evaluative words in an outlet's own voice.

Sources: newsroom style guidance on attribution ("said" is neutral; "claimed", "admitted",
"insisted" say something about the speaker or the claim), the hedge and loaded-language lists of
the media-bias literature (hedges, report verbs, subjective and pejorative words), VADER's
sentiment lexicon (read from the ``vaderSentiment`` package at run time, not copied here) and
general English. Nothing here is taken from a gold data set; the one number chosen on data,
`VADER_MIN_VALENCE`, was chosen on the dev split of BASIL (see `parallax.eval.framing`).

The attribution scale, weakest first (a qualifier such as "falsely" can raise a cue's class):

- ``neutral``: reports the act of speaking and nothing else ("said", "told", "according to").
- ``emphatic``: the speaker pressed the point ("stressed", "insisted", "warned", "vowed").
- ``doubt``: the outlet signals the claim may not hold ("claimed", "alleged", "asserted").
- ``loaded``: the verb judges the speaker or the speech: a concession or guilt ("admitted",
  "conceded"), emotion or mockery ("complained", "boasted", "scoffed"), or attack ("slammed").
"""

from __future__ import annotations

#: The attribution scale, weakest first.
ATTRIBUTION_SCALE = ("neutral", "emphatic", "doubt", "loaded")


def _words(text: str) -> frozenset[str]:
    """A set of words written as one space-separated string."""
    return frozenset(text.split())


def _classes(**groups: str) -> dict[str, str]:
    """``{class: "word word ..."}`` -> ``{word: class}``."""
    return {word: cls for cls, words in groups.items() for word in words.split()}


#: Base verb -> class on `ATTRIBUTION_SCALE`. A cue verb missing here counts as ``neutral``.
ATTRIBUTION_VERBS: dict[str, str] = _classes(
    neutral=(
        "say tell add note state explain report write continue respond reply answer ask announce"
        " confirm describe recall observe comment mention testify tweet post speak agree"
        " indicate acknowledge recount inform conclude estimate predict suggest propose"
        " recommend remark disclose reveal specify argue deny call label term describe"
        " advise notify signal point accuse blame dismiss repeat"
    ),
    emphatic=(
        "stress emphasize emphasise insist warn declare reiterate underscore underline affirm"
        " vow pledge urge demand highlight caution maintain proclaim assure reassure"
        " guarantee promise plead exclaim shout yell scream cry implore"
    ),
    doubt="claim allege contend assert purport profess",
    loaded=(
        "admit concede confess boast brag complain lament bemoan whine grumble gripe scoff"
        " sneer quip joke rant blast slam fume rail snap retort mock chide gloat lecture"
        " harangue threaten sputter bluster gush tout trumpet admonish berate"
        " scold snipe taunt thunder rage howl lash bash lambaste assail brand smear"
        " hail laud crow whimper"
    ),
)

#: Inflected forms the regular spelling rules miss: doubled consonants and irregular pasts.
EXTRA_VERB_FORMS: dict[str, tuple[str, ...]] = {
    "brag": ("bragged", "bragging"),
    "snap": ("snapped", "snapping"),
    "scream": ("screamed",),
    "cry": ("cried",),
    "profess": ("professes",),
}

#: Two-word cues: the verb's forms followed by a particle ("lashed out", "fired back").
PHRASAL_CUES: dict[tuple[str, str], str] = {
    ("lash", "out"): "loaded",
    ("fire", "back"): "loaded",
    ("hit", "back"): "loaded",
    ("shoot", "back"): "loaded",
    ("brush", "off"): "loaded",
    ("brush", "aside"): "loaded",
    ("rail", "against"): "loaded",
    ("point", "out"): "neutral",
    ("go", "on"): "neutral",
}

#: Irregular forms of the phrasal verbs' heads.
PHRASAL_FORMS: dict[str, tuple[str, ...]] = {
    "hit": ("hit", "hits", "hitting"),
    "shoot": ("shot", "shoots", "shooting", "shoot"),
    "go": ("went", "goes", "going", "gone", "go"),
}

#: Words after which a verb form is a noun ("the claims", "his warning", "the mayor's pledge").
DETERMINERS = _words(
    "the a an his her their its our my your these those this that such any no every each some"
    " several many new former latest earlier previous recent of"
)

#: Words that can be the subject right before a verb in -s ("he claims", "who insists").
SUBJECT_WORDS = _words("he she it who which that this one")

#: Verb forms that are more often nouns ("a blast", "the rail line"): not a cue on their own,
#: only as the cue of a found quote.
NOUN_HOMOGRAPHS = _words(
    "blast blasts rail rails crow crows snap snaps joke jokes rant rants post posts lecture"
    " lectures thunder rage cry cries call calls claim brand brands smear smears report reports"
    " point points estimate estimates answer answers comment comments"
)

# --- qualifiers of an attribution ("falsely claimed", "said without evidence") ---------------

#: Adverbs that say the claim is false or unsupported: the cue becomes ``loaded``.
FALSITY_ADVERBS = _words(
    "falsely erroneously wrongly incorrectly inaccurately misleadingly baselessly dubiously"
    " spuriously mistakenly untruthfully"
)

#: Adverbs of manner that mock or judge the speaker: the cue becomes ``loaded``.
JUDGING_ADVERBS = _words(
    "sarcastically smugly snidely mockingly dismissively condescendingly disdainfully"
    " contemptuously glibly defiantly angrily bitterly testily curtly petulantly"
    " sheepishly grudgingly haughtily indignantly breezily airily cavalierly coyly slyly"
)

#: ``-ly`` words next to a cue that say when, where or how officially something was said, not
#: how it was judged ("said recently", "publicly stated", "Italy said").
NEUTRAL_LY = _words(
    "recently previously later early only publicly privately repeatedly initially originally"
    " finally formerly separately jointly shortly directly also usually personally officially"
    " currently immediately likely daily weekly monthly yearly nearly mostly largely partly really"
    " simply briefly quickly subsequently eventually frequently generally specifically explicitly"
    " formally informally similarly likewise additionally accordingly reportedly allegedly"
    " apparently family anomaly assembly ally rally reply supply apply fly"
)

#: Phrases after a cue that say the claim is unsupported ("asserted without basis").
FALSITY_PHRASES = (
    "without evidence",
    "without any evidence",
    "without basis",
    "without any basis",
    "without proof",
    "without any proof",
    "without offering evidence",
    "without offering any evidence",
    "without providing evidence",
    "without providing any evidence",
    "without citing evidence",
    "without citing any evidence",
    "with no evidence",
    "with no basis",
    "with no proof",
)

# --- hedges --------------------------------------------------------------------------------

#: Words and phrases by which the outlet keeps a claim at arm's length (value ``doubt``).
HEDGES = (
    "reportedly",
    "allegedly",
    "purportedly",
    "supposedly",
    "ostensibly",
    "apparently",
    "seemingly",
    "arguably",
    "presumably",
    "so-called",
    "so called",
    "self-styled",
    "self-proclaimed",
    "self-described",
    "alleged",
    "purported",
    "unconfirmed",
    "unverified",
    "it is claimed",
    "it was claimed",
    "it is alleged",
    "it was alleged",
    "it is believed",
    "it was believed",
    "it is said",
    "it is thought",
    "is said to",
    "are said to",
    "was said to",
    "were said to",
    "is believed to",
    "are believed to",
    "was believed to",
    "is thought to",
    "are thought to",
    "is alleged to",
    "are alleged to",
    "was alleged to",
    "according to reports",
    "reports suggest",
    "reports say",
)

# --- evaluative words in the outlet's voice -------------------------------------------------

#: Curated loaded words and phrases (news pejoratives, attack verbs, puffery, falsity words),
#: by class. VADER supplies general sentiment words on top of these.
EVALUATIVE: dict[str, str] = _classes(
    negative=(
        "regime regimes thug thugs thuggish extremist extremists zealot zealots fanatic fanatics"
        " radicals hardliner hardliners hard-line hardline draconian brutal brutally sham scheme"
        " schemes ploy ploys stunt stunts gimmick gimmicks gaffe gaffes tirade tirades diatribe"
        " screed meltdown firestorm fiasco debacle outcry backlash furor furore embattled"
        " beleaguered disgraced notorious infamous divisive polarizing polarising incendiary"
        " inflammatory fringe far-right far-left ultraconservative ultra-conservative"
        " hyperpartisan demagogue demagogues demagoguery propaganda bombast grandstanding"
        " grandstand pandering pander flip-flop flip-flops flip-flopped flip-flopping"
        " obstructionist obstructionists obstruction cronyism crony cronies boondoggle"
        " handouts slammed slamming slams blasted blasting lambasted lambasting savaged"
        " skewered bashed bashing trashed assailed berated blasts lashed scathing"
        " blistering withering stinging vitriol vitriolic rhetoric spin spun smear smears"
        " tactics ideologue ideologues strongman dictator dictators despot tyrant junta"
        " puppet mouthpiece lackey cabal horde hordes mob mobs rogue"
        " grinding bloody bloodbath carnage onslaughts rampage massacre slaughter atrocity"
        " atrocities shameless shamelessly brazen brazenly blatant blatantly reckless"
        " recklessly ruthless ruthlessly callous callously heavy-handed jackbooted"
        " stonewall stonewalled stonewalling snub snubbed dodge dodged dodging"
        " meddling meddle interference scandal scandals scandal-plagued scandal-ridden"
        " controversial controversy embarrassing embarrassment humiliating humiliation"
        " disastrous catastrophe catastrophic chaos chaotic turmoil"
    ),
    doubt=(
        "baseless unfounded unsubstantiated bogus dubious discredited debunked misleading"
        " falsehood falsehoods falsely untrue spurious conspiracy-theory"
    ),
    positive=(
        "hailed hails hailing lauded lauds touted touts touting heralded heralds championed"
        " heroic hero heroes visionary landmark historic bold boldly courageous courageously"
        " staunch stalwart iconic legendary trailblazing trailblazer groundbreaking"
        " game-changing beloved revered acclaimed celebrated admired steely stalwarts"
    ),
    intensifier=(
        "extremely deeply utterly incredibly totally absolutely enormously remarkably hugely"
        " thoroughly unusually exceptionally tremendously vastly wildly staggering sheer"
        " outright unprecedented dramatically massively overwhelmingly"
    ),
)

#: Multi-word evaluative phrases, by class.
EVALUATIVE_PHRASES: dict[str, str] = {
    "without basis": "doubt",
    "without evidence": "doubt",
    "without any evidence": "doubt",
    "no evidence": "doubt",
    "conspiracy theory": "doubt",
    "conspiracy theories": "doubt",
    "lashed out": "negative",
    "lashing out": "negative",
    "railed against": "negative",
    "railing against": "negative",
    "seized on": "negative",
    "seized upon": "negative",
    "war of words": "negative",
    "power grab": "negative",
    "witch hunt": "negative",
    "hit job": "negative",
    "political theater": "negative",
    "political theatre": "negative",
    "death panels": "negative",
    "rubber stamp": "negative",
    "rubber-stamp": "negative",
    "talking points": "negative",
    "grinding war": "negative",
    "war-torn": "negative",
    "iron fist": "negative",
    "iron-fisted": "negative",
    "with steely clarity": "positive",
}

#: Words VADER scores that news uses to report events, not to judge them ("war", "killed",
#: "support", "help"): in a news sentence they are the facts, so they are not cues.
FACTUAL_WORDS = _words(
    "war wars warfare killed kill kills killing killings death deaths dead die died dies dying"
    " attack attacks attacked attacking crisis crises support supported supports supporting"
    " supporter supporters help helped helps helping like liked likes no yes agree agreed agrees"
    " agreement agreements ok okay please thank thanks care cares cared protect protected"
    " protecting protection protections security secure safe safety free freed freedom freedoms"
    " justice fight fighting fought fights problem problems issue issues shot shooting shootings"
    " crime crimes criminal criminals prison prisoner prisoners violence victim victims terror"
    " terrorism terrorist threat threats threatened abuse abused fraud legal illegal intelligence"
    " important win wins won winning winner lost lose loses losing loss losses victory defeat"
    " defeated vote votes voted well party parties united unity interest interests interested"
    " benefit benefits welfare hope hoped hopes hoping want wanted wants wish charges charged"
    " charge accused accusations accusation arrest arrested arrests sentenced guilty innocent"
    " court courts police military army troops weapon weapons bomb bombs bombing bombed gun guns"
    " fire fired injured injuries injury wounded hurt pain cancer disease sick illness hospital"
    " emergency disaster disasters storm storms flood floods opposition opposed oppose opposes"
    " against fund funds funding funded rich poor poverty demand demands demanded demanding honor"
    " honored award awards prize true truth reform reforms reformed sure certain certainly respect"
    " respected credit chance chances save saved saving savings share shares shared join joined"
    " joins friend friends friendly welcome welcomed peace peaceful ready clear clearly lead"
    " leading leader leaders leadership great greater greatest best better good special strong"
    " stronger strength positive negative"
)

#: Below this absolute VADER valence (on VADER's -4..4 scale) a word is not a cue.
#: Chosen on the dev split of BASIL (2010-2012 events) by `parallax.eval.framing`.
VADER_MIN_VALENCE = 2.5
