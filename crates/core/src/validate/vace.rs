//! Rules of `wan2.1-vace-plus` / `wanx2.1-vace-plus` and its five functions.

use super::checker::{index, join, Checker};
use super::fields::UrlKind;
use crate::cat;
use crate::issue::IssueCode;
use crate::model::{
    limits, ControlCondition, EditControlCondition, ExpandMode, MaskType, ObjOrBg, Size,
    VaceFunction,
};
use serde_json::{Map, Value};

use crate::model::fields::{
    vace_input as input_fields, vace_parameters as parameter_fields, VACE_COMMON_INPUT,
    VACE_COMMON_PARAMETERS,
};

const EXTENSION_SOURCES: &[&str] = &[
    "first_frame_url",
    "last_frame_url",
    "first_clip_url",
    "last_clip_url",
];

impl Checker {
    /// Every VACE rule. `model` is the name as given (for messages).
    pub(crate) fn vace(&mut self, body: &Map<String, Value>, model: &str) {
        let Some(input) = self.object(body, "", "input") else {
            if self.field(body, "input").is_none() {
                self.missing("input", "");
            }
            return;
        };
        let function = match self.string(input, "input", "function") {
            Some(name) => {
                let parsed = VaceFunction::parse(name);
                if parsed.is_none() {
                    self.error(
                        "input.function",
                        IssueCode::UnknownFunction,
                        cat!(
                            "input.function is \"",
                            name,
                            "\"; ",
                            model,
                            " offers: ",
                            VaceFunction::allowed()
                        ),
                    );
                }
                parsed
            }
            None => {
                if self.field(input, "function").is_none() {
                    self.missing(
                        "input.function",
                        &cat!(" for ", model, ": one of ", VaceFunction::allowed()),
                    );
                }
                None
            }
        };
        self.prompt(input, "prompt", limits::VACE_PROMPT_CHARS, true, model);

        let params = self.object(body, "", "parameters");
        if let Some(params) = params {
            self.vace_common_params(params);
        }
        let Some(function) = function else { return };

        let context = cat!(model, " function ", function.as_str());
        self.unexpected_keys(
            input,
            "input",
            VACE_COMMON_INPUT,
            input_fields(function),
            &context,
        );
        let empty = Map::new();
        let params_or_empty = params.unwrap_or(&empty);
        if let Some(params) = params {
            let known = parameter_fields(function);
            self.unexpected_keys(
                params,
                "parameters",
                VACE_COMMON_PARAMETERS,
                known,
                &context,
            );
        }

        match function {
            VaceFunction::ImageReference => self.image_reference(input, params_or_empty),
            VaceFunction::VideoRepainting => {
                if params.is_none() && self.field(body, "parameters").is_none() {
                    self.missing(
                        "parameters",
                        " for video_repainting (it holds the required control_condition)",
                    );
                }
                self.video_repainting(input, params_or_empty, params.is_some());
            }
            VaceFunction::VideoEdit => self.video_edit(input, params_or_empty),
            VaceFunction::VideoExtension => self.video_extension(input, params_or_empty),
            VaceFunction::VideoOutpainting => self.video_outpainting(input, params_or_empty),
        }
    }

    fn vace_common_params(&mut self, params: &Map<String, Value>) {
        if let Some(d) = self.integer(params, "parameters", "duration") {
            if d != limits::VACE_DURATION_S {
                self.error(
                    "parameters.duration",
                    IssueCode::InvalidValue,
                    cat!(
                        "parameters.duration is ",
                        d,
                        "; VACE always makes ",
                        limits::VACE_DURATION_S,
                        " s videos, so it may only be ",
                        limits::VACE_DURATION_S
                    ),
                );
            }
        }
        self.seed(params);
        self.flags(params);
    }

    fn required_url(&mut self, input: &Map<String, Value>, key: &str, function: VaceFunction) {
        if self
            .url_field(input, "input", key, UrlKind::Remote)
            .is_none()
            && self.field(input, key).is_none()
        {
            self.missing(&join("input", key), &cat!(" for ", function.as_str()));
        }
    }

    fn size(&mut self, params: &Map<String, Value>) {
        self.enumerated(params, "parameters", "size", Size::parse, Size::allowed());
    }

