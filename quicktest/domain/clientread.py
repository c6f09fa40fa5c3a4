"""A client's read: the company, not one session. Who counts, the company's figures, the
combined read of everyone who answered, and where their roles (and the sponsor) see the
company differently, with nothing shown for fewer people than the client's threshold.

Who counts: each respondent's latest session with answers (a respondent who took the test
again counts once, with their latest answers). A session with no answers (an invitation not
yet answered, a test opened and left) is pending: listed, never averaged in.

The company's figures: every metric given in those sessions and in the respondents' pending
ones (`companyfigures`). The combined read: each respondent's answers read with them, the
mean of their scores (`combined`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from statistics import fmean
from typing import Any, NamedTuple

from quicktest.domain.anonymity import shown_groups
from quicktest.domain.bank import Bank
from quicktest.domain.client import Client, fold
from quicktest.domain.combined import combine, pattern_of
from quicktest.domain.companyfigures import Figures, figures_of, label
from quicktest.domain.metrics import Metrics
from quicktest.domain.read import Evidence, PatternRead, Read
from quicktest.domain.response import SUGGESTED_ROLES
from quicktest.domain.scoring import score
from quicktest.domain.session import Session

NO_ROLE = "role not given"
OTHER_ROLES = "other roles"


def _who(session: Session) -> str:
    """Which respondent a session is: the name folded, or the session for an unnamed one."""
    return fold(session.respondent or "") or session.id


class Gathered(NamedTuple):
    counted: tuple[Session, ...]  # each respondent's latest session with answers, newest first
    pending: tuple[Session, ...]  # each respondent's latest session, where it has no answers


def gather(sessions: Iterable[Session]) -> Gathered:
    """A client's sessions (newest first, as the store lists them) split into those that
    count and those pending."""
    counted: dict[str, Session] = {}
    pending: dict[str, Session] = {}
    seen: set[str] = set()
    for session in sessions:
        who = _who(session)
        if session.counts:
            counted.setdefault(who, session)
        elif who not in seen:
            pending[who] = session  # newer than any answered session of theirs
        seen.add(who)
    return Gathered(tuple(counted.values()), tuple(pending.values()))


class Person(NamedTuple):
    """A respondent as the client read lists them: who, in what role, how far they got."""

    name: str
    role: str | None
    session: str
    date: str | None  # None under an anonymity threshold: with it, order would say who
    state: str  # invited, in progress, answered, finished
    answered: int
    sponsor: bool

    def as_json(self) -> dict[str, Any]:
        return dict(zip(self._fields, self, strict=True))


class Source(NamedTuple):
    """Who gave a piece of the combined read's evidence: the option (for an answer), how many
    respondents, and their names where they may be shown."""

    option: str | None
    given: int  # how many respondents gave it
    names: tuple[str, ...]


class Group(NamedTuple):
    """A role's respondents (or the pool of roles too small to show), and their mean scores."""

    name: str
    size: int
    scores: Mapping[str, float]  # pattern id -> mean score


class Gap(NamedTuple):
    """Where two groups see a pattern most differently."""

    pattern: str
    high: tuple[str, float]
    low: tuple[str, float]

    @property
    def size(self) -> float:
        return round(self.high[1] - self.low[1], 3)


class Answers(NamedTuple):
    """The answers the counted respondents gave one question."""

    question: str
    by: tuple[tuple[str, str | None], ...]  # (respondent, option id): empty when not shown
    counts: tuple[tuple[str, int], ...]  # option id -> respondents, most given first

    @property
    def differ(self) -> bool:
        return len(self.counts) > 1


