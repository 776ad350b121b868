"""When a later document in the corpus repeals an earlier one, answers prefer the later one and say so.

Applied to the scored candidates of each part, after scoring and before the decision: a best candidate
that rests only on documents repealed by `today` gives way to the best candidate citing the repealing
document (when that one clears the operating point), and whichever is kept names the repeal."""
from __future__ import annotations

from dataclasses import replace

from qa.pipeline.types import QueryPlan, Scored


def prefer_current(ctx, plan: QueryPlan, scored: tuple[tuple[Scored, ...], ...], tau: float
                   ) -> tuple[tuple[Scored, ...], ...]:
    timeline = ctx.corpus.timeline
    out = []
    for part in scored:
        if not part:
            out.append(part)
            continue
        best = part[0]
        repealed = {k: timeline.status(k, plan.today) for k in {c.doc_key for c in best.candidate.citations}}
        if not repealed or any(st.state != "repealed" for st in repealed.values()):
            out.append(_say_replaced(ctx, plan, part))
            continue
        later = {timeline.docs[k].repealed_by[0] for k in repealed}
        current = next((s for s in part[1:] if s.p >= tau and {c.doc_key for c in s.candidate.citations} & later), None)
        old = "、".join(f"《{_name(ctx, k)}》({ctx.docs[k].number})" for k in repealed)
        if current is not None:
            note = f"(注:{old}已由本公报所收{'、'.join(ctx.docs[k].number for k in later)}废止,以上按现行文件作答。)"
            moved = Scored(replace(current.candidate, text=current.candidate.text + note), current.p)
            out.append((moved,) + tuple(s for s in part if s is not current))
        else:
            note = f"(注:{old}{'、'.join(st.label for st in repealed.values())},以上内容可能已不适用。)"
            out.append((Scored(replace(best.candidate, text=best.candidate.text + note), best.p),) + part[1:])
    return tuple(out)


def _say_replaced(ctx, plan: QueryPlan, part: tuple[Scored, ...]) -> tuple[Scored, ...]:
    """The best candidate rests on the current document while another candidate quotes the document it
    repealed: the answer says which one it follows. Any candidate counts, however it scored: the repeal
    is stated in the corpus, and a candidate from the old document shows the question is about what it
    ruled (a note that hung on the old rule's score clearing τ came and went with each refit)."""
    timeline = ctx.corpus.timeline
    best = part[0]
    mine = {c.doc_key for c in best.candidate.citations}
    rivals = {c.doc_key for s in part[1:] for c in s.candidate.citations} - mine
    old = [k for k in rivals if timeline.status(k, plan.today).state == "repealed"
           and set(timeline.docs[k].repealed_by) & mine]
    if not old:
        return part
    later = sorted(set(timeline.docs[old[0]].repealed_by) & mine)[0]
    note = (f"(注:以上依据{ctx.docs[later].number};其所废止的《{_name(ctx, old[0])}》"
            f"({ctx.docs[old[0]].number})已不再适用。)")
    return (Scored(replace(best.candidate, text=best.candidate.text + note), best.p),) + part[1:]


def _name(ctx, key: str) -> str:
    d = ctx.docs[key]
    return d.subtitle or d.title
