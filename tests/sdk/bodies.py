"""The documents' request examples (shared/seeds 001 and 004), spelled as `dashscope` SDK
calls: `prompt` and `extra_input` (everything else of `input`, including `function`) plus the
`parameters` as keyword arguments, which the SDK puts into `parameters`."""

VACE_MODEL = "wan2.1-vace-plus"
WAN27_MODEL = "wan2.7-videoedit"

M = "http://wanx.alicdn.com/material/20250318"

# function -> (prompt, rest of input, parameters)
VACE = {
    "image_reference": (
        "In the video, a girl gracefully emerges from a misty, ancient forest.",
        {
            "ref_images_url": [
                f"{M}/image_reference_2_5_16.png",
                f"{M}/image_reference_1_5_16.png",
            ]
        },
        {"prompt_extend": True, "obj_or_bg": ["obj", "bg"], "size": "1280*720"},
    ),
    "video_repainting": (
        "The video shows a black steampunk-style car driven by a gentleman.",
        {"video_url": f"{M}/video_repainting_1.mp4"},
        {"prompt_extend": False, "control_condition": "depth"},
    ),
    "video_edit": (
        "The video shows a Parisian-style French cafe where a lion in a suit sips coffee.",
        {
            "mask_image_url": f"{M}/video_edit_1_mask.png",
            "video_url": f"{M}/video_edit_2.mp4",
            "mask_frame_id": 1,
        },
        {"prompt_extend": False, "mask_type": "tracking", "expand_ratio": 0.05},
    ),
    "video_extension": (
        "A dog wearing sunglasses skateboarding on the street, 3D cartoon.",
        {"first_clip_url": f"{M}/video_extension_1.mp4"},
        {"prompt_extend": False},
    ),
    "video_outpainting": (
        "An elegant woman passionately plays the violin, with a full symphony orchestra behind her.",
        {"video_url": f"{M}/video_outpainting_1.mp4"},
        {
            "prompt_extend": False,
            "top_scale": 1.5,
            "bottom_scale": 1.5,
            "left_scale": 1.5,
            "right_scale": 1.5,
        },
    ),
}


def vace_call(function: str) -> dict:
    """Keyword arguments for `VideoSynthesis.async_call` / `.call` of one VACE function."""
    prompt, rest, parameters = VACE[function]
    return {
        "model": VACE_MODEL,
        "prompt": prompt,
        "extra_input": {"function": function, **rest},
        **parameters,
    }


WAN27_VIDEO = (
    "https://help-static-aliyun-doc.aliyuncs.com/file-manage-files/zh-CN/20260402/ldnfdf/"
    "wan2.7-videoedit-style-change.mp4"
)
WAN27_REF_VIDEO = (
    "https://help-static-aliyun-doc.aliyuncs.com/file-manage-files/zh-CN/20260403/nlspwm/T2VA_22.mp4"
)
WAN27_REF_IMAGE = (
    "https://help-static-aliyun-doc.aliyuncs.com/file-manage-files/zh-CN/20260402/fwjpqf/"
    "wan2.7-videoedit-change-clothes.png"
)
