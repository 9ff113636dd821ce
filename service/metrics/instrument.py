"""Request counters and latency histograms, plus gauges read from the database at scrape time."""

import time

from fastapi import FastAPI, Request
from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from sqlalchemy import func, select

from service.queue.models import Decision, ItemStatus, QueueItem
from service.reports.models import SuggestionRecord

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1.0, 2.5, 5.0, 10.0)


class _StateCollector:
    """Queue depth, decisions by type and outcome, and the served model: the database is the truth for all workers."""

    def __init__(self, app: FastAPI):
        self._app = app

    def collect(self):
        state = self._app.state
        depth = GaugeMetricFamily("triase_queue_depth", "Open review queue items.")
        decisions = CounterMetricFamily(
            "triase_decisions", "Reviewer decisions by suggestion type and outcome.", labels=["kind", "action"]
        )
        try:
            with state.database.session() as session:
                depth.add_metric([], session.scalar(select(func.count()).where(QueueItem.status == ItemStatus.OPEN)))
                rows = session.execute(
                    select(SuggestionRecord.kind, Decision.action, func.count())
                    .join(Decision, Decision.suggestion_id == SuggestionRecord.id)
                    .group_by(SuggestionRecord.kind, Decision.action)
                ).all()
            for kind, action, count in rows:
                decisions.add_metric([str(kind.value), str(action.value)], count)
            yield depth
            yield decisions
        except Exception:  # a scrape must not fail because the database is away; the gauges are just absent
            pass
        model = GaugeMetricFamily(
            "triase_model_info", "The model version served (value 1).", labels=["name", "version"]
        )
        current = state.model_store.current
        if current is not None:
            model.add_metric([current.name, current.version], 1)
        yield model


class Metrics:
    """One registry per app, so several apps in one process (tests) do not collide."""

    def __init__(self, app: FastAPI):
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "triase_http_requests",
            "HTTP requests by route and status.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "triase_http_request_duration_seconds",
            "Time to answer, by route.",
            ["method", "route"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.registry.register(_StateCollector(app))

        @app.middleware("http")
        async def measure(request: Request, call_next):
            started = time.perf_counter()
            status = 500
            try:
                response = await call_next(request)
                status = response.status_code
                return response
            finally:
                route = _route_template(request)
                self.requests.labels(request.method, route, str(status)).inc()
                self.latency.labels(request.method, route).observe(time.perf_counter() - started)


def _route_template(request: Request) -> str:
    """The matched route's path template, so ids do not explode the label set; unknown paths share one label."""
    route = request.scope.get("route")
    return getattr(route, "path", None) or "unmatched"
