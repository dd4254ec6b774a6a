//! The part of `fulmen bench consumer --api lite|push` both client consumers share: where a new group starts, the
//! header line, and the measured run itself (driven like the raw mode, into a [`Tally`]) with its summary.

use std::time::Duration;

use fulmen_client::ConsumeFromWhere;
use tokio::task::JoinSet;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::args::ConsumerArgs;
use super::control::{self, Plan};
use super::report::{Kind, Progress, say};
use super::tally::{Tally, limits};

/// How long the consumer tasks get to finish once the run stops.
pub const DRAIN: Duration = Duration::from_secs(5);

/// Where a group without stored offsets starts: the first offset with `--from-start`, else the last.
pub fn consume_from(args: &ConsumerArgs) -> ConsumeFromWhere {
    if args.from_start {
        ConsumeFromWhere::ConsumeFromFirstOffset
    } else {
        ConsumeFromWhere::ConsumeFromLastOffset
    }
}

/// Prints the header, runs `workers` as `plan` says (the time since `started`, when the consumer was started,
/// counts toward `--duration`) and prints the summary. The workers end when `tally.stop` is cancelled.
pub async fn measure(
    args: &ConsumerArgs,
    tally: &Tally,
    workers: JoinSet<()>,
    mut plan: Plan,
    started: Instant,
    interrupted: &CancellationToken,
) {
    plan.duration = plan
        .duration
        .map(|d| d.saturating_sub(started.elapsed()).max(plan.warmup));
    say(&format!(
        "topic: {}, api: {}, namesrv: {}, group: {}, from: {}, {}",
        args.common.topic,
        args.api.name(),
        args.common.namesrv,
        args.group,
        if args.from_start {
            "first offset"
        } else {
            "last offset"
        },
        limits(args, plan.duration),
    ));
    let mut progress = Progress::new(Kind::Consumer);
    let (_, timeline) = control::drive(
        &tally.stats,
        &tally.stop,
        interrupted.clone().cancelled_owned(),
        workers,
        plan,
        |elapsed| progress.tick(&tally.stats, elapsed),
    )
    .await;
    tally.print_summary(&timeline);
}
