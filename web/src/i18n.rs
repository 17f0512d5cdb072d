//! Every string of the UI, in English and Chinese. Issue messages come from `wanedit-core` in
//! English; [`issue_label`] adds a short label per `IssueCode` in the chosen language.

use serde::{Deserialize, Serialize};
use wanedit_core::task::TaskStatus;
use wanedit_core::IssueCode;

use crate::forms::{Field, Op};

/// A UI language.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// Simplified Chinese.
    Zh,
}

impl Lang {
    /// Both languages.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Zh];

    /// The BCP 47 tag (`<html lang>`).
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh-CN",
        }
    }

    /// The language's own name.
    pub fn name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Zh => "中文",
        }
    }

    /// The language of a tag (`zh`, `zh-CN`, `en-US` …); English for anything else.
    pub fn from_tag(tag: &str) -> Lang {
        if tag.to_ascii_lowercase().starts_with("zh") {
            Lang::Zh
        } else {
            Lang::En
        }
    }
}

/// The fixed strings of the UI.
#[allow(missing_docs)]
#[derive(Debug)]
pub struct Strings {
    pub tagline: &'static str,
    pub language: &'static str,
    pub connect: &'static str,
    pub upstream: &'static str,
    pub key_handling: &'static str,
    pub key_relay: &'static str,
    pub key_own: &'static str,
    pub key_relay_missing: &'static str,
    pub api_key: &'static str,
    pub api_key_placeholder: &'static str,
    pub remember: &'static str,
    pub key_session_note: &'static str,
    pub key_local_note: &'static str,
    pub forget_key: &'static str,
    pub relay_token: &'static str,
    pub workspace: &'static str,
    pub workspace_hint: &'static str,
    pub relay_ok: &'static str,
    pub relay_missing: &'static str,
    pub connected_to: &'static str,
    pub edit_heading: &'static str,
    pub model: &'static str,
    pub model_hint: &'static str,
    pub default_word: &'static str,
    pub service_default: &'static str,
    pub choose: &'static str,
    pub none_value: &'static str,
    pub on: &'static str,
    pub off: &'static str,
    pub reset: &'static str,
    pub characters: &'static str,
    pub read_limit: &'static str,
    pub required: &'static str,
    pub optional: &'static str,
    pub add_image: &'static str,
    pub remove: &'static str,
    pub image_n: &'static str,
    pub url_placeholder: &'static str,
    pub choose_file: &'static str,
    pub drop_hint: &'static str,
    pub uploading: &'static str,
    pub uploaded: &'static str,
    pub upload_failed: &'static str,
    pub retry_upload: &'static str,
    pub not_uploaded: &'static str,
    pub probe_failed: &'static str,
    pub clear: &'static str,
    pub mask_which: &'static str,
    pub mask_image_option: &'static str,
    pub mask_video_option: &'static str,
    pub draw_mask: &'static str,
    pub draw_mask_hint: &'static str,
    pub frame_grab: &'static str,
    pub frame_grab_hint: &'static str,
    pub frame_grab_source: &'static str,
    pub use_first_frame: &'static str,
    pub use_last_frame: &'static str,
    pub frame_grab_failed: &'static str,
    pub outpaint_preview: &'static str,
    pub outpaint_unknown_size: &'static str,
    pub output_size: &'static str,
    pub keep_input_length: &'static str,
    pub same_as_input: &'static str,
    pub seconds: &'static str,
    pub submit: &'static str,
    pub submitting: &'static str,
    pub submit_blocked: &'static str,
    pub submit_uploading: &'static str,
    pub submitted: &'static str,
    pub submit_failed: &'static str,
    pub copy_curl: &'static str,
    pub copy_json: &'static str,
    pub copied: &'static str,
    pub copy_failed: &'static str,
    pub request_json: &'static str,
    pub form_issues: &'static str,
    pub tasks: &'static str,
    pub no_tasks: &'static str,
    pub load_account_tasks: &'static str,
    pub account_tasks_loaded: &'static str,
    pub list_disabled: &'static str,
    pub elapsed: &'static str,
    pub cancel: &'static str,
    pub cancel_failed: &'static str,
    pub check_now: &'static str,
    pub forget_task: &'static str,
    pub task_id: &'static str,
    pub failure_code: &'static str,
    pub explanation: &'static str,
    pub download: &'static str,
    pub expires_in: &'static str,
    pub expired: &'static str,
    pub use_as_input: &'static str,
    pub use_in: &'static str,
    pub polling_error: &'static str,
    pub actual_prompt: &'static str,
    pub imported: &'static str,
    pub error: &'static str,
    pub warning: &'static str,
    pub loading: &'static str,
    pub role_obj: &'static str,
    pub role_bg: &'static str,
    pub issue_in_file: &'static str,
    pub random: &'static str,
    pub original: &'static str,
    pub added_area: &'static str,
}

