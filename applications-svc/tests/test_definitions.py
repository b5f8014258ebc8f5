"""Definitions as versioned data: drafted, checked whole at publication (refused with every
problem named, in the caller's language), published one version at a time, retired, audited."""

from __future__ import annotations

import copy

from applications_support import Harness, definition

URL = "/v1/application-definitions"


class TestPublish:
    async def test_the_three_services_publish_and_each_step_is_audited(self, harness: Harness) -> None:
        for code in ("takaful.support.apply", "traffic.licence.renew_vehicle", "registry.commercial.extract"):
            published = await harness.publish_definition(definition(code))
            assert published["status"] == "published"
            assert published["service_code"] == code
            audit = await harness.http.get(f"{URL}/{published['id']}/audit", headers=harness.admin)
            assert [e["action"] for e in audit.json()["items"]] == ["drafted", "published"]
            assert audit.json()["items"][1]["reason"] == "the service goes online"

    async def test_a_new_version_retires_the_one_before_and_a_published_one_never_changes(
        self, harness: Harness
    ) -> None:
        body = definition("registry.commercial.extract")
        first = await harness.publish_definition(body)
        second = await harness.publish_definition(body)
        assert second["version"] == first["version"] + 1
        before = (await harness.http.get(f"{URL}/{first['id']}", headers=harness.admin)).json()
        assert before["status"] == "retired"
        edit = {k: v for k, v in body.items() if k != "service_code"}
        refused = await harness.http.put(f"{URL}/{second['id']}", json=edit, headers=harness.admin)
        assert refused.status_code == 409
        assert refused.json()["code"] == "definition_state_conflict"
        listed = await harness.http.get(
            URL, params={"service_code": body["service_code"], "limit": 1}, headers=harness.admin
        )
        assert len(listed.json()["items"]) == 1
        assert listed.json()["next_cursor"] is not None

    async def test_only_administrators_write_definitions(self, harness: Harness) -> None:
        body = definition("takaful.support.apply")
        officer = await harness.http.post(URL, json=body, headers=harness.officer())
        citizen = await harness.http.post(URL, json=body, headers=harness.citizen("29001011234567"))
        assert officer.status_code == citizen.status_code == 403


class TestInvalid:
    def broken(self) -> dict[str, object]:
        body = copy.deepcopy(definition("takaful.support.apply"))
        body["service_code"] = "family_court.case.file"  # known to the catalogue, without a tariff
        body["facts"].append("shoe_size")
        body["questions"][0]["condition"] = "household_size > 2"  # asked after this question
        body["rules"][0]["expression"] = "private_cars == "
        body["rules"][1]["expression"] = "monthly_income + 'x' > 0"
        return body

    async def test_refused_at_publication_with_each_problem_named(self, harness: Harness) -> None:
        drafted = await harness.http.post(URL, json=self.broken(), headers=harness.admin)
        assert drafted.status_code == 201  # a draft may be wrong; publishing checks it
        path = f"{URL}/{drafted.json()['id']}/publication"
        refused = await harness.http.post(path, json={"reason": "try it"}, headers=harness.admin)
        assert refused.status_code == 422
        assert refused.headers["content-type"].startswith("application/problem+json")
        problem = refused.json()
        assert problem["code"] == "definition_invalid"
        found = {(e["field"], e["code"]) for e in problem["errors"]}
        assert found == {
            ("body.facts[11]", "unknown_fact"),
            ("body.questions[0].condition", "referenced_before_defined"),
            ("body.rules[0].expression", "does_not_compile"),
            ("body.rules[1].expression", "does_not_evaluate"),
            ("body.fee.tariff", "fee_no_tariff"),
        }
        assert "household_size" in next(
            e["reason"] for e in problem["errors"] if e["code"] == "referenced_before_defined"
        )
        arabic = await harness.http.post(
            path, json={"reason": "try it"}, headers={**harness.admin, "Accept-Language": "ar"}
        )
        assert arabic.json()["title"] == "تعريف الخدمة غير صالح للنشر"
        assert "مستخدم قبل أن يُطرح" in next(
            e["reason"] for e in arabic.json()["errors"] if e["code"] == "referenced_before_defined"
        )
        still = await harness.http.get(f"{URL}/{drafted.json()['id']}", headers=harness.admin)
        assert still.json()["status"] == "draft"

    async def test_a_service_the_catalogue_does_not_know(self, harness: Harness) -> None:
        body = {**definition("registry.commercial.extract"), "service_code": "registry.no_such.service"}
        drafted = await harness.http.post(URL, json=body, headers=harness.admin)
        path = f"{URL}/{drafted.json()['id']}/publication"
        refused = await harness.http.post(path, json={"reason": "try it"}, headers=harness.admin)
        assert [(e["field"], e["code"]) for e in refused.json()["errors"]] == [
            ("body.fee.tariff", "fee_unknown_service")
        ]

    async def test_shape_errors_are_refused_when_drafted(self, harness: Harness) -> None:
        body = definition("registry.commercial.extract")
        body["questions"][1]["type"] = "colour"
        refused = await harness.http.post(URL, json=body, headers=harness.admin)
        assert refused.status_code == 422
        assert refused.json()["errors"][0]["field"].startswith("body.questions.1.type")
