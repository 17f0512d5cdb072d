//! End-to-end tests of the `wanedit-relay` binary against the simulator and small recording
//! servers, all on loopback.
#![allow(missing_docs)]

mod common;
mod deploy;
mod e2e;
mod fidelity;
mod hardening;
mod hostile;
mod key_holding;
mod limits;
mod seeds;
mod static_files;
