//! Result links: published under the configured result base (a relay serving them under its
//! own origin), and expiring on the wall clock within 24 h however far the simulator's
//! virtual clock has run ahead.

mod common;

use std::time::{SystemTime, UNIX_EPOCH};

use common::{frozen, start_with, vace_body};
use wanedit_sim::SimConfig;

fn expires_of(url: &str) -> u64 {
    url.split("Expires=")
        .nth(1)
        .and_then(|rest| rest.split('&').next())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no Expires in {url}"))
}

fn wall_s() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

#[tokio::test]
async fn links_use_the_result_base_and_expire_within_24_h_of_the_wall_clock() {
    let sim = start_with(SimConfig {
        result_base_url: Some("http://relay.example:8787/sim/".into()),
        ..frozen()
    })
    .await;
    let id = sim.submit(&vace_body()).await;
    // The frozen virtual clock is far from the wall clock (it starts in May 2025): a link
    // expiry on the virtual clock would be off by months.
    sim.advance_secs(3600);
    let url = sim.task(&id).await["output"]["video_url"]
        .as_str()
        .expect("a video_url")
        .to_string();
    assert!(
        url.starts_with(&format!("http://relay.example:8787/sim/results/{id}.mp4?")),
        "{url}"
    );
    let left = expires_of(&url) as i64 - wall_s() as i64;
    assert!((80_000..=86_400).contains(&left), "{left} s left");
    // Upload hosts stay on the public base.
    assert_eq!(sim.ctl.public_base_url(), sim.base);
    // Read again later (virtual), the link does not live longer.
    sim.advance_secs(3600);
    let again = sim.task(&id).await["output"]["video_url"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(expires_of(&again) <= expires_of(&url), "{again} vs {url}");
    // A relay that learns its address later moves the links.
    sim.ctl
        .set_result_base_url("http://relay.example:9000/sim/");
    assert_eq!(sim.ctl.result_base_url(), "http://relay.example:9000/sim");
    let moved = sim.task(&id).await["output"]["video_url"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        moved.starts_with(&format!("http://relay.example:9000/sim/results/{id}.mp4?")),
        "{moved}"
    );
}