class ClientRead(NamedTuple):
    """A client's read as it may be shown: with a threshold, nothing that stands for fewer
    respondents than it (see `quicktest.domain.anonymity`)."""

    client: Client
    combined: Read
    people: tuple[Person, ...]  # those counted, newest first (by name under a threshold)
    pending: tuple[Person, ...]
    reads: tuple[Read, ...]  # each counted respondent's own read; empty when not shown
    sources: Mapping[tuple[str, str, str], Source]  # answer evidence (source, ref, text) -> who
    figures: Figures
    groups: tuple[Group, ...]  # role groups shown (the pool last, as OTHER_ROLES)
    gaps: tuple[Gap, ...]  # widest first
    sponsor: tuple[Group, Group] | None  # the sponsor's own scores and the others' mean
    answers: tuple[Answers, ...]  # per question of the bank, in its order

    @property
    def named(self) -> bool:
        """Whether each respondent's own answers and figures may be shown."""
        return self.client.threshold <= 1

    @property
    def disagreements(self) -> tuple[Answers, ...]:
        return tuple(a for a in self.answers if a.differ)

    def source(self, evidence: Evidence) -> Source | None:
        return self.sources.get((evidence.source, evidence.ref, evidence.text))

    def as_json(self) -> dict[str, Any]:
        """The combined read in the read's shape (each piece of evidence saying who gave it),
        then the respondents, those pending, each one's own read, and how they compare."""
        out = self.combined.as_json()
        for pattern, shown in zip(self.combined.patterns, out["patterns"], strict=True):
            for item, data in zip(pattern.evidence, shown["evidence"], strict=True):
                source = self.source(item)
                if source is not None:
                    data["respondents"] = source.given
                    if self.named:
                        data["given_by"] = list(source.names)
        named = self.named
        out |= {
            "client_record": self.client.as_json(),
            "respondents": [p.as_json() for p in self.people],
            "pending": [p.as_json() for p in self.pending],
            "reads": [
                {"respondent": p.name, **r.as_json()}
                for p, r in zip(self.people, self.reads, strict=False)
            ],
            "figure_conflicts": [c.as_json(named) for c in self.figures.conflicts],
            "figures_given_by": dict(self.figures.given_by),
            "roles": [g._asdict() | {"scores": dict(g.scores)} for g in self.groups],
            "role_gaps": [
                {"pattern": g.pattern, "high": list(g.high), "low": list(g.low), "gap": g.size}
                for g in self.gaps
            ],
            "sponsor": None
            if self.sponsor is None
            else {
                "respondent": self.sponsor[0].name,
                "self": dict(self.sponsor[0].scores),
                "others": dict(self.sponsor[1].scores),
                "others_count": self.sponsor[1].size,
            },
            "answers": [
                {
                    "question": a.question,
                    "by": dict(a.by) if named else None,
                    "counts": dict(a.counts),
                }
                for a in self.answers
            ],
            "disagreements": [a.question for a in self.disagreements],
        }
        return out


def _role_name(roles: Iterable[str]) -> str:
    """A role group's name: the suggested spelling where it is one, else as first written."""
    first = next(iter(roles))
    return next((r for r in SUGGESTED_ROLES if fold(r) == fold(first)), first)


def _mean_scores(reads: Sequence[Read]) -> dict[str, float]:
    ids = [p.pattern.id for p in reads[0].patterns]
    return {pid: round(fmean(pattern_of(r, pid).score for r in reads), 3) for pid in sorted(ids)}


def _groups(
    bank: Bank, people: Sequence[Session], reads: Sequence[Read], threshold: int
) -> tuple[Group, ...]:
    """The role groups that may be shown, and the pool of the others where it may be."""
    members: dict[str, list[int]] = {}
    written: dict[str, list[str]] = {}
    for index, session in enumerate(people):
        key = fold(session.role or "") or NO_ROLE
        members.setdefault(key, []).append(index)
        written.setdefault(key, []).append(session.role or NO_ROLE)
    if len(members) < 2:
        return ()  # one role: its figures are the combined read's
    shown = shown_groups({key: len(found) for key, found in members.items()}, threshold)

    def group(name: str, indexes: list[int]) -> Group:
        return Group(name, len(indexes), _mean_scores([reads[i] for i in indexes]))

    groups = [group(_role_name(written[key]), members[key]) for key in shown.groups]
    if shown.pool_shown:
        pooled = [i for key in shown.pooled for i in members[key]]
        groups.append(group(OTHER_ROLES, pooled))
    return tuple(groups) if len(groups) > 1 else ()


def _gaps(bank: Bank, groups: Sequence[Group]) -> tuple[Gap, ...]:
    if len(groups) < 2:
        return ()
    gaps = []
    for pattern in bank.patterns:
        ranked = sorted(groups, key=lambda g: -g.scores[pattern.id])
        high, low = ranked[0], ranked[-1]
        gaps.append(
            Gap(
                pattern.id, (high.name, high.scores[pattern.id]), (low.name, low.scores[pattern.id])
            )
        )
    return tuple(sorted(gaps, key=lambda g: -g.size))


def _sponsor(
    client: Client, people: Sequence[Session], reads: Sequence[Read]
) -> tuple[Group, Group] | None:
    """The sponsor's own scores beside the others' mean: only where each person may be
    named, and only with others to compare."""
    if not client.sponsor or client.threshold > 1:
        return None
    mine = [i for i, s in enumerate(people) if _who(s) == fold(client.sponsor)]
    others = [i for i in range(len(people)) if i not in mine]
    if not mine or not others:
        return None
    own = Group(label(people[mine[0]]), 1, _mean_scores([reads[mine[0]]]))
    return own, Group("the others", len(others), _mean_scores([reads[i] for i in others]))


