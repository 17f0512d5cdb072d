//! What a create-task body says about how long its task will run: [`RequestFeatures`] and the
//! run-time prior they map to ([`RunPrior`]).
//!
//! ## The mapping is an assumption
//! DashScope publishes no per-request time model, only that a VACE task takes about 5–10
//! minutes and a wan2.7-videoedit task about 1–5 minutes. What follows is our assumption,
//! shaped so that every request lands inside those documented ranges; the account's own
//! history corrects it (the poller's `with_history`).
//!
//! Run time here is `scheduled_time` → `end_time` (generation; queueing is not in it):
//!
//! - **wan2.7-videoedit**: generation grows with the output, `30 s + r × output seconds`,
//!   with `r` = 12 s per output second at `720P` and 24 s at `1080P` (the default): 54 s for
//!   2 s at 720P up to 270 s for 10 s at 1080P. The output seconds are `parameters.duration`
//!   (2–10); when it is absent or 0 the output follows the input video (2–10 s), whose length
//!   the body does not carry: then the prior spans 2–10 s unless the caller knows the length
//!   ([`RequestFeatures::with_input_video_s`]).
//! - **VACE** (output always 5 s at about 0.9 megapixels): the function decides the work:
//!   `image_reference` 6 min, `video_extension` 6.5 min, `video_repainting` and
//!   `video_outpainting` 7.5 min, `video_edit` 8 min (mask tracking on top), scaled by the
//!   output pixels of `parameters.size` (the five sizes differ by under 2 %).
//! - Spread: ln(run time) varies by [`SIGMA_TASK`] between alike requests of one account and
//!   the mapping itself may be off by [`SIGMA_MAPPING`] for an account, so a first task's prior
//!   has σ ≈ 0.23 (±23 %), narrower than a model's whole documented range but well inside it.
//! - Anything the mapping cannot read (an unknown model, a missing or invalid function,
//!   resolution, size or duration) falls back to the per-model prior of
//!   [`model_prior`] (which `PollSchedule::for_model` uses too): VACE median 7 min σ 0.25,
//!   wan2.7 (and unknown models) median 2.5 min σ 0.45.
//!
//! This module imports no other module of `poll`: the schedule, the learning and the poller
//! build on it.

use serde_json::Value;

use crate::model::{Resolution, Size, VaceFunction};
use crate::{Family, Model};

/// Spread (σ of ln run time) between alike requests of one account.
pub const SIGMA_TASK: f64 = 0.12;
/// How far (σ of ln) our request → run-time mapping may be off for an account.
pub const SIGMA_MAPPING: f64 = 0.20;

/// wan2.7: fixed part of a run, seconds.
const WAN27_BASE_S: f64 = 30.0;
/// wan2.7: run seconds per output second at 720P / 1080P.
const WAN27_RATE_720P: f64 = 12.0;
const WAN27_RATE_1080P: f64 = 24.0;
/// Output pixels of the default VACE size, 1280*720.
const VACE_DEFAULT_PIXELS: u32 = 1280 * 720;

/// What a request says about its run time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RequestFeatures {
    /// Only the model is known (the model's family; `None` for an unknown model), or the body
    /// is not a request the mapping can read: the per-model prior.
    Model(Option<Family>),
    /// A VACE request.
    Vace {
        /// `input.function`.
        function: VaceFunction,
        /// Output pixels (`parameters.size` of `image_reference` and `video_edit`, 1280*720
        /// by default; the other functions follow their input).
        pixels: u32,
    },
    /// A wan2.7-videoedit request.
    VideoEdit27 {
        /// `parameters.resolution` (`1080P` by default).
        resolution: Resolution,
        /// Output seconds: `parameters.duration` (2–10); `None` when the output follows the
        /// input video and its length is not known.
        output_s: Option<f64>,
    },
}

/// The run-time prior of a request: a log-normal of `scheduled_time` → `end_time`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RunPrior {
    /// Median run time, seconds.
    pub median_s: f64,
    /// The part of the spread from what the request leaves open (0 when nothing is).
    pub feature_sigma: f64,
    /// The whole spread (σ of ln run time) before any history:
    /// `sqrt(SIGMA_TASK² + SIGMA_MAPPING² + feature_sigma²)`.
    pub sigma: f64,
}

impl RunPrior {
    fn new(median_s: f64, feature_sigma: f64) -> Self {
        RunPrior {
            median_s,
            feature_sigma,
            sigma: (SIGMA_TASK * SIGMA_TASK
                + SIGMA_MAPPING * SIGMA_MAPPING
                + feature_sigma.powi(2))
            .sqrt(),
        }
    }
}

/// The completion-time prior of a model family when nothing but the model is known: median
/// seconds and σ of ln. VACE (about 5–10 minutes): 7 min, σ 0.25; wan2.7-videoedit (about 1–5
/// minutes) and unknown models (the shorter tasks, so nothing is detected late): 2.5 min, σ 0.45.
pub(crate) fn model_prior(family: Option<Family>) -> (f64, f64) {
    match family {
        Some(Family::Vace) => (420.0, 0.25),
        _ => (150.0, 0.45),
    }
}

fn model_family(model: &str) -> Option<Family> {
    Model::parse(model).map(Model::family)
}

impl RequestFeatures {
    /// Only the model: the per-model prior.
    pub fn for_model(model: &str) -> Self {
        RequestFeatures::Model(model_family(model))
    }

    /// Reads a create-task body. Whatever the mapping cannot read (see the module docs) gives
    /// [`RequestFeatures::Model`] of the body's model.
    pub fn from_body(body: &Value) -> Self {
        let family = body
            .get("model")
            .and_then(Value::as_str)
            .and_then(model_family);
        Self::read(body, family).unwrap_or(RequestFeatures::Model(family))
    }

