"""The NATS Helm values and the OpenTelemetry Collector config pass their checks, and the checks
catch what they are for."""

from pathlib import Path

import yaml
from shubbak_deploy.sidecars import COLLECTOR_CONFIG, NATS_VALUES, check_collector, check_nats_values


def altered(tmp_path: Path, source: Path, change: object) -> Path:
    data = yaml.safe_load(source.read_text())
    change(data)  # type: ignore[operator]
    path = tmp_path / source.name
    path.write_text(yaml.safe_dump(data))
    return path


def test_nats_values_pass() -> None:
    assert check_nats_values() == []


def test_nats_values_are_a_replicated_jetstream_cluster() -> None:
    values = yaml.safe_load(NATS_VALUES.read_text())
    assert values["config"]["cluster"] == {"enabled": True, "replicas": 3}
    assert values["config"]["jetstream"]["fileStore"]["pvc"]["enabled"] is True


def test_literal_password_and_lax_fsync_are_caught(tmp_path: Path) -> None:
    def change(values: dict) -> None:
        values["config"]["merge"]["accounts"]["SHUBBAK"]["users"][0]["password"] = "s3cret"
        del values["config"]["jetstream"]["merge"]["sync_interval"]
        values["config"]["cluster"]["replicas"] = 1

    problems = "\n".join(check_nats_values(altered(tmp_path, NATS_VALUES, change)))
    assert "never a literal" in problems
    assert "sync_interval" in problems
    assert "at least 3 replicas" in problems


def test_a_service_without_a_nats_user_is_caught(tmp_path: Path) -> None:
    def change(values: dict) -> None:
        users = values["config"]["merge"]["accounts"]["SHUBBAK"]["users"]
        values["config"]["merge"]["accounts"]["SHUBBAK"]["users"] = [u for u in users if u["user"] != "ration"]
        del values["container"]["env"]["NOTARY_PASSWORD"]

    problems = "\n".join(check_nats_values(altered(tmp_path, NATS_VALUES, change)))
    assert "no NATS user for service ration" in problems
    assert "$NOTARY_PASSWORD is not set from a Secret" in problems


def test_collector_config_passes_and_a_dangling_exporter_is_caught(tmp_path: Path) -> None:
    assert check_collector() == []

    def change(config: dict) -> None:
        config["service"]["pipelines"]["traces"]["exporters"].append("jaeger")

    assert check_collector(altered(tmp_path, COLLECTOR_CONFIG, change)) == [
        "pipeline traces: exporter jaeger is not defined"
    ]
