"""Bulk governorate files: COPY, per-row checks with a rejects file, no-op re-import, no half-applied
import, the evaluation job that decides the households after the import commits (resumable,
idempotent, one worker at a time), and the same import over the API (real PostgreSQL; NATS for
the API app)."""

from __future__ import annotations

import asyncio
import csv
from pathlib import Path

import pytest
from ration_support import RULES_2025, nid, now, settings, started
from sqlalchemy import func, select, text

from kit import i18n
from kit.clock import SYSTEM
from kit.errors import ProblemError
from kit.testing import eventually
from ration import scheduler
from ration.cards.models import Household, Member
from ration.cards.repository import HouseholdRepository
from ration.eligibility import service as eligibility
from ration.eligibility.models import Decision, EvaluationJob
from ration.imports import service
from ration.imports.cli import main as cli_main
from ration.imports.cli import run_import
from ration.imports.generator import write
from ration.imports.models import Import
from ration.rules import service as rules
from ration.rules.schemas import RuleSetIn


@pytest.fixture(scope="module", autouse=True)
async def active_rules(sessions):
    async with sessions() as session, session.begin():
        draft = await rules.create_draft(session, data=RuleSetIn.model_validate(RULES_2025), actor="test")
        await rules.schedule(session, rule_set_id=draft.id, effective_from=now(), actor="test", now=now())


async def counts(sessions) -> dict[str, int]:
    async with sessions() as session:
        out = {}
        for name, model in (("households", Household), ("members", Member), ("decisions", Decision)):
            out[name] = await session.scalar(select(func.count()).select_from(model))
        out["outbox"] = (await session.execute(text("SELECT count(*) FROM ration.outbox"))).scalar_one()
        out["imports"] = (await session.execute(text("SELECT count(*) FROM ration.imports"))).scalar_one()
        return out


async def load(ration_url, path: Path, kind: str, governorate: str = "03", *, evaluate: bool = True):
    """`ration import`: commits the rows, then (with `evaluate`) works the evaluation job to its end."""
    return await run_import(
        ration_url,
        kind=kind,
        governorate=governorate,
        path=path,
        rejects_path=path.with_name(path.name + ".rejects.csv"),
        source="ration-svc",
        evaluate=evaluate,
    )


class TestGeneratedFiles:
    async def test_households_then_facts_then_the_same_files_again(self, ration_url, sessions, tmp_path):
        files = write(tmp_path, households=60, governorate="21", seed=3)
        outcome = await load(ration_url, files.households, "households", "21")
        assert not outcome.repeated
        assert outcome.record.rows_total == files.members
        assert outcome.record.rows_rejected == 0
        assert outcome.record.evaluation_status == "done"
        assert outcome.record.households_to_evaluate == outcome.record.households_reevaluated == 60
        async with sessions() as session:
            sizes = (
                await session.execute(
                    text(
                        "SELECT count(*) FILTER (WHERE h.members_count = d.members_count"
                        " AND h.members_count = (SELECT count(*) FROM ration.members m"
                        "  WHERE m.household_id = h.id AND m.removed_at IS NULL)), count(*)"
                        " FROM ration.households h JOIN ration.decisions d ON d.id = h.current_decision_id"
                        " WHERE h.governorate = '21'"
                    )
                )
            ).one()
        assert tuple(sizes) == (60, 60)  # every card decided, with the members count the import kept
        for path, kind in (
            (files.vehicles, "vehicles"),
            (files.electricity, "electricity"),
            (files.school_fees, "school_fees"),
        ):
            assert (await load(ration_url, path, kind, "21")).record.rows_rejected == 0
        async with sessions() as session:
            excluded = await session.scalar(
                select(func.count())
                .select_from(Household)
                .where(Household.governorate == "21", Household.current_eligible.is_(False))
            )
        assert excluded > 0  # cars after 2017, heavy meters, private schools in the generated data

        before = await counts(sessions)
        for path, kind in ((files.households, "households"), (files.vehicles, "vehicles")):
            again = await load(ration_url, path, kind, "21")
            assert again.repeated
        assert await counts(sessions) == before

    async def test_a_vehicle_file_excludes_and_names_the_car(self, ration_url, sessions, tmp_path):
        holder = nid()
        households = tmp_path / "h.csv"
        households.write_text(f"card_number,supply_office,national_id,relation\nC-77001,SO-1,{holder},holder\n")
        await load(ration_url, households, "households")
        vehicles = tmp_path / "v.csv"
        vehicles.write_text(
            "vehicle_id,plate_number,owner_national_id,vehicle_type,make,model,model_year,engine_cc,registered_on\n"
            f"1b4e28ba-2fa1-11d2-883f-0016d3cca427,ر س 12,{holder},private_car,Toyota,Corolla,2019,1600,2024-03-02\n"
        )
        await load(ration_url, vehicles, "vehicles")
        async with sessions() as session:
            card = await session.scalar(select(Household).where(Household.card_number == "C-77001"))
            decision = await session.get(Decision, card.current_decision_id)
        assert not decision.eligible
        assert decision.reasons[0]["explanation_en"] == (
            "The household owns a car, Toyota model 2019, registered 2024-03-02"
        )


