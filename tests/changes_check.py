"""Every way out and every hinge, applied to the response it came from, checked to do what
it says: shared by the tests of the examples and the property tests on either bank."""

from __future__ import annotations

from quicktest.domain.changes import Call, applied
from quicktest.domain.hinges import hinges
from quicktest.domain.scoring import score
from quicktest.domain.wayout import way_out


def _apply(bank, read, changes):
    return score(bank, applied(read.given, changes))


def _works(bank, read, pattern, level, changes):
    """The pattern after the changes, if they take it below `level` with no changed answer
    contradicted by the figures; else None."""
    after = _apply(bank, read, changes)
    changed = {c.ref for c in changes if c.kind == "answer"}
    now = next(p for p in after.patterns if p.pattern.id == pattern)
    below = bank.rank(now.level) > bank.rank(level)
    return now if below and not changed & {c.question for c in after.conflicts} else None


def check_way_out(bank, read):
    """Every way out, applied, takes its pattern below its level to the score it names, by
    healthier moves only, none of them an answer the figures contradict, and none of them
    one that would do without the others."""
    outs = way_out(bank, read)
    for out in outs:
        for way in out.ways:
            now = _works(bank, read, out.pattern, out.level, way.changes)
            assert now is not None, (out, way)
            assert (now.score, now.level) == (way.score, way.level)
            for change in way.changes:
                if change.kind == "metric":
                    up = change.value > read.metrics.value(change.ref)
                    assert bank.healthy[change.ref] == ("up" if up else "down"), change
                else:
                    options = bank.question_by_id[change.ref].option_by_id
                    was = options[read.given.answers[change.ref]]
                    assert options[change.value].healthier_than(was), change
            for left_out in way.changes if len(way.changes) > 1 else ():
                fewer = [c for c in way.changes if c != left_out]
                assert _works(bank, read, out.pattern, out.level, fewer) is None, (way, left_out)
    return outs


def check_hinges(bank, read):
    """Every hinge, applied, gives the call it names, and that call is not the read's."""
    found = hinges(bank, read)
    for hinge in found:
        after = Call.of(_apply(bank, read, [hinge.change]))
        assert after == hinge.call != Call.of(read), hinge
    return found
