"""The 中介超市 rules: registration and verification, qualified quoting only, selection by method (a
replayed draw gives the same winner), contract, delivery and rating into the credit score, the saving
rate from the contracts, a complaint becoming a 中介/乱收费 problem in one step."""

import datetime as dt
from decimal import Decimal

import pytest

from issues.models import Issue
from market import actions, selectors
from market.choices import IntermediaryStatus, PurchaseStatus, SelectionMethod, ServiceType
from market.models import Intermediary, Purchase, Quote
from portal.exceptions import ActionError, PermissionDeniedError, TransitionNotAllowed
from portal.models import AuditLog
from tests.market.factories import IntermediaryFactory, day, intermediary_member
from tests.portal.factories import UserFactory, valid_uscc

pytestmark = pytest.mark.django_db

POSTED = day(2036, 3, 1, 9)
DEADLINE = day(2036, 3, 10, 17)
AFTER = day(2036, 3, 11, 9)


def post(member, *, method=SelectionMethod.LOWEST_PRICE, budget=Decimal(200000), service_type=ServiceType.EIA):
    return actions.purchase_create(
        actor=member,
        title="年产 5 万吨新材料项目环评",
        service_type=service_type,
        scope="编制环境影响报告书并协助报批",
        budget=budget,
        quote_deadline=DEADLINE,
        selection_method=method,
        now=POSTED,
    )


def quoting(n, **kwargs):
    """n verified, qualified intermediaries and one member each."""
    firms = [IntermediaryFactory(**kwargs) for _ in range(n)]
    return [(firm, intermediary_member(firm)) for firm in firms]


def quote(purchase, pair, price):
    _firm, user = pair
    return actions.quote_submit(actor=user, purchase=purchase, price=Decimal(price), now=day(2036, 3, 5, 10))


def delivered(member):
    """A purchase quoted by one intermediary, selected, contracted at 150,000 and delivered on time."""
    purchase = post(member)
    quote(purchase, quoting(1)[0], 150000)
    actions.purchase_select(actor=member, purchase=purchase, now=AFTER)
    actions.purchase_contract(
        actor=member, purchase=purchase, contract_price=Decimal(150000), delivery_due=dt.date(2036, 5, 1), now=AFTER
    )
    actions.purchase_deliver(actor=member, purchase=purchase, delivered_on=dt.date(2036, 4, 28), now=AFTER)
    return purchase


def test_registration_validates_the_uscc_and_waits_for_an_administrator(region, admin_user):
    user = UserFactory()
    common = dict(
        actor=user,
        name="丽水某测绘有限公司",
        region=region,
        service_types=[ServiceType.SURVEY],
        fee_standard="按面积计费",
        qualifications=[
            {
                "service_type": ServiceType.SURVEY,
                "name": "乙级测绘资质",
                "number": "乙测资字33500001",
                "expires_on": dt.date(2030, 1, 1),
            }
        ],
    )
    with pytest.raises(ActionError, match="校验位"):
        actions.intermediary_register(uscc="91350100M000100Y44", **common)
    assert Intermediary.objects.count() == 0
    firm = actions.intermediary_register(uscc="91350100M000100Y43", **common)
    assert firm.status == IntermediaryStatus.PENDING and list(firm.members.all()) == [user]
    with pytest.raises(PermissionDeniedError):
        actions.intermediary_verify(actor=user, intermediary=firm, approve=True)
    actions.intermediary_verify(actor=admin_user, intermediary=firm, approve=True)
    assert firm.status == IntermediaryStatus.VERIFIED
    assert AuditLog.objects.filter(action="market.intermediary.verified").count() == 1


def test_an_expired_qualification_cannot_quote(member):
    purchase = post(member)
    ((firm, user),) = quoting(1, qualified_until=dt.date(2036, 3, 4))
    with pytest.raises(ActionError, match="资质"):
        quote(purchase, (firm, user), 150000)
    assert Quote.objects.count() == 0


