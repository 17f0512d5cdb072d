//! A media field: a URL, or a local file (picker or drag and drop) that is previewed,
//! probed, checked against the media rules and uploaded through the relay with progress.

use leptos::html;
use leptos::prelude::*;
use wanedit_core::model::ObjOrBg;
use wasm_bindgen::JsCast;

use super::actions;
use super::field_frame::{dom_id, issues_id, FieldLabel, Issues};
use super::rx;
use super::{Ctx, FormState, Upload};
use crate::forms::{Field, Target};
use crate::i18n::field_label;
use crate::media::facts;

/// A single media field.
pub fn single(form: FormState, field: Field) -> AnyView {
    view! {
        <div class="field media-field" data-field=field.api_name()>
            <FieldLabel form field />
            <MediaSlot form field index=None />
        </div>
    }
    .into_any()
}

/// A list of reference images (with their roles for multi-image reference).
pub fn list(form: FormState, field: Field, max: usize) -> AnyView {
    let ctx = expect_context::<Ctx>();
    let count = Memo::new(move |_| form.values.with(|v| v.refs.len()));
    let with_roles = form.op.fields().contains(&Field::ObjOrBg);
    let heading_id = format!("{}-heading", dom_id(form, field, None));
    let labelled_by = heading_id.clone();
    view! {
        <fieldset class="field media-list" data-field=field.api_name() aria-labelledby=labelled_by>
            <legend id=heading_id>
                <span class="label-text">{ctx.label(field)}</span>
                " "
                <code class="api-name">{field.api_name()}</code>
                <span class="count">{rx(move || format!(" {} / {max}", count.get()))}</span>
            </legend>
            {rx(move || {
                (0..count.get())
                    .map(|i| {
                        view! {
                            <div class="media-item" data-index=i>
                                <div class="item-head">
                                    <label for=dom_id(form, field, Some(i))>
                                        {rx(move || format!("{} {}", ctx.t().image_n, i + 1))}
                                    </label>
                                    <button
                                        type="button"
                                        class="link remove"
                                        on:click=move |_| actions::remove_ref(form, field, i)
                                    >
                                        {ctx.tr(|s| s.remove)}
                                    </button>
                                </div>
                                <MediaSlot form field index=Some(i) />
                                {with_roles.then(|| role_select(form, i))}
                            </div>
                        }
                    })
                    .collect_view()
            })}
            <button
                type="button"
                class="add"
                disabled=rx(move || { count.get() >= max })
                on:click=move |_| form.values.update(|v| v.add_ref())
            >
                {rx(move || format!("+ {}", ctx.t().add_image))}
            </button>
            <Issues form target=Target { field, index: None } />
        </fieldset>
    }
    .into_any()
}

