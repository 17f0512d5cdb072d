//! Hostile requests: none may reach any host but the configured upstream, and what does reach
//! it carries only allowlisted headers.

use crate::common::*;

const TASK: &str = "0385dc79-5ff8-4d82-bcb6-4ab1a2b3c4d5";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_requests_never_leave_the_configured_upstream() {
    let trap = recorder(Reply::Json("{\"trap\":true}")).await;
    let up = recorder(Reply::Json("{\"output\":{\"task_status\":\"PENDING\"}}")).await;
    let redirector = recorder(Reply::Redirect(format!("{}/stolen", trap.base()))).await;
    let evil_policy = recorder(Reply::Policy(format!("{}/oss", trap.base()))).await;
    let relay = start_relay(
        &[
            "--upstream",
            &format!("up={}", up.base()),
            "--upstream",
            &format!("redir={}", redirector.base()),
            "--upstream",
            &format!("policy={}", evil_policy.base()),
            "--rate-limit",
            "0",
        ],
        &[],
    );
    let t = trap.addr;
    let ok_path = format!("/up/api/v1/tasks/{TASK}");

    // (request, statuses it may get). Any 2xx must have gone to `up` only.
    let cases: Vec<(String, &[u16])> = vec![
        // Absolute-form targets: the authority is ignored, the path decides.
        (format!("GET http://{t}/api/v1/tasks/{TASK} HTTP/1.1\r\nHost: {t}\r\n"), &[404]),
        (format!("GET http://{t}{ok_path} HTTP/1.1\r\nHost: {t}\r\n"), &[200]),
        (format!("GET //{t}/api/v1/tasks/{TASK} HTTP/1.1\r\nHost: x\r\n"), &[404]),
        (format!("GET /up//{t}/api/v1/tasks/{TASK} HTTP/1.1\r\nHost: x\r\n"), &[404]),
        (format!("GET /up/http://{t}/api/v1/tasks/{TASK} HTTP/1.1\r\nHost: x\r\n"), &[404]),
        (format!("GET /up/http:%2F%2F{t}/api/v1/tasks/{TASK} HTTP/1.1\r\nHost: x\r\n"), &[404]),
        (format!("CONNECT {t} HTTP/1.1\r\nHost: {t}\r\n"), &[400, 404, 405]),
        // Dot segments and encoded slashes.
        (format!("GET /up/api/v1/tasks/../../../{t} HTTP/1.1\r\nHost: x\r\n"), &[404]),
        (format!("GET /up/api/v1/tasks/{TASK}/.. HTTP/1.1\r\nHost: x\r\n"), &[404]),
        ("GET /up/api/v1/tasks/..%2F..%2Fstolen HTTP/1.1\r\nHost: x\r\n".into(), &[404]),
        (format!("GET /up/api/v1/tasks%2F{TASK} HTTP/1.1\r\nHost: x\r\n"), &[404]),
        (format!("GET /up%2Fapi/v1/tasks/{TASK} HTTP/1.1\r\nHost: x\r\n"), &[404]),
        (format!("GET /up/api/v1/tasks/{TASK}%2F..%2F..%2Fx HTTP/1.1\r\nHost: x\r\n"), &[404]),
        ("GET /up/api/v1/tasks/%2e%2e HTTP/1.1\r\nHost: x\r\n".into(), &[404]),
        (format!("GET /up\\api\\v1\\tasks\\{TASK} HTTP/1.1\r\nHost: x\r\n"), &[400, 404]),
        // Unknown upstream names.
        (format!("GET /trap/api/v1/tasks/{TASK} HTTP/1.1\r\nHost: x\r\n"), &[404]),
        (format!("GET /{t}/api/v1/tasks/{TASK} HTTP/1.1\r\nHost: x\r\n"), &[404]),
        (format!("GET /UP/api/v1/tasks/{TASK} HTTP/1.1\r\nHost: x\r\n"), &[404]),
        // A Host header pointing at the trap changes nothing.
        (format!("GET {ok_path} HTTP/1.1\r\nHost: {t}\r\n"), &[200]),
        // CRLF in the path (encoded), and header lines smuggled into a header.
        (format!("GET {ok_path}%0d%0aHost:%20{t} HTTP/1.1\r\nHost: x\r\n"), &[404]),
        (format!("GET {ok_path} HTTP/1.1\r\nHost: x\r\nX-DashScope-WorkSpace: ws\r\nX-Injected: 1\r\n"), &[200]),
        (format!("GET {ok_path} HTTP/1.1\r\nHost: x\r\nX-DashScope-WorkSpace: ws\rX-Injected: 1\r\n"), &[400]),
        (format!("GET {ok_path} HTTP/1.1\r\nHost: x\r\nX-DashScope-WorkSpace: ws\nHost: {t}\r\n"), &[400, 200]),
        // Cookies, forwarding headers and proxy credentials are never forwarded.
        (
            format!(
                "GET {ok_path}?x=1 HTTP/1.1\r\nHost: x\r\nCookie: session=s3cret\r\nX-Forwarded-For: 10.9.9.9\r\n\
                 X-Real-IP: 10.9.9.9\r\nForwarded: for=10.9.9.9\r\nProxy-Authorization: Basic Zm9vOmJhcg==\r\n\
                 X-Relay-Token: not-forwarded\r\nX-DashScope-Async: disable\r\n"
            ),
            &[200],
        ),
        // Methods and routes that do not exist.
        (format!("DELETE {ok_path} HTTP/1.1\r\nHost: x\r\n"), &[404]),
        (format!("POST {ok_path} HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n"), &[404]),
        ("GET /up/api/v1/files HTTP/1.1\r\nHost: x\r\n".into(), &[404]),
        ("GET /up/ HTTP/1.1\r\nHost: x\r\n".into(), &[404]),
        // Upstream answers that could lead elsewhere.
        (format!("GET /redir/api/v1/tasks/{TASK} HTTP/1.1\r\nHost: x\r\n"), &[502]),
        ("GET /policy/api/v1/uploads?action=getPolicy&model=m HTTP/1.1\r\nHost: x\r\n".into(), &[502]),
        ("POST /up/oss/0123456789abcdef0123456789abcdef HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: 1\r\n\r\nx".into(), &[404]),
    ];
    let mut forwarded = 0;
    for (head, allowed) in &cases {
        let request = if head.contains("\r\n\r\n") {
            head.replacen("\r\n\r\n", "\r\nConnection: close\r\n\r\n", 1)
        } else {
            format!("{head}Connection: close\r\n\r\n")
        };
        let (status, answer) = raw(relay.addr, request.as_bytes()).await;
        let first = head.lines().next().unwrap();
        assert!(
            allowed.contains(&status),
            "{first:?}: got {status}\n{answer}"
        );
        assert!(!answer.contains("\"trap\""), "{first:?} reached the trap");
        if status == 200 {
            forwarded += 1;
        }
        if status > 400 {
            // The relay's own refusals are JSON in DashScope's shape.
            assert!(
                answer.contains("\"code\":\"") && answer.contains("\"request_id\""),
                "{first:?}: {answer}"
            );
        }
    }

    assert!(
        trap.hits().is_empty(),
        "the trap was hit: {:?}",
        trap.hits()
    );
    assert_eq!(
        redirector.hits().len(),
        1,
        "the redirect is reported, not followed or retried"
    );
    assert_eq!(evil_policy.hits().len(), 1);
    let hits = up.hits();
    assert_eq!(hits.len(), forwarded, "{hits:?}");
    for hit in &hits {
        assert_eq!(hit.method, "GET");
        assert_eq!(
            hit.uri,
            format!("/api/v1/tasks/{TASK}"),
            "query and path are rebuilt"
        );
        assert_eq!(hit.headers["host"], up.addr.to_string().as_str());
        for name in [
            "cookie",
            "x-forwarded-for",
            "x-real-ip",
            "forwarded",
            "proxy-authorization",
            "x-relay-token",
            "x-injected",
            "x-dashscope-async",
            "authorization",
            "origin",
        ] {
            assert!(
                !hit.headers.contains_key(name),
                "{name} was forwarded: {:?}",
                hit.headers
            );
        }
        let names: Vec<_> = hit.headers.keys().map(|k| k.as_str()).collect();
        for name in &names {
            assert!(
                ["host", "accept", "user-agent", "x-dashscope-workspace"].contains(name),
                "unexpected header {name}: {names:?}"
            );
        }
    }
    assert!(hits.iter().any(|h| h
        .headers
        .get("x-dashscope-workspace")
        .is_some_and(|v| v == "ws")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redirect_from_upstream_is_a_502_never_followed() {
    let trap = recorder(Reply::Json("{\"trap\":true}")).await;
    let redirector = recorder(Reply::Redirect(format!("{}/steal", trap.base()))).await;
    let relay = start_relay(
        &["--upstream", &format!("redir={}", redirector.base())],
        &[],
    );
    let c = client();
    let (status, headers, body) = send_json(
        c.post(relay.create_url("redir"))
            .header("authorization", "Bearer sk-client")
            .header("origin", relay.origin())
            .body(valid_body().to_string()),
    )
    .await;
    assert_error(status, &body, 502, "UpstreamRedirect");
    assert!(headers.get("location").is_none());
    assert_eq!(
        headers["access-control-allow-origin"],
        relay.origin().as_str()
    );
    assert!(trap.hits().is_empty());
    assert_eq!(redirector.hits().len(), 1);
}