/// English.
pub static EN: Strings = Strings {
    tagline: "Edit video with Alibaba's Wan models (VACE and Wan 2.7) through DashScope.",
    language: "Language",
    connect: "Connect",
    upstream: "Service",
    key_handling: "API key",
    key_relay: "The relay holds the key",
    key_own: "Use my key",
    key_relay_missing: "This relay holds no key for this service: use your own key.",
    api_key: "Your DashScope API key",
    api_key_placeholder: "sk-…",
    remember: "Remember on this device",
    key_session_note: "Kept in this tab only (sessionStorage); sent only to the relay, never put in a URL.",
    key_local_note: "Kept on this device (localStorage) until you forget it.",
    forget_key: "Forget key",
    relay_token: "Relay access token",
    workspace: "Workspace ID (optional)",
    workspace_hint: "Sent as X-DashScope-WorkSpace.",
    relay_ok: "Relay connected.",
    relay_missing: "No relay answered at /api/relay/config; requests will fail until the page is served by wanedit-relay.",
    connected_to: "Service",
    edit_heading: "Edit a video",
    model: "Model",
    model_hint: "spelled as this region expects",
    default_word: "Default",
    service_default: "not sent (service default)",
    choose: "Choose…",
    none_value: "none",
    on: "On",
    off: "Off",
    reset: "Reset",
    characters: "characters",
    read_limit: "the model reads the first",
    required: "required",
    optional: "optional",
    add_image: "Add image",
    remove: "Remove",
    image_n: "Image",
    url_placeholder: "https://… or oss://…",
    choose_file: "Choose file",
    drop_hint: "or drop a file here",
    uploading: "Uploading…",
    uploaded: "Uploaded",
    upload_failed: "Upload failed",
    retry_upload: "Retry upload",
    not_uploaded: "Not uploaded: fix the problems first.",
    probe_failed: "Could not read this file",
    clear: "Clear",
    mask_which: "Mask",
    mask_image_option: "Mask image (recommended)",
    mask_video_option: "Mask video",
    draw_mask: "Draw mask",
    draw_mask_hint: "The mask editor comes in a later version; until then give a mask image.",
    frame_grab: "Take a frame from a local video",
    frame_grab_hint: "Pause the video on a frame, then use it as the first or last frame.",
    frame_grab_source: "Video to take a frame from",
    use_first_frame: "Use this frame as first frame",
    use_last_frame: "Use this frame as last frame",
    frame_grab_failed: "Could not take the frame",
    outpaint_preview: "Expanded canvas",
    outpaint_unknown_size: "Choose a local video to see its real size; shown here as 16:9.",
    output_size: "Output",
    keep_input_length: "keep the input's length",
    same_as_input: "same as the input video",
    seconds: "s",
    submit: "Submit",
    submitting: "Submitting…",
    submit_blocked: "To submit, complete or fix:",
    submit_uploading: "Wait for the uploads to finish.",
    submitted: "Submitted",
    submit_failed: "Submit failed",
    copy_curl: "Copy as curl",
    copy_json: "Copy JSON",
    copied: "Copied",
    copy_failed: "Copy failed; select the text below",
    request_json: "Request JSON",
    form_issues: "About the whole request",
    tasks: "Tasks",
    no_tasks: "No tasks yet. Submitted tasks appear here and survive a reload.",
    load_account_tasks: "Load the account's tasks",
    account_tasks_loaded: "tasks loaded",
    list_disabled: "This relay does not allow reading the account's task list.",
    elapsed: "Elapsed",
    cancel: "Cancel",
    cancel_failed: "Cancel failed",
    check_now: "Check now",
    forget_task: "Remove from list",
    task_id: "Task ID",
    failure_code: "Code",
    explanation: "What it means",
    download: "Download",
    expires_in: "Link expires in",
    expired: "The result link has expired (24 h).",
    use_as_input: "Use as input",
    use_in: "Use the result in",
    polling_error: "Could not check the status",
    actual_prompt: "Prompt as rewritten",
    imported: "from the account's list",
    error: "Error",
    warning: "Note",
    loading: "Loading…",
    role_obj: "object (obj)",
    role_bg: "background (bg)",
    issue_in_file: "File",
    random: "random",
    original: "original",
    added_area: "new area",
};