/// The URL input, file picker, drop zone, facts, upload progress, preview and issues of one
/// media value.
#[component]
pub fn MediaSlot(form: FormState, field: Field, index: Option<usize>) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let family = form.op.family();
    let video = field.takes_video(family);
    let id = dom_id(form, field, index);
    let file_ref = NodeRef::<html::Input>::new();
    let dragging = RwSignal::new(false);
    let url = move || form.values.with(|v| v.media(field, index).to_string());
    let local = Memo::new(move |_| {
        form.files.with(|fs| {
            fs.iter()
                .find(|f| f.field == field && f.index == index)
                .map(|f| {
                    (
                        f.name.clone(),
                        f.object_url.clone(),
                        f.info.clone(),
                        f.probe_error.clone(),
                        f.upload.clone(),
                    )
                })
        })
    });
    // A memo: the preview element is made again only when its source changes, not on every
    // edit of the form (each new element fetches the URL again).
    let preview_src = Memo::new(move |_| match local.get() {
        Some((_, object_url, ..)) => Some(object_url),
        None => {
            let u = url();
            (u.starts_with("http://") || u.starts_with("https://")).then_some(u)
        }
    });
    // The source whose preview failed to load: it is not fetched again until the user asks
    // (or enters another URL), and the failure is shown.
    let failed = RwSignal::new(None::<String>);
    let on_error = move |_| failed.set(preview_src.get_untracked());
    // Spaces typed or pasted into the URL were encoded (DashScope takes no spaces).
    let encoded = RwSignal::new(false);
    let take = move |files: Option<web_sys::FileList>| {
        if let Some(file) = files.and_then(|l| l.get(0)) {
            let name = file.name();
            actions::accept_file(ctx, form, field, index, file.into(), name);
        }
    };
    let accept = if video {
        "video/mp4,video/quicktime,.mp4,.mov"
    } else {
        "image/jpeg,image/png,image/bmp,image/tiff,image/webp,.jpg,.jpeg,.png,.bmp,.tif,.tiff,.webp"
    };
    let on_meta = move |ev: web_sys::Event| {
        if let Some(v) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlVideoElement>().ok())
        {
            let seconds = v.duration();
            if matches!(field, Field::VideoUrl | Field::Video27)
                && seconds.is_finite()
                && seconds > 0.0
            {
                form.video_s.set(Some(seconds));
            }
            if field == Field::VideoUrl && v.video_width() > 0 {
                form.video_size
                    .set(Some((v.video_width(), v.video_height())));
            }
        }
    };
    view! {
        <div
            class="media"
            class:dragging=rx(move || dragging.get())
            on:dragover=move |ev: web_sys::DragEvent| {
                ev.prevent_default();
                dragging.set(true);
            }
            on:dragleave=move |_| dragging.set(false)
            on:drop=move |ev: web_sys::DragEvent| {
                ev.prevent_default();
                dragging.set(false);
                take(ev.data_transfer().and_then(|d| d.files()));
            }
        >
            <div class="media-row">
                <input
                    id=id.clone()
                    type="url"
                    aria-describedby=issues_id(form, field, index)
                    inputmode="url"
                    spellcheck="false"
                    placeholder=ctx.tr(|s| s.url_placeholder)
                    prop:value=url
                    on:change=move |ev| {
                        let (v, changed) = encode_spaces(event_target_value(&ev).trim());
                        encoded.set(changed);
                        actions::drop_file(form, field, index);
                        form.values.update(|vals| vals.set_media(field, index, v));
                    }
                />
                <button
                    type="button"
                    class="pick"
                    on:click=move |_| {
                        if let Some(input) = file_ref.get() {
                            input.click();
                        }
                    }
                >
                    {ctx.tr(|s| s.choose_file)}
                </button>
                <input
                    node_ref=file_ref
                    class="file-input"
                    type="file"
                    accept=accept
                    tabindex="-1"
                    aria-label=rx(move || format!("{} ({})", field_label(ctx.lang.get(), field), ctx.t().choose_file))
                    on:change=move |ev| {
                        let input: web_sys::HtmlInputElement = event_target(&ev);
                        take(input.files());
                        input.set_value("");
                    }
                />
                <Show when=move || !url().is_empty() || local.with(Option::is_some)>
                    <button
                        type="button"
                        class="link clear"
                        on:click=move |_| {
                            encoded.set(false);
                            actions::drop_file(form, field, index);
                            form.values.update(|vals| vals.set_media(field, index, String::new()));
                        }
                    >
                        {ctx.tr(|s| s.clear)}
                    </button>
                </Show>
            </div>
            <Show when=move || encoded.get()>
                <p class="issue warning url-encoded" role="status">{ctx.tr(|s| s.url_spaces_encoded)}</p>
            </Show>
            <p class="drop-hint">{ctx.tr(|s| s.drop_hint)}</p>
            {rx(move || {
                local
                    .get()
                    .map(|(name, _, info, probe_error, upload)| {
                        let t = ctx.t();
                        let facts_view = info
                            .as_ref()
                            .map(|i| {
                                view! {
                                    <ul class="facts">
                                        {facts(i)
                                            .into_iter()
                                            .map(|f| view! { <li>{f}</li> })
                                            .collect_view()}
                                    </ul>
                                }
                            });
                        let probe_view = probe_error
                            .map(|e| view! { <p class="issue error">{format!("{}: {e}", t.probe_failed)}</p> });
                        let status = match upload {
                            Upload::Probing => view! { <p class="upload">{t.loading}</p> }.into_any(),
                            Upload::Blocked => view! { <p class="upload blocked">{t.not_uploaded}</p> }.into_any(),
                            Upload::Sending(p) => {
                                view! {
                                    <div class="upload sending" role="status">
                                        <progress max="1" value=crate::num::shortest(p)></progress>
                                        <span>{format!("{} {}%", t.uploading, crate::num::fixed(p * 100.0, 0))}</span>
                                    </div>
                                }
                                    .into_any()
                            }
                            Upload::Done(_) => view! { <p class="upload done">{format!("✓ {}", t.uploaded)}</p> }.into_any(),
                            Upload::Failed(e) => {
                                view! {
                                    <div class="upload failed" role="alert">
                                        <p class="issue error">{format!("{}: {e}", t.upload_failed)}</p>
                                        <button
                                            type="button"
                                            class="retry"
                                            on:click=move |_| actions::upload(ctx, form, field, index)
                                        >
                                            {t.retry_upload}
                                        </button>
                                    </div>
                                }
                                    .into_any()
                            }
                        };
                        view! {
                            <div class="local">
                                <p class="file-name">{format!("{}: {name}", t.issue_in_file)}</p>
                                {facts_view}
                                {probe_view}
                                {status}
                            </div>
                        }
                    })
            })}
            {rx(move || {
                let src = preview_src.get()?;
                if failed.with(|f| f.as_ref() == Some(&src)) {
                    return Some(
                        view! {
                            <div class="preview-failed" role="status">
                                <p class="issue warning">{ctx.t().preview_failed}</p>
                                <button type="button" class="link retry-preview" on:click=move |_| failed.set(None)>
                                    {ctx.t().retry_preview}
                                </button>
                            </div>
                        }
                        .into_any(),
                    );
                }
                Some(src)
                    .map(|src| {
                        if video {
                            view! {
                                <video
                                    class="preview"
                                    src=src
                                    controls
                                    muted
                                    playsinline
                                    preload="metadata"
                                    on:loadedmetadata=on_meta
                                    on:error=on_error
                                ></video>
                            }
                                .into_any()
                        } else {
                            view! { <img class="preview" src=src alt="" on:error=on_error /> }.into_any()
                        }
                    })
            })}
            <Issues form target=Target { field, index } />
        </div>
    }
}