    fn read(body: &Value, family: Option<Family>) -> Option<Self> {
        let params = match body.get("parameters") {
            None | Some(Value::Null) => None,
            Some(p) => Some(p.as_object()?),
        };
        let param = |key: &str| params.and_then(|p| p.get(key)).filter(|v| !v.is_null());
        match family? {
            Family::Vace => {
                let function = body
                    .get("input")?
                    .get("function")?
                    .as_str()
                    .and_then(VaceFunction::parse)?;
                let sized = matches!(
                    function,
                    VaceFunction::ImageReference | VaceFunction::VideoEdit
                );
                let pixels = match param("size") {
                    Some(size) if sized => {
                        let (w, h) = Size::parse(size.as_str()?)?.dimensions();
                        w * h
                    }
                    _ => VACE_DEFAULT_PIXELS,
                };
                Some(RequestFeatures::Vace { function, pixels })
            }
            Family::VideoEdit27 => {
                let resolution = match param("resolution") {
                    Some(r) => Resolution::parse(r.as_str()?)?,
                    None => Resolution::P1080,
                };
                let output_s = match param("duration") {
                    None => None,
                    Some(d) => {
                        let d = d.as_f64()?;
                        let (lo, hi) = crate::model::limits::WAN27_DURATION_RANGE_S;
                        if d == 0.0 {
                            None
                        } else if d >= lo as f64 && d <= hi as f64 {
                            Some(d)
                        } else {
                            return None;
                        }
                    }
                };
                Some(RequestFeatures::VideoEdit27 {
                    resolution,
                    output_s,
                })
            }
        }
    }

    /// The same request, with the input video's length (seconds; from a media probe) filling
    /// in a wan2.7 output length the body leaves to the input. Otherwise unchanged.
    pub fn with_input_video_s(self, seconds: f64) -> Self {
        match self {
            RequestFeatures::VideoEdit27 {
                resolution,
                output_s: None,
            } if seconds.is_finite() && seconds > 0.0 => {
                let (lo, hi) = crate::model::limits::WAN27_DURATION_RANGE_S;
                RequestFeatures::VideoEdit27 {
                    resolution,
                    output_s: Some(seconds.max(lo as f64).min(hi as f64)),
                }
            }
            other => other,
        }
    }

    /// The model family, when known.
    pub fn family(&self) -> Option<Family> {
        match self {
            RequestFeatures::Model(f) => *f,
            RequestFeatures::Vace { .. } => Some(Family::Vace),
            RequestFeatures::VideoEdit27 { .. } => Some(Family::VideoEdit27),
        }
    }

    /// Whether everything the mapping reads is known (its `feature_sigma` is 0).
    pub fn is_exact(&self) -> bool {
        matches!(
            self,
            RequestFeatures::Vace { .. }
                | RequestFeatures::VideoEdit27 {
                    output_s: Some(_),
                    ..
                }
        )
    }

    /// Whether two requests are of one class for learning: same model family and function
    /// or resolution, and the output length known in both or in neither.
    pub fn same_class(&self, other: &RequestFeatures) -> bool {
        match (self, other) {
            (RequestFeatures::Model(a), RequestFeatures::Model(b)) => a == b,
            (
                RequestFeatures::Vace { function: a, .. },
                RequestFeatures::Vace { function: b, .. },
            ) => a == b,
            (
                RequestFeatures::VideoEdit27 {
                    resolution: ra,
                    output_s: sa,
                },
                RequestFeatures::VideoEdit27 {
                    resolution: rb,
                    output_s: sb,
                },
            ) => ra == rb && sa.is_some() == sb.is_some(),
            _ => false,
        }
    }

    /// The run-time prior of this request (the mapping in the module docs).
    pub fn run_prior(&self) -> RunPrior {
        match *self {
            RequestFeatures::Model(family) => {
                let (median_s, sigma) = model_prior(family);
                let rest = SIGMA_TASK * SIGMA_TASK + SIGMA_MAPPING * SIGMA_MAPPING;
                RunPrior::new(median_s, (sigma * sigma - rest).max(0.0).sqrt())
            }
            RequestFeatures::Vace { function, pixels } => {
                let base = match function {
                    VaceFunction::ImageReference => 360.0,
                    VaceFunction::VideoExtension => 390.0,
                    VaceFunction::VideoRepainting | VaceFunction::VideoOutpainting => 450.0,
                    VaceFunction::VideoEdit => 480.0,
                };
                RunPrior::new(
                    base * f64::from(pixels) / f64::from(VACE_DEFAULT_PIXELS),
                    0.0,
                )
            }
            RequestFeatures::VideoEdit27 {
                resolution,
                output_s,
            } => {
                let rate = match resolution {
                    Resolution::P720 => WAN27_RATE_720P,
                    Resolution::P1080 => WAN27_RATE_1080P,
                };
                match output_s {
                    Some(s) => RunPrior::new(WAN27_BASE_S + rate * s, 0.0),
                    None => {
                        // The log-normal matching ln(run) over output lengths spread evenly
                        // over 2–10 s.
                        let logs: [f64; 17] = core::array::from_fn(|i| {
                            (WAN27_BASE_S + rate * (2.0 + 0.5 * i as f64)).ln()
                        });
                        let mean = logs.iter().sum::<f64>() / 17.0;
                        let var = logs.iter().map(|l| (l - mean).powi(2)).sum::<f64>() / 17.0;
                        RunPrior::new(mean.exp(), var.sqrt())
                    }
                }
            }
        }
    }
}
