"""Stop words, in normalised form (insaf.text.normalize.fold), per language.

Arabic: Lucene's list (Jacques Savoy, BSD; insaf.text.lucene.STOPWORDS), normalised, with a few
dialect function words added and the negations taken out. English and French: short lists of
articles, pronouns, prepositions and auxiliaries. Arabizi: the commonest function words.

Negations are never stop words (NEGATIONS): "لم يتم الإفراج عنه" and "تم الإفراج عنه", or "was
not returned" and "was returned", must not index alike, and a phrase query must be able to ask
for the negation. See docs/decisions/0006-arabic-analyser.md.
"""

from __future__ import annotations

from insaf.text import lucene
from insaf.text.normalize import fold

NEGATIONS: frozenset[str] = frozenset(
    fold(w)
    for w in """
    لا ولا لم ولم لن ولن ليس ليست غير ما وما مش مو مب ماكانش مافيش
    not no nor never without cannot cant didn doesn don isn wasn weren won wouldn couldn haven
    ne pas non sans jamais ni aucun aucune rien personne
    mesh msh mish mush mafish mafeesh mafi mech machi mashi
    """.split()
)

ARABIC: frozenset[str] = (
    frozenset(fold(w) for w in lucene.STOPWORDS)
    | frozenset(
        fold(w)
        for w in """
        انا نحن احنا انتم انتي هم هن هما اللي الي لقد وقد فقد ثم كذلك ايضا يعني عشان علشان
        هاد هادا هاذا هذي هاي ده دي دا دول هيك كده كدا تم وتم
        """.split()
    )
) - NEGATIONS

ENGLISH: frozenset[str] = frozenset(
    """
    a an the and or but if of to in on at by for with from as into onto about than then so
    is are was were be been being am do does did has have had having will would shall should
    can could may might must it its this that these those there here i me my mine we us our you
    your he him his she her they them their what which who whom whose when where why how
    s t d ll m re ve also very just all any some such each other
    """.split()
)

FRENCH: frozenset[str] = (
    frozenset(
        fold(w)
        for w in """
    le la les l un une des du de d au aux et ou mais donc or ni car a à en dans sur sous par
    pour avec chez vers ce cet cette ces c ça qui que qu quoi dont où il elle ils elles on je j
    me m te t se s nous vous lui leur leurs mon ma mes ton ta tes son sa ses notre nos votre vos
    est sont était étaient été être suis es sommes êtes ai as avons avez ont avait avaient eu y
    aussi très tout tous toute toutes
    """.split()
    )
    - NEGATIONS
)

ARABIZI: frozenset[str] = (
    frozenset(
        """
    el al il l w wa fi fe fil fel f b bel bil bi li lel lil ana ena enta enti inta inti anta
    howa huwa hwa heya hiya hya e7na ne7na i7na hom homma ya 3ala 3la 3l 3an 3n men min mn
    elli illi eli lli illy elly da di dah dih dol keda kda kida hay hayda hek heik
    kan kano kanou kanu kanet kanit kant kont kunt kent kint konna kunna kenna
    mta3 mte3 mtaa ta3 ta3i ta3a ta3e dyal dial diel bta3 beta3 bta3et
    3shan 3ashan ashan 3lashan 5ater khater bas bass kaman kamaan bardo
    hada hadi hadak hadik hatha hathi hedha hedhi haza hazi hadol hadou
    shu shou chou esh ech wesh
    """.split()
    )
    - NEGATIONS
)

# Words a query word written in Latin letters is dropped for: any of the Latin lists (a document
# drops only its own language's, so a query must drop at least as many to keep matching).
LATIN: frozenset[str] = ENGLISH | FRENCH | ARABIZI