/// `url` with its whitespace percent-encoded (`%20` for a space), and whether there was any:
/// a URL with a space is not one DashScope fetches, and the encoded one is what was meant.
fn encode_spaces(url: &str) -> (String, bool) {
    let mut out = String::with_capacity(url.len());
    let mut changed = false;
    for c in url.chars() {
        if c.is_ascii_whitespace() {
            changed = true;
            out.push_str(match c {
                ' ' => "%20",
                '\t' => "%09",
                '\n' => "%0A",
                '\r' => "%0D",
                _ => "%0C",
            });
        } else {
            out.push(c);
        }
    }
    (out, changed)
}

/// The role select of reference image `index` (`obj_or_bg`).
fn role_select(form: FormState, index: usize) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let id = dom_id(form, Field::ObjOrBg, Some(index));
    let current = move || form.values.with(|v| v.roles.get(index).copied());
    view! {
        <div class="role">
            <label for=id.clone()>
                {ctx.label(Field::ObjOrBg)}
                " "
                <code class="api-name">{format!("obj_or_bg[{index}]")}</code>
            </label>
            <select
                id=id
                aria-describedby=issues_id(form, Field::ObjOrBg, Some(index))
                on:change=move |ev| {
                    let v = event_target_value(&ev);
                    if let Some(role) = ObjOrBg::parse(&v) {
                        form.values.update(|vals| {
                            if let Some(r) = vals.roles.get_mut(index) {
                                *r = role;
                            }
                        });
                    }
                }
            >
                {ObjOrBg::ALL
                    .iter()
                    .map(|role| {
                        let role = *role;
                        view! {
                            <option value=role.as_str() selected=rx(move || current() == Some(role))>
                                {rx(move || match role {
                                    ObjOrBg::Obj => ctx.t().role_obj,
                                    ObjOrBg::Bg => ctx.t().role_bg,
                                })}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
            <Issues form target=Target { field: Field::ObjOrBg, index: Some(index) } />
        </div>
    }
}