    /// At most one reference image (`video_repainting`, `video_edit`).
    fn single_reference(&mut self, input: &Map<String, Value>, function: VaceFunction) {
        if let Some(n) = self.url_array(input, "input", "ref_images_url") {
            let max = limits::SINGLE_REFERENCE_MAX_IMAGES;
            if n > max {
                self.error(
                    index("input.ref_images_url", max),
                    IssueCode::TooManyItems,
                    cat!(
                        "input.ref_images_url has ",
                        n,
                        " images; ",
                        function.as_str(),
                        " takes at most ",
                        max
                    ),
                );
            }
        }
    }

    fn image_reference(&mut self, input: &Map<String, Value>, params: &Map<String, Value>) {
        let images = match self.url_array(input, "input", "ref_images_url") {
            Some(n) => Some(n),
            None => {
                if self.field(input, "ref_images_url").is_none() {
                    self.missing(
                        "input.ref_images_url",
                        " for image_reference (1 to 3 image URLs)",
                    );
                }
                None
            }
        };
        let max = limits::IMAGE_REFERENCE_MAX_IMAGES;
        match images {
            Some(0) => self.error(
                "input.ref_images_url",
                IssueCode::TooFewItems,
                "input.ref_images_url is empty; image_reference needs 1 to 3 images".into(),
            ),
            Some(n) if n > max => self.warning(
                index("input.ref_images_url", max),
                IssueCode::TooManyItems,
                cat!(
                    "input.ref_images_url has ",
                    n,
                    " images; only the first ",
                    max,
                    " are used"
                ),
            ),
            _ => {}
        }
        self.size(params);
        let Some(roles) = self.array(params, "parameters", "obj_or_bg") else {
            if self.field(params, "obj_or_bg").is_none() && images.is_some_and(|n| n > 1) {
                self.missing(
                    "parameters.obj_or_bg",
                    " when input.ref_images_url has more than one image (one \"obj\" or \"bg\" per image)",
                );
            }
            return;
        };
        let mut backgrounds = 0;
        for (i, role) in roles.iter().enumerate() {
            let path = index("parameters.obj_or_bg", i);
            match role.as_str().map(|s| (s, ObjOrBg::parse(s))) {
                Some((_, Some(ObjOrBg::Bg))) => {
                    backgrounds += 1;
                    if backgrounds == 2 {
                        self.error(
                            &path,
                            IssueCode::TooManyItems,
                            "parameters.obj_or_bg has more than one \"bg\"; at most one reference image may be the background".into(),
                        );
                    }
                }
                Some((_, Some(ObjOrBg::Obj))) => {}
                Some((s, None)) => self.error(
                    &path,
                    IssueCode::InvalidValue,
                    cat!(path, " is \"", s, "\"; allowed: ", ObjOrBg::allowed()),
                ),
                None => self.error(
                    &path,
                    IssueCode::WrongType,
                    cat!(
                        path,
                        " must be \"obj\" or \"bg\", not ",
                        super::checker::type_name(role)
                    ),
                ),
            }
        }
        if let Some(n) = images {
            if roles.len() != n {
                self.error(
                    "parameters.obj_or_bg",
                    IssueCode::LengthMismatch,
                    cat!(
                        "parameters.obj_or_bg has ",
                        roles.len(),
                        " entries but input.ref_images_url has ",
                        n,
                        "; they must have the same length"
                    ),
                );
            }
        }
    }

    fn video_repainting(
        &mut self,
        input: &Map<String, Value>,
        params: &Map<String, Value>,
        has_params: bool,
    ) {
        self.required_url(input, "video_url", VaceFunction::VideoRepainting);
        self.single_reference(input, VaceFunction::VideoRepainting);
        let condition = self.enumerated(
            params,
            "parameters",
            "control_condition",
            ControlCondition::parse,
            ControlCondition::allowed(),
        );
        if condition.is_none() && has_params && self.field(params, "control_condition").is_none() {
            self.missing(
                "parameters.control_condition",
                &cat!(
                    " for video_repainting: one of ",
                    ControlCondition::allowed()
                ),
            );
        }
        self.number_in(params, "parameters", "strength", limits::UNIT_RANGE);
    }