/// Simplified Chinese.
pub static ZH: Strings = Strings {
    tagline: "通过 DashScope 使用阿里云通义万相(VACE 与 Wan 2.7)编辑视频。",
    language: "语言",
    connect: "连接",
    upstream: "服务",
    key_handling: "API Key",
    key_relay: "由中继保管 Key",
    key_own: "使用我的 Key",
    key_relay_missing: "此中继没有为该服务保管 Key:请使用您自己的 Key。",
    api_key: "您的 DashScope API Key",
    api_key_placeholder: "sk-…",
    remember: "在此设备上记住",
    key_session_note: "仅保存在此标签页(sessionStorage);只发送给中继,绝不放入 URL。",
    key_local_note: "保存在此设备(localStorage),直到您删除它。",
    forget_key: "删除 Key",
    relay_token: "中继访问令牌",
    workspace: "业务空间 ID(可选)",
    workspace_hint: "以 X-DashScope-WorkSpace 发送。",
    relay_ok: "已连接中继。",
    relay_missing: "/api/relay/config 无响应;在页面由 wanedit-relay 提供之前,请求将会失败。",
    connected_to: "服务",
    edit_heading: "编辑视频",
    model: "模型",
    model_hint: "按该地域的写法",
    default_word: "默认",
    service_default: "不发送(服务默认)",
    choose: "请选择…",
    none_value: "无",
    on: "开启",
    off: "关闭",
    reset: "恢复默认",
    characters: "字符",
    read_limit: "模型只读取前",
    required: "必填",
    optional: "可选",
    add_image: "添加图片",
    remove: "移除",
    image_n: "图片",
    url_placeholder: "https://… 或 oss://…",
    choose_file: "选择文件",
    drop_hint: "或将文件拖放到此处",
    uploading: "正在上传…",
    uploaded: "已上传",
    upload_failed: "上传失败",
    retry_upload: "重新上传",
    not_uploaded: "未上传:请先解决问题。",
    probe_failed: "无法读取此文件",
    clear: "清除",
    mask_which: "掩码",
    mask_image_option: "掩码图像(推荐)",
    mask_video_option: "掩码视频",
    draw_mask: "绘制掩码",
    draw_mask_hint: "掩码编辑器将在后续版本提供;目前请提供掩码图像。",
    frame_grab: "从本地视频截取一帧",
    frame_grab_hint: "将视频暂停在某一帧,然后用作首帧或尾帧。",
    frame_grab_source: "要截帧的视频",
    use_first_frame: "将此帧用作首帧",
    use_last_frame: "将此帧用作尾帧",
    frame_grab_failed: "无法截取该帧",
    outpaint_preview: "扩展后的画布",
    outpaint_unknown_size: "选择本地视频可显示其实际尺寸;此处按 16:9 显示。",
    output_size: "输出",
    keep_input_length: "保持输入视频时长",
    same_as_input: "与输入视频一致",
    seconds: "秒",
    submit: "提交",
    submitting: "正在提交…",
    submit_blocked: "提交前请填写或修正:",
    submit_uploading: "请等待上传完成。",
    submitted: "已提交",
    submit_failed: "提交失败",
    copy_curl: "复制为 curl",
    copy_json: "复制 JSON",
    copied: "已复制",
    copy_failed: "复制失败;请手动选择下方文本",
    request_json: "请求 JSON",
    form_issues: "关于整个请求",
    tasks: "任务",
    no_tasks: "暂无任务。提交的任务会显示在这里,刷新页面后仍保留。",
    load_account_tasks: "载入账号的任务",
    account_tasks_loaded: "个任务已载入",
    list_disabled: "此中继不允许读取账号的任务列表。",
    elapsed: "已用时间",
    cancel: "取消",
    cancel_failed: "取消失败",
    check_now: "立即查询",
    forget_task: "从列表移除",
    task_id: "任务 ID",
    failure_code: "错误码",
    explanation: "说明",
    download: "下载",
    expires_in: "链接失效倒计时",
    expired: "结果链接已过期(24 小时)。",
    use_as_input: "用作输入",
    use_in: "将结果用于",
    polling_error: "无法查询状态",
    actual_prompt: "改写后的提示词",
    imported: "来自账号任务列表",
    error: "错误",
    warning: "提示",
    loading: "加载中…",
    role_obj: "主体 (obj)",
    role_bg: "背景 (bg)",
    issue_in_file: "文件",
    random: "随机",
    original: "原画面",
    added_area: "新增区域",
};

