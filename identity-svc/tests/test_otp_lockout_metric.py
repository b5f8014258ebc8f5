"""An OTP lockout is counted (the generated alerts of deploy/ watch a burst of them: someone guessing codes)."""

from __future__ import annotations

from identity_support import add_person, last_code, new_mobile, start, wrong

from kit import metrics


def lockouts(purpose: str) -> float:
    """Over every identity instance of this test process (each module's has its own name)."""
    (family,) = metrics.OTP_LOCKOUTS.collect()
    return sum(s.value for s in family.samples if s.name.endswith("_total") and s.labels["purpose"] == purpose)


async def test_the_locking_wrong_code_counts_once(app, client, engine):
    before = lockouts("enrol")
    person, mobile = await add_person(engine), new_mobile()
    enrolment = (await start(client, person, mobile)).json()["id"]
    code = last_code(app, mobile)
    answers = [
        (await client.post(f"/v1/enrolments/{enrolment}/verification", json={"code": wrong(code)})).status_code
        for _ in range(6)
    ]
    assert answers == [422, 422, 422, 422, 429, 429]
    assert lockouts("enrol") == before + 1  # the lock, not each refusal
    scraped = (await client.get("/metrics")).text
    assert 'otp_lockouts_total{purpose="enrol",service="identity-svc-' in scraped
