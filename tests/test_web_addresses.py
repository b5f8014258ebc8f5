"""Behind web, limits count citizens, not web.

Every browser reaches the gateway through web, so without more the gateway and identity would see
web's one address for everybody: the busiest citizen (or one abuser) would lock out every other
person using the portal. web sends its visitor's address on (X-Forwarded-For), the gateway believes
web's (`trusted_proxies`), identity counts what the gateway forwards. The suite's platform runs web
as if behind an ingress (`WEB_TRUSTED_PROXY_HOPS=1`): each client here says its own address.
"""

from __future__ import annotations

import random
import re
from typing import Any

import httpx

from devstack.background import BackgroundPlatform

IDENTITY_PER_ADDRESS = 30  # identity's codes asked from one address in its window (the default)


async def enrol_from(web: httpx.AsyncClient, address: str, n: int, prefix: str, mobile: str) -> tuple[int, str]:
    """The enrolment form, posted from `address` with details the registry does not hold."""
    headers = {"X-Forwarded-For": address}
    form = await web.get("/enrol", headers=headers)
    token = re.search(r'name="csrf" value="([^"]+)"', form.text)
    assert token is not None, form.text[:2000]
    body = {
        "csrf": token.group(1), "national_id": f"{prefix}0101030{n:04d}", "first_name": "x",
        "mother_first_name": "y", "mobile": f"{mobile}{n:07d}",
    }  # fmt: skip
    answer = await web.post("/enrol", data=body, headers=headers)
    return answer.status_code, answer.text


async def test_one_address_spending_its_allowance_through_web_locks_out_nobody_else(
    platform: BackgroundPlatform,
) -> None:
    here = random.randrange(1, 250)
    busy, stranger = f"198.18.{here}.10", f"198.18.{here}.11"
    cookies: dict[str, Any] = {"shubbak_lang": "en"}
    async with (
        httpx.AsyncClient(base_url=platform.services["web"], cookies=cookies, timeout=30) as one,
        httpx.AsyncClient(base_url=platform.services["web"], cookies=cookies, timeout=30) as other,
    ):
        answers = [await enrol_from(one, busy, n, "287", "0119") for n in range(IDENTITY_PER_ADDRESS + 2)]
        status, page = await enrol_from(other, stranger, 0, "288", "0159")
    assert {s for s, _ in answers} == {422}  # the form again, with the API's reason
    assert "too many attempts" not in answers[0][1]  # the registry's refusal first
    assert "too many attempts" in answers[-1][1]  # then the address's allowance is spent
    assert status == 422
    assert "too many attempts" not in page  # the next person through web is checked, not locked out
    assert "does not match" in page or "registry" in page.lower(), page[:3000]