def _answers(
    bank: Bank, people: Sequence[Session], reads: Sequence[Read], threshold: int
) -> tuple[Answers, ...]:
    """Per question, who gave which answer (where each may be named) and how many gave each
    (under a threshold, only where at least that many answered the question)."""
    named = threshold <= 1
    found = []
    for question in bank.questions:
        given = [
            (label(s), r.given.answers.get(question.id)) for s, r in zip(people, reads, strict=True)
        ]
        counts = Counter(option for _, option in given if option is not None)
        shown = named or sum(counts.values()) >= threshold
        found.append(
            Answers(
                question.id,
                tuple(given) if named else (),
                tuple(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))) if shown else (),
            )
        )
    return tuple(found)


def _sources(
    people: Sequence[Session], reads: Sequence[Read], named: bool
) -> dict[tuple[str, str, str], Source]:
    """Who gave each answer the combined read's evidence holds: its option and the
    respondents."""
    givers: dict[tuple[str, str, str], list[int]] = {}
    options: dict[tuple[str, str, str], str | None] = {}
    for index, read in enumerate(reads):
        for pattern in read.patterns:
            for item in pattern.evidence:
                if item.source != "answer":
                    continue  # a metric's evidence is the company's figures'
                key = (item.source, item.ref, item.text)
                found = givers.setdefault(key, [])
                if index not in found:
                    found.append(index)
                options.setdefault(key, read.given.answers.get(item.ref))
    return {
        key: Source(
            options.get(key),
            len(found),
            tuple(label(people[i]) for i in found) if named else (),
        )
        for key, found in givers.items()
    }


def client_read(
    bank: Bank,
    client: Client,
    gathered: Gathered,
    figures: Figures,
    metrics: Metrics | None = None,
) -> ClientRead:
    """The client's read: every counted respondent read with the company's figures (`metrics`:
    `figures` with any file applied; by default `figures` as they are), combined, and what
    may be shown beside it under the client's threshold. The caller checks that enough
    respondents answered (`gathered.counted`, at least the threshold and one)."""
    people = gathered.counted
    company = figures.metrics if metrics is None else metrics
    reads = [score(bank, s.response(bank)._replace(metrics=company)) for s in people]
    named = client.threshold <= 1
    date = max(s.date for s in people)
    sponsor = fold(client.sponsor or "")

    def person(session: Session) -> Person:
        return Person(
            label(session),
            session.role,
            session.id,
            session.date if named else None,
            session.progress(bank),
            session.answered(bank),
            bool(sponsor) and _who(session) == sponsor,
        )

    def listed(sessions: Sequence[Session]) -> tuple[Person, ...]:
        if not named:  # by name: an order by date would pair each with what is "newest"
            sessions = sorted(sessions, key=lambda s: (label(s).casefold(), s.id))
        return tuple(person(s) for s in sessions)

    groups = _groups(bank, people, reads, client.threshold)
    combined = combine(bank, reads, client.name, date)
    if not named:
        combined = _without_answers_to(combined, _few_gave(bank, reads, client.threshold))
    return ClientRead(
        client,
        combined,
        listed(people),
        listed(gathered.pending),
        tuple(reads) if named else (),
        _sources(people, reads, named),
        figures if named else figures._replace(given_by={}),
        groups,
        _gaps(bank, groups),
        _sponsor(client, people, reads),
        _answers(bank, people, reads, client.threshold),
    )


def _few_gave(bank: Bank, reads: Sequence[Read], threshold: int) -> set[str]:
    """The questions fewer respondents than the threshold answered: what is said of them
    would be said of those few (one who answered everything, beside two who stopped early)."""
    return {q.id for q in bank.questions if sum(q.id in r.given.answers for r in reads) < threshold}


def _without_answers_to(read: Read, questions: set[str]) -> Read:
    """The combined read without the answer evidence and conflicts of these questions; their
    answers still count in each respondent's score, of which only the mean is shown."""
    patterns = tuple(
        p._replace(
            evidence=tuple(
                e for e in p.evidence if not (e.source == "answer" and e.ref in questions)
            )
        )
        for p in read.patterns
    )
    kept = tuple(c for c in read.conflicts if c.question not in questions)
    by_id = {p.pattern.id: p for p in patterns}

    def same(found: PatternRead | None) -> PatternRead | None:
        return None if found is None else by_id[found.pattern.id]

    return read._replace(
        patterns=patterns,
        dominant=same(read.dominant),
        tied=tuple(by_id[p.pattern.id] for p in read.tied),
        conflicts=kept,
    )


def shown_read(
    bank: Bank, client: Client, sessions: Sequence[Session], at_least: int = 1
) -> ClientRead | None:
    """The client's read from these sessions with the company's figures as given, where one
    may be shown: at least `at_least` respondents answered, and as many as the client's
    anonymity threshold."""
    gathered = gather(sessions)
    if len(gathered.counted) < max(at_least, client.threshold, 1):
        return None
    return client_read(bank, client, gathered, figures_of((*gathered.counted, *gathered.pending)))
