//! Delayed delivery, the way Apache 5.3.3 does it: delay levels (`DELAY` property, Java's
//! `ScheduleMessageService`) and 5.x timer messages (`TIMER_DELIVER_MS` / `TIMER_DELAY_MS` / `TIMER_DELAY_SEC`,
//! Java's `TimerMessageStore`).
//!
//! - [`put_hook`]: every put moves a delayed message to `SCHEDULE_TOPIC_XXXX` queue level - 1 and a timer message
//!   to `rmq_sys_wheel_timer` (the message is stored, so it is as durable as any other).
//! - [`tags_code`]: their consume-queue entries hold the deliver time in place of the tag hash.
//! - [`delivery`]: one task per level reads its queue in order and puts each due message back into its real
//!   topic; progress in `config/delayOffset.json` ([`delay_offsets`]).
//! - [`timer`]: one task reads the timer queue into a min-heap of deliver times and puts each due message back;
//!   progress in `config/timerProgress.json` ([`timer_progress`]).

pub(crate) mod delay_levels;
pub(crate) mod delay_offsets;
pub(crate) mod delivery;
pub(crate) mod put_hook;
pub(crate) mod tags_code;
pub(crate) mod time_up;
pub(crate) mod timer;
pub(crate) mod timer_progress;

use std::sync::Arc;
use std::time::Duration;

use fulmen_store::MessageStore;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::config::BrokerConfig;
use crate::error::{BrokerError, Result};
use crate::state::BrokerState;
use crate::topic_validator::{SCHEDULE_TOPIC, TIMER_TOPIC};

pub(crate) use delay_levels::{DEFAULT_MESSAGE_DELAY_LEVEL, DelayLevels};

use delay_levels::level_to_queue_id;
use delay_offsets::DelayOffsets;
use tags_code::DeliverTimeTagsCode;
use timer_progress::TimerProgress;

/// What the put hook needs: the delay levels and the timer settings.
#[derive(Debug, Clone)]
pub(crate) struct ScheduleSettings {
    pub(crate) levels: Arc<DelayLevels>,
    pub(crate) timer_wheel_enable: bool,
    pub(crate) timer_max_delay_sec: i64,
    pub(crate) timer_precision_ms: i64,
}

impl ScheduleSettings {
    /// The settings of `config` (`messageDelayLevel` must parse: [`BrokerConfig::validate`] checks it).
    pub(crate) fn from_config(config: &BrokerConfig) -> Result<Self> {
        let levels = DelayLevels::parse(&config.message_delay_level)
            .map_err(|reason| BrokerError::Config(format!("messageDelayLevel: {reason}")))?;
        Ok(ScheduleSettings {
            levels: Arc::new(levels),
            timer_wheel_enable: config.timer_wheel_enable,
            timer_max_delay_sec: config.timer_max_delay_sec,
            timer_precision_ms: config.timer_precision_ms,
        })
    }

    /// The store's tag-code resolver that puts deliver times into the schedule and timer queues.
    pub(crate) fn tags_code_resolver(&self) -> Arc<DeliverTimeTagsCode> {
        Arc::new(DeliverTimeTagsCode {
            levels: self.levels.clone(),
        })
    }
}

/// The two progress files.
#[derive(Debug, Clone, Copy)]
enum ProgressFile {
    DelayOffsets,
    TimerProgress,
}

/// The schedule and timer state a broker shares.
#[derive(Debug)]
pub(crate) struct ScheduleState {
    pub(crate) settings: ScheduleSettings,
    pub(crate) delay_offsets: DelayOffsets,
    pub(crate) timer_progress: TimerProgress,
}

impl ScheduleState {
    /// Loads `config/delayOffset.json` (each offset clamped into its queue, as Java's `correctDelayOffset`) and
    /// the timer's progress. Blocking: call at start.
    pub(crate) fn load(
        settings: ScheduleSettings,
        config: &BrokerConfig,
        store: &MessageStore,
    ) -> Result<Self> {
        let config_dir = config.store.config_dir();
        let delay_offsets = DelayOffsets::load(&config_dir)?;
        delay_offsets.correct(|level| {
            let queue_id = level_to_queue_id(level);
            (
                store.min_offset(SCHEDULE_TOPIC, queue_id),
                store.max_offset(SCHEDULE_TOPIC, queue_id),
            )
        });
        let timer_progress = TimerProgress::load(&config_dir)?;
        timer_progress.skip_below(store.min_offset(TIMER_TOPIC, 0));
        Ok(ScheduleState {
            settings,
            delay_offsets,
            timer_progress,
        })
    }

    /// The runtime-info entries Java's `buildRunningStats` adds: `scheduleMessageOffset_<level>` =
    /// `"<next offset to deliver>,<queue max offset>"` for every level that moved.
    pub(crate) fn running_stats(&self, store: &MessageStore) -> Vec<(String, String)> {
        self.delay_offsets
            .all()
            .into_iter()
            .map(|(level, offset)| {
                let max = store.max_offset(SCHEDULE_TOPIC, level_to_queue_id(level));
                (
                    format!("scheduleMessageOffset_{level}"),
                    format!("{offset},{max}"),
                )
            })
            .collect()
    }

    /// Writes both progress files, logging failures (at shutdown, after the tasks stopped).
    pub(crate) async fn persist(&self) {
        self.persist_file(ProgressFile::DelayOffsets).await;
        self.persist_file(ProgressFile::TimerProgress).await;
    }

    /// Writes one progress file, logging a failure.
    async fn persist_file(&self, file: ProgressFile) {
        let (name, written) = match file {
            ProgressFile::DelayOffsets => ("delayOffset.json", self.delay_offsets.persist().await),
            ProgressFile::TimerProgress => ("timerProgress.json", self.timer_progress.persist().await),
        };
        if let Err(error) = written {
            tracing::error!(%error, file = name, "could not write a progress file");
        }
    }
}

/// Starts the delivery task of every level, the timer task and the periodic writes of their progress.
pub(crate) fn spawn_tasks(state: &Arc<BrokerState>, stop: &CancellationToken) -> Vec<JoinHandle<()>> {
    let mut tasks: Vec<JoinHandle<()>> = state
        .schedule
        .settings
        .levels
        .levels()
        .map(|(level, _)| tokio::spawn(delivery::run_level(state.clone(), level, stop.clone())))
        .collect();
    if state.config.timer_wheel_enable {
        tasks.push(tokio::spawn(timer::run_timer(state.clone(), stop.clone())));
    }
    for (file, interval) in [
        (
            ProgressFile::DelayOffsets,
            state.config.flush_delay_offset_interval,
        ),
        (ProgressFile::TimerProgress, state.config.timer_flush_interval),
    ] {
        tasks.push(tokio::spawn(persist_every(
            state.clone(),
            file,
            interval,
            stop.clone(),
        )));
    }
    tasks
}

/// Writes `file` every `interval` (the first time one interval after start) until `stop`.
async fn persist_every(
    state: Arc<BrokerState>,
    file: ProgressFile,
    interval: Duration,
    stop: CancellationToken,
) {
    while pause(&stop, interval).await {
        state.schedule.persist_file(file).await;
    }
}

/// Sleeps `wait`; false when `stop` came first.
pub(crate) async fn pause(stop: &CancellationToken, wait: Duration) -> bool {
    tokio::select! {
        _ = stop.cancelled() => false,
        _ = tokio::time::sleep(wait) => !stop.is_cancelled(),
    }
}
