"""A client's read: the company, not one session. Who counts, the company's figures, the
combined read of everyone who answered, and where their roles (and the sponsor) see the
company differently, with nothing shown for fewer people than the client's threshold.

Who counts: each respondent's latest session with answers (a respondent who took the test
again counts once, with their latest answers). A session with no answers (an invitation not
yet answered, a test opened and left) is pending: listed, never averaged in.

The company's figures: every metric given in those sessions and in the respondents' pending
ones, the newest session's value where several give one; two respondents giving different
values for one metric is a conflict, named.

The combined read (`combine`): each respondent's answers are read with the company's figures;
a pattern's combined score is the mean of their scores (each respondent weighs the same), its
coverage the mean of theirs, and its level what the bank calls that score with that coverage,
by the same steps as a single read. The dominant pattern is the strongest at the bank's
dominant level or above (equal scores: more points, then the bank's order, as a single read).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from statistics import fmean
from typing import Any, NamedTuple

from quicktest.domain.anonymity import shown_groups
from quicktest.domain.bank import Bank
from quicktest.domain.client import Client, fold
from quicktest.domain.metrics import ALL, Metrics
from quicktest.domain.read import Conflict, Coverage, Evidence, PatternRead, Read
from quicktest.domain.response import SUGGESTED_ROLES, Response
from quicktest.domain.scoring import called, score
from quicktest.domain.session import Session
from quicktest.domain.units import Value, plain, show_value

NO_ROLE = "role not given"
OTHER_ROLES = "other roles"


def label(session: Session) -> str:
    """How a respondent is named: their name, or their session for one left unnamed."""
    return session.respondent or f"session {session.id}"


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


class FigureConflict(NamedTuple):
    """Respondents who gave different values for one metric: every value, and whose is used
    (the newest session's)."""

    metric: str
    values: tuple[tuple[str, Value], ...]  # (respondent, value), newest first

    def words(self, named: bool) -> str:
        """In words; without names, the values given in their own order (not the
        respondents'), so that none can be matched to who gave it."""
        spec = ALL[self.metric]
        used = show_value(spec, self.values[0][1])
        if named:
            given = "; ".join(f"{who} gave {show_value(spec, v)}" for who, v in self.values)
            return f"{spec.label}: {given}. The read uses {used}, the newest."
        shown = ", ".join(show_value(spec, v) for v in self._unnamed())
        return f"{spec.label}: respondents gave {shown}. The read uses {used}, the newest."

    def _unnamed(self) -> list[Value]:
        return sorted(
            {v for _, v in self.values}, key=lambda v: v if isinstance(v, float) else v[-1]
        )

    def as_json(self, named: bool) -> dict[str, Any]:
        values: list[dict[str, Any]]
        if named:
            values = [{"respondent": who, "value": plain(v)} for who, v in self.values]
        else:
            values = [{"respondent": None, "value": plain(v)} for v in self._unnamed()]
        return {"metric": self.metric, "values": values, "used": plain(self.values[0][1])}


class Figures(NamedTuple):
    """The company's figures, from its respondents' sessions."""

    metrics: Metrics
    given_by: Mapping[str, str]  # metric -> the respondent whose value is used
    conflicts: tuple[FigureConflict, ...]


def figures_of(sessions: Sequence[Session]) -> Figures:
    """Every metric the sessions give (newest first): the newest value of each, and each
    metric given differently by two respondents, named."""
    ordered = sorted(sessions, key=lambda s: s.date, reverse=True)  # stable: store order
    given: dict[str, Value] = {}
    given_by: dict[str, str] = {}
    values: dict[str, list[tuple[str, Value]]] = {}
    for session in ordered:
        for name, value in session.metrics.items():
            given.setdefault(name, value)
            given_by.setdefault(name, label(session))
            values.setdefault(name, []).append((label(session), value))
    conflicts = tuple(
        FigureConflict(name, tuple(found))
        for name, found in values.items()
        if len({v for _, v in found}) > 1
    )
    return Figures(Metrics(given), given_by, conflicts)


class Person(NamedTuple):
    """A respondent as the client read lists them: who, in what role, how far they got."""

    name: str
    role: str | None
    session: str
    date: str
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
    people: tuple[Person, ...]  # those counted, newest first
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
    return {pid: round(fmean(_pattern(r, pid).score for r in reads), 3) for pid in sorted(ids)}


def _pattern(read: Read, pattern_id: str) -> PatternRead:
    return next(p for p in read.patterns if p.pattern.id == pattern_id)


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
    bank: Bank, people: Sequence[Session], reads: Sequence[Read], named: bool
) -> tuple[Answers, ...]:
    found = []
    for question in bank.questions:
        given = [
            (label(s), r.given.answers.get(question.id)) for s, r in zip(people, reads, strict=True)
        ]
        counts = Counter(option for _, option in given if option is not None)
        found.append(
            Answers(
                question.id,
                tuple(given) if named else (),
                tuple(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))),
            )
        )
    return tuple(found)