/// The strings of `lang`.
pub fn strings(lang: Lang) -> &'static Strings {
    match lang {
        Lang::En => &EN,
        Lang::Zh => &ZH,
    }
}

/// The name of an operation.
pub fn op_name(lang: Lang, op: Op) -> &'static str {
    match (lang, op) {
        (Lang::En, Op::ImageReference) => "Multi-image reference",
        (Lang::En, Op::VideoRepainting) => "Video repainting",
        (Lang::En, Op::VideoEdit) => "Local editing",
        (Lang::En, Op::VideoExtension) => "Video extension",
        (Lang::En, Op::VideoOutpainting) => "Video outpainting",
        (Lang::En, Op::Wan27Edit) => "Wan 2.7 video edit",
        (Lang::Zh, Op::ImageReference) => "多图参考",
        (Lang::Zh, Op::VideoRepainting) => "视频重绘",
        (Lang::Zh, Op::VideoEdit) => "局部编辑",
        (Lang::Zh, Op::VideoExtension) => "视频延展",
        (Lang::Zh, Op::VideoOutpainting) => "视频画面扩展",
        (Lang::Zh, Op::Wan27Edit) => "Wan 2.7 视频编辑",
    }
}

/// One sentence about what an operation does.
pub fn op_summary(lang: Lang, op: Op) -> &'static str {
    match (lang, op) {
        (Lang::En, Op::ImageReference) => {
            "1–3 reference images (entities and at most one background) become a 5 s video."
        }
        (Lang::En, Op::VideoRepainting) => {
            "Keeps the motion of a video and repaints it from the prompt."
        }
        (Lang::En, Op::VideoEdit) => "Edits the area of a video that a mask marks (white = edit).",
        (Lang::En, Op::VideoExtension) => {
            "Continues from, or towards, frames or clips: 5 s in all."
        }
        (Lang::En, Op::VideoOutpainting) => "Widens the frame of a video in any direction.",
        (Lang::En, Op::Wan27Edit) => {
            "Edits a 2–10 s video as the prompt says, with up to four reference images."
        }
        (Lang::Zh, Op::ImageReference) => "1–3 张参考图(主体,最多一张背景)生成 5 秒视频。",
        (Lang::Zh, Op::VideoRepainting) => "保留视频的动作,按提示词重新绘制。",
        (Lang::Zh, Op::VideoEdit) => "编辑掩码标记的视频区域(白色为编辑区)。",
        (Lang::Zh, Op::VideoExtension) => "从帧或片段向前/向后延展,共 5 秒。",
        (Lang::Zh, Op::VideoOutpainting) => "向任意方向扩展视频画面。",
        (Lang::Zh, Op::Wan27Edit) => "按提示词编辑 2–10 秒视频,最多四张参考图。",
    }
}

/// The label of a field (its API name is shown beside it).
pub fn field_label(lang: Lang, field: Field) -> &'static str {
    let zh = lang == Lang::Zh;
    match field {
        Field::Model => pick(zh, "Model", "模型"),
        Field::Prompt => pick(zh, "Prompt", "提示词"),
        Field::NegativePrompt => pick(zh, "Negative prompt", "反向提示词"),
        Field::RefImages => pick(zh, "Reference images", "参考图"),
        Field::VideoUrl => pick(zh, "Input video", "输入视频"),
        Field::MaskImageUrl => pick(zh, "Mask image", "掩码图像"),
        Field::MaskFrameId => pick(zh, "Mask frame number", "掩码所在帧"),
        Field::MaskVideoUrl => pick(zh, "Mask video", "掩码视频"),
        Field::FirstFrameUrl => pick(zh, "First frame", "首帧"),
        Field::LastFrameUrl => pick(zh, "Last frame", "尾帧"),
        Field::FirstClipUrl => pick(zh, "First clip", "首段视频"),
        Field::LastClipUrl => pick(zh, "Last clip", "尾段视频"),
        Field::Video27 => pick(zh, "Source video", "源视频"),
        Field::RefImages27 => pick(zh, "Reference images", "参考图"),
        Field::ObjOrBg => pick(zh, "Role of each image", "每张图的角色"),
        Field::Size => pick(zh, "Output size", "输出尺寸"),
        Field::Duration => pick(zh, "Duration", "时长"),
        Field::PromptExtend => pick(zh, "Prompt rewriting", "提示词改写"),
        Field::Seed => pick(zh, "Seed", "随机种子"),
        Field::Watermark => pick(zh, "Watermark", "水印"),
        Field::ControlCondition => pick(zh, "Feature extraction", "特征提取方式"),
        Field::Strength => pick(zh, "Control strength", "控制强度"),
        Field::MaskType => pick(zh, "Mask behaviour", "掩码行为"),
        Field::ExpandRatio => pick(zh, "Mask expansion ratio", "掩码扩展比例"),
        Field::ExpandMode => pick(zh, "Mask shape", "掩码形状"),
        Field::TopScale => pick(zh, "Top scale", "向上扩展"),
        Field::BottomScale => pick(zh, "Bottom scale", "向下扩展"),
        Field::LeftScale => pick(zh, "Left scale", "向左扩展"),
        Field::RightScale => pick(zh, "Right scale", "向右扩展"),
        Field::Resolution => pick(zh, "Resolution", "分辨率"),
        Field::Ratio => pick(zh, "Aspect ratio", "宽高比"),
        Field::AudioSetting => pick(zh, "Audio", "音频"),
        Field::General => pick(zh, "Request", "请求"),
    }
}

