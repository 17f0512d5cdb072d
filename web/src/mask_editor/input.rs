//! What the mask editor reads of its form: the video to mask, whether the editor can open on
//! it, and whether the video is still being read.

use leptos::prelude::*;

use super::state::Source;
use crate::form_state::FormState;
use crate::forms::Field;

/// Whether the editor can open (tracked): it needs the video's exact size, from a probed local
/// file or an http(s) URL whose preview loaded.
pub(super) fn can_open(form: FormState) -> bool {
    let local = form.files.with(|fs| {
        fs.iter()
            .any(|f| f.field == Field::VideoUrl && f.index.is_none() && f.info.is_some())
    });
    local
        || (form.video_size.get().is_some()
            && form.values.with(|v| {
                let u = v.url(Field::VideoUrl);
                u.starts_with("http://") || u.starts_with("https://")
            }))
}

/// Whether the local video is still being probed (its size is not known yet).
pub(super) fn probing(form: FormState) -> bool {
    form.files.with_untracked(|fs| {
        fs.iter()
            .any(|f| f.field == Field::VideoUrl && f.info.is_none() && f.probe_error.is_none())
    })
}

/// The video of the form to mask: its local file, else an http(s) or blob URL.
pub(super) fn source(form: FormState) -> Option<Source> {
    let local = form.files.with_untracked(|fs| {
        fs.iter()
            .find(|f| f.field == Field::VideoUrl && f.index.is_none())
            .map(|f| Source {
                key: f.object_url.clone(),
                url: f.object_url.clone(),
                size: f.info.as_ref().map(|i| (i.width, i.height)),
                fps: f.info.as_ref().and_then(|i| i.fps),
                duration: f.info.as_ref().and_then(|i| i.duration_s),
            })
    });
    if local.is_some() {
        return local;
    }
    let url = form
        .values
        .with_untracked(|v| v.url(Field::VideoUrl).trim().to_string());
    (url.starts_with("http://") || url.starts_with("https://") || url.starts_with("blob:")).then(
        || Source {
            key: url.clone(),
            url,
            size: form.video_size.get_untracked(),
            fps: None,
            duration: None,
        },
    )
}