def combine(bank: Bank, reads: Sequence[Read], client: str, date: str | None) -> Read:
    """The combined read of several respondents' reads (each made with the same figures), in
    the shape of a single read: see the module's docstring for how."""
    first = reads[0]
    patterns = []
    for pattern in bank.patterns:
        own = [_pattern(r, pattern.id) for r in reads]
        mean = round(fmean(p.score for p in own), 3)
        known = fmean(p.coverage for p in own)
        step = bank.confidence_at(known)
        uncapped = bank.level_of(mean)
        patterns.append(
            PatternRead(
                pattern,
                mean,
                bank.capped(uncapped, step),
                fmean(p.points for p in own),
                fmean(p.possible for p in own),
                _merged(p.evidence for p in own),
                known,
                step.name if step else None,
                uncapped,
            )
        )
    ranked, dominant, tied = called(bank, patterns)
    unanswered = tuple(
        q.id for q in bank.questions if all(q.id not in r.given.answers for r in reads)
    )
    metrics = first.metrics
    coverages = [r.coverage for r in reads if r.coverage]
    share = (
        dominant.coverage if dominant else fmean(c.share for c in coverages) if coverages else 1.0
    )
    step = bank.confidence_at(share)
    named = dominant or (tied[0] if tied else None)  # every read is made with the same figures
    coverage = Coverage(
        len(bank.questions) - len(unanswered),
        len(bank.questions),
        max((c.decided for c in coverages), default=0),
        max((c.rules for c in coverages), default=0),
        min(1.0, share),
        step.name if step else None,
        figures=_pattern(first, named.pattern.id).figures if named and metrics else None,
    )
    conflicts: dict[tuple[str, str], Conflict] = {}
    for read in reads:
        for conflict in read.conflicts:
            conflicts.setdefault((conflict.question, conflict.option), conflict)
    return Read(
        Response({}, metrics, client, None, date),
        "answers+metrics" if metrics else "answers",
        ranked,
        dominant,
        unanswered,
        first.bands,
        coverage,
        tuple(conflicts.values()),
        tied,
    )


def _merged(evidence: Iterable[tuple[Evidence, ...]]) -> tuple[Evidence, ...]:
    """Every respondent's evidence for a pattern, each item once, in the order first given."""
    found: dict[tuple[str, str, str, str], Evidence] = {}
    for items in evidence:
        for item in items:
            found.setdefault((item.source, item.ref, item.text, item.status), item)
    return tuple(found.values())


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
            session.date,
            session.progress(bank),
            session.answered(bank),
            bool(sponsor) and _who(session) == sponsor,
        )

    groups = _groups(bank, people, reads, client.threshold)
    return ClientRead(
        client,
        combine(bank, reads, client.name, date),
        tuple(person(s) for s in people),
        tuple(person(s) for s in gathered.pending),
        tuple(reads) if named else (),
        _sources(people, reads, named),
        figures if named else figures._replace(given_by={}),
        groups,
        _gaps(bank, groups),
        _sponsor(client, people, reads),
        _answers(bank, people, reads, named),
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
