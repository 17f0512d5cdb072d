//! The served web UI's caching and precompressed files, through the relay binary: hashed
//! assets are immutable, the rest revalidates (304 on `If-Modified-Since`), and a `.br` /
//! `.gz` sibling is sent as is to a browser that accepts it.

use crate::common::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hashed_assets_are_immutable_and_precompressed_siblings_are_served() {
    let dir = std::env::temp_dir().join(format!("wanedit-relay-cache-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let js = "console.log('hashed')".repeat(50);
    std::fs::write(dir.join("index.html"), "<!doctype html><title>ui</title>").unwrap();
    std::fs::write(dir.join("app-0123456789abcdef.js"), &js).unwrap();
    // Marker contents: the relay must send these bytes, not compress the original itself.
    std::fs::write(dir.join("app-0123456789abcdef.js.br"), b"BROTLI-SIBLING").unwrap();
    std::fs::write(dir.join("app-0123456789abcdef.js.gz"), b"GZIP-SIBLING").unwrap();
    let relay = start_ui_relay(&dir);
    let c = client();
    let url = relay.url("/app-0123456789abcdef.js");

    let resp = c.get(&url).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    assert_eq!(
        resp.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(resp.text().await.unwrap(), js);

    for (encoding, marker) in [("br", "BROTLI-SIBLING"), ("gzip", "GZIP-SIBLING")] {
        let resp = c
            .get(&url)
            .header("accept-encoding", encoding)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.headers()["content-encoding"], encoding);
        assert_eq!(
            resp.headers()["cache-control"],
            "public, max-age=31536000, immutable"
        );
        assert_eq!(resp.bytes().await.unwrap().as_ref(), marker.as_bytes());
    }

    let resp = c.get(relay.url("/")).send().await.unwrap();
    assert_eq!(resp.headers()["cache-control"], "no-cache");
    let modified = resp.headers()["last-modified"].clone();
    let resp = c
        .get(relay.url("/"))
        .header("if-modified-since", modified)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 304);
    let _ = std::fs::remove_dir_all(&dir);
}
