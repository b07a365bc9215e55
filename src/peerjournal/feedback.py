"""What a supporter takes away from an entry just saved: care first, then one true thing.

Pure: an entry and the guide in, one small frozen value out; `render.feedback`
turns it into words. The rules, in the order they are tried:

1. **Care.** A `safety` or `debrief` flag, or a feeling of 1 or 2: the
   conversation was heavy. Care is the whole message then; no rating is
   mentioned, so a principle's lapse is never what a shaken supporter reads
   first, and acting on a safety concern is never taken for a lapse of
   empowerment.
2. **Words of risk, unflagged.** A reflection that speaks of a risk to life,
   with no `safety` flag and no low feeling, may be everyday harm-reduction
   work: it is not declared heavy, but no principle is named as lowest
   either (a crisis response is easily rated as a lapse), and the safety
   flag is offered. Strengths are still said back.
3. **The lowest principle**, only when at least two were rated and one is
   rated 3 or less and below every other (or shares the lowest rating and a
   flag points to it): a self-check question goes with it, the one that fits
   the entry's flags where one does (a boundary question for `boundary`, the
   question about sharing one's own story for `disclosure`).
4. **A strength**, when every rating is 4 or 5.
5. **Thanks**, with something true: nothing rated, one rating, or ratings
   that leave no single principle below the rest.

No rule speaks of "today": an entry may be logged days after the
conversation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from peerjournal.records import CARE_FLAGS

if TYPE_CHECKING:
    from peerjournal.principles import Guide, Principle
    from peerjournal.records import NewEntry, Rating

HIGH = 4  # a rating of 4 or 5 is "high"; below that, the lowest may be named
LOW_FEELING = 2  # a feeling of 1 (drained) or 2 (low) calls for care

# The flag that points to a principle, and words that pick its fitting question.
# Questions are matched by words, not by position, so that a guide whose
# questions are reordered or reworded still gets a fitting one (or the first).
FLAG_QUESTIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "boundary": ("boundaries", ("limit", "role")),
    "disclosure": ("authenticity", ("my own story", "own story", "shared")),
    "own-story": ("open-mind", ("recover", "reaction")),
}

# Words that speak of a risk to someone's life or a crisis response. Kept narrow on
# purpose: a match only changes the feedback to care, which never harms, and
# suggests the safety flag.
_RISK_WORDS = re.compile(
    r"\b(?:suicid\w*|kill(?:ing)?\s+(?:him|her|them|my|your)sel(?:f|ves)"
    r"|end(?:ing)?\s+(?:his|her|their|my|your)\s+(?:own\s+)?life"
    r"|overdos\w*|self[- ]harm\w*|9-?1-?1|988|mobile\s+crisis|crisis\s+(?:team|line|service)"
    r"|safety\s+(?:plan|protocol)|wanted\s+to\s+die|want(?:s|ed)?\s+to\s+die"
    r"|crisis\s+call)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Care:
    """A heavy conversation: what made it so, and whether it is on the supervision list."""

    safety: bool  # flagged `safety`
    risk_words: bool  # not flagged `safety`, but the reflection speaks of a risk
    debrief: bool  # flagged `debrief`
    feeling: int | None  # the feeling (1 or 2) when it is one of the reasons
    flagged: bool  # any flag: the review lists it "to bring to supervision"


@dataclass(frozen=True)
class Lowest:
    """The one principle that stood below the others, and a question to carry forward."""

    name: str
    score: int
    question: str | None
    # The flag the question was chosen for, when it came from the flags.
    flag: str | None = None
    # Other principles rated as low; this one was named because a flag points to it.
    shared: bool = False
    # The entry's flags: a flagged entry is on the supervision list.
    flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Strength:
    """Every rating was 4 or 5: how many, the highest score, and the principles at it."""

    rated: int
    score: int
    best: tuple[str, ...]
    flags: tuple[str, ...] = ()
    # The reflection speaks of a risk to life and is not flagged `safety`.
    safety_hint: bool = False


@dataclass(frozen=True)
class Thanks:
    """Nothing to name: `reason` is "unrated", "one" (a single rating), "even", or
    "risk" (words of risk, unflagged: no principle is named as lowest).
    """

    reason: str
    rated: int = 0
    # For "even": the principles sharing the lowest rating, and that rating; for
    # "one": the principle rated and its rating.
    names: tuple[str, ...] = ()
    score: int | None = None
    flags: tuple[str, ...] = ()
    # The reflection speaks of a risk to life and is not flagged `safety`.
    safety_hint: bool = False


Feedback = Care | Lowest | Strength | Thanks


def mentions_risk(text: str) -> bool:
    """Whether a reflection speaks of a risk to someone's life or a crisis response."""
    return _RISK_WORDS.search(text) is not None


