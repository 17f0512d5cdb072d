//! Browser storage: `localStorage` for settings and tasks, `sessionStorage` or
//! `localStorage` for secrets (see `settings::secret_store`). Failures (private mode, quota)
//! are silent: the app keeps working in memory.

use web_sys::Storage;

use crate::settings::{secret_store, Store};

fn store(which: Store) -> Option<Storage> {
    let w = web_sys::window()?;
    match which {
        Store::Local => w.local_storage().ok().flatten(),
        Store::Session => w.session_storage().ok().flatten(),
    }
}

/// Reads `key` from `localStorage`.
pub fn get(key: &str) -> Option<String> {
    store(Store::Local)?.get_item(key).ok().flatten()
}

/// Writes `key` to `localStorage`.
pub fn set(key: &str, value: &str) {
    if let Some(s) = store(Store::Local) {
        let _ = s.set_item(key, value);
    }
}

/// Reads a secret from wherever it is (`sessionStorage` first).
pub fn get_secret(key: &str) -> String {
    [Store::Session, Store::Local]
        .into_iter()
        .find_map(|w| store(w)?.get_item(key).ok().flatten())
        .unwrap_or_default()
}

/// Stores a secret where `remember` says, and removes it from the other store. An empty
/// value removes it everywhere.
pub fn set_secret(key: &str, value: &str, remember: bool) {
    let (keep, clear) = secret_store(remember);
    if let Some(s) = store(clear) {
        let _ = s.remove_item(key);
    }
    if let Some(s) = store(keep) {
        let _ = if value.is_empty() {
            s.remove_item(key)
        } else {
            s.set_item(key, value)
        };
    }
}
