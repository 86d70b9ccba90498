"""How a person makes each move of a problem, declared once for the page and the API: the page's form,
the API's input serializer (same field names) and the one call of the action. The generic page view
(``issues.views.IssueMoveView``) and the API's generated endpoints (``issues.api.views.IssueViewSet``)
both read :data:`ENTRIES`; who may make a move and when is :data:`issues.workflow.ISSUE`'s."""

from rest_framework import status

from portal.workflow import MoveEntry, move_entries

from . import actions, forms
from .api import serializers as s
from .workflow import ISSUE


def _classify(user, issue, d):
    return actions.issue_classify(
        actor=user,
        issue=issue,
        category=d.get("category"),
        tier=d.get("tier"),
        ownerless_kind=d.get("ownerless_kind") or None,
    )


def _dispatch(user, issue, d):
    return actions.issue_dispatch(
        actor=user,
        issue=issue,
        lead_department=d["lead_department"],
        co_departments=d.get("co_departments") or [],
        note=d.get("note", ""),
    )


def _follow_up(user, issue, d):
    satisfaction = d.get("satisfaction")
    return actions.issue_follow_up(
        actor=user,
        issue=issue,
        reached=d.get("reached", True),
        satisfied=d.get("satisfied"),
        satisfaction=satisfaction if satisfaction not in ("", None) else None,
        note=d.get("note", ""),
    )


ENTRIES = move_entries(
    ISSUE,
    [
        MoveEntry("classify", _classify, forms.ClassifyForm, s.IssueClassifyInputSerializer),
        MoveEntry("dispatch", _dispatch, forms.DispatchForm, s.IssueDispatchInputSerializer),
        MoveEntry(
            "withdraw",
            lambda u, i, d: actions.issue_withdraw(actor=u, issue=i, reason=d.get("reason", "")),
            forms.ReasonForm,
            s.IssueOptionalReasonInputSerializer,
            danger=True,
        ),
        MoveEntry("accept", lambda u, i, d: actions.issue_accept(actor=u, issue=i)),
        MoveEntry(
            "return",
            lambda u, i, d: actions.issue_return(actor=u, issue=i, reason=d.get("reason", "")),
            forms.ReasonForm,
            s.IssueReasonInputSerializer,
            danger=True,
        ),
        MoveEntry(
            "reply",
            lambda u, i, d: actions.issue_reply(
                actor=u, issue=i, reply=d.get("reply", ""), public_reply=d.get("public_reply", "")
            ),
            forms.ReplyForm,
            s.IssueReplyInputSerializer,
        ),
        MoveEntry(
            "request_extension",
            lambda u, i, d: actions.issue_request_extension(
                actor=u, issue=i, requested_due=d["requested_due"], reason=d.get("reason", "")
            ),
            forms.ExtensionForm,
            s.IssueExtensionInputSerializer,
            api_result=(s.ExtensionRequestSerializer, status.HTTP_201_CREATED),
        ),
        MoveEntry(
            "co_opinion",
            lambda u, i, d: actions.issue_co_opinion(actor=u, issue=i, note=d.get("opinion", "")),
            forms.OpinionForm,
            s.IssueOpinionInputSerializer,
            description="协办意见 by a handler of one of the co-departments.",
        ),
        MoveEntry(
            "escalate",
            lambda u, i, d: actions.issue_escalate(
                actor=u, issue=i, to_department=d["to_department"], reason=d.get("reason", "")
            ),
            forms.EscalateForm,
            s.IssueEscalateInputSerializer,
        ),
        MoveEntry(
            "urge",
            lambda u, i, d: actions.issue_urge(actor=u, issue=i, note=d.get("note", "")),
            forms.NoteForm,
            s.IssueNoteInputSerializer,
            description="督办催办 by a supervisor: presses whoever holds the problem now.",
        ),
        MoveEntry(
            "consult",
            lambda u, i, d: actions.issue_consult(actor=u, issue=i, minutes=d.get("minutes", "")),
            forms.MinutesForm,
            s.IssueMinutesInputSerializer,
            description="集中会商 by a supervisor (typically once 重办 is exhausted): the minutes go on the timeline.",
        ),
        MoveEntry("follow_up", _follow_up, forms.FollowUpForm, s.IssueFollowUpInputSerializer),
        MoveEntry(
            "rate",
            lambda u, i, d: actions.issue_rate(actor=u, issue=i, rating=d["rating"], comment=d.get("comment", "")),
            forms.RateForm,
            s.IssueRateInputSerializer,
        ),
        MoveEntry(
            "close",
            lambda u, i, d: actions.issue_close(actor=u, issue=i, note=d.get("note", "")),
            forms.CloseForm,
            s.IssueNoteInputSerializer,
        ),
        MoveEntry(
            "appeal",
            lambda u, i, d: actions.issue_appeal(actor=u, issue=i, reason=d.get("reason", "")),
            forms.ReasonForm,
            s.IssueReasonInputSerializer,
            api_result=(s.AppealSerializer, status.HTTP_201_CREATED),
        ),
    ],
)