def feedback(entry: NewEntry, guide: Guide) -> Feedback:
    """The one thing to say after saving `entry` (see the module's rules)."""
    flags = set(entry.flags)
    low_feeling = entry.feeling is not None and entry.feeling <= LOW_FEELING
    risk_words = "safety" not in flags and mentions_risk(entry.reflection)
    if flags & CARE_FLAGS or low_feeling:
        return Care(
            safety="safety" in flags,
            risk_words=risk_words,
            debrief="debrief" in flags,
            feeling=entry.feeling if low_feeling else None,
            flagged=bool(flags),
        )
    ratings = entry.ratings
    flagged = entry.flags
    if not ratings:
        return Thanks("unrated", flags=flagged, safety_hint=risk_words)
    scores = [r.score for r in ratings]
    top = max(scores)
    if min(scores) >= HIGH:
        best = tuple(r.name for r in ratings if r.score == top)
        return Strength(len(ratings), top, best, flagged, safety_hint=risk_words)
    if risk_words:
        return Thanks("risk", len(ratings), flags=flagged, safety_hint=True)
    if len(ratings) == 1:
        return Thanks("one", 1, (ratings[0].name,), ratings[0].score, flagged)
    lowest = min(ratings, key=lambda r: r.score)
    tied = [r for r in ratings if r.score == lowest.score]
    if len(tied) == 1:
        return replace(_lowest(lowest, entry.flags, guide), flags=flagged)
    # Several share the lowest rating: one is named only if a flag points to it.
    pointed = [FLAG_QUESTIONS[f][0] for f in entry.flags if f in FLAG_QUESTIONS]
    for slug in pointed:
        for rating in tied:
            if rating.slug == slug:
                return replace(_lowest(rating, entry.flags, guide), shared=True, flags=flagged)
    return Thanks("even", len(ratings), tuple(r.name for r in tied), lowest.score, flagged)


def _lowest(rating: Rating, flags: tuple[str, ...], guide: Guide) -> Lowest:
    principle = guide.get(rating.slug)
    pointed = [(flag, *FLAG_QUESTIONS[flag]) for flag in flags if flag in FLAG_QUESTIONS]
    # The flag that names this very principle picks among its own questions.
    for flag, slug, words in pointed:
        if principle is not None and slug == principle.slug:
            return Lowest(rating.name, rating.score, fitting_question(principle, words), flag)
    # Another flag points elsewhere (a boundary crossed, rated low under trust):
    # its question fits what happened better than this principle's first one.
    for flag, slug, words in pointed:
        other = guide.get(slug)
        if other is not None:
            return Lowest(rating.name, rating.score, fitting_question(other, words), flag)
    question = principle.questions[0] if principle is not None and principle.questions else None
    return Lowest(rating.name, rating.score, question)


def fitting_question(principle: Principle, words: tuple[str, ...]) -> str | None:
    """The principle's first question holding one of `words`, else its first question."""
    for word in words:
        for question in principle.questions:
            if word in question.lower():
                return question
    return principle.questions[0] if principle.questions else None
