//! `--simulate`: the DashScope simulator in-process, added as upstream `sim`. The relay holds
//! the simulator's own (fake) key for it, so the demo works without anyone typing a key, and
//! the simulator's OSS endpoint joins the upload-host allowlist.

use crate::config::{Config, KeyMode, Secret, Upstream};
use crate::error::RelayError;
use crate::upload::HostPattern;

/// Starts the simulator and wires it into `config`. Returns its handle (shut down on exit).
pub async fn start(config: &mut Config) -> Result<wanedit_sim::SimHandle, RelayError> {
    let mut sim_config = wanedit_sim::SimConfig::default();
    if let Some(scale) = config.sim_time_scale {
        sim_config.time_scale = scale;
    }
    let key = sim_config
        .keys
        .first()
        .cloned()
        .unwrap_or_else(|| "sk-sim".to_string());
    let handle = wanedit_sim::spawn(sim_config).await?;
    let base = handle.base_url();
    let authority = base.trim_start_matches("http://").trim_end_matches('/');
    config
        .upload_hosts
        .push(HostPattern::parse(&format!("http://{authority}"))?);
    config.upstreams.push(Upstream {
        name: "sim".into(),
        base: base.trim_end_matches('/').to_string(),
        key: KeyMode::Held {
            key: Secret::new(key),
            real: false,
        },
    });
    Ok(handle)
}
