//! DANE workloads: mxtrust, OpenSSL and the limits, one criterion group per
//! workload so that the report shows them side by side.
mod common;

use criterion::{Criterion, criterion_group, criterion_main};
use mxtrust_benches::Kind;

fn bench(c: &mut Criterion) {
    common::side_by_side(c, |op| matches!(op.kind, Kind::Dane { .. }));
}

criterion_group! {
    name = benches;
    config = common::config();
    targets = bench
}
criterion_main!(benches);