    fn video_edit(&mut self, input: &Map<String, Value>, params: &Map<String, Value>) {
        self.required_url(input, "video_url", VaceFunction::VideoEdit);
        self.single_reference(input, VaceFunction::VideoEdit);
        let image = self
            .url_field(input, "input", "mask_image_url", UrlKind::Remote)
            .is_some();
        let video = self
            .url_field(input, "input", "mask_video_url", UrlKind::Remote)
            .is_some();
        let image_given = image || self.field(input, "mask_image_url").is_some();
        let video_given = video || self.field(input, "mask_video_url").is_some();
        match (image_given, video_given) {
            (false, false) => self.missing(
                "input.mask_image_url",
                " for video_edit: give input.mask_image_url (recommended) or input.mask_video_url",
            ),
            (true, true) => self.error(
                "input.mask_video_url",
                IssueCode::ConflictingFields,
                "input.mask_image_url and input.mask_video_url are both given; give exactly one"
                    .into(),
            ),
            _ => {}
        }
        if let Some(frame) = self.integer(input, "input", "mask_frame_id") {
            if frame < 1 {
                self.error(
                    "input.mask_frame_id",
                    IssueCode::OutOfRange,
                    cat!(
                        "input.mask_frame_id is ",
                        frame,
                        "; frames count from 1 (the first frame)"
                    ),
                );
            } else if !image_given {
                self.warning(
                    "input.mask_frame_id",
                    IssueCode::IgnoredField,
                    "input.mask_frame_id is only read with input.mask_image_url; it is ignored"
                        .into(),
                );
            }
        }
        let mask_type = self.enumerated(
            params,
            "parameters",
            "mask_type",
            MaskType::parse,
            MaskType::allowed(),
        );
        if mask_type.is_some() && !image_given {
            self.warning(
                "parameters.mask_type",
                IssueCode::IgnoredField,
                "parameters.mask_type is only read with input.mask_image_url; it is ignored".into(),
            );
        }
        let tracking = mask_type.unwrap_or(MaskType::Tracking) == MaskType::Tracking;
        let ratio = self.number_in(params, "parameters", "expand_ratio", limits::UNIT_RANGE);
        let mode = self.enumerated(
            params,
            "parameters",
            "expand_mode",
            ExpandMode::parse,
            ExpandMode::allowed(),
        );
        if !tracking {
            for (key, given) in [
                ("expand_ratio", ratio.is_some()),
                ("expand_mode", mode.is_some()),
            ] {
                if given {
                    self.warning(
                        join("parameters", key),
                        IssueCode::IgnoredField,
                        cat!("parameters.", key, " only applies when parameters.mask_type is \"tracking\"; with \"fixed\" it is ignored"),
                    );
                }
            }
        }
        self.enumerated(
            params,
            "parameters",
            "control_condition",
            EditControlCondition::parse,
            EditControlCondition::allowed(),
        );
        self.size(params);
    }

    fn video_extension(&mut self, input: &Map<String, Value>, params: &Map<String, Value>) {
        let mut sources = 0;
        for key in EXTENSION_SOURCES {
            self.url_field(input, "input", key, UrlKind::Remote);
            if self.field(input, key).is_some() {
                sources += 1;
            }
        }
        if sources == 0 {
            self.error(
                "input.first_frame_url",
                IssueCode::MissingField,
                "video_extension needs at least one of input.first_frame_url, input.last_frame_url, input.first_clip_url, input.last_clip_url".into(),
            );
        }
        self.url_field(input, "input", "video_url", UrlKind::Remote);
        let has_video = self.field(input, "video_url").is_some();
        // `""` is the documented default (no extraction); with a guide video it is required.
        let condition = self.string(params, "parameters", "control_condition");
        match condition {
            Some("") | None if has_video && self.field(params, "control_condition").is_none_or(|v| v.is_string()) => {
                self.missing(
                    "parameters.control_condition",
                    &cat!(" when input.video_url is given: one of ", ControlCondition::allowed()),
                )
            }
            Some("") | None => {}
            Some(other) if ControlCondition::parse(other).is_none() => self.error(
                "parameters.control_condition",
                IssueCode::InvalidValue,
                cat!(
                    "parameters.control_condition is \"",
                    other,
                    "\"; allowed: \"\", ",
                    ControlCondition::allowed()
                ),
            ),
            Some(_) if !has_video => self.warning(
                "parameters.control_condition",
                IssueCode::IgnoredField,
                "parameters.control_condition extracts features from input.video_url, which is not given; it is ignored".into(),
            ),
            Some(_) => {}
        }
    }

    fn video_outpainting(&mut self, input: &Map<String, Value>, params: &Map<String, Value>) {
        self.required_url(input, "video_url", VaceFunction::VideoOutpainting);
        for key in ["top_scale", "bottom_scale", "left_scale", "right_scale"] {
            self.number_in(params, "parameters", key, limits::SCALE_RANGE);
        }
    }
}
