//! Time and cancellation on the JavaScript event loop: the global `setTimeout` /
//! `clearTimeout` (present in browsers, workers and Node alike; no `window` needed),
//! `Date.now()`, and [`Interrupter`], an `AbortController` that aborts when the caller's
//! signal does or when a timeout passes.

use core::time::Duration;
use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, AbortSignal};

use crate::{Boxed, WanError};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &Function, ms: f64) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(id: &JsValue);
}

/// The longest delay `setTimeout` takes (2^31 - 1 ms); longer ones fire at once.
const MAX_TIMER_MS: f64 = 2_147_483_647.0;

fn timer_ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 1000.0).clamp(0.0, MAX_TIMER_MS)
}

/// `method.bind(this, undefined)`: a function calling `method` on `this` with `undefined` as
/// first argument, whatever it is called with (an event listener's event, say).
pub(crate) fn bind_undefined(method: Function, this: &JsValue) -> Function {
    let method: Function<fn(JsValue) -> JsValue> = method.unchecked_into();
    method.bind1(this, &JsValue::UNDEFINED).unchecked_into()
}

/// Milliseconds since the epoch (`Date.now()`).
pub(crate) fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// Waits `d`, or until `signal` aborts (`Err(())`). The timer and the listener are removed
/// either way, so nothing keeps a Node process alive afterwards.
pub(crate) fn sleep<'a>(d: Duration, signal: &'a AbortSignal) -> Boxed<'a, Result<(), ()>> {
    Box::pin(async move {
        if signal.aborted() {
            return Err(());
        }
        let mut timer = JsValue::UNDEFINED;
        let mut reject = None;
        let promise = Promise::new(&mut |resolve, rej| {
            timer = set_timeout(&resolve, timer_ms(d));
            let _ = signal.add_event_listener_with_callback("abort", &rej);
            reject = Some(rej);
        });
        let outcome = JsFuture::from(promise).await;
        clear_timeout(&timer);
        if let Some(rej) = reject {
            let _ = signal.remove_event_listener_with_callback("abort", &rej);
        }
        outcome.map(drop).map_err(drop)
    })
}

/// An `AbortController` linked to the caller's signal and an optional timeout. Every request
/// and sleep of a call uses its signal, so an abort or a timeout stops whatever is in flight.
/// It aborts without a reason (a `DOMException` named `AbortError`), whatever reason the
/// caller's signal carries. Dropping it unlinks it and clears the timer.
pub(crate) struct Interrupter {
    controller: AbortController,
    abort: Function,
    user: Option<AbortSignal>,
    timer: Option<JsValue>,
}

impl Interrupter {
    /// Links a new controller to `user` and, with `timeout`, to a timer.
    pub(crate) fn new(
        user: Option<&AbortSignal>,
        timeout: Option<Duration>,
    ) -> Result<Interrupter, WanError> {
        let controller = AbortController::new()
            .map_err(|_| WanError::invalid("AbortController is not available"))?;
        let method: Function = Reflect::get(&controller, &JsValue::from_str("abort"))
            .map_err(|_| WanError::invalid("AbortController.abort is not available"))?
            .unchecked_into();
        // Bound with an explicit `undefined` reason: a listener's event or a timer argument
        // must not become the abort reason.
        let abort = bind_undefined(method, &controller);
        let user = user.cloned();
        if let Some(signal) = &user {
            if signal.aborted() {
                controller.abort();
            } else {
                let _ = signal.add_event_listener_with_callback("abort", &abort);
            }
        }
        let timer = timeout.map(|d| set_timeout(&abort, timer_ms(d)));
        Ok(Interrupter {
            controller,
            abort,
            user,
            timer,
        })
    }

    /// The signal to give every request and sleep.
    pub(crate) fn signal(&self) -> AbortSignal {
        self.controller.signal()
    }

    /// Whether the caller's own signal aborted (rather than the timeout).
    pub(crate) fn user_aborted(&self) -> bool {
        self.user.as_ref().is_some_and(AbortSignal::aborted)
    }
}

impl Drop for Interrupter {
    fn drop(&mut self) {
        if let Some(timer) = &self.timer {
            clear_timeout(timer);
        }
        if let Some(signal) = &self.user {
            let _ = signal.remove_event_listener_with_callback("abort", &self.abort);
        }
    }
}
