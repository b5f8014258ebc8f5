"""NATS as production runs it: three `nats-server` processes from the same wheel in one cluster,
streams with three replicas, every write fsynced (`sync_interval: always`), the services given
the list of all three. One node is killed -9 in the middle of concurrent paperless flows: the
others carry on, the supervisor starts it again, and nothing is lost or doubled."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import nats
import pytest
from faults_flows import World, make_world
from faults_harness import Harness, http_client, running
from faults_scenario import MIX, scenario, verdict

from contracts.streams import ALL_STREAMS
from devstack.nats import NatsCluster

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def harness() -> Iterator[Harness]:
    with running("cluster", nats_nodes=3) as started:
        yield started


@pytest.fixture(scope="module")
async def client(harness: Harness) -> AsyncIterator[httpx.AsyncClient]:
    async with http_client(harness) as opened:
        yield opened


@pytest.fixture(scope="module")
async def world(harness: Harness, client: httpx.AsyncClient) -> World:
    return await make_world(client, harness.postgres, ration_households=MIX.count("ration"))


async def test_every_stream_has_three_replicas_on_fsyncing_nodes(harness):
    cluster = harness.platform.nats
    assert isinstance(cluster, NatsCluster)
    assert all("sync_interval: always" in node.config_file.read_text() for node in cluster.nodes)
    nc = await nats.connect(harness.nats_url.split(","))
    try:
        js = nc.jetstream()
        for stream in ALL_STREAMS:
            info = await js.stream_info(stream.name)
            assert info.config.num_replicas == 3, stream.name
            assert info.cluster is not None, stream.name
            assert len(info.cluster.replicas or []) == 2, stream.name  # besides the leader
    finally:
        await nc.close()


async def test_one_node_killed_mid_flow(harness, world, client):
    cluster = harness.platform.nats
    assert isinstance(cluster, NatsCluster)
    nc = await nats.connect(harness.nats_url.split(","))
    try:  # the node leading payment's stream: the one whose loss matters most to the flows
        leader = (await nc.jetstream().stream_info("PAYMENT")).cluster.leader
    finally:
        await nc.close()
    index = next(i for i, node in enumerate(cluster.nodes) if node.cluster and node.cluster.server_name == leader)
    name = f"nats-{index + 1}"

    async def kill_the_leader() -> None:
        before = harness.platform.units[name].restarts
        cluster.nodes[index].kill()
        await harness.restarted(name, before)

    figures, flows = await scenario(harness, world, client, f"kill -9 1 of 3 NATS nodes ({leader})", kill_the_leader)
    verdict(figures, flows)