class TestEvaluationJob:
    async def test_rows_commit_first_and_the_job_decides_them_in_resumable_chunks(self, ration_url, sessions, tmp_path):
        files = write(tmp_path, households=25, governorate="22", seed=5)
        outcome = await load(ration_url, files.households, "households", "22", evaluate=False)
        assert outcome.record.evaluation_status == "pending"
        assert outcome.record.households_to_evaluate == 25
        assert outcome.record.households_reevaluated == 0
        async with sessions() as session:
            undecided = await session.scalar(
                select(func.count())
                .select_from(Household)
                .where(Household.governorate == "22", Household.current_decision_id.is_(None))
            )
        assert undecided == 25  # committed rows, decisions still to come: the job holds them durably

        steps = []
        async with sessions() as session, session.begin():  # a worker that stops after one chunk
            steps.append(await eligibility.work_job(session, job_id=outcome.job_id, chunk=10, now=now()))

        async def killed_midway():
            async with sessions() as session, session.begin():
                await eligibility.work_job(session, job_id=outcome.job_id, chunk=10, now=now())
                raise RuntimeError("worker killed")

        with pytest.raises(RuntimeError):  # and one killed in the middle of the next: nothing of it stays
            await killed_midway()
        async with sessions() as session:
            record = await session.get(Import, outcome.record.id)
            job = await session.get(EvaluationJob, outcome.job_id)
        assert (record.evaluation_status, record.households_reevaluated, job.next_seq) == ("running", 10, 10)

        async with sessions() as session:  # while one worker holds the lock, another one does nothing
            async with session.begin():
                assert await session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": eligibility.JOBS_LOCK})
                async with sessions() as other, other.begin():
                    assert await eligibility.work_job(other, job_id=outcome.job_id, now=now()) is None

        await scheduler.drain(sessions, clock=SYSTEM, job_id=outcome.job_id, progress=steps.append)
        async with sessions() as session:
            record = await session.get(Import, outcome.record.id)
            job = await session.get(EvaluationJob, outcome.job_id)
            decisions = await session.scalar(
                select(func.count()).select_from(Decision).where(Decision.trigger == f"import:{outcome.record.id}")
            )
            left = (
                await session.execute(
                    text("SELECT count(*) FROM ration.evaluation_targets WHERE job_id = :j"), {"j": outcome.job_id}
                )
            ).scalar_one()
        assert [s["done"] for s in steps] == [10, 25]
        assert (record.evaluation_status, record.households_reevaluated) == ("done", 25)
        assert record.evaluated_at is not None
        assert job.finished_at is not None
        assert (job.evaluated, job.changed) == (25, 25)
        assert decisions == 25  # each household decided once, though the first chunk's worker "died" after it
        assert left == 0

        async with sessions() as session, session.begin():  # nothing left: a worker finds no job
            assert await eligibility.work_job(session, now=now()) is None