/// A hint under a field, when one helps.
pub fn field_hint(lang: Lang, field: Field) -> Option<&'static str> {
    let zh = lang == Lang::Zh;
    Some(match field {
        Field::Seed => pick(
            zh,
            "Empty: a random seed. The same seed gives similar results.",
            "留空则随机。相同种子得到相近结果。",
        ),
        Field::Duration => pick(zh, "Seconds of output.", "输出秒数。"),
        Field::PromptExtend => pick(
            zh,
            "Let a language model rewrite the prompt.",
            "由大模型改写提示词。",
        ),
        Field::Watermark => pick(
            zh,
            "Adds \"AI-generated\" in the lower right corner.",
            "在右下角添加“AI生成”字样。",
        ),
        Field::Strength => pick(
            zh,
            "Higher keeps closer to the original motion and composition.",
            "越大越接近原视频的动作和构图。",
        ),
        Field::MaskFrameId => pick(
            zh,
            "The frame the mask was drawn on, counting from 1.",
            "掩码对应的视频帧,从 1 开始。",
        ),
        Field::ExpandRatio | Field::ExpandMode => {
            pick(zh, "Used only with tracking.", "仅在跟踪模式下生效。")
        }
        Field::MaskImageUrl => pick(
            zh,
            "White marks the area to edit; exactly the video's size.",
            "白色为编辑区域;尺寸须与视频一致。",
        ),
        Field::VideoUrl => pick(
            zh,
            "MP4, at least 16 fps, up to 50 MB.",
            "MP4,至少 16 fps,不超过 50 MB。",
        ),
        Field::Video27 => pick(zh, "MP4 or MOV, 2–10 s.", "MP4 或 MOV,2–10 秒。"),
        _ => return None,
    })
}

/// The label of a choice value (the API spelling is shown as well).
pub fn choice_label(lang: Lang, value: &str) -> &'static str {
    let zh = lang == Lang::Zh;
    match value {
        "" => pick(zh, "none", "无"),
        "posebodyface" => pick(zh, "face and body pose", "面部表情和肢体动作"),
        "posebody" => pick(zh, "body pose", "肢体动作"),
        "depth" => pick(zh, "composition and motion contours", "构图与运动轮廓"),
        "scribble" => pick(zh, "line art", "线稿"),
        "tracking" => pick(zh, "follows the object", "跟随目标"),
        "fixed" => pick(zh, "stays in place", "固定位置"),
        "hull" => pick(zh, "polygon around the object", "包围目标的多边形"),
        "bbox" => pick(zh, "bounding box", "外接矩形"),
        "original" => pick(zh, "the mask's own shape", "掩码原形状"),
        "auto" => pick(zh, "model decides", "模型自动决定"),
        "origin" => pick(zh, "keep the original sound", "保留原声"),
        _ => "",
    }
}

/// The name of a task status.
pub fn status_name(lang: Lang, status: &TaskStatus) -> String {
    let zh = lang == Lang::Zh;
    let text = match status {
        TaskStatus::Pending => pick(zh, "Pending", "排队中"),
        TaskStatus::Running => pick(zh, "Running", "处理中"),
        TaskStatus::Succeeded => pick(zh, "Succeeded", "成功"),
        TaskStatus::Failed => pick(zh, "Failed", "失败"),
        TaskStatus::Canceled => pick(zh, "Canceled", "已取消"),
        TaskStatus::Unknown => pick(zh, "Unknown or expired", "未知或已过期"),
        TaskStatus::Suspended => pick(zh, "Suspended", "已挂起"),
        TaskStatus::Other(s) => return s.clone(),
    };
    text.to_string()
}