def test_only_verified_intermediaries_of_the_service_quote_once_before_the_deadline(member):
    purchase = post(member)
    pending = IntermediaryFactory(status=IntermediaryStatus.PENDING)
    with pytest.raises(PermissionDeniedError, match="核验"):
        quote(purchase, (pending, intermediary_member(pending)), 150000)
    surveyor = IntermediaryFactory(service_types=[ServiceType.SURVEY])
    with pytest.raises(ActionError, match="资质"):
        quote(purchase, (surveyor, intermediary_member(surveyor)), 150000)
    pair = quoting(1)[0]
    quote(purchase, pair, 150000)
    with pytest.raises(ActionError, match="已对该项目报价"):
        quote(purchase, pair, 140000)
    with pytest.raises(ActionError, match="预算"):
        quote(purchase, quoting(1)[0], 250000)
    late = quoting(1)[0]
    with pytest.raises(TransitionNotAllowed, match="截止"):
        actions.quote_submit(actor=late[1], purchase=purchase, price=Decimal(1000), now=AFTER)
    with pytest.raises(PermissionDeniedError):
        actions.quote_submit(actor=member, purchase=purchase, price=Decimal(1000), now=POSTED)


def test_lowest_price_wins_and_the_result_is_published(member):
    purchase = post(member)
    pairs = quoting(3)
    quotes = [quote(purchase, pair, price) for pair, price in zip(pairs, [160000, 148000, 151000], strict=True)]
    with pytest.raises(ActionError, match="截止后"):
        actions.purchase_select(actor=member, purchase=purchase, now=day(2036, 3, 9))
    actions.purchase_select(actor=member, purchase=purchase, now=AFTER)
    assert purchase.status == PurchaseStatus.SELECTED and purchase.winning_quote == quotes[1]
    assert list(selectors.purchase_results()) == [purchase]


def test_a_qualification_that_expires_before_the_deadline_drops_the_quote(member):
    purchase = post(member)
    cheap = quoting(1, qualified_until=dt.date(2036, 3, 10))[0]
    dear = quoting(1)[0]
    quote(purchase, cheap, 100000)
    winner = quote(purchase, dear, 180000)
    actions.purchase_select(actor=None, purchase=purchase, now=AFTER)
    assert purchase.winning_quote == winner


def test_a_replayed_draw_gives_the_same_winner(member):
    # given a random draw among five qualified quotes
    purchase = post(member, method=SelectionMethod.RANDOM_DRAW)
    for pair in quoting(5):
        quote(purchase, pair, 150000)
    # when the scheduled run draws at the deadline
    assert actions.purchases_select_due(now=AFTER) == 1
    purchase.refresh_from_db()
    # then the seed and the candidates are recorded, and replaying them gives the same winner
    assert len(purchase.draw_seed) == 32 and len(purchase.draw_candidates) == 5
    assert selectors.draw_winner(purchase.draw_seed, purchase.draw_candidates) == purchase.winning_quote_id
    assert selectors.draw_winner(purchase.draw_seed, list(reversed(purchase.draw_candidates))) == (
        purchase.winning_quote_id
    )
    assert AuditLog.objects.get(action="market.purchase.selected").data["seed"] == purchase.draw_seed


def test_the_draw_is_a_published_function_of_seed_and_candidates():
    # a fixed example anyone can recompute: sha256("abc:3,7,9") mod 3
    import hashlib

    expected = [3, 7, 9][int(hashlib.sha256(b"abc:3,7,9").hexdigest(), 16) % 3]
    assert selectors.draw_winner("abc", [9, 3, 7]) == expected


def test_direct_choice_only_under_the_configured_amount(member, settings):
    settings.MARKET_DIRECT_CHOICE_LIMIT = 50000
    with pytest.raises(ActionError, match="50000"):
        post(member, method=SelectionMethod.DIRECT, budget=Decimal(60000))
    purchase = post(member, method=SelectionMethod.DIRECT, budget=Decimal(40000))
    pairs = quoting(2)
    quotes = [quote(purchase, pair, price) for pair, price in zip(pairs, [30000, 38000], strict=True)]
    # the scheduled run leaves a direct choice to the enterprise
    assert actions.purchases_select_due(now=AFTER) == 0
    with pytest.raises(ActionError, match="选择"):
        actions.purchase_select(actor=member, purchase=purchase, now=AFTER)
    actions.purchase_select(actor=member, purchase=purchase, quote=quotes[1], now=AFTER)
    assert purchase.winning_quote == quotes[1]


def test_no_qualified_quote_fails_the_purchase(member):
    purchase = post(member)
    assert actions.purchases_select_due(now=AFTER) == 1
    purchase.refresh_from_db()
    assert purchase.status == PurchaseStatus.FAILED