class TestBadRows:
    async def test_good_rows_are_imported_and_each_bad_one_reported(self, ration_url, sessions, tmp_path):
        a, b, c = nid(), nid(), nid()
        path = tmp_path / "mixed.csv"
        path.write_text(
            "card_number,supply_office,national_id,relation\n"
            f"C-88001,SO-1,{a},holder\n"  # 2 good
            f"C-88001,SO-1,12345,child\n"  # 3 bad national id
            f"C-88002,SO-1,{b},holder,extra\n"  # 4 wrong column count
            f"C-88003,SO-1,{c},cousin\n"  # 5 bad relation (and C-88003 then has no holder)
            f"C-88001,SO-1,{a},spouse\n"  # 6 duplicate person in the file
            "C-88004,SO-1\n"  # 7 too few columns
            "\n"  # 8 an empty line
            f"C-88005,SO-1,{nid()},holder\n"  # 9 good
        )
        outcome = await load(ration_url, path, "households")
        assert outcome.record.rows_total == 8
        assert outcome.record.rows_accepted == 2
        assert outcome.record.rows_rejected == 6
        with path.with_name("mixed.csv.rejects.csv").open(encoding="utf-8") as f:
            rows = [(int(r["line"]), r["field"], r["code"]) for r in csv.DictReader(f)]
            f.seek(0)
            values = {(int(r["line"]), r["field"]): r["value"] for r in csv.DictReader(f)}
        assert (3, "national_id", "invalid_national_id") in rows
        assert (4, "row", "wrong_column_count") in rows
        assert (5, "relation", "not_allowed_value") in rows
        assert (6, "national_id", "duplicate_in_file") in rows
        assert (7, "row", "wrong_column_count") in rows
        assert (8, "row", "wrong_column_count") in rows
        assert (values[(4, "row")], values[(7, "row")], values[(8, "row")]) == ("5", "2", "0")
        assert {line for line, _, _ in rows} == {3, 4, 5, 6, 7, 8}
        async with sessions() as session:
            card = await session.scalar(select(Household).where(Household.card_number == "C-88001"))
            assert card is not None
            assert card.holder_national_id == a
            assert await session.scalar(select(Household).where(Household.card_number == "C-88002")) is None
            assert await session.scalar(select(Household).where(Household.card_number == "C-88005")) is not None

    async def test_fields_are_counted_whatever_their_characters_and_a_national_id_is_fourteen_ascii_digits(
        self, ration_url, tmp_path
    ):
        """A line's fields are counted by its bytes (Arabic text is two bytes a letter), a trailing
        comma is a field more, and fourteen Arabic-Indic digits or thirteen digits and a letter are
        not a national ID."""
        a, b, c, d = nid(), nid(), nid(), nid()
        path = tmp_path / "counted.csv"
        path.write_text(
            "card_number,supply_office,national_id,relation\n"
            f"C-87001,مكتب تموين المعادي,{a},holder\n"  # 2 good: Arabic office, four fields
            f"C-87002,SO-1,{b},holder,\n"  # 3 a trailing comma: five fields
            f"C-87003,مكتب,,{c},holder\n"  # 4 an empty field more: five fields
            f"C-87004,SO-1,{'٢' * 14},holder\n"  # 5 Arabic-Indic digits
            f"C-87005,SO-1,{d[:13]}x,holder\n"  # 6 fourteen characters, one not a digit
            f"C-87006,SO-1,{d}0,holder\n"  # 7 fifteen digits
            f"C-87007,SO-1,{d},holder\n",  # 8 good
            encoding="utf-8",
        )
        outcome = await load(ration_url, path, "households", evaluate=False)
        with path.with_name("counted.csv.rejects.csv").open(encoding="utf-8") as f:
            rows = sorted((int(r["line"]), r["field"], r["code"], r["value"]) for r in csv.DictReader(f))
        assert rows == [
            (3, "row", "wrong_column_count", "5"),
            (4, "row", "wrong_column_count", "5"),
            (5, "national_id", "invalid_national_id", "٢" * 14),
            (6, "national_id", "invalid_national_id", f"{d[:13]}x"),
            (7, "national_id", "invalid_national_id", f"{d}0"),
        ]
        assert (outcome.record.rows_accepted, outcome.record.rows_rejected) == (2, 5)

    async def test_a_card_whose_holder_line_is_rejected_is_rejected_whole(self, ration_url, sessions, tmp_path):
        """Its other lines alone would make a card without a holder (the import failed on it)."""
        taken, child, spouse, kept = nid(), nid(born="150505"), nid(), nid()
        first = tmp_path / "taken.csv"
        first.write_text(f"card_number,supply_office,national_id,relation\nC-96000,SO-1,{taken},holder\n")
        await load(ration_url, first, "households", evaluate=False)
        path = tmp_path / "holderless.csv"
        path.write_text(
            "card_number,supply_office,national_id,relation\n"
            f"C-96001,SO-1,12345,holder\n"  # 2 bad national id
            f"C-96001,SO-1,{child},child\n"  # 3 fine on its own
            f"C-96002,SO-1,{taken},holder\n"  # 4 already on another card
            f"C-96002,SO-1,{spouse},spouse\n"  # 5 fine on its own
            f"C-96003,SO-1,{kept},holder\n"  # 6 good
        )
        outcome = await load(ration_url, path, "households", evaluate=False)
        assert (outcome.record.rows_accepted, outcome.record.rows_rejected) == (1, 4)
        with path.with_name("holderless.csv.rejects.csv").open(encoding="utf-8") as f:
            rows = sorted((int(r["line"]), r["field"], r["code"], r["reason"]) for r in csv.DictReader(f))
        assert rows == [
            (2, "national_id", "invalid_national_id", "Not a 14-digit national ID"),
            (3, "card_number", "holder_rejected", service.reject_reason("holder_rejected", "en")),
            (4, "national_id", "member_on_other_card", "This person is already on another card"),
            (5, "card_number", "holder_rejected", service.reject_reason("holder_rejected", "en")),
        ]
        assert "holder line was rejected" in rows[1][3]  # the reason in words, not its code
        async with sessions() as session:
            numbers = set(
                await session.scalars(select(Household.card_number).where(Household.card_number.like("C-9600%")))
            )
            assert numbers == {"C-96000", "C-96003"}

    async def test_text_with_invisible_characters_is_rejected_and_arabic_with_its_joiners_kept(
        self, ration_url, sessions, tmp_path
    ):
        a, b, c, d = nid(), nid(), nid(), nid()
        path = tmp_path / "hidden.csv"
        path.write_text(
            "card_number,supply_office,national_id,relation\n"
            f"C-86001,مكتب \u202eالتموين,{a},holder\n"  # 2 a right-to-left override
            f"C-86002,SO\u200b-1,{b},holder\n"  # 3 a zero width space
            f"C-86003,SO-1\u2066,{c},holder\n"  # 4 an isolate
            f"C-86004,مكتب\u200c التموين\u200f,{d},holder\n",  # 5 ZWNJ and RLM: Arabic needs them
            encoding="utf-8",
        )
        outcome = await load(ration_url, path, "households")
        assert (outcome.record.rows_accepted, outcome.record.rows_rejected) == (1, 3)
        with path.with_name("hidden.csv.rejects.csv").open(encoding="utf-8") as f:
            rows = sorted((int(r["line"]), r["field"], r["code"]) for r in csv.DictReader(f))
        assert rows == [(line, "supply_office", "invisible_character") for line in (2, 3, 4)]
        async with sessions() as session:
            kept = await session.scalar(select(Household).where(Household.card_number == "C-86004"))
            assert kept is not None
            assert kept.supply_office == "مكتب\u200c التموين\u200f"
            assert await session.scalar(select(Household).where(Household.card_number == "C-86001")) is None

    async def test_a_replaced_cards_old_number_is_refused(self, ration_url, sessions, tmp_path):
        holder, child = nid(), nid(born="150505")
        path = tmp_path / "first.csv"
        path.write_text(f"card_number,supply_office,national_id,relation\nC-77001,SO-1,{holder},holder\n")
        await load(ration_url, path, "households")
        async with sessions() as session, session.begin():  # replaced as a paid replacement does it
            card = await session.scalar(select(Household).where(Household.card_number == "C-77001"))
            repo = HouseholdRepository(session)
            await repo.invalidate("C-77001", reason="lost", at=now())
            card.card_number = "C-77002"
            await repo.issue(household_id=card.id, card_number="C-77002", reason="lost", at=now())
        stale = tmp_path / "stale.csv"  # a governorate file still listing the old number
        stale.write_text(
            f"card_number,supply_office,national_id,relation\nC-77001,SO-1,{holder},holder\nC-77001,SO-1,{child},child\n"
        )
        outcome = await load(ration_url, stale, "households")
        assert outcome.record.rows_accepted == 0
        with stale.with_name("stale.csv.rejects.csv").open(encoding="utf-8") as f:
            codes = {(int(r["line"]), r["code"]) for r in csv.DictReader(f)}
        assert {(2, "card_number_no_longer_valid"), (3, "card_number_no_longer_valid")} <= codes
        async with sessions() as session:
            assert await session.scalar(select(Household).where(Household.card_number == "C-77001")) is None

    @pytest.mark.parametrize(
        ("content", "code", "line"),
        [
            pytest.param(
                "card_number,supply_office,national_id,relation\nC-95001,SO-1,{a},holder\nC-95002,مكتب,{b},holder\n".encode(
                    "cp1256"
                ),
                "file_not_utf8",
                3,
                id="windows-1256",
            ),
            pytest.param(
                b"card_number,supply_office,national_id,relation\nC-95001,SO-1,{a},holder\r\nC-95002,SO-1,{b},holder\n",
                "file_mixed_line_ends",
                2,
                id="mixed-line-ends",
            ),
            pytest.param(
                b"card_number,supply_office,national_id,relation\nC-95001,SO-1,{a},hol\x00der\n",
                "file_not_utf8",
                2,
                id="nul",
            ),
            pytest.param(
                b"card_number,supply_office,national_id,relation\nC-95001,SO-1,{a},holder\nC-95002,SO\x01-1,{b},holder\n",
                "file_unreadable",
                3,
                id="control-character",
            ),
        ],
    )
    async def test_a_file_that_is_not_lines_of_utf8_text_is_refused_whole(
        self, ration_url, sessions, tmp_path, content, code, line
    ):
        before = await counts(sessions)
        path = tmp_path / "unreadable.csv"
        path.write_bytes(content.replace(b"{a}", nid().encode()).replace(b"{b}", nid().encode()))
        with pytest.raises(ProblemError) as refused:
            await load(ration_url, path, "households")
        assert (refused.value.code, refused.value.status, refused.value.params) == (code, 422, {"line": line})
        assert refused.value.errors is not None
        assert refused.value.errors[0].field == f"line {line}"
        assert await counts(sessions) == before

    async def test_a_wrong_header_refuses_the_whole_file(self, ration_url, tmp_path, monkeypatch):
        path = tmp_path / "wrong.csv"
        path.write_text("national_id,card\n1,2\n")
        monkeypatch.setenv("RATION_DATABASE_URL", ration_url)
        assert await asyncio.to_thread(cli_main, ["households", str(path), "--governorate", "03", "--quiet"]) == 2


