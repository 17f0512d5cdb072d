//! Turns a request line into one of the few routes the relay knows. The raw (still
//! percent-encoded) path is matched segment by segment against fixed shapes; anything odd
//! (`%`, `..`, `.`, `//`, `\`, control characters) is refused rather than normalised, so no
//! path can ever steer an upstream URL: upstream URLs are built from the configured base, a
//! fixed path and a checked task id only.

use axum::http::Method;
use wanedit_core::task::is_valid_task_id;

/// What a request asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// A CORS preflight (`OPTIONS`).
    Preflight,
    /// `GET /healthz`.
    Healthz,
    /// `GET /api/relay/config`.
    RelayConfig,
    /// A route forwarded to upstream number `upstream`.
    Proxy {
        /// Index into the configured upstreams.
        upstream: usize,
        /// Which call.
        call: Call,
    },
    /// A file of the web UI (only when `--serve` is set).
    Static,
    /// A task route with a task id that fails `is_valid_task_id`.
    InvalidTaskId,
    /// Nothing the relay knows.
    NotFound,
}

/// The upstream calls the relay forwards.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Call {
    /// `POST …/services/aigc/video-generation/video-synthesis`.
    Create,
    /// `GET …/tasks/{id}`.
    Query(String),
    /// `POST …/tasks/{id}/cancel`.
    Cancel(String),
    /// `GET …/tasks` (or `…/tasks/`, as documented).
    List {
        /// Whether the caller wrote the documented trailing slash (kept when forwarding).
        trailing_slash: bool,
    },
    /// `GET …/uploads?action=getPolicy&model=…`.
    UploadPolicy,
    /// `POST /{name}/oss/{id}`: the relay's stand-in for the upstream's upload host.
    Upload(String),
}

impl Call {
    /// A short, fixed name for logs (never the id itself).
    pub fn name(&self) -> &'static str {
        match self {
            Call::Create => "create",
            Call::Query(_) => "query",
            Call::Cancel(_) => "cancel",
            Call::List { .. } => "list",
            Call::UploadPolicy => "upload_policy",
            Call::Upload(_) => "upload",
        }
    }
}

impl Route {
    /// A short, fixed name for logs.
    pub fn name(&self) -> &'static str {
        match self {
            Route::Preflight => "preflight",
            Route::Healthz => "healthz",
            Route::RelayConfig => "relay_config",
            Route::Proxy { call, .. } => call.name(),
            Route::Static => "static",
            Route::InvalidTaskId => "invalid_task_id",
            Route::NotFound => "not_found",
        }
    }
}

/// Most segments a forwarded route has after the upstream's name (the create route's six).
const MAX_SEGMENTS: usize = 6;

/// Whether a path is plain: starts with `/`, and has no empty, `.` or `..` segment (except a
/// single trailing `/`), no `%`, `\` or byte outside visible ASCII. One pass over the bytes
/// (this runs on every request).
fn is_plain(path: &str) -> bool {
    let bytes = path.as_bytes();
    if bytes.first() != Some(&b'/') {
        return false;
    }
    // Length of the current segment, and whether it is all dots so far.
    let (mut len, mut dots) = (0usize, true);
    for &b in &bytes[1..] {
        if !(0x21..0x7f).contains(&b) || b == b'%' || b == b'\\' {
            return false;
        }
        if b == b'/' {
            if len == 0 || (dots && len <= 2) {
                return false;
            }
            (len, dots) = (0, true);
            continue;
        }
        len += 1;
        dots &= b == b'.';
    }
    // The last segment: empty only as a single trailing `/` (not `//`, not the bare `/`).
    if len == 0 {
        return bytes.len() > 1 && bytes[bytes.len() - 2] != b'/';
    }
    !(dots && len <= 2)
}

