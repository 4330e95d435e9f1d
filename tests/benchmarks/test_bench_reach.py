"""How benchmarks/bench_reach.py counts what goes over the wire: responses
from the service worker or a cache are not wire bytes; a service worker's own
fetches are."""

from benchmarks import bench_reach


def _load(wire, source, request_id, url, response, size):
    wire.event(
        source,
        "Network.requestWillBeSent",
        {"requestId": request_id, "request": {"url": url}},
    )
    wire.event(
        source,
        "Network.responseReceived",
        {"requestId": request_id, "response": {"status": 200, **response}},
    )
    wire.event(
        source,
        "Network.loadingFinished",
        {"requestId": request_id, "encodedDataLength": size},
    )


def test_wire_counts_network_responses_and_sets_cached_ones_apart():
    wire = bench_reach.Wire()
    origin = bench_reach.ORIGIN

    _load(wire, "page", "1", origin + "/courses/a/", {}, 5000)
    _load(wire, "page", "2", origin + "/static/site.css", {"fromDiskCache": True}, 0)
    _load(wire, "page", "3", origin + "/h5p/x.js", {"fromServiceWorker": True}, 0)
    # The worker fetched that one from the network: its bytes count.
    _load(wire, "worker:s1", "3", origin + "/h5p/x.js", {}, 7000)
    _load(wire, "page", "4", "data:image/png;base64,AAAA", {}, 10)
    wire.event(
        "page",
        "Network.requestWillBeSent",
        {"requestId": "5", "request": {"url": origin + "/static/a.js"}},
    )
    wire.event("page", "Network.requestServedFromCache", {"requestId": "5"})
    wire.event("page", "Network.loadingFinished", {"requestId": "5"})

    summary = wire.summary()

    assert summary["requests"] == 2
    assert summary["bytes"] == 12_000
    assert summary["cached"] == 3
    assert summary["urls"] == ["/courses/a/ 5000", "/h5p/x.js 7000"]
    assert wire.in_flight() == 0


def test_a_request_still_loading_keeps_the_visit_going():
    wire = bench_reach.Wire()
    wire.event(
        "page",
        "Network.requestWillBeSent",
        {"requestId": "1", "request": {"url": bench_reach.ORIGIN + "/"}},
    )

    assert wire.in_flight() == 1


def test_a_worker_import_without_a_length_counts_what_it_declared():
    wire = bench_reach.Wire()
    headers = {"Content-Length": "6000", "Content-Type": "text/javascript"}

    _load(
        wire, "worker:s1", "1", bench_reach.ORIGIN + "/static/workbox-sw.js",
        {"headers": headers}, 0,
    )  # fmt: skip

    summary = wire.summary()
    assert summary["bytes"] == 6000
    assert summary["estimated"] == 1
    assert summary["by_worker"] == 1