class TestInterrupted:
    async def test_a_failure_midway_leaves_nothing_behind(self, sessions):
        before = await counts(sessions)

        async def broken():
            yield b"card_number,supply_office,national_id,relation\n"
            yield f"C-99001,SO-1,{nid()},holder\n".encode()
            raise ConnectionError("upload cut off")

        with pytest.raises(ConnectionError):
            async with sessions() as session, session.begin():
                await service.run(
                    session,
                    kind="households",
                    governorate="03",
                    chunks=broken(),
                    filename=None,
                    actor="test",
                    clock=SYSTEM,
                )
        assert await counts(sessions) == before


class TestRacing:
    async def test_a_card_another_transaction_inserts_meanwhile_is_merged_not_refused(
        self, ration_url, sessions, tmp_path
    ):
        """The merge inserts plainly what is not there yet; a card committed by another
        transaction while the import waits on it sends the import to the `ON CONFLICT` merge."""
        holder, child, other = nid(), nid(born="150505"), nid()
        path = tmp_path / "racing.csv"
        path.write_text(
            "card_number,supply_office,national_id,relation\n"
            f"C-97001,SO-NEW,{holder},holder\nC-97001,SO-NEW,{child},child\nC-97002,SO-NEW,{other},holder\n"
        )
        async with sessions() as rival, rival.begin():
            await rival.execute(
                text(
                    "INSERT INTO ration.households (id, card_number, governorate, supply_office, holder_national_id)"
                    " VALUES (gen_random_uuid(), 'C-97001', '03', 'SO-OLD', :holder)"
                ),
                {"holder": holder},
            )
            importing = asyncio.create_task(load(ration_url, path, "households", evaluate=False))
            async with sessions() as watcher:
                for _ in range(200):
                    waiting = await watcher.scalar(
                        text(
                            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                            " AND wait_event_type = 'Lock'"
                        )
                    )
                    await watcher.rollback()  # pg_stat_activity is read once a transaction
                    if waiting or importing.done():  # waiting on the rival's transaction
                        break
                    await asyncio.sleep(0.05)
                assert waiting == 1
        outcome = await importing
        assert (outcome.record.rows_accepted, outcome.record.rows_rejected) == (3, 0)
        async with sessions() as session:
            cards = {
                h.card_number: h
                for h in await session.scalars(
                    select(Household).where(Household.card_number.in_(["C-97001", "C-97002"]))
                )
            }
            assert cards["C-97001"].supply_office == "SO-NEW"
            assert cards["C-97001"].holder_national_id == holder
            counted = dict(
                (
                    await session.execute(
                        text(
                            "SELECT card_number, members_count FROM ration.households WHERE card_number LIKE 'C-9700%'"
                        )
                    )
                ).all()
            )
            assert counted == {"C-97001": 2, "C-97002": 1}
            members = await session.scalars(select(Member.national_id).where(Member.removed_at.is_(None)))
            assert {holder, child, other} <= set(members)


