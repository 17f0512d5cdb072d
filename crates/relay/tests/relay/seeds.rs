//! Replay of the documents' examples: every create-task body in `shared/seeds/` (the curl,
//! Python and Java bodies of each VACE function in English and Chinese, the Beijing spelling
//! `wanx2.1-vace-plus` of seed 003, and wan2.7-videoedit), as extracted by
//! `crates/core/tests/fixtures/extract_seeds.py`, goes
//! through the real relay binary to the simulator, must be accepted, reach the simulator
//! unchanged, and poll to SUCCEEDED.

use std::time::Duration;

use crate::common::*;

const KEY: &str = "sk-sim";

/// Virtual seconds the clock moves between two polls: a VACE task (about 5 min) takes about
/// a dozen polls, as a client polling every 10–15 s of a real task's minutes would.
const POLL_STEP_SECS: u64 = 30;

/// Polls before a task that has not ended counts as stuck: twice the longest default run.
const MAX_POLLS: usize = 2 * 300 / POLL_STEP_SECS as usize;

/// The extracted examples, `(file name, raw bytes)`, in file-name order (seed, then position).
fn seed_examples() -> Vec<(String, Vec<u8>)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../core/tests/fixtures/seeds");
    let mut out: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&p).unwrap())
        })
        .collect();
    out.sort();
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_document_example_is_accepted_and_succeeds() {
    let examples = seed_examples();
    // Every seed file contributes, and both models and both VACE spellings are there: a
    // broken extraction must not pass as "nothing to replay".
    for needle in ["000_", "001_", "002_", "003_", "004_"] {
        assert!(
            examples.iter().any(|(n, _)| n.starts_with(needle)),
            "no example from seed {needle}"
        );
    }
    for needle in ["wan2.1-vace-plus", "wanx2.1-vace-plus", "wan2.7-videoedit"] {
        assert!(
            examples.iter().any(|(n, _)| n.contains(needle)),
            "no {needle} example"
        );
    }

    let sim = sim(&[KEY]).await;
    let ctl = sim.control();
    // Hundreds of polls from one client: the relay's per-IP limit is not under test here.
    let relay = start_relay_for_sim(&sim, &["--rate-limit", "0"], &[]);
    let c = client();
    let mut refused = Vec::new();

    for (name, bytes) in &examples {
        let sent: serde_json::Value = serde_json::from_slice(bytes).unwrap();
        ctl.clear_requests();
        // As the documents' curl sends it.
        let (status, headers, body) = send_json(
            c.post(relay.create_url("sim"))
                .header("authorization", format!("Bearer {KEY}"))
                .header("content-type", "application/json")
                .header("x-dashscope-async", "enable")
                .body(bytes.clone()),
        )
        .await;
        if status != 200 {
            // Collected, not asserted one by one, so one run names every refused example.
            refused.push(format!("{name}: {status} {body}"));
            continue;
        }
        let warnings = headers
            .get(wanedit_core::issue::WARNINGS_HEADER)
            .map(|v| v.to_str().unwrap_or("?").to_string());
        assert_eq!(warnings, None, "{name}: a documented example drew warnings");
        let task_id = body["output"]["task_id"]
            .as_str()
            .unwrap_or_else(|| panic!("{name}: no task id in {body}"))
            .to_string();
        assert_eq!(body["output"]["task_status"], "PENDING", "{name}: {body}");

        // The simulator got the example as written.
        let submits = ctl.requests_to("submit");
        assert_eq!(submits.len(), 1, "{name}");
        assert_eq!(submits[0].body, sent, "{name}: body changed on the way");

        // Poll through the relay, as a client would, until the task ends.
        let task_url = relay.url(&format!("/sim/api/v1/tasks/{task_id}"));
        let mut last = serde_json::Value::Null;
        for _ in 0..MAX_POLLS {
            ctl.advance(Duration::from_secs(POLL_STEP_SECS));
            let (_, task) = send_ok(
                c.get(&task_url)
                    .header("authorization", format!("Bearer {KEY}")),
            )
            .await;
            let status = task["output"]["task_status"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            assert!(
                ["PENDING", "RUNNING", "SUCCEEDED"].contains(&status.as_str()),
                "{name}: {task}"
            );
            last = task;
            if status == "SUCCEEDED" {
                break;
            }
        }
        assert_eq!(last["output"]["task_status"], "SUCCEEDED", "{name}: {last}");
        assert!(
            last["output"]["video_url"]
                .as_str()
                .is_some_and(|u| !u.is_empty()),
            "{name}: {last}"
        );
        assert_eq!(last["usage"]["video_count"], 1, "{name}: {last}");
        assert_eq!(
            last["output"]["orig_prompt"], sent["input"]["prompt"],
            "{name}: {last}"
        );
    }
    assert!(
        refused.is_empty(),
        "document examples refused:\n{}",
        refused.join("\n")
    );
    assert_eq!(
        ctl.tasks().len(),
        examples.len(),
        "one task per example, no more"
    );
    sim.shutdown().await;
}