def test_another_enterprise_cannot_select(member, other_member):
    purchase = post(member)
    with pytest.raises(PermissionDeniedError):
        actions.purchase_select(actor=other_member, purchase=purchase, now=AFTER)


def test_contract_delivery_and_rating_make_the_credit_score(member):
    purchase = delivered(member)
    with pytest.raises(ActionError, match="理由"):
        actions.purchase_rate(actor=member, purchase=purchase, rating=2, now=AFTER)
    actions.purchase_rate(actor=member, purchase=purchase, rating=4, now=AFTER)
    firm = Intermediary.objects.get(pk=purchase.quotes.get().intermediary_id)
    # 60 × 4/5 + 30 × 1/1 + 10 = 88.0
    assert firm.credit_score == Decimal("88.0") and firm.rating == Decimal("4.00") and firm.rating_count == 1
    with pytest.raises(TransitionNotAllowed):
        actions.purchase_rate(actor=member, purchase=purchase, rating=5, now=AFTER)


def test_a_complaint_becomes_an_intermediary_fees_problem_in_one_step(member, enterprise):
    purchase = post(member)
    firm, _user = quoting(1)[0]
    complaint = actions.intermediary_complain(
        actor=member, intermediary=firm, purchase=purchase, description="签约后以“加急费”名义额外收费 2 万元"
    )
    issue = Issue.objects.get(pk=complaint.issue_id)
    assert issue.category.code == "intermediary-fees" and issue.enterprise == enterprise
    assert firm.name in issue.title
    firm.refresh_from_db()
    # 45 + 22.5 + (10 − 2)
    assert firm.credit_score == Decimal("75.5")


def contracted(member, service_type, budget, price, signed):
    purchase = post(member, service_type=service_type, budget=Decimal(budget))
    pair = quoting(1, service_types=[service_type])[0]
    quote(purchase, pair, price)
    actions.purchase_select(actor=member, purchase=purchase, now=AFTER)
    actions.purchase_contract(
        actor=member, purchase=purchase, contract_price=Decimal(price), delivery_due=dt.date(2036, 6, 1), now=signed
    )
    return purchase


def test_the_saving_rate_is_recounted_from_the_contracts(member):
    # given three contracts in March 2036 and one in April, plus a failed purchase
    contracted(member, ServiceType.EIA, 200000, 150000, day(2036, 3, 12))
    contracted(member, ServiceType.EIA, 100000, 90000, day(2036, 3, 20))
    contracted(member, ServiceType.SURVEY, 50000, 45000, day(2036, 3, 31, 23))
    contracted(member, ServiceType.SURVEY, 80000, 60000, day(2036, 4, 1))
    post(member)
    # then March: budget 350000, contracts 285000, saved 65000, 18.57 %
    stats = selectors.intermediary_stats("2036-03")
    rows = Purchase.objects.filter(contracted_at__gte=day(2036, 3, 1), contracted_at__lt=day(2036, 4, 1))
    budget = sum(p.budget for p in rows)
    contract = sum(p.contract_price for p in rows)
    assert (stats["budget_total"], stats["contract_total"]) == (budget, contract) == (350000, 285000)
    assert stats["saved"] == Decimal(65000) and stats["saving_rate"] == Decimal("18.57")
    eia = next(r for r in stats["by_service_type"] if r["service_type"] == "eia")
    assert eia["saved"] == Decimal(60000) and eia["saving_rate"] == Decimal("20.00")
    assert selectors.intermediary_stats("2036-Q2")["saving_rate"] == Decimal("25.00")
    assert selectors.intermediary_stats("2036")["count"] == 4
    assert selectors.intermediary_stats("2035")["saving_rate"] is None
    with pytest.raises(ValueError):
        selectors.intermediary_stats("2036-13")


def test_valid_uscc_helper_is_valid():
    from portal.validators import validate_uscc

    assert validate_uscc(valid_uscc())


def test_the_scheduled_task_runs_the_selection_and_is_listed(member):
    from market import tasks

    purchase = post(member)
    quote(purchase, quoting(1)[0], 150000)
    assert "market.tasks.select_due_purchases" in {s["func"] for s in tasks.SCHEDULES}
    Purchase.objects.filter(pk=purchase.pk).update(quote_deadline=day(2020, 1, 1))
    assert tasks.select_due_purchases() == 1
    assert tasks.select_due_purchases() == 0  # a second delivery changes nothing
    purchase.refresh_from_db()
    assert purchase.status == PurchaseStatus.SELECTED
