//! What a simulator instance looks like: keys, clock speed, durations and limits.

use std::net::SocketAddr;
use std::time::{Duration, SystemTime};

/// Per-model behaviour: how long a task runs and the documented per-account limits.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelProfile {
    /// Virtual time from `scheduled_time` to `end_time`.
    pub run_duration: Duration,
    /// Accepted task submissions per (virtual) second; more gives 429 `Throttling.RateQuota`.
    pub submits_per_second: u32,
    /// Tasks RUNNING at once; further tasks stay PENDING until a slot frees.
    pub concurrent: usize,
}

/// Everything a simulator instance can be configured with. Start from [`SimConfig::default`].
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// Valid API keys. All of them belong to one simulated account, so every key sees every
    /// task and the rate limits are shared, as DashScope documents them "per account".
    pub keys: Vec<String>,
    /// Virtual seconds per real second: `1.0` is real time, `60.0` makes a 5-minute task take
    /// 5 s, `0.0` freezes the clock so only manual advances move it (deterministic tests).
    pub time_scale: f64,
    /// Where to listen; `None` binds `127.0.0.1:0` (a free port).
    pub listen: Option<SocketAddr>,
    /// Base URL put into `video_url` and `upload_host` (no trailing slash). `None` uses the
    /// bound address, `http://127.0.0.1:PORT`.
    pub public_base_url: Option<String>,
    /// Base URL of result links (`{base}/results/{id}.mp4`, no trailing slash). `None` uses
    /// the public base. A relay that runs the simulator in-process sets its own public URL
    /// and upstream path (`https://relay.example.com/sim`) here, so a browser on another
    /// machine can play results through the relay instead of the simulator's loopback port.
    pub result_base_url: Option<String>,
    /// Virtual time at start; `None` is the real current time.
    pub start_time: Option<SystemTime>,
    /// UTC offset, in minutes, of `submit_time`-style strings and of the list filter times.
    /// Default `480` (UTC+8, the DashScope regions' local time).
    pub utc_offset_minutes: i32,
    /// `region` reported in task lists.
    pub region: String,
    /// Virtual delay from submission until a task may be scheduled (it stays PENDING at least
    /// this long, even with a free slot).
    pub pickup_delay: Duration,
    /// `wan2.1-vace-plus` / `wanx2.1-vace-plus`.
    pub vace: ModelProfile,
    /// `wan2.7-videoedit`.
    pub wan27: ModelProfile,
    /// Every other served model (text-, image-, keyframe- and reference-to-video), each on its
    /// own rate and concurrency counters. The documents here give no limits or run times for
    /// them, so the default is wan2.7-videoedit's: 5 per second, 5 at once, 2 minutes.
    pub generic: ModelProfile,
    /// PENDING tasks allowed per model before submissions get 429 `Throttling`. DashScope
    /// documents no such cap (excess tasks simply queue), so the default `None` never rejects.
    pub max_queued_per_model: Option<usize>,
    /// Task queries (`GET /api/v1/tasks/{id}`) per virtual second per account (documented: 20);
    /// `None` disables the limit.
    pub queries_per_second: Option<u32>,
    /// Upload-policy requests per virtual second per model (documented: 100); `None` disables.
    pub policies_per_second: Option<u32>,
    /// How long a task id can be queried (24 h).
    pub task_ttl: Duration,
    /// How long a result `video_url` stays valid after the task ended (24 h).
    pub result_ttl: Duration,
    /// Largest upload accepted by the OSS endpoint, in bytes (100 MB).
    pub upload_max_bytes: u64,
    /// How long an upload policy is valid (300 s).
    pub policy_ttl: Duration,
    /// How long an uploaded `oss://` object can be used (48 h).
    pub object_ttl: Duration,
    /// Largest JSON request body accepted (413 `BadRequest.TooLarge` above it).
    pub max_body_bytes: usize,
    /// Requests kept in the inspection log (oldest dropped first).
    pub request_log_capacity: usize,
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            keys: vec!["sk-sim".into()],
            time_scale: 1.0,
            listen: None,
            public_base_url: None,
            result_base_url: None,
            start_time: None,
            utc_offset_minutes: 480,
            region: "cn-beijing".into(),
            pickup_delay: Duration::from_secs(2),
            vace: ModelProfile {
                run_duration: Duration::from_secs(5 * 60),
                submits_per_second: 2,
                concurrent: 2,
            },
            wan27: ModelProfile {
                run_duration: Duration::from_secs(2 * 60),
                submits_per_second: 5,
                concurrent: 5,
            },
            generic: ModelProfile {
                run_duration: Duration::from_secs(2 * 60),
                submits_per_second: 5,
                concurrent: 5,
            },
            max_queued_per_model: None,
            queries_per_second: Some(20),
            policies_per_second: Some(100),
            task_ttl: Duration::from_secs(24 * 3600),
            result_ttl: Duration::from_secs(24 * 3600),
            upload_max_bytes: 100 * 1024 * 1024,
            policy_ttl: Duration::from_secs(300),
            object_ttl: Duration::from_secs(48 * 3600),
            max_body_bytes: 128 * 1024 * 1024,
            request_log_capacity: 10_000,
        }
    }
}

impl SimConfig {
    /// A configuration for deterministic tests: frozen clock (`time_scale` 0), otherwise the
    /// defaults.
    pub fn frozen() -> Self {
        Self {
            time_scale: 0.0,
            ..Self::default()
        }
    }
}
