use thiserror::Error;

/// The one error type of `wanedit-core`.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CoreError {
    /// The bytes are not an image or video this crate can read (or are damaged).
    #[error("invalid media: {0}")]
    InvalidMedia(String),
    /// An image could not be decoded or encoded (mask import/export).
    #[error("image error: {0}")]
    Image(String),
    /// A mask and a video (or two masks) have different sizes.
    #[error("size mismatch: expected {expected_width}x{expected_height}, got {width}x{height}")]
    SizeMismatch {
        /// Width required.
        expected_width: u32,
        /// Height required.
        expected_height: u32,
        /// Width found.
        width: u32,
        /// Height found.
        height: u32,
    },
    /// A JSON body could not be parsed into the expected response shape.
    #[error("unexpected response body: {0}")]
    Response(String),
}
