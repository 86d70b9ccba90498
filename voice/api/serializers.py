"""API serializers of the voice app. Public shapes never carry people's names or contact details."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from portal.api.base import ModelSerializer

from ..choices import REVIEW_DIMENSIONS, BallotChoice
from ..models import MeetingSession


class MeetingPublicSerializer(ModelSerializer):
    """The public summary of a session: no people, no problem texts, only counts."""

    series = serializers.CharField(source="series.name")
    kind = serializers.CharField(source="series.kind")
    enterprise_count = serializers.IntegerField(help_text="enterprises that attended")
    problem_count = serializers.IntegerField()
    answered_count = serializers.IntegerField(help_text="problems the department has replied to")

    class Meta:
        model = MeetingSession
        fields = [
            "id",
            "series",
            "kind",
            "number",
            "held_at",
            "venue",
            "host",
            "topic",
            "agenda",
            "enterprise_count",
            "problem_count",
            "answered_count",
        ]


class MeetingAttendeeSerializer(serializers.Serializer):
    enterprise = serializers.IntegerField(source="enterprise_id")
    enterprise_name = serializers.CharField(source="enterprise.name")
    person_name = serializers.CharField()
    person_title = serializers.CharField()
    attended = serializers.BooleanField()


class MeetingProblemRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    status = serializers.CharField()
    reply_due = serializers.DateField(allow_null=True)


class MeetingStaffSerializer(MeetingPublicSerializer):
    """The full record for staff: attendees with their people, and every problem raised."""

    attendees = serializers.SerializerMethodField()
    problems = serializers.SerializerMethodField()

    class Meta(MeetingPublicSerializer.Meta):
        fields = [*MeetingPublicSerializer.Meta.fields, "attendees", "problems"]

    @extend_schema_field(MeetingAttendeeSerializer(many=True))
    def get_attendees(self, session):
        return MeetingAttendeeSerializer(self.context["attendees"].get(session.pk, []), many=True).data

    @extend_schema_field(MeetingProblemRefSerializer(many=True))
    def get_problems(self, session):
        return MeetingProblemRefSerializer(self.context["problems"].get(session.pk, []), many=True).data


class MeetingProblemInputSerializer(serializers.Serializer):
    enterprise = serializers.IntegerField(help_text="enterprise id (one of the session's attendees)")
    title = serializers.CharField(max_length=120)
    description = serializers.CharField()
    category = serializers.CharField(help_text="category code")


class ProblemCreatedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    title = serializers.CharField()
    status = serializers.CharField()
    channel = serializers.CharField(source="channel.code")
    enterprise = serializers.IntegerField(source="enterprise_id")
    registered_at = serializers.DateTimeField()
    dispatch_due = serializers.DateField(allow_null=True)
    reply_due = serializers.DateField(allow_null=True)
    meeting = serializers.IntegerField(source="meeting_link.session_id")


class TallyRowSerializer(serializers.Serializer):
    choice = serializers.ChoiceField(choices=BallotChoice.choices)
    label = serializers.CharField()
    count = serializers.IntegerField()
    percent = serializers.FloatField(allow_null=True)


class InquiryDepartmentSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="department.pk")
    code = serializers.CharField(source="department.code")
    name = serializers.CharField(source="department.name")
    answer = serializers.CharField()
    ballots = serializers.IntegerField(help_text="ballots cast on this department")
    tally = TallyRowSerializer(many=True, allow_null=True, help_text="null until the ballot is closed")


class CommonIssueTitleSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    title = serializers.CharField()


class InquirySummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    body = serializers.CharField()
    held_on = serializers.DateField()
    status = serializers.CharField()


class InquirySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    body = serializers.CharField()
    held_on = serializers.DateField()
    status = serializers.CharField()
    common_issues = CommonIssueTitleSerializer(many=True)
    departments = InquiryDepartmentSerializer(many=True)


class BallotInputSerializer(serializers.Serializer):
    code = serializers.CharField(required=False, allow_blank=True, max_length=40, help_text="one-time voting code")
    department = serializers.IntegerField(help_text="department id (one of the inquiry's departments)")
    choice = serializers.ChoiceField(choices=BallotChoice.choices)


class BallotReceiptSerializer(serializers.Serializer):
    detail = serializers.CharField()


class StarsSerializer(serializers.Serializer):
    efficiency = serializers.FloatField()
    clarity = serializers.FloatField()
    convenience = serializers.FloatField()
    attitude = serializers.FloatField()


class TrendPointSerializer(serializers.Serializer):
    month = serializers.CharField()
    count = serializers.IntegerField()
    average = serializers.FloatField()


class ServiceScoreSerializer(serializers.Serializer):
    service = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    count = serializers.IntegerField()
    stars = StarsSerializer()
    average = serializers.FloatField()
    trend = TrendPointSerializer(many=True)


class ServiceReviewInputSerializer(serializers.Serializer):
    service = serializers.IntegerField(help_text="service item id")
    bundle = serializers.IntegerField(required=False, help_text="bundle id the item was experienced in")
    enterprise = serializers.IntegerField(required=False, help_text="enterprise the officer acted for")
    efficiency = serializers.IntegerField(min_value=1, max_value=5)
    clarity = serializers.IntegerField(min_value=1, max_value=5)
    convenience = serializers.IntegerField(min_value=1, max_value=5)
    attitude = serializers.IntegerField(min_value=1, max_value=5)
    findings = serializers.CharField(required=False, allow_blank=True)


class ServiceReviewSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    service = serializers.IntegerField(source="service_item_id")
    efficiency = serializers.IntegerField()
    clarity = serializers.IntegerField()
    convenience = serializers.IntegerField()
    attitude = serializers.IntegerField()
    findings = serializers.CharField()
    reviewed_at = serializers.DateTimeField()


DIMENSIONS = [field for field, _label in REVIEW_DIMENSIONS]