/// A label for an upstream name.
pub fn upstream_label(lang: Lang, name: &str) -> String {
    let zh = lang == Lang::Zh;
    match name {
        "intl" => pick(zh, "Singapore (intl)", "新加坡 (intl)").into(),
        "cn" => pick(zh, "Beijing (cn)", "北京 (cn)").into(),
        "sim" => pick(zh, "Simulator (sim, offline demo)", "模拟器 (sim,离线演示)").into(),
        other => other.to_string(),
    }
}

/// A short label of what kind of problem an issue is, in `lang`.
pub fn issue_label(lang: Lang, code: IssueCode) -> &'static str {
    let zh = lang == Lang::Zh;
    match code {
        IssueCode::NotAnObject => pick(zh, "not an object", "不是对象"),
        IssueCode::MissingField => pick(zh, "missing", "缺少必填项"),
        IssueCode::WrongType => pick(zh, "wrong type", "类型错误"),
        IssueCode::EmptyValue => pick(zh, "empty", "不能为空"),
        IssueCode::UnknownModel => pick(zh, "unknown model", "未知模型"),
        IssueCode::ModelRegionMismatch => pick(zh, "other region's model name", "模型名与地域不符"),
        IssueCode::UnknownFunction => pick(zh, "unknown function", "未知功能"),
        IssueCode::UnexpectedField => pick(zh, "not used here", "此处不使用该字段"),
        IssueCode::IgnoredField => pick(zh, "ignored", "将被忽略"),
        IssueCode::InvalidValue => pick(zh, "not allowed", "取值无效"),
        IssueCode::OutOfRange => pick(zh, "out of range", "超出范围"),
        IssueCode::PromptTooLong => pick(zh, "too long, will be cut", "过长,将被截断"),
        IssueCode::InvalidUrl => pick(zh, "invalid URL", "URL 无效"),
        IssueCode::UrlHasChinese => pick(zh, "Chinese characters in URL", "URL 含中文字符"),
        IssueCode::TooManyItems => pick(zh, "too many", "数量过多"),
        IssueCode::TooFewItems => pick(zh, "too few", "数量不足"),
        IssueCode::LengthMismatch => pick(zh, "lengths differ", "长度不一致"),
        IssueCode::ConflictingFields => pick(zh, "conflicting fields", "字段冲突"),
        IssueCode::InvalidFormat => pick(zh, "wrong format", "格式不支持"),
        IssueCode::InvalidDimensions => pick(zh, "wrong size", "尺寸不符"),
        IssueCode::FileTooLarge => pick(zh, "file too large", "文件过大"),
        IssueCode::DurationTooLong => pick(zh, "too long", "时长过长"),
        IssueCode::DurationTooShort => pick(zh, "too short", "时长过短"),
        IssueCode::FrameRateTooLow => pick(zh, "frame rate too low", "帧率过低"),
        IssueCode::InvalidAspectRatio => pick(zh, "aspect ratio", "宽高比不符"),
        IssueCode::HasAlpha => pick(zh, "has transparency", "含透明通道"),
        _ => pick(zh, "problem", "问题"),
    }
}

fn pick(zh: bool, en: &'static str, cn: &'static str) -> &'static str {
    if zh {
        cn
    } else {
        en
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_issue_code_has_a_label_in_both_languages() {
        for code in IssueCode::ALL {
            for lang in Lang::ALL {
                let label = issue_label(lang, *code);
                assert!(!label.is_empty());
            }
            assert_ne!(issue_label(Lang::Zh, *code), "问题", "{code}");
        }
    }

    #[test]
    fn every_field_and_op_has_a_label() {
        for lang in Lang::ALL {
            for op in Op::ALL {
                assert!(!op_name(lang, op).is_empty());
                for field in op.fields() {
                    assert!(!field_label(lang, field).is_empty());
                }
            }
        }
        assert_ne!(
            field_label(Lang::En, Field::Seed),
            field_label(Lang::Zh, Field::Seed)
        );
    }

    #[test]
    fn language_tags() {
        assert_eq!(Lang::from_tag("zh-CN"), Lang::Zh);
        assert_eq!(Lang::from_tag("en-US"), Lang::En);
        assert_eq!(Lang::from_tag("fr"), Lang::En);
        assert_eq!(Lang::Zh.tag(), "zh-CN");
    }
}
