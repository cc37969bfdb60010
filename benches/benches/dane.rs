//! DANE workloads: mxtrust, OpenSSL and the limits, one criterion group per
//! workload so that the report shows them side by side.
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use mxtrust_benches::{Kind, ops};

fn bench(c: &mut Criterion) {
    let ops = ops();
    let mut workloads: Vec<&str> = Vec::new();
    for op in ops.iter().filter(|op| matches!(op.kind, Kind::Dane { .. })) {
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

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(30);
    targets = bench
}
criterion_main!(benches);