@pytest.fixture(scope="module")
async def api(ration_url, nats_server, tokens):
    async with started(settings(ration_url, nats_server.url), tokens) as (_, client):
        yield client, tokens


class TestApi:
    async def test_an_integrator_imports_and_reads_the_rejects(self, api):
        client, tokens = api
        body = f"national_id,monthly_salary_piastres,employer\n{nid()},1500000,Bank\nbad,1,x\n".encode()
        response = await client.post(
            "/v1/ration-imports/incomes?governorate=03&filename=salaries.csv",
            content=body,
            headers={**tokens.integrator("ration.import"), "Content-Type": "text/csv"},
        )
        assert response.status_code == 201, response.text
        record = response.json()
        assert (record["rows_accepted"], record["rows_rejected"]) == (1, 1)
        again = await client.post(
            "/v1/ration-imports/incomes?governorate=03", content=body, headers=tokens.integrator("ration.import")
        )
        assert again.status_code == 200
        assert again.json()["repeated"]
        assert again.json()["id"] == record["id"]

        async def decided(import_id=record["id"]):  # the worker decides an import's households after its commit
            body = (
                await client.get(f"/v1/ration-imports/{import_id}", headers=tokens.integrator("ration.import"))
            ).json()
            return body if body["evaluation_status"] == "done" else None

        assert (await decided())["households_to_evaluate"] == 0  # no such person holds a card: nothing to decide

        card = f"C-{nid()[-8:]}"
        body = (
            f"card_number,supply_office,national_id,relation\n{card},SO-1,{nid()},holder\n{card},SO-1,{nid()},child\n"
        )
        response = await client.post(
            "/v1/ration-imports/households?governorate=03",
            content=body.encode(),
            headers={**tokens.integrator("ration.import"), "Content-Type": "text/csv"},
        )
        assert response.status_code == 201, response.text
        loaded = response.json()
        assert loaded["households_to_evaluate"] == 1
        assert loaded["evaluation_status"] in ("pending", "running", "done")
        done = await eventually(lambda: decided(loaded["id"]))  # the service's own worker, woken by the commit
        assert done["households_reevaluated"] == 1
        assert done["evaluated_at"] is not None
        rejects = await client.get(
            f"/v1/ration-imports/{record['id']}/rejects",
            headers={**tokens.integrator("ration.import"), "Accept-Language": "en"},
        )
        lines = list(csv.reader(rejects.text.splitlines()))
        assert lines[1][:3] == ["3", "national_id", "invalid_national_id"]
        assert lines[1][3] == "Not a 14-digit national ID"

    async def test_a_file_in_another_encoding_is_a_problem_in_the_callers_language(self, api):
        client, tokens = api
        body = f"card_number,supply_office,national_id,relation\nC-94001,مكتب التموين,{nid()},holder\n"
        response = await client.post(
            "/v1/ration-imports/households?governorate=03",
            content=body.encode("cp1256"),
            headers={**tokens.integrator("ration.import"), "Content-Type": "text/csv", "Accept-Language": "ar"},
        )
        assert response.status_code == 422, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
        problem = response.json()
        assert problem["code"] == "file_not_utf8"
        assert problem["errors"] == [
            {"field": "line 2", "code": "file_not_utf8", "reason": problem["detail"]},
        ]
        assert "UTF-8" in problem["detail"]
        assert f"السطر {i18n.number(2, 'ar')}" in problem["detail"]  # Arabic, its digits too

    async def test_only_importers_may_import(self, api):
        client, tokens = api
        body = b"national_id,feddans\n"
        for headers in (tokens.integrator("something.else"), tokens.citizen(nid()), tokens.officer("01")):
            response = await client.post("/v1/ration-imports/land?governorate=03", content=body, headers=headers)
            assert response.status_code == 403
        response = await client.post(
            "/v1/ration-imports/pets?governorate=03",
            content=body,
            headers={**tokens.integrator("ration.import"), "Accept-Language": "en"},
        )
        assert response.status_code == 422
        assert response.json()["code"] == "unknown_import_kind"
