"""The kustomize subset renders like kustomize does, and refuses what it does not support."""

from pathlib import Path

import pytest
import yaml
from shubbak_deploy import realkustomize
from shubbak_deploy.__main__ import overlays
from shubbak_deploy.kustomize import KustomizeError, build, config_map_hash, split_image, strategic_merge


def write(folder: Path, files: dict[str, object]) -> Path:
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        text = (
            content
            if isinstance(content, str)
            else yaml.safe_dump_all(content if isinstance(content, list) else [content])
        )
        path.write_text(text)
    return folder


def deployment(name: str = "api", image: str = "shubbak/api:latest") -> dict:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "labels": {"app": name}},
        "spec": {
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {
                    "containers": [
                        {
                            "name": name,
                            "image": image,
                            "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}],
                            "envFrom": [{"configMapRef": {"name": "settings"}}],
                        }
                    ],
                    "volumes": [{"name": "cfg", "configMap": {"name": "settings"}}],
                },
            },
        },
    }


@pytest.fixture
def base(tmp_path: Path) -> Path:
    return write(
        tmp_path / "base",
        {
            "kustomization.yaml": {
                "resources": ["app.yaml", "ns.yaml"],
                "configMapGenerator": [{"name": "settings", "literals": ["MODE=base", "LEVEL=INFO"]}],
                "labels": [{"pairs": {"team": "shubbak"}, "includeTemplates": True}],
            },
            "app.yaml": deployment(),
            "ns.yaml": {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shubbak"}},
        },
    )


def by_kind(objects: list[dict], kind: str) -> list[dict]:
    return [o for o in objects if o["kind"] == kind]


class TestGenerators:
    def test_config_map_gets_a_content_hash_and_references_follow(self, base: Path) -> None:
        objects = build(base)
        (config,) = by_kind(objects, "ConfigMap")
        assert config["metadata"]["name"].startswith("settings-")
        assert config["data"] == {"MODE": "base", "LEVEL": "INFO"}
        pod = by_kind(objects, "Deployment")[0]["spec"]["template"]["spec"]
        assert pod["containers"][0]["envFrom"][0]["configMapRef"]["name"] == config["metadata"]["name"]
        assert pod["volumes"][0]["configMap"]["name"] == config["metadata"]["name"]

    def test_overlay_merge_changes_data_and_so_the_name(self, base: Path, tmp_path: Path) -> None:
        overlay = write(
            tmp_path / "overlay",
            {
                "kustomization.yaml": {
                    "resources": ["../base"],
                    "configMapGenerator": [{"name": "settings", "behavior": "merge", "literals": ["MODE=prod"]}],
                }
            },
        )
        (before,) = by_kind(build(base), "ConfigMap")
        (after,) = by_kind(build(overlay), "ConfigMap")
        assert after["data"] == {"MODE": "prod", "LEVEL": "INFO"}
        assert after["metadata"]["name"] != before["metadata"]["name"]

    def test_merge_without_a_base_generator_is_refused(self, tmp_path: Path) -> None:
        folder = write(
            tmp_path,
            {"kustomization.yaml": {"configMapGenerator": [{"name": "x", "behavior": "merge", "literals": ["A=1"]}]}},
        )
        with pytest.raises(KustomizeError, match="no base generates it"):
            build(folder)

    def test_files_become_keys(self, tmp_path: Path) -> None:
        folder = write(
            tmp_path,
            {
                "kustomization.yaml": {"configMapGenerator": [{"name": "c", "files": ["conf.yaml=conf/real.yaml"]}]},
                "conf/real.yaml": "a: 1\n",
            },
        )
        (config,) = build(folder)
        assert config["data"] == {"conf.yaml": "a: 1\n"}


class TestTransformers:
    def test_namespace_skips_cluster_scoped_objects(self, base: Path, tmp_path: Path) -> None:
        overlay = write(tmp_path / "o", {"kustomization.yaml": {"resources": ["../base"], "namespace": "prod"}})
        objects = build(overlay)
        assert by_kind(objects, "Deployment")[0]["metadata"]["namespace"] == "prod"
        assert "namespace" not in by_kind(objects, "Namespace")[0]["metadata"]

    def test_labels_reach_templates_but_not_selectors(self, base: Path) -> None:
        (app,) = by_kind(build(base), "Deployment")
        assert app["metadata"]["labels"]["team"] == "shubbak"
        assert app["spec"]["template"]["metadata"]["labels"]["team"] == "shubbak"
        assert app["spec"]["selector"]["matchLabels"] == {"app": "api"}

    def test_images_tag_digest_and_registry_port(self, tmp_path: Path) -> None:
        folder = write(
            tmp_path,
            {
                "kustomization.yaml": {
                    "resources": ["a.yaml"],
                    "images": [
                        {"name": "shubbak/a", "newName": "reg.example:5000/shubbak/a", "newTag": "1.2.3"},
                        {"name": "reg.example:5000/shubbak/b", "digest": "sha256:abc"},
                    ],
                },
                "a.yaml": [deployment("a", "shubbak/a:latest"), deployment("b", "reg.example:5000/shubbak/b:old")],
            },
        )
        images = {o["metadata"]["name"]: o["spec"]["template"]["spec"]["containers"][0]["image"] for o in build(folder)}
        assert images == {"a": "reg.example:5000/shubbak/a:1.2.3", "b": "reg.example:5000/shubbak/b@sha256:abc"}

    def test_split_image(self) -> None:
        assert split_image("reg:5000/x/y:1@sha256:d") == ("reg:5000/x/y", "1", "sha256:d")
        assert split_image("reg:5000/x/y") == ("reg:5000/x/y", "", "")


class TestPatches:
    def test_strategic_merge_by_name_delete_and_null(self) -> None:
        merged = strategic_merge(
            deployment(),
            {
                "spec": {
                    "template": {
                        "spec": {
                            "containers": [
                                {
                                    "name": "api",
                                    "env": [{"name": "B", "value": "two"}, {"name": "A", "$patch": "delete"}],
                                    "envFrom": [],
                                }
                            ],
                            "volumes": None,
                        }
                    }
                }
            },
        )
        pod = merged["spec"]["template"]["spec"]
        assert pod["containers"][0]["env"] == [{"name": "B", "value": "two"}]
        assert pod["containers"][0]["envFrom"] == []  # no merge key: replaced
        assert pod["containers"][0]["image"] == "shubbak/api:latest"  # untouched
        assert "volumes" not in pod

    def test_patch_with_a_target_applies_to_every_match(self, tmp_path: Path) -> None:
        folder = write(
            tmp_path,
            {
                "kustomization.yaml": {
                    "resources": ["a.yaml"],
                    "patches": [{"path": "p.yaml", "target": {"kind": "Deployment", "labelSelector": "app=a"}}],
                },
                "a.yaml": [deployment("a"), deployment("b")],
                "p.yaml": {
                    "apiVersion": "apps/v1",
                    "kind": "Deployment",
                    "metadata": {"name": "x"},
                    "spec": {"paused": True},
                },
            },
        )
        paused = {o["metadata"]["name"]: o["spec"].get("paused") for o in build(folder)}
        assert paused == {"a": True, "b": None}

    def test_patch_by_name_and_one_that_matches_nothing(self, tmp_path: Path) -> None:
        patch = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "missing"}, "spec": {}}
        folder = write(
            tmp_path,
            {
                "kustomization.yaml": {"resources": ["a.yaml"], "patches": [{"path": "p.yaml"}]},
                "a.yaml": deployment(),
                "p.yaml": patch,
            },
        )
        with pytest.raises(KustomizeError, match="matches no object"):
            build(folder)


