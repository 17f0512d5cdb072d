//! The task list: status, elapsed time, cancel, failure explanation, result video with its
//! download link and expiry countdown, and "use as input".

use leptos::prelude::*;
use wanedit_core::task::{explain_failure, TaskStatus};

use super::rx;
use super::{actions, Ctx};
use crate::forms::{FormValues, Op};
use crate::i18n::{op_name, status_name};
use crate::tasks::{format_countdown, format_elapsed, retry_countdown, status_class, TaskRecord};

#[component]
pub fn TaskList() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let ids = Memo::new(move |_| {
        ctx.tasks
            .with(|ts| ts.iter().map(|t| t.task_id.clone()).collect::<Vec<_>>())
    });
    let list_status = RwSignal::new(None::<String>);
    let list_enabled = Memo::new(move |_| {
        let up = ctx.settings.with(|s| s.upstream.clone());
        ctx.relay
            .with(|r| r.upstream(&up).is_some_and(|u| u.list_enabled))
    });
    view! {
        <section class="panel tasks" aria-labelledby="tasks-h">
            <h2 id="tasks-h">
                {ctx.tr(|s| s.tasks)}
                <span class="count">{rx(move || format!(" ({})", ids.with(Vec::len)))}</span>
            </h2>
            <div class="task-tools">
                <button
                    type="button"
                    class="load-account"
                    disabled=rx(move || !list_enabled.get())
                    on:click=move |_| actions::load_account(ctx, list_status)
                >
                    {ctx.tr(|s| s.load_account_tasks)}
                </button>
                <span class="note" role="status">
                    {rx(move || {
                        if list_enabled.get() {
                            list_status.get().unwrap_or_default()
                        } else {
                            ctx.t().list_disabled.to_string()
                        }
                    })}
                </span>
            </div>
            <Show when=move || ids.with(Vec::is_empty)>
                <p class="empty">{ctx.tr(|s| s.no_tasks)}</p>
            </Show>
            <ul class="task-list">
                <For each=move || ids.get() key=|id| id.clone() let:id>
                    <TaskRow id />
                </For>
            </ul>
        </section>
    }
}

#[component]
fn TaskRow(id: String) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let key = id.clone();
    let record = Memo::new(move |_| {
        ctx.tasks
            .with(|ts| ts.iter().find(|t| t.task_id == key).cloned())
    });
    let status = Memo::new(move |_| {
        record.with(|r| {
            r.as_ref()
                .map(|r| r.status.clone())
                .unwrap_or(TaskStatus::Unknown)
        })
    });
    view! {
        <li
            class="task"
            data-task-id=id.clone()
            data-status=rx(move || status.with(status_class))
        >
            {rx(move || record.get().map(|r| row(ctx, r)))}
        </li>
    }
}

