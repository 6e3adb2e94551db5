"""Issue 22, item 9: decision and action forms reveal only what the chosen option needs (GOV.UK
conditional radios; every option's questions shown without JavaScript, only the chosen one's
checked), with specific messages in the error summary, never "This field is required."."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from concerns.models import AllegationRecord, Decision, Outcome
from concerns.tests.factories import make_concern, make_decision
from conftest import signed_in_client

pytestmark = pytest.mark.django_db

GENERIC = "This field is required"


def _decide(dsl, concern, data, query=""):
    url = reverse("concerns:decide", args=[concern.pk]) + query
    return signed_in_client(dsl).post(url, data)


def _summary(response) -> str:
    body = response.content.decode()
    return body[body.index("govuk-error-summary__list") :].split("</ul>")[0]


def test_the_page_marks_up_each_option_with_its_own_questions(dsl, teacher, pupil):
    concern = make_concern(author=teacher, pupil=pupil)
    body = signed_in_client(dsl).get(reverse("concerns:decide", args=[concern.pk])).content
    text = body.decode()
    assert 'data-aria-controls="conditional-id_outcome_1"' in text  # monitor: a review date
    assert 'id="conditional-id_outcome_1"' in text
    assert "govuk-radios__conditional--hidden" in text
    assert 'data-aria-controls="conditional-id_outcome_0"' not in text  # nfa: nothing more
    assert 'name="social_care_reference"' in text
    assert "Date referred to the police" in text


@pytest.mark.parametrize(
    ("outcome", "message"),
    [
        ("nfa", "Enter the reason for no further action"),
        ("monitor", "Enter the reason for monitoring"),
        ("social_care", "Enter the reason for the referral to children&#x27;s social care"),
    ],
)
def test_a_missing_reason_names_the_decision(dsl, teacher, pupil, outcome, message):
    concern = make_concern(author=teacher, pupil=pupil)
    response = _decide(dsl, concern, {"outcome": outcome})
    assert response.status_code == 400
    summary = _summary(response)
    assert message in summary
    assert GENERIC not in response.content.decode()


def test_nothing_chosen_gives_one_message_each(dsl, teacher, pupil):
    concern = make_concern(author=teacher, pupil=pupil)
    response = _decide(dsl, concern, {})
    summary = _summary(response)
    assert "Choose a decision" in summary
    assert summary.count("<li>") == 1
    assert GENERIC not in response.content.decode()


def test_only_the_chosen_options_questions_are_checked(dsl, teacher, pupil):
    concern = make_concern(author=teacher, pupil=pupil)
    today = timezone.localdate()
    # Without JavaScript every option's questions are sent: another option's bad date, or its
    # blank required field, is not a problem for the option chosen.
    response = _decide(
        dsl,
        concern,
        {
            "outcome": "police",
            "rationale": "Disclosure of an assault.",
            "police_reference": "PC-7",
            "police_date": today.isoformat(),
            "social_care_date": "not a date",
            "social_care_reference": "ignored",
            "review_date": "",
            "agency": "ignored too",
        },
    )
    assert response.status_code == 302
    decision = Decision.objects.get()
    assert (decision.outcome, decision.referral_reference) == ("police", "PC-7")
    assert decision.referral_date == today
    assert decision.agency == ""


def test_each_options_own_questions_are_required(dsl, teacher, pupil):
    concern = make_concern(author=teacher, pupil=pupil)
    cases = {
        "monitor": "Enter the review date for the monitoring",
        "social_care": "Enter the date of the referral to children&#x27;s social care",
        "lado": "Enter the name of the adult the allegation is about",
        "other_agency": "Enter the name of the agency",
    }
    for outcome, message in cases.items():
        response = _decide(dsl, concern, {"outcome": outcome, "rationale": "Reasons."})
        assert response.status_code == 400
        assert message in _summary(response)
        assert f'id="conditional-id_outcome_{list(Outcome.values).index(outcome)}"' in (
            response.content.decode()
        )
    assert not Decision.objects.exists()


def test_a_lado_decision_goes_to_the_register(dsl, teacher, pupil):
    concern = make_concern(author=teacher, pupil=pupil)
    response = _decide(
        dsl,
        concern,
        {
            "outcome": "lado",
            "rationale": "Allegation about a member of staff.",
            "adult_name": "Alex Adult",
            "adult_role": "Lunchtime supervisor",
            "lado_reference": "LADO-9",
        },
    )
    assert response.status_code == 302
    assert AllegationRecord.objects.get().lado_reference == "LADO-9"


def test_changing_a_decision_asks_why_specifically(dsl, teacher, pupil):
    concern = make_concern(author=teacher, pupil=pupil)
    first = make_decision(dsl=dsl, concern=concern, outcome=Outcome.MONITOR)
    response = _decide(
        dsl,
        concern,
        {"outcome": "nfa", "rationale": "All well.", "supersedes": str(first.pk)},
        query=f"?supersedes={first.pk}",
    )
    assert response.status_code == 400
    assert "Enter why the earlier decision is being changed" in _summary(response)


def test_referral_outcome_reveals_next_steps_only_when_the_school_disagrees(dsl, teacher, pupil):
    concern = make_concern(author=teacher, pupil=pupil)
    decision = make_decision(dsl=dsl, concern=concern, outcome=Outcome.SOCIAL_CARE)
    url = reverse("concerns:referral_outcome", args=[decision.pk])
    client = signed_in_client(dsl)
    page = client.get(url).content.decode()
    assert 'data-aria-controls="conditional-id_school_agrees_1"' in page
    empty = client.post(url, {})
    summary = _summary(empty)
    assert "Enter the date the outcome was received" in summary
    assert "Enter what the agency decided" in summary
    assert "Choose whether the school agrees with the outcome" in summary
    assert GENERIC not in empty.content.decode()
    base = {"received_on": timezone.localdate().isoformat(), "outcome": "Assessment."}
    disagree = client.post(url, {**base, "school_agrees": "no"})
    assert "Enter the next steps, as the school does not agree" in _summary(disagree)
    agree = client.post(url, {**base, "school_agrees": "yes", "next_steps": "Typed, then yes"})
    assert agree.status_code == 302
    assert decision.outcomes.get().next_steps == ""


def test_action_forms_say_what_is_missing(dsl, teacher, pupil):
    concern = make_concern(author=teacher, pupil=pupil)
    response = signed_in_client(dsl).post(reverse("concerns:assign_action", args=[concern.pk]))
    summary = _summary(response)
    for message in ("Enter what is to be done", "Choose who will do it", "Enter the date"):
        assert message in summary
    assert GENERIC not in response.content.decode()
    from concerns import services

    action = services.action_assign(
        actor=dsl,
        concern=concern,
        assignee=teacher,
        description="Check in.",
        due_on=timezone.localdate() + timedelta(days=1),
    )
    done = signed_in_client(teacher).post(reverse("concerns:complete_action", args=[action.pk]))
    assert "Enter what was done" in _summary(done)
