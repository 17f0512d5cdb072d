//! Labels that depend on a value rather than a fixed place in the UI: operation names and
//! summaries, field labels and hints, choice values, task statuses, upstreams and issue codes,
//! each in both languages.

use wanedit_core::task::TaskStatus;
use wanedit_core::IssueCode;

use super::Lang;
use crate::forms::{Field, Op};

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
        other => match wanedit_core::region::region_preset(other) {
            Some(preset) if !zh => format!("{} ({other})", preset.label),
            Some(preset) => format!("{} ({other})", region_label_zh(preset.name)),
            None => other.to_string(),
        },
    }
}

/// The Chinese name of a region preset that [`upstream_label`] has no own line for.
fn region_label_zh(name: &str) -> &'static str {
    match name {
        "us" => "美国(弗吉尼亚)",
        "hk" => "中国香港",
        _ => "其他地域",
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
        IssueCode::DuplicateKey => pick(zh, "duplicate key", "键重复"),
        IssueCode::MaskEmpty => pick(zh, "empty mask", "掩码为空"),
        IssueCode::MaskFull => pick(zh, "whole frame masked", "整帧都被选中"),
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