fn row(ctx: Ctx, r: TaskRecord) -> impl IntoView {
    let t = ctx.t();
    let lang = ctx.lang.get_untracked();
    let id = r.task_id.clone();
    let title = match r.op {
        Some(op) => op_name(lang, op).to_string(),
        None => r.model.clone(),
    };
    let status = r.status.clone();
    let cls = format!("badge status-{}", status_class(&status));
    let submitted = r.submitted_ms;
    let finished = r.finished_ms;
    let elapsed = move || {
        let now = ctx.now.get();
        let end = finished.unwrap_or(now);
        format_elapsed((end - submitted) / 1000.0)
    };
    let pending = status == TaskStatus::Pending;
    let open = !status.is_final();
    let note = {
        let id = id.clone();
        rx(move || ctx.task_notes.with(|n| n.get(&id).cloned()))
    };
    let failure = (status == TaskStatus::Failed).then(|| {
        let code = r.code.clone().unwrap_or_default();
        let explanation = explain_failure(&code);
        view! {
            <div class="failure" role="group">
                <p>
                    {format!("{}: ", t.failure_code)}
                    <code class="failure-code">{code}</code>
                </p>
                <p class="failure-message">{r.message.clone().unwrap_or_default()}</p>
                <p class="explanation">{format!("{}: {explanation}", t.explanation)}</p>
            </div>
        }
    });
    let result = r.video_url.clone().filter(|_| status == TaskStatus::Succeeded).map(|url| {
        let expires = r.expires_ms;
        let countdown = move || {
            let left = expires.map(|e| e - ctx.now.get());
            match left.and_then(format_countdown) {
                Some(text) => format!("{} {text}", ctx.t().expires_in),
                None => ctx.t().expired.to_string(),
            }
        };
        // Only the operations this editor offers that read a video.
        let targets: Vec<Op> = ctx.ops.with_untracked(|ops| {
            ops.iter()
                .copied()
                .filter(|op| FormValues::with_input_video(*op, "").is_some())
                .collect()
        });
        let first = targets.first().copied();
        let target = RwSignal::new(first.unwrap_or(Op::VideoRepainting));
        let url_use = url.clone();
        let select_id = format!("use-{}", r.task_id);
        view! {
            <div class="result">
                <video class="result-video" src=url.clone() controls playsinline preload="metadata"></video>
                <p class="result-links">
                    <a class="download" href=url.clone() download target="_blank" rel="noopener">
                        {t.download}
                    </a>
                    " · "
                    <span class="expiry">{countdown}</span>
                </p>
                <div class="use-as-input" hidden=first.is_none()>
                    <label for=select_id.clone()>{t.use_in}</label>
                    <select
                        id=select_id
                        on:change=move |ev| {
                            if let Some(op) = Op::parse(&event_target_value(&ev)) {
                                target.set(op);
                            }
                        }
                    >
                        {targets
                            .into_iter()
                            .map(|op| view! {
                                <option value=op.slug() selected=Some(op) == first>
                                    {op_name(lang, op)}
                                </option>
                            })
                            .collect_view()}
                    </select>
                    <button
                        type="button"
                        class="use-input"
                        on:click=move |_| actions::use_as_input(ctx, target.get_untracked(), &url_use)
                    >
                        {t.use_as_input}
                    </button>
                </div>
            </div>
        }
    });
    let id_cancel = id.clone();
    let id_check = id.clone();
    let id_forget = id.clone();
    view! {
        <div class="task-head">
            <span class=cls>{status_name(lang, &status)}</span>
            <strong class="task-title">{title}</strong>
            <span class="elapsed">{rx(move || format!("{} {}", ctx.t().elapsed, elapsed()))}</span>
        </div>
        {(!r.prompt.is_empty()).then(|| view! { <p class="prompt">{r.prompt.clone()}</p> })}
        <p class="meta">
            {format!("{} ", t.task_id)}
            <code class="task-id">{id.clone()}</code>
            {format!(" · {} · {}", r.model, r.upstream)}
            {r.request.is_none().then(|| format!(" · {}", t.imported))}
        </p>
        {open.then(|| view! { <progress class="working" aria-label=t.check_now></progress> })}
        {failure}
        {result}
        {r.actual_prompt.clone().map(|p| view! {
            <details class="actual-prompt"><summary>{t.actual_prompt}</summary><p>{p}</p></details>
        })}
        {r.poll_error.clone().map(|e| {
            // The next try's countdown, on the app's clock.
            let retry = r.poll_retry_ms.map(|at| {
                rx(move || format!(" {}", retry_countdown(ctx.lang.get(), at, ctx.now.get())))
            });
            view! {
                <p class="warn poll-error" role="status">
                    {format!("{}: {e}", t.polling_error)}
                    <span class="retry">{retry}</span>
                </p>
            }
        })}
        <p class="warn task-note" role="status">{note}</p>
        <div class="task-actions">
            {pending.then(|| view! {
                <button type="button" class="cancel" on:click=move |_| actions::cancel(ctx, id_cancel.clone())>
                    {t.cancel}
                </button>
            })}
            {open.then(|| view! {
                <button type="button" class="check" on:click=move |_| actions::check_now(ctx, id_check.clone())>
                    {t.check_now}
                </button>
            })}
            <button type="button" class="link forget" on:click=move |_| actions::forget(ctx, id_forget.clone())>
                {t.forget_task}
            </button>
        </div>
    }
}
