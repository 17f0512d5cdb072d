//! Tests of the flags and the checked configuration.
use super::*;

fn args(extra: &[&str]) -> Args {
    let mut argv = vec!["wanedit-relay"];
    argv.extend_from_slice(extra);
    Args::parse_from(argv)
}

#[test]
fn defaults_are_two_regions_pass_through() {
    let c = Config::from_args(args(&[]), None).unwrap();
    let names: Vec<_> = c.upstreams.iter().map(|u| u.name.as_str()).collect();
    assert_eq!(names, ["intl", "cn"]);
    assert_eq!(c.upstreams[0].base, "https://dashscope-intl.aliyuncs.com");
    assert!(!c.holds_real_key());
    assert_eq!(c.max_upload_bytes, 100 * 1024 * 1024);
    assert!(c.workers >= 1, "one worker per CPU");
    let c3 = Config::from_args(args(&["--workers", "3"]), None).unwrap();
    assert_eq!(c3.workers, 3);
    assert!(Config::from_args(args(&["--workers", "100000"]), None).is_err());
    let bound: SocketAddr = "127.0.0.1:8787".parse().unwrap();
    assert_eq!(
        c.allowed_origins(bound),
        ["http://127.0.0.1:8787", "http://localhost:8787"]
    );
}

#[test]
fn key_without_restriction_is_refused() {
    let err = Config::from_args(args(&[]), Some("sk-abc".into())).unwrap_err();
    assert!(matches!(err, RelayError::Unrestricted));
    assert!(Config::from_args(
        args(&["--allow-origin", "https://a.example"]),
        Some("sk-abc".into())
    )
    .is_ok());
    assert!(Config::from_args(
        args(&["--access-token", "0123456789abcdef"]),
        Some("sk-abc".into())
    )
    .is_ok());
    assert!(Config::from_args(args(&["--access-token", "short"]), Some("sk-abc".into())).is_err());
}

#[test]
fn secrets_never_print() {
    let c = Config::from_args(
        args(&["--access-token", "tok-0123456789abcdef"]),
        Some("sk-topsecret".into()),
    )
    .unwrap();
    let shown = format!("{c:?}");
    assert!(!shown.contains("sk-topsecret"), "{shown}");
    assert!(!shown.contains("tok-0123456789abcdef"), "{shown}");
}

#[test]
fn origins_are_normalised_and_wildcards_refused() {
    assert_eq!(
        normalize_origin("HTTPS://App.Example.com:443/").unwrap(),
        "https://app.example.com"
    );
    assert_eq!(
        normalize_origin("http://localhost:3000").unwrap(),
        "http://localhost:3000"
    );
    assert!(normalize_origin("*").is_err());
    assert!(normalize_origin("https://a.example/path").is_err());
    assert!(normalize_origin("null").is_err());
}

#[test]
fn upstream_specs_are_checked() {
    assert_eq!(
        parse_upstream("sim=http://127.0.0.1:9000/").unwrap(),
        ("sim".to_string(), "http://127.0.0.1:9000".to_string())
    );
    assert!(parse_upstream("api=http://x").is_err());
    assert!(parse_upstream("Bad=http://x").is_err());
    assert!(parse_upstream("a=ftp://x").is_err());
    assert!(parse_upstream("a=http://u:p@x").is_err());
    assert!(parse_upstream("nourl").is_err());
}

#[test]
fn regions_are_presets_and_other_hosts_plain_urls() {
    for (spec, want) in [
        ("us", ("us", "https://dashscope-us.aliyuncs.com")),
        ("hk", ("hk", "https://cn-hongkong.dashscope.aliyuncs.com")),
        ("intl", ("intl", "https://dashscope-intl.aliyuncs.com")),
        (
            "prod=https://ws-1a2b.ap-southeast-1.maas.aliyuncs.com",
            ("prod", "https://ws-1a2b.ap-southeast-1.maas.aliyuncs.com"),
        ),
        (
            "trial=https://trial.cn-beijing.maas.aliyuncs.com/",
            ("trial", "https://trial.cn-beijing.maas.aliyuncs.com"),
        ),
    ] {
        let (name, base) = parse_upstream(spec).unwrap();
        assert_eq!((name.as_str(), base.as_str()), want, "{spec}");
    }
    let err = parse_upstream("mars").unwrap_err().to_string();
    assert!(err.contains("intl, cn, us, hk"), "{err}");
}

#[test]
fn default_upload_hosts_cover_every_region_and_workspace_bucket() {
    let allow = [HostPattern::parse(DEFAULT_UPLOAD_HOSTS).unwrap()];
    for host in [
        "https://dashscope-file-mgr.oss-cn-beijing.aliyuncs.com",
        "https://dashscope-file-intl.oss-ap-southeast-1.aliyuncs.com",
        "https://dashscope-file-us.oss-us-east-1.aliyuncs.com",
        "https://dashscope-file-hk.oss-cn-hongkong.aliyuncs.com",
        "https://ws-1a2b.ap-southeast-1.maas.aliyuncs.com",
    ] {
        assert!(
            crate::upload::check_upload_host(host, &allow).is_ok(),
            "{host}"
        );
    }
    for host in [
        "https://aliyuncs.com.evil.example",
        "http://x.oss-cn-beijing.aliyuncs.com",
    ] {
        assert!(
            crate::upload::check_upload_host(host, &allow).is_err(),
            "{host}"
        );
    }
}

#[test]
fn explicit_origins_replace_own_unless_serving() {
    let bound: SocketAddr = "127.0.0.1:9".parse().unwrap();
    let c = Config::from_args(args(&["--allow-origin", "https://a.example"]), None).unwrap();
    assert_eq!(c.allowed_origins(bound), ["https://a.example"]);
    let c = Config::from_args(
        args(&["--allow-origin", "https://a.example", "--serve", "/tmp"]),
        None,
    )
    .unwrap();
    assert_eq!(c.allowed_origins(bound).len(), 3);
}