/// Splits `rest` (empty, or `/` and segments joined by `/`) into `out`, without a Vec: the
/// number of segments, or `None` when there are more than [`MAX_SEGMENTS`] (no route has).
fn split_segments<'a>(rest: &'a str, out: &mut [&'a str; MAX_SEGMENTS]) -> Option<usize> {
    let Some(mut rest) = rest.strip_prefix('/') else {
        return Some(0);
    };
    let mut count = 0;
    loop {
        let end = rest.bytes().position(|b| b == b'/');
        *out.get_mut(count)? = &rest[..end.unwrap_or(rest.len())];
        count += 1;
        match end {
            Some(end) => rest = &rest[end + 1..],
            None => return Some(count),
        }
    }
}

/// Whether an upload id has the shape the relay issues (a bounded run of base64url
/// characters; see [`crate::upload_id`], which decides whether it is valid).
pub fn is_upload_id(id: &str) -> bool {
    crate::upload_id::is_well_formed(id)
}

/// Matches `method` and the raw `path` against the relay's routes. `upstream_index` maps a
/// name to its index; `serving` says whether unknown GETs fall through to the web UI.
pub fn parse(
    method: &Method,
    path: &str,
    upstream_index: impl Fn(&str) -> Option<usize>,
    serving: bool,
) -> Route {
    if method == Method::OPTIONS {
        return Route::Preflight;
    }
    let is_get = method == Method::GET;
    let is_post = method == Method::POST;
    match path {
        "/healthz" if is_get => return Route::Healthz,
        "/api/relay/config" if is_get => return Route::RelayConfig,
        _ => {}
    }
    let fallback = || {
        if serving && (is_get || method == Method::HEAD) {
            Route::Static
        } else {
            Route::NotFound
        }
    };
    let after = path.strip_prefix('/').unwrap_or("");
    let first = &after[..after.bytes().position(|b| b == b'/').unwrap_or(after.len())];
    let Some(upstream) = upstream_index(first) else {
        // Not an upstream name: the web UI's business (ServeDir refuses traversal itself).
        return if first == "api" || first == "healthz" {
            Route::NotFound
        } else {
            fallback()
        };
    };
    if !is_plain(path) {
        return Route::NotFound;
    }
    let mut segments = [""; MAX_SEGMENTS];
    let Some(count) = split_segments(&after[first.len()..], &mut segments) else {
        return Route::NotFound;
    };
    let rest = &segments[..count];
    let proxy = |call| Route::Proxy { upstream, call };
    let task = |id: &str, make: fn(String) -> Call| {
        if is_valid_task_id(id) {
            proxy(make(id.to_string()))
        } else {
            Route::InvalidTaskId
        }
    };
    match rest {
        ["api", "v1", "services", "aigc", "video-generation", "video-synthesis"] if is_post => {
            proxy(Call::Create)
        }
        ["api", "v1", "tasks"] if is_get => proxy(Call::List {
            trailing_slash: false,
        }),
        ["api", "v1", "tasks", ""] if is_get => proxy(Call::List {
            trailing_slash: true,
        }),
        ["api", "v1", "tasks", id] if is_get => task(id, Call::Query),
        ["api", "v1", "tasks", id, "cancel"] if is_post => task(id, Call::Cancel),
        ["api", "v1", "uploads"] if is_get => proxy(Call::UploadPolicy),
        ["oss", id] if is_post && is_upload_id(id) => proxy(Call::Upload(id.to_string())),
        _ => Route::NotFound,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn idx(name: &str) -> Option<usize> {
        ["intl", "cn", "sim"].iter().position(|n| *n == name)
    }

    fn get(path: &str) -> Route {
        parse(&Method::GET, path, idx, false)
    }

    fn post(path: &str) -> Route {
        parse(&Method::POST, path, idx, false)
    }

    #[test]
    fn known_routes() {
        let id = "0385dc79-5ff8-4d82-bcb6-4ab1a2b3c4d5";
        assert_eq!(get("/healthz"), Route::Healthz);
        assert_eq!(get("/api/relay/config"), Route::RelayConfig);
        assert_eq!(
            post("/intl/api/v1/services/aigc/video-generation/video-synthesis"),
            Route::Proxy {
                upstream: 0,
                call: Call::Create
            }
        );
        assert_eq!(
            get(&format!("/cn/api/v1/tasks/{id}")),
            Route::Proxy {
                upstream: 1,
                call: Call::Query(id.into())
            }
        );
        assert_eq!(
            post(&format!("/sim/api/v1/tasks/{id}/cancel")),
            Route::Proxy {
                upstream: 2,
                call: Call::Cancel(id.into())
            }
        );
        assert_eq!(
            get("/intl/api/v1/tasks"),
            Route::Proxy {
                upstream: 0,
                call: Call::List {
                    trailing_slash: false
                }
            }
        );
        assert_eq!(
            get("/intl/api/v1/tasks/"),
            Route::Proxy {
                upstream: 0,
                call: Call::List {
                    trailing_slash: true
                }
            }
        );
        assert_eq!(
            get("/intl/api/v1/uploads"),
            Route::Proxy {
                upstream: 0,
                call: Call::UploadPolicy
            }
        );
        let up = "AQAAAABrEgKABGludGw3aHR0cHM6Ly9kYXNoc2NvcGUtZmlsZS1tZ3Iub3NzLWNuLWJlaWppbmcuYWxp";
        assert_eq!(
            post(&format!("/intl/oss/{up}")),
            Route::Proxy {
                upstream: 0,
                call: Call::Upload(up.into())
            }
        );
    }

    #[test]
    fn wrong_methods_and_unknown_names_are_not_found() {
        assert_eq!(post("/healthz"), Route::NotFound);
        assert_eq!(
            get("/intl/api/v1/services/aigc/video-generation/video-synthesis"),
            Route::NotFound
        );
        assert_eq!(post("/intl/api/v1/tasks/abc"), Route::NotFound);
        assert_eq!(get("/evil/api/v1/tasks/abc"), Route::NotFound);
        assert_eq!(get("/"), Route::NotFound);
        assert_eq!(
            parse(&Method::PUT, "/intl/api/v1/tasks/abc", idx, false),
            Route::NotFound
        );
        assert_eq!(
            parse(&Method::OPTIONS, "/anything", idx, false),
            Route::Preflight
        );
    }

    #[test]
    fn hostile_paths_are_refused() {
        for path in [
            "/intl/api/v1/tasks/../../x",
            "/intl/api/v1/tasks/..",
            "/intl/api/v1/tasks/.",
            "/intl//api/v1/tasks/abc",
            "/intl/api/v1/tasks/abc%2F..%2Fx",
            "/intl/api/v1/tasks%2Fabc",
            "/intl/api/v1/tasks/abc%0d%0aX-Evil:%201",
            "/intl/api/v1/tasks/a\\b",
            "/intl/http://evil.example/api/v1/tasks/abc",
            "//evil.example/api/v1/tasks/abc",
            "/intl%2Fapi/v1/tasks/abc",
            "/intl/api/v1/tasks/abc//",
        ] {
            assert_eq!(get(path), Route::NotFound, "{path}");
        }
        assert_eq!(get("/intl/api/v1/tasks/abc_def"), Route::InvalidTaskId);
        assert_eq!(
            get(&format!("/intl/api/v1/tasks/{}", "a".repeat(65))),
            Route::InvalidTaskId
        );
        assert_eq!(post("/intl/oss/not-an-id"), Route::NotFound);
        let short = "0123456789abcdef0123456789abcdef";
        assert_eq!(post(&format!("/intl/oss/{short}")), Route::NotFound);
        let long = "A".repeat(crate::upload_id::MAX_CHARS + 1);
        assert_eq!(post(&format!("/intl/oss/{long}")), Route::NotFound);
    }

    #[test]
    fn static_fallback_only_when_serving() {
        assert_eq!(parse(&Method::GET, "/index.html", idx, true), Route::Static);
        assert_eq!(parse(&Method::GET, "/", idx, true), Route::Static);
        assert_eq!(
            parse(&Method::POST, "/index.html", idx, true),
            Route::NotFound
        );
        assert_eq!(parse(&Method::GET, "/api/nope", idx, true), Route::NotFound);
        assert_eq!(
            parse(&Method::GET, "/intl/nope", idx, true),
            Route::NotFound
        );
    }
}
