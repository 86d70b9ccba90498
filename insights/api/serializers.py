"""API serializers of the insights app."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from insights.workflow import COMMON_ISSUE
from portal.api.base import ModelSerializer
from portal.api.serializers import DepartmentRefSerializer, RegionSerializer

from ..models import CommonIssue, CommonIssueReuse


class SimilarInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=5000, trim_whitespace=True)
    limit = serializers.IntegerField(min_value=1, max_value=20, default=5)


class CommonIssueRefSerializer(ModelSerializer):
    class Meta:
        model = CommonIssue
        fields = ["id", "reference", "title"]


class SimilarResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    title = serializers.CharField()
    score = serializers.FloatField(help_text="TF-IDF cosine similarity in [0, 1]")
    status = serializers.CharField()
    common_issue = CommonIssueRefSerializer(allow_null=True)


class SimilarOutputSerializer(serializers.Serializer):
    results = SimilarResultSerializer(many=True)


class ReuseSerializer(ModelSerializer):
    region = RegionSerializer()

    class Meta:
        model = CommonIssueReuse
        fields = ["region", "reused_on", "note"]


class CommonIssuePublicSerializer(ModelSerializer):
    """What anyone may read: no enterprise, no person, no internal notes."""

    lead_department = DepartmentRefSerializer()
    issue_count = serializers.IntegerField(read_only=True)
    enterprise_count = serializers.IntegerField(read_only=True)
    reuses = ReuseSerializer(many=True, read_only=True)

    class Meta:
        model = CommonIssue
        fields = [
            "id",
            "reference",
            "title",
            "summary",
            "status",
            "lead_department",
            "solution",
            "mechanism_kind",
            "mechanism",
            "mechanism_adopted_on",
            "is_exemplary",
            "issue_count",
            "enterprise_count",
            "reuses",
        ]


class CommonIssueStaffSerializer(CommonIssuePublicSerializer):
    available_moves = serializers.SerializerMethodField()

    class Meta(CommonIssuePublicSerializer.Meta):
        fields = [
            *CommonIssuePublicSerializer.Meta.fields,
            "root_cause",
            "internal_note",
            "is_public",
            "created_at",
            "answered_at",
            "available_moves",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_available_moves(self, obj) -> list[str]:
        """What the caller may do with the record now (``insights.workflow.COMMON_ISSUE``)."""
        request = self.context.get("request")
        return COMMON_ISSUE.available(request.user, obj) if request is not None else []


class RankingRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField(allow_null=True, help_text="shared by equal scores; null below the minimum sample")
    previous_rank = serializers.IntegerField(allow_null=True)
    arrow = serializers.ChoiceField(choices=["up", "down", "same", "new"])
    last_twice = serializers.BooleanField(help_text="last place in this and the previous period")
    department = serializers.SerializerMethodField()
    region = serializers.SerializerMethodField()
    received = serializers.IntegerField()
    on_time_accept_rate = serializers.FloatField(allow_null=True)
    on_time_reply_rate = serializers.FloatField(allow_null=True)
    closure_rate = serializers.FloatField(allow_null=True)
    follow_up_rate = serializers.FloatField(allow_null=True)
    satisfaction_rate = serializers.FloatField(allow_null=True)
    mean_rating = serializers.FloatField(allow_null=True, help_text="mean of the enterprises' own ratings")
    ratings_count = serializers.IntegerField(help_text="enterprises' own ratings counted (upheld appeals left out)")
    follow_up_satisfaction_rate = serializers.FloatField(
        allow_null=True,
        help_text="回访满意度 ≥ 4 / recorded (levels staff recorded on calls); not in the score",
    )
    follow_up_ratings_count = serializers.IntegerField()
    mean_days_to_reply = serializers.FloatField(allow_null=True)
    mean_days_to_close = serializers.FloatField(allow_null=True)
    reopen_rate = serializers.FloatField(allow_null=True)
    returns = serializers.IntegerField()
    extensions = serializers.IntegerField()
    score = serializers.FloatField(help_text="0–100, in every row (ranked or not)")
    insufficient_sample = serializers.BooleanField(help_text="fewer problems than the minimum: listed, not ranked")

    @extend_schema_field(DepartmentRefSerializer(allow_null=True))
    def get_department(self, row):
        return self.context["departments"].get(row.key) if self.context["by"] == "department" else None

    @extend_schema_field(RegionSerializer(allow_null=True))
    def get_region(self, row):
        return self.context["regions"].get(row.key) if self.context["by"] == "region" else None

    def to_representation(self, row):
        data = super().to_representation(row)
        for name, value in data.items():
            if isinstance(value, float):
                data[name] = round(value, 4)
        return data


class RankingSerializer(serializers.Serializer):
    period = serializers.CharField()
    previous_period = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField(help_text="last day, inclusive")
    by = serializers.ChoiceField(choices=["department", "region"])
    min_sample = serializers.IntegerField(help_text="problems a group needs in the period to be ranked")
    results = RankingRowSerializer(many=True)


class OpenRegionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class OpenDepartmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    region = OpenRegionSerializer()


class OpenDepartmentActSerializer(serializers.Serializer):
    department = serializers.IntegerField(help_text="department id")
    region = serializers.IntegerField(help_text="that department's region id")


class RankingOpenRowSerializer(serializers.Serializer):
    """One problem of the period's cohort, as counted by the ranking; nothing identifies the enterprise."""

    problem = serializers.IntegerField(help_text="problem id")
    reference = serializers.CharField()
    department = OpenDepartmentSerializer(help_text="the lead department counted (with its region)")
    category = serializers.CharField(help_text="category code")
    first_dispatched_at = serializers.DateTimeField()
    accept_due = serializers.DateField(allow_null=True)
    accepted_at = serializers.DateTimeField(allow_null=True)
    accepted_on_time = serializers.BooleanField(allow_null=True, help_text="null: not signed (签收) yet")
    reply_due = serializers.DateField(allow_null=True)
    replied_at = serializers.DateTimeField(allow_null=True)
    replied_on_time = serializers.BooleanField(allow_null=True, help_text="null: not replied yet")
    closed_at = serializers.DateTimeField(allow_null=True)
    status = serializers.CharField()
    followed_up = serializers.BooleanField(help_text="at least one follow-up call recorded")
    rating = serializers.IntegerField(allow_null=True, help_text="the enterprise's own rating of the current round")
    appeal_upheld = serializers.BooleanField(help_text="the department's appeal against that rating was upheld")
    follow_up_satisfaction = serializers.IntegerField(
        allow_null=True, help_text="回访满意度 recorded by staff this round; not the enterprise's rating"
    )
    reopen_count = serializers.IntegerField()
    withdrawn = serializers.BooleanField()
    days_to_reply = serializers.IntegerField(allow_null=True, help_text="working days, first dispatch → reply")
    days_to_close = serializers.IntegerField(allow_null=True, help_text="working days, first dispatch → 办结")
    returns = OpenDepartmentActSerializer(many=True, help_text="one entry per 退回, by the returning department")
    extensions = OpenDepartmentActSerializer(many=True, help_text="one entry per extension request")
