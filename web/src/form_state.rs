//! The reactive state of one form ([`FormState`]: what was entered, its local files and their
//! uploads, the checked body, the last Submit), shared by the UI's components (`crate::ui`)
//! and the mask editor (`crate::mask_editor`), which sits below the components and must not
//! reach up into them.

use leptos::prelude::*;
use wanedit_core::media::MediaInfo;
use wanedit_core::region::Region;
use web_sys::Blob;

use crate::forms::{self, Checked, Field, FormValues, LocalMedia, MaskKind, Op};

/// Where an upload of a local file stands.
#[derive(Debug, Clone, PartialEq)]
pub enum Upload {
    /// Reading the file.
    Probing,
    /// Checked and refused, or unreadable: nothing is sent.
    Blocked,
    /// Sending; the fraction sent.
    Sending(f64),
    /// Done; the `oss://` URL.
    Done(String),
    /// The upload failed.
    Failed(String),
}

/// A local file chosen for a media field.
#[derive(Clone)]
pub struct LocalFile {
    /// The field.
    pub field: Field,
    /// The reference image index, for lists.
    pub index: Option<usize>,
    /// The file name shown.
    pub name: String,
    /// An object URL for the preview.
    pub object_url: String,
    /// The bytes.
    pub blob: Blob,
    /// What the probe read.
    pub info: Option<MediaInfo>,
    /// Why the probe failed.
    pub probe_error: Option<String>,
    /// The upload.
    pub upload: Upload,
    /// Issues about the file's pixels, from whoever saw them (the mask editor's
    /// `MaskBitmap::check`); they join the form's issues.
    pub content_issues: Vec<wanedit_core::Issue>,
}

impl LocalFile {
    /// What validation knows of the file: its slot and what the probe read (`None` until
    /// the probe has read it).
    pub(crate) fn probed(&self) -> Option<LocalMedia> {
        Some(LocalMedia {
            field: self.field,
            index: self.index,
            info: self.info.clone()?,
        })
    }
}

/// What Submit did last.
#[derive(Debug, Clone, PartialEq)]
pub enum SubmitState {
    /// Nothing yet.
    Idle,
    /// In flight.
    Sending,
    /// Created this task.
    Done(String),
    /// Failed with this text.
    Failed(String, Vec<wanedit_core::Issue>),
}

/// The state of one form. Cheap to copy (signals).
#[derive(Clone, Copy)]
pub struct FormState {
    /// The operation.
    pub op: Op,
    /// What the user entered.
    pub values: RwSignal<FormValues>,
    /// Local files by field.
    pub files: RwSignal<Vec<LocalFile>, LocalStorage>,
    /// The size of the input video's preview (outpainting), when known.
    pub video_size: RwSignal<Option<(u32, u32)>>,
    /// The length (s) of the input video's preview, when known: a wan2.7 output follows it,
    /// so the poll schedule expects the run time of that length.
    pub video_s: RwSignal<Option<f64>>,
    /// The body and every issue, kept up to date.
    pub checked: Memo<Checked>,
    /// The last Submit.
    pub submit: RwSignal<SubmitState>,
    /// Feedback of the copy buttons.
    pub note: RwSignal<Option<String>>,
    /// Whether nothing was entered yet (missing values are not pointed out then).
    pub pristine: Memo<bool>,
}

impl FormState {
    pub(crate) fn new(op: Op, region: Memo<Region>) -> Self {
        let values = RwSignal::new(FormValues::default());
        let files: RwSignal<Vec<LocalFile>, LocalStorage> = RwSignal::new_local(Vec::new());
        let checked = Memo::new(move |_| {
            let local: Vec<LocalMedia> =
                files.with(|fs| fs.iter().filter_map(LocalFile::probed).collect());
            let mut checked = values.with(|v| region.with(|r| forms::check(op, v, r, &local)));
            // A mask image's pixels count only while the form sends a mask image.
            let mask_image = values.with(|v| v.mask_kind == MaskKind::Image);
            files.with(|fs| {
                for f in fs
                    .iter()
                    .filter(|f| mask_image || f.field != Field::MaskImageUrl)
                {
                    checked.issues.extend(f.content_issues.iter().cloned());
                }
            });
            checked
        });
        let pristine = Memo::new(move |_| values.with(|v| *v == FormValues::default()));
        FormState {
            op,
            pristine,
            values,
            files,
            video_size: RwSignal::new(None),
            video_s: RwSignal::new(None),
            checked,
            submit: RwSignal::new(SubmitState::Idle),
            note: RwSignal::new(None),
        }
    }

    /// Whether any local file is still being read or sent.
    pub fn busy(&self) -> bool {
        self.files.with(|fs| {
            fs.iter()
                .any(|f| matches!(f.upload, Upload::Probing | Upload::Sending(_)))
        })
    }
}
