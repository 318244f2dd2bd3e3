//! The gateway's metrics in Prometheus' text format: messages per route and outcome,
//! delivery latency per route, refusals per reason, and the routing steps that took longer
//! than the regulations' minute.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Duration;

/// A route: who sent to whom, which service, which kind of message.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Route {
    pub sender: String,
    pub recipient: String,
    pub service: String,
    pub kind: &'static str,
}

/// The regulations' bound for a routing step («не более 1 минуты»).
pub const ROUTING_SLA: Duration = Duration::from_secs(60);

const BUCKETS: [f64; 12] = [
    0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1.0, 10.0, 60.0,
];

#[derive(Default)]
struct Latency {
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
    over_sla: u64,
}

#[derive(Default)]
struct Inner {
    outcomes: BTreeMap<(Route, String), u64>,
    latency: BTreeMap<Route, Latency>,
    refusals: BTreeMap<String, u64>,
    gauges: BTreeMap<&'static str, (String, i64)>,
    counters: BTreeMap<&'static str, (String, u64)>,
}

/// Counters kept while the gateway runs.
#[derive(Default)]
pub struct Metrics {
    inner: Mutex<Inner>,
}

impl Metrics {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A message on `route` delivered after `took`.
    pub fn delivered(&self, route: Route, took: Duration) {
        let mut inner = self.lock();
        let secs = took.as_secs_f64();
        let l = inner.latency.entry(route.clone()).or_default();
        for (i, b) in BUCKETS.iter().enumerate() {
            if secs <= *b {
                l.counts[i] += 1;
            }
        }
        l.count += 1;
        l.sum += secs;
        if took > ROUTING_SLA {
            l.over_sla += 1;
        }
        *inner
            .outcomes
            .entry((route, "delivered".into()))
            .or_default() += 1;
    }

    /// A message refused with `code` (its route, where it was read that far).
    pub fn refused(&self, route: Option<Route>, code: &str) {
        let mut inner = self.lock();
        *inner.refusals.entry(code.to_string()).or_default() += 1;
        if let Some(route) = route {
            *inner.outcomes.entry((route, "refused".into())).or_default() += 1;
        }
    }

    /// Set a gauge (`help` describes it once).
    pub fn gauge(&self, name: &'static str, help: &str, value: i64) {
        self.lock().gauges.insert(name, (help.to_string(), value));
    }

    /// Add to a counter.
    pub fn count(&self, name: &'static str, help: &str, by: u64) {
        let mut inner = self.lock();
        let e = inner
            .counters
            .entry(name)
            .or_insert_with(|| (help.to_string(), 0));
        e.1 += by;
    }

    /// The text exposition format.
    pub fn render(&self) -> String {
        let inner = self.lock();
        let mut out = String::new();
        let labels = |r: &Route| {
            format!(
                "sender=\"{}\",recipient=\"{}\",service=\"{}\",kind=\"{}\"",
                escape(&r.sender),
                escape(&r.recipient),
                escape(&r.service),
                r.kind
            )
        };
        out.push_str("# HELP qyzmet_gateway_messages_total Messages by route and outcome.\n");
        out.push_str("# TYPE qyzmet_gateway_messages_total counter\n");
        for ((route, state), n) in &inner.outcomes {
            let _ = writeln!(
                out,
                "qyzmet_gateway_messages_total{{{},state=\"{state}\"}} {n}",
                labels(route)
            );
        }
        out.push_str("# HELP qyzmet_gateway_delivery_seconds Time from a message's sending to its delivery, by route.\n");
        out.push_str("# TYPE qyzmet_gateway_delivery_seconds histogram\n");
        for (route, l) in &inner.latency {
            let lb = labels(route);
            for (i, b) in BUCKETS.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "qyzmet_gateway_delivery_seconds_bucket{{{lb},le=\"{b}\"}} {}",
                    l.counts[i]
                );
            }
            let _ = writeln!(
                out,
                "qyzmet_gateway_delivery_seconds_bucket{{{lb},le=\"+Inf\"}} {}",
                l.count
            );
            let _ = writeln!(out, "qyzmet_gateway_delivery_seconds_sum{{{lb}}} {}", l.sum);
            let _ = writeln!(
                out,
                "qyzmet_gateway_delivery_seconds_count{{{lb}}} {}",
                l.count
            );
        }
        out.push_str("# HELP qyzmet_gateway_over_sla_total Routing steps that took longer than the regulations' minute.\n");
        out.push_str("# TYPE qyzmet_gateway_over_sla_total counter\n");
        for (route, l) in &inner.latency {
            let _ = writeln!(
                out,
                "qyzmet_gateway_over_sla_total{{{}}} {}",
                labels(route),
                l.over_sla
            );
        }
        out.push_str("# HELP qyzmet_gateway_refusals_total Messages refused, by reason.\n");
        out.push_str("# TYPE qyzmet_gateway_refusals_total counter\n");
        for (code, n) in &inner.refusals {
            let _ = writeln!(
                out,
                "qyzmet_gateway_refusals_total{{reason=\"{}\"}} {n}",
                escape(code)
            );
        }
        for (name, (help, v)) in &inner.counters {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {v}"
            );
        }
        for (name, (help, v)) in &inner.gauges {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {v}");
        }
        out
    }
}

fn escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counts_latency_buckets_and_refusals() {
        let m = Metrics::default();
        let r = Route {
            sender: "portal".into(),
            recipient: "agency".into(),
            service: "agency.file".into(),
            kind: "request",
        };
        m.delivered(r.clone(), Duration::from_micros(700));
        m.delivered(r.clone(), Duration::from_secs(61));
        m.refused(Some(r), "gateway.not_granted");
        let text = m.render();
        let labels = r#"sender="portal",recipient="agency",service="agency.file",kind="request""#;
        assert!(
            text.contains(&format!(
                "qyzmet_gateway_messages_total{{{labels},state=\"delivered\"}} 2"
            )),
            "{text}"
        );
        assert!(
            text.contains(&format!(
                "qyzmet_gateway_delivery_seconds_bucket{{{labels},le=\"0.001\"}} 1"
            )),
            "{text}"
        );
        assert!(
            text.contains(&format!("qyzmet_gateway_over_sla_total{{{labels}}} 1")),
            "{text}"
        );
        assert!(
            text.contains("qyzmet_gateway_refusals_total{reason=\"gateway.not_granted\"} 1"),
            "{text}"
        );
    }
}
