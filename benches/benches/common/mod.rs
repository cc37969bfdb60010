//! What the DANE and MTA-STS bench targets share: one criterion group per
//! workload, so that the report shows the implementations side by side.
use std::time::Duration;

use criterion::Criterion;
use mxtrust_benches::{Op, ops};

/// Benchmarks every operation `wanted` selects, grouped by workload.
pub fn side_by_side(c: &mut Criterion, wanted: impl Fn(&Op) -> bool) {
    let ops = ops();
    let mut workloads: Vec<&str> = Vec::new();
    for op in ops.iter().filter(|op| wanted(op)) {
        if !workloads.contains(&op.workload.as_str()) {
            workloads.push(&op.workload);
        }
    }
    for workload in workloads {
        let mut group = c.benchmark_group(workload);
        for op in ops.iter().filter(|op| op.workload == workload) {
            group.bench_function(op.who.name(), |b| b.iter(|| (op.run)()));
        }
        group.finish();
    }
}

/// Short runs: the `compare` binary is where medians and ratios come from.
pub fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(30)
}
