"""The privacy guard: what it must catch, what it must leave alone, and that it never breaks."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import peerjournal
from peerjournal.privacy import (
    DATE_OF_BIRTH,
    EMAIL,
    FULL_NAME,
    KINDS,
    PHONE,
    STREET_ADDRESS,
    Finding,
    scan,
)

MUST_CATCH = [
    # (text, kind, the span that must be reported)
    ("You can reach her at jo.smith@example.com any time.", EMAIL, "jo.smith@example.com"),
    ("Email: r.k+warmline@mail.example.co.uk", EMAIL, "r.k+warmline@mail.example.co.uk"),
    ("He wrote from SAM_99@Example.ORG yesterday.", EMAIL, "SAM_99@Example.ORG"),
    ("His number is (555) 123-4567.", PHONE, "(555) 123-4567"),
    ("Call 555-123-4567 after six.", PHONE, "555-123-4567"),
    ("Call 555.123.4567 after six.", PHONE, "555.123.4567"),
    ("Her cell: 1-555-123-4567", PHONE, "1-555-123-4567"),
    ("Try +1 555 123 4567 instead.", PHONE, "+1 555 123 4567"),
    ("Text 07700 900123 tonight.", PHONE, "07700 900123"),
    ("Mobile 07700900123", PHONE, "07700900123"),
    ("Office +44 20 7946 0958.", PHONE, "+44 20 7946 0958"),
    ("Office +44 (0)20 7946 0958.", PHONE, "+44 (0)20 7946 0958"),
    ("Landline 020 7946 0958, ask for R.", PHONE, "020 7946 0958"),
    ("In Paris: +33 1 23 45 67 89.", PHONE, "+33 1 23 45 67 89"),
    ("Call +4917612345678 please", PHONE, "+4917612345678"),
    ("Old number was 555-1234.", PHONE, "555-1234"),
    ("She lives at 12 Elm Street with her sister.", STREET_ADDRESS, "12 Elm Street"),
    ("Meet at 221B Baker St. on Friday.", STREET_ADDRESS, "221B Baker St."),
    ("He works near 1600 Pennsylvania Avenue.", STREET_ADDRESS, "1600 Pennsylvania Avenue"),
    ("Her flat is Flat 3, 14 High Road now.", STREET_ADDRESS, "Flat 3, 14 High Road"),
    ("Moved to 7 Oak Ln last month.", STREET_ADDRESS, "7 Oak Ln"),
    ("Lives on 45 Martin Luther King Blvd.", STREET_ADDRESS, "45 Martin Luther King Blvd."),
    ("Shelter at 3 Rose Close.", STREET_ADDRESS, "3 Rose Close"),
    ("Apt 4B, 90 Sunset Drive", STREET_ADDRESS, "Apt 4B, 90 Sunset Drive"),
    ("He gave his DOB 4/5/1990 at intake.", DATE_OF_BIRTH, "DOB 4/5/1990"),
    ("D.O.B. 04.05.1990", DATE_OF_BIRTH, "D.O.B. 04.05.1990"),
    ("She was born on 12 March 1985.", DATE_OF_BIRTH, "born on 12 March 1985"),
    ("born March 12th, 1985", DATE_OF_BIRTH, "born March 12th, 1985"),
    ("Date of birth: 1990-05-04", DATE_OF_BIRTH, "Date of birth: 1990-05-04"),
    ("He was born 1985-03-12 in a small town.", DATE_OF_BIRTH, "born 1985-03-12"),
    ("Her birthday is 3rd of June 1979.", DATE_OF_BIRTH, "birthday is 3rd of June 1979"),
    ("He was born in 1985.", DATE_OF_BIRTH, "born in 1985"),
    ("Maria Lopez called the warmline again.", FULL_NAME, "Maria Lopez"),
    ("I sat with Kofi Mensah for an hour.", FULL_NAME, "Kofi Mensah"),
    ("Today John Smith seemed calmer.", FULL_NAME, "John Smith"),
    ("We met, and Thandiwe Nkosi shared her story.", FULL_NAME, "Thandiwe Nkosi"),
    ("Her counsellor, Dr Patel, was away.", FULL_NAME, "Dr Patel"),
    ("Mrs. Okafor answered the phone.", FULL_NAME, "Mrs. Okafor"),
    ("I talked with Sean O'Brien about it.", FULL_NAME, "Sean O'Brien"),
    ("It was Anna Smith-Jones again.", FULL_NAME, "Anna Smith-Jones"),
    ("I think Maria Lopez's brother was there.", FULL_NAME, "Maria Lopez"),
    ("Priya Ramaswamy Iyer came to group.", FULL_NAME, "Priya Ramaswamy Iyer"),
    ("She mentioned José García twice.", FULL_NAME, "José García"),
    ("[bold]Sam Taylor[/bold] called.", FULL_NAME, "Sam Taylor"),
]


@pytest.mark.parametrize(("text", "kind", "span"), MUST_CATCH)
def test_it_catches_identifying_details(text: str, kind: str, span: str) -> None:
    findings = scan(text)
    assert Finding(kind, text.index(span), text.index(span) + len(span), span) in findings, findings


MUST_NOT_FLAG = [
    # principle names, as written in the guide and as people write them
    "Empowerment and self-direction led the way today.",
    "I think Mutual Respect was there, and Emotional Safety too.",
    "Setting Aside My Own Bias was the hardest part.",
    "Trust, Consistency and Boundaries: I kept my role.",
    "Hope and Resilience. Authenticity. Empathy.",
    "Hope was easy to hold today. Empathy less so.",
    # words that start sentences, days, months, "I"
    "Yesterday went well. Honestly I was nervous. Later it eased.",
    "Monday Morning group was quiet. On Tuesday I rested.",
    "In March and again in April I felt stretched.",
    "I said I would call back. I did.",
    "Christmas Eve is hard for many people in recovery.",
    "Long Call tonight. Rough Start, better end.",
    "Quiet Shift\nMostly Listening, some silence.",
    # times, durations, years, ratings, counts
    "We talked at 14:30 for 25 minutes.",
    "It lasted 1h 20m, from 9:15 to 10:35.",
    "In 2026 I want to do 2 trainings; 2019-2021 were rough.",
    "I'd rate it 4/5, maybe 3.5 out of 5.",
    "Over 10-15 minutes we covered 3 things.",
    "We had 120 calls in 7 days and 1,250 minutes in total.",
    "The call was on 2026-11-20 at 10:00.",
    "Her scores went +12 34 56 over three weeks.",  # too few digits for a phone
    "Case 012 345 678 is closed.",  # a trunk 0 but too few digits
    # aliases and initials
    "R. called again. J.D. too. Then K and M came.",
    "Talked with R about the plan; AA and NA meetings help her.",
    "My peer (T.) asked about SMART Recovery and the NHS.",
    # organisations, roles and places from peer work
    "I met the Recovery Coach at Peer Support after the Crisis Line shift.",
    "She goes to Alcoholics Anonymous and Narcotics Anonymous.",
    "We used the Wellness Recovery Action Plan together.",
    "We walked through Central Park and then to the Community Centre.",
    "My Higher Power and the Big Book came up.",
    "She moved to New York last year.",
    "I have 2 Court dates to support her with.",
    # Rich markup and other text-as-data
    "[bold]Today[/bold] I felt [italic]hopeful[/italic] [/]",
    "[link=https://example.com]a link[/link] and [red]Empathy[/red]",
    # an ordinary reflection, several sentences, the three prompts
    (
        "What happened? R. called the warmline after a hard day at work. She talked about "
        "her sister and the court date on Monday. I mostly listened.\n"
        "So what? I felt the urge to give advice, which tested Emotional Safety. I noticed "
        "it and asked what she wanted instead. Hope came up when she named a strength.\n"
        "Now what? Next time I'll check in about pace earlier. I want to raise this in "
        "supervision on Thursday."
    ),
    (
        "Group was small tonight, 5 people. We opened with the usual check-in. "
        "Mutual Respect felt strong; nobody talked over anyone. I shared a little of my "
        "own story when J. asked, and kept it short. Feeling tired but okay."
    ),
]


@pytest.mark.parametrize("text", MUST_NOT_FLAG)
def test_ordinary_text_raises_nothing(text: str) -> None:
    assert scan(text) == []


def test_an_alias_of_initials_or_a_pseudonym_is_fine() -> None:
    for alias in ("R.", "J.D.", "JD", "Sunflower", "K from group", "Maria"):
        assert scan(alias) == [], alias


def test_a_full_name_as_alias_is_caught() -> None:
    assert [f.kind for f in scan("Maria Lopez")] == [FULL_NAME]


def test_findings_are_sorted_and_do_not_overlap() -> None:
    text = (
        "Maria Lopez (born 1985-03-12) lives at 12 Elm Street, phone 555-123-4567, "
        "email maria.lopez@example.com."
    )
    findings = scan(text)
    assert [f.kind for f in findings] == [
        FULL_NAME,
        DATE_OF_BIRTH,
        STREET_ADDRESS,
        PHONE,
        EMAIL,
    ]
    for finding in findings:
        assert text[finding.start : finding.end] == finding.text


def test_an_email_is_one_finding_even_though_it_holds_a_name() -> None:
    text = "Write to Maria.Lopez@example.com"
    assert scan(text) == [Finding(EMAIL, 9, len(text), "Maria.Lopez@example.com")]


def test_words_of_a_customised_guide_can_be_declared_ordinary() -> None:
    text = "I think Cultural Humility was tested."
    assert [f.text for f in scan(text)] == ["Cultural Humility"]
    assert scan(text, known_words=("Cultural", "Humility")) == []


def test_the_given_names_list_ships_inside_the_package() -> None:
    listing = Path(peerjournal.__file__).with_name("given_names.txt")
    names = [line for line in listing.read_text(encoding="utf-8").splitlines() if line]
    real = [name for name in names if not name.startswith("#")]
    assert len(real) >= 300
    assert "Maria" in real
    assert not {"Hope", "Grace", "Faith", "Will", "May", "June"} & set(real)


def test_a_long_text_is_scanned_whole() -> None:
    filler = "We talked about the week and what comes next. " * 2000
    text = filler + "Call 555-123-4567." + filler + "x" * 20000 + "@" + "a." * 5000
    findings = scan(text)
    assert [f.text for f in findings] == ["555-123-4567"]


# Properties: any text at all, and text built from the fragments the guard looks for.

FRAGMENTS = [
    "Maria",
    "Lopez",
    "Dr",
    "Mrs.",
    "Hope",
    "Mutual Respect",
    "I",
    "R.",
    "born",
    "DOB",
    "on",
    "12",
    "March",
    "1985",
    "4/5/1990",
    "555",
    "123-4567",
    "+44",
    "(0)20",
    "07700",
    "@",
    "example.com",
    "Street",
    "St.",
    "Flat 3,",
    "221B",
    "\n",
    ". ",
    "'s",
    "\u2019",
    "[bold]",
    "[/]",
]
composed = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=4)), max_size=20).map(
    " ".join
)


@settings(max_examples=200, deadline=None)
@given(text=st.one_of(st.text(), composed))
def test_scan_never_breaks_and_its_spans_are_exact(text: str) -> None:
    findings = scan(text)
    previous_end = 0
    for finding in findings:
        assert finding.kind in KINDS
        assert 0 <= finding.start < finding.end <= len(text)
        assert text[finding.start : finding.end] == finding.text
        assert finding.start >= previous_end
        previous_end = finding.end
