"""The problems of ``manage.py seed_scale`` with their timelines, ratings and search index."""

import datetime as dt
import time
from collections import Counter

from django.db import connection
from django.utils import timezone

from insights.scale.rows import (
    CATEGORIES,
    CHANNELS,
    DAYS,
    SCORES,
    TZ,
    Calendar,
    Progress,
    Text,
    Writer,
    aware,
    next_id,
    pick_status,
    problem_texts,
)


class ProblemRows:
    """The ``_problems`` step of the seed_scale command (a mixin of its ``Command``)."""

    # -------------------------------------------------------------------------------------- problems
    def _problems(self, rng, count: int, members, context: dict, now) -> None:
        from insights.models import IssueSearchDoc, SearchTerm, TermStat
        from insights.signals import issue_text
        from insights.text import tokenize
        from issues.models import (
            Appeal,
            Category,
            Channel,
            Escalation,
            ExtensionRequest,
            FollowUp,
            Issue,
            IssueEvent,
            OverdueMark,
            Rating,
        )

        today = timezone.localdate()
        start = today - dt.timedelta(days=DAYS)
        cal = Calendar(start - dt.timedelta(days=10), today + dt.timedelta(days=150))
        clerk, supervisor = context["clerk"], context["supervisor"]
        self.supervisor_id = supervisor.pk
        handlers = context["handlers"]  # department code → handler
        departments = context["departments"]
        leads = [departments[code] for code in handlers if code in departments]
        lead_weights = [3.0 if d.region.level == "city" else 1.0 for d in leads]
        level_of = {d.pk: d.region.level for d in leads}
        handler_of = {departments[code].pk: user for code, user in handlers.items() if code in departments}
        province = next((d for d in leads if d.region.level == "province"), leads[0])
        categories = {c.code: c.pk for c in Category.objects.all()}
        channels = {c.code: c.pk for c in Channel.objects.all()}
        cat_codes, cat_weights = zip(*[(c, w) for c, w in CATEGORIES if c in categories], strict=True)
        ch_codes, ch_weights = zip(*[(c, w) for c, w in CHANNELS if c in channels], strict=True)
        texts = problem_texts(rng)
        tokens_of: dict[int, list[str]] = {}
        # a long tail: a few enterprises have hundreds of problems
        ent_weights = [40.0 / (i + 1) ** 0.6 + 1 for i in range(len(members))]

        progress = Progress(self.out, "problems", count, self.quiet)
        w = {
            m: Writer(m, now)
            for m in (IssueEvent, Rating, FollowUp, OverdueMark, ExtensionRequest, Escalation, Appeal, IssueSearchDoc)
        }
        w[Issue] = Writer(Issue, now, progress)
        w[SearchTerm] = Writer(SearchTerm, now) if connection.vendor != "postgresql" else None
        through = Issue.co_departments.through
        w[through] = Writer(through, now)
        ids = {m: next_id(m) for m in w if m is not None}
        df: Counter = Counter()

        def nid(model) -> int:
            ids[model] += 1
            return ids[model] - 1

        days = sorted(start + dt.timedelta(days=int(DAYS * rng.random() ** 0.85)) for _ in range(count))
        owners = rng.choices(members, ent_weights, k=count)
        issue_id = ids[Issue]
        for n, day in enumerate(days):
            pk = issue_id + n
            registered = aware(day, rng)
            age = (today - day).days
            status = pick_status(rng, age)
            text_index = rng.randrange(len(texts))
            _group, title, description = texts[text_index]
            ent_id, member_id = owners[n]
            row = {
                "id": pk,
                "reference": f"SQ{day:%Y%m%d}{pk:07d}",
                "enterprise_id": ent_id,
                "contact_name": "李" + rng.choice("明华强伟芳"),
                "contact_phone": f"137{pk % 10**8:08d}",
                "channel_id": channels[rng.choices(ch_codes, ch_weights)[0]],
                "category_id": categories[rng.choices(cat_codes, cat_weights)[0]],
                "tier": rng.choices(["general", "complex", "difficult"], [85, 12, 3])[0],
                "level": "city",
                "title": title[:120],
                "description": description,
                "status": status,
                "submitted_by_id": clerk.pk,
                "registered_at": registered,
                "dispatch_due": cal.add(day, 2),
                "ever_overdue": False,
            }
            events = [("submit", registered, "", "submitted", clerk.pk, None, {})]
            due_step = None
            lead = None
            if status == "withdrawn":
                row["withdrawn_at"] = registered + dt.timedelta(hours=rng.randint(1, 30))
                events.append(("withdraw", row["withdrawn_at"], "submitted", "withdrawn", member_id, None, {}))
            elif status == "submitted":
                due_step = ("dispatch", row["dispatch_due"])
            else:
                lead = rng.choices(leads, lead_weights)[0]
                handler = handler_of[lead.pk]
                dispatched = max(
                    aware(cal.add(day, rng.choice([0, 0, 1, 1, 2, 3])), rng), registered + dt.timedelta(minutes=5)
                )
                row.update(
                    lead_department_id=lead.pk,
                    level=level_of[lead.pk],
                    dispatched_by_id=clerk.pk,
                    dispatched_at=dispatched,
                    first_dispatched_at=dispatched,
                    dispatch_count=1,
                    return_due=cal.add(dispatched.date(), 1),
                    accept_due=cal.add(dispatched.date(), 1),
                    reply_due=cal.add(dispatched.date() + dt.timedelta(days=14), 0),
                )
                events.append(("dispatch", dispatched, "submitted", "dispatched", clerk.pk, lead.pk, {}))
                if rng.random() < 0.2:
                    for other in rng.sample(leads, 2)[: rng.choice([1, 1, 2])]:
                        if other.pk != lead.pk:
                            w[through].add(id=nid(through), issue_id=pk, department_id=other.pk)
                if status == "returned":
                    returned = dispatched + dt.timedelta(hours=rng.randint(2, 20))
                    row.update(returns_count=1, dispatch_due=cal.add(returned.date(), 2))
                    events.append(("return", returned, "dispatched", "returned", handler.pk, lead.pk, {}))
                    due_step = ("dispatch", row["dispatch_due"])
                elif status == "dispatched":
                    due_step = ("reply", row["reply_due"])
                else:
                    accepted = dispatched + dt.timedelta(hours=rng.randint(1, 40))
                    row.update(handler_id=handler.pk, accepted_at=accepted)
                    row["accepted_on_time"] = accepted.date() <= row["return_due"]
                    events.append(("accept", accepted, "dispatched", "accepted", handler.pk, lead.pk, {}))
                    if rng.random() < 0.03:  # a decided extension
                        asked = accepted + dt.timedelta(days=3)
                        new_due = cal.add(row["reply_due"], 10)
                        approved = rng.random() < 0.8
                        w[ExtensionRequest].add(
                            id=nid(ExtensionRequest),
                            issue_id=pk,
                            department_id=lead.pk,
                            requested_by_id=handler.pk,
                            requested_at=asked,
                            reason="需要现场核查并协调相关部门",
                            previous_due=row["reply_due"],
                            requested_due=new_due,
                            status="approved" if approved else "rejected",
                            decided_by_id=supervisor.pk,
                            decided_at=asked + dt.timedelta(hours=6),
                        )
                        events.append(("extension_request", asked, "accepted", "accepted", handler.pk, lead.pk, {}))
                        if approved:
                            row.update(extensions_count=1, reply_due=new_due)
                    if status == "accepted":
                        due_step = ("reply", row["reply_due"])
                        if rng.random() < 0.03:  # pending
                            w[ExtensionRequest].add(
                                id=nid(ExtensionRequest),
                                issue_id=pk,
                                department_id=lead.pk,
                                requested_by_id=handler.pk,
                                requested_at=accepted + dt.timedelta(days=2),
                                reason="涉及多部门会商",
                                previous_due=row["reply_due"],
                                requested_due=cal.add(row["reply_due"], 10),
                                status="pending",
                            )
                    else:
                        self._reply_and_after(rng, row, events, w, nid, cal, today, accepted, lead, handler, member_id)
                        if row["status"] == "replied":
                            due_step = ("followup", row["followup_due"])
                        elif row["status"] == "reopened":
                            due_step = ("reply", row["reply_due"])
                if rng.random() < 0.004:
                    at = dispatched + dt.timedelta(days=2)
                    w[Escalation].add(
                        id=nid(Escalation),
                        issue_id=pk,
                        from_department_id=lead.pk,
                        to_department_id=province.pk,
                        from_level=level_of[lead.pk],
                        to_level="province",
                        reason="跨区域协调",
                        by_id=supervisor.pk,
                        at=at,
                    )
                    row["escalation_count"] = 1
                    events.append(("escalate", at, status, status, supervisor.pk, lead.pk, {}))
            if due_step is not None and due_step[1] and due_step[1] < today:
                row["ever_overdue"] = True
                step, due = due_step
                step = {"followup": "follow_up"}.get(step, step)
                w[OverdueMark].add(
                    id=nid(OverdueMark),
                    issue_id=pk,
                    step=step,
                    due=due,
                    department_id=lead.pk if lead else None,
                    marked_at=dt.datetime.combine(due + dt.timedelta(days=1), dt.time(0, 30), tzinfo=TZ),
                )
            elif row.get("replied_on_time") is False:
                row["ever_overdue"] = True
                w[OverdueMark].add(
                    id=nid(OverdueMark),
                    issue_id=pk,
                    step="reply",
                    due=row["reply_due"],
                    department_id=lead.pk,
                    marked_at=dt.datetime.combine(row["reply_due"] + dt.timedelta(days=1), dt.time(0, 30), tzinfo=TZ),
                )
            row["updated_at"] = events[-1][1]
            w[Issue].add(**row)
            for action, at, before, after, actor, department, data in events:
                w[IssueEvent].add(
                    id=nid(IssueEvent),
                    issue_id=pk,
                    action=action,
                    actor_id=actor,
                    department_id=department,
                    at=at,
                    from_status=before,
                    to_status=after,
                    data=data,
                )
            # the similar-problem index (one tokenization per distinct text)
            tokens = tokens_of.get(text_index)
            if tokens is None:
                tokens = tokens_of[text_index] = tokenize(issue_text(Text(title[:120], description)))
            w[IssueSearchDoc].add(id=nid(IssueSearchDoc), issue_id=pk, tokens=" ".join(tokens), length=len(tokens))
            distinct = set(tokens)
            df.update(distinct)
            if w[SearchTerm] is not None:
                for token in sorted(distinct):
                    w[SearchTerm].add(id=nid(SearchTerm), issue_id=pk, token=token)
        # children after parents: flush problems first
        w[Issue].flush()
        writing = sum(writer.seconds for writer in w.values() if writer is not None)
        progress.finish(f" (of which writing {writing:.1f} s)")
        for model, writer in w.items():
            if writer is not None and model is not Issue:
                t = time.perf_counter()
                writer.flush()
                if writer.count:
                    self._say(f"  {model._meta.label:<26} {writer.count:>10,} rows ({time.perf_counter() - t:.1f} s)")
        t = time.perf_counter()
        existing = dict(TermStat.objects.values_list("token", "df"))
        for token, n in existing.items():
            df[token] += n
        TermStat.objects.all().delete()
        stats = Writer(TermStat, now)
        for token, n in sorted(df.items()):
            stats.add(token=token, df=n)
        stats.flush()
        self._say(f"  insights.TermStat          {stats.count:>10,} rows ({time.perf_counter() - t:.1f} s)")

    def _reply_and_after(self, rng, row, events, w, nid, cal, today, accepted, lead, handler, member_id):
        """Reply, then the enterprise's rating, the clerk's follow-up, 重办 or close, per the target status."""
        from issues.models import Appeal, FollowUp, Rating

        status = row["status"]
        clerk_id, supervisor_id = row["submitted_by_id"], self.supervisor_id
        replied_on = min(cal.add(accepted.date(), rng.choice([1, 3, 5, 8, 10, 12, 16])), today - dt.timedelta(days=1))
        replied = max(aware(replied_on, rng), accepted + dt.timedelta(hours=1))
        row.update(
            replied_at=replied,
            reply="已协调解决，具体办理情况见附件。",
            public_reply="已协调相关部门解决。",
            replied_on_time=replied.date() <= row["reply_due"],
            followup_due=cal.add(replied.date(), 3),
        )
        events.append(("reply", replied, "accepted", "replied", handler.pk, lead.pk, {}))
        if status == "replied":
            return
        # the enterprise rates most replies itself (its own act, 好差评), before or after the follow-up call
        rated = rng.random() < 0.85
        score = rng.choices(*SCORES)[0] if rated else None
        if status == "reopened" and score is not None:
            score = rng.choice([1, 2])
        at = replied + dt.timedelta(hours=rng.randint(2, 60))
        if score is not None:
            rating_id = nid(Rating)
            w[Rating].add(
                id=rating_id,
                issue_id=row["id"],
                round=1,
                score=score,
                comment="" if score > 2 else "问题没有实际解决",
                source="enterprise",
                rated_by_id=member_id,
                department_id=lead.pk,
                at=at,
            )
            row["rating"] = score
            events.append(("rate", at, "replied", "replied", member_id, lead.pk, {"rating": score, "round": 1}))
            if score <= 2 and rng.random() < 0.3:
                w[Appeal].add(
                    id=nid(Appeal),
                    issue_id=row["id"],
                    rating_id=rating_id,
                    department_id=lead.pk,
                    reason="已按政策规定办理，企业诉求超出职责范围",
                    requested_by_id=handler.pk,
                    requested_at=at + dt.timedelta(days=1),
                    status=rng.choice(["upheld", "dismissed"]) if rng.random() < 0.5 else "pending",
                )
        if status == "reopened":
            reopened = at + dt.timedelta(minutes=1)
            row.update(reopen_count=1, reopened_at=reopened, rating=None, reply_due=cal.add(reopened.date(), 15))
            row.update(accept_due=cal.add(reopened.date(), 1), handler_id=handler.pk)
            events.append(("reopen", reopened, "replied", "reopened", member_id, lead.pk, {}))
            return
        followed = replied + dt.timedelta(days=rng.randint(1, 4))
        satisfaction = rng.choices(*SCORES)[0] if rng.random() < 0.7 else None
        w[FollowUp].add(
            id=nid(FollowUp),
            issue_id=row["id"],
            round=1,
            clerk_id=clerk_id,
            at=followed,
            reached=True,
            satisfied=None if satisfaction is None else satisfaction >= 3,
            note="电话回访，企业表示已知晓答复。",
            satisfaction=satisfaction,
        )
        row.update(followed_up_at=followed, followup_count=1, follow_up_satisfaction=satisfaction)
        events.append(("follow_up", followed, "replied", "followed_up", clerk_id, lead.pk, {"reached": True}))
        if status == "closed":
            closed = followed + dt.timedelta(days=rng.randint(0, 5))
            row["closed_at"] = closed
            events.append(("close", closed, "followed_up", "closed", supervisor_id, lead.pk, {}))
        elif status != "followed_up":
            row["status"] = "followed_up"