class TestRefusals:
    def test_unknown_key(self, tmp_path: Path) -> None:
        with pytest.raises(KustomizeError, match="unsupported keys"):
            build(write(tmp_path, {"kustomization.yaml": {"namePrefix": "x-"}}))

    def test_missing_resource_and_duplicates(self, tmp_path: Path) -> None:
        with pytest.raises(KustomizeError, match="not found"):
            build(write(tmp_path / "a", {"kustomization.yaml": {"resources": ["nope.yaml"]}}))
        twice = write(
            tmp_path / "b",
            {"kustomization.yaml": {"resources": ["a.yaml", "b.yaml"]}, "a.yaml": deployment(), "b.yaml": deployment()},
        )
        with pytest.raises(KustomizeError, match="defined twice"):
            build(twice)


class TestKustomizeNames:
    """The hash suffix is kustomize's own (sigs.k8s.io/kustomize/api/hasher), so the objects a GitOps
    tool or `rollout.sh` creates with the real kustomize are the ones checked here."""

    @pytest.mark.parametrize(
        ("config_map", "suffix"),
        [  # kustomize's own test cases (hasher_test.go)
            ({}, "6ct58987ht"),
            ({"data": {"one": ""}}, "9g67k2htb6"),
            ({"data": {"two": 2, "one": "", "three": 3}}, "7757f9kkct"),
            ({"binaryData": {"one": ""}}, "6mtk2m274t"),
            ({"data": {"one": ""}, "binaryData": {"two": ""}}, "698h7c7t9m"),
            # seen from kubectl kustomize (v5.5): the name plays no part; Go escapes <, >, & and U+2028
            ({"metadata": {"name": "cm"}, "data": {"A": "1"}}, "89g4tffbfk"),
            ({"metadata": {"name": "x"}, "data": {"one": ""}}, "9g67k2htb6"),
            ({"data": {"A": "a<b&c>d\u2028شباك", "B": "tab\there"}}, "k55cd2gkmt"),
        ],
    )
    def test_config_map_suffix_is_kustomizes(self, config_map: dict, suffix: str) -> None:
        assert config_map_hash({"metadata": {"name": ""}, **config_map}) == suffix

    def test_generated_names_carry_it(self, base: Path) -> None:
        (config,) = by_kind(build(base), "ConfigMap")
        assert config["metadata"]["name"] == "settings-" + config_map_hash(config)

    def test_patched_lists_put_the_patch_items_first_as_kustomize_does(self) -> None:
        spread = {"topologyKey": "zone", "maxSkew": 1}
        base = deployment()
        base["spec"]["template"]["spec"]["topologySpreadConstraints"] = [{"topologyKey": "host", "maxSkew": 1}]
        merged = strategic_merge(base, {"spec": {"template": {"spec": {"topologySpreadConstraints": [spread]}}}})
        keys = [c["topologyKey"] for c in merged["spec"]["template"]["spec"]["topologySpreadConstraints"]]
        assert keys == ["zone", "host"]

    def test_differences_name_what_differs(self) -> None:
        a = [deployment("a"), deployment("b")]
        b = [deployment("a"), deployment("c")]
        b[0]["spec"]["template"]["spec"]["containers"][0]["image"] = "other"
        assert realkustomize.differences(a, b) == [
            "Deployment//c: only in kustomize's rendering",
            "Deployment//b: only in ours",
            "Deployment//a: differs at spec.template.spec.containers[0].image",
        ]

    @pytest.mark.skipif(realkustomize.find() is None, reason="no kustomize v5+ (kubectl or kustomize) here")
    @pytest.mark.parametrize("overlay", overlays(), ids=lambda p: p.name)
    def test_every_overlay_renders_as_the_real_kustomize_does(self, overlay: Path) -> None:
        real = realkustomize.find()
        assert real is not None
        assert realkustomize.differences(build(overlay), real.build(overlay)) == []


def test_generator_options_label_and_keep_a_stable_name(tmp_path: Path) -> None:
    folder = write(
        tmp_path,
        {
            "kustomization.yaml": {
                "configMapGenerator": [
                    {
                        "name": "board",
                        "literals": ["A=1"],
                        "options": {"disableNameSuffixHash": True, "labels": {"grafana_dashboard": 1}},
                    }
                ]
            }
        },
    )
    (config,) = build(folder)
    assert config["metadata"] == {"name": "board", "labels": {"grafana_dashboard": "1"}}
    bad = write(
        tmp_path / "bad",
        {"kustomization.yaml": {"configMapGenerator": [{"name": "x", "literals": [], "options": {"immutable": True}}]}},
    )
    with pytest.raises(KustomizeError, match="unsupported options"):
        build(bad)
