//! Where a [`Client`](crate::Client) keeps the run times it learns from: a [`HistoryStore`]
//! the caller gives it (`localStorage`, in the web UI and by default in the npm package in
//! browsers), or [`MemoryStore`] (the default of [`Client::new`](crate::Client::new), and of
//! the npm package in Node). The text in it is `wanedit_core::poll::History`'s, under
//! [`HISTORY_KEY`].

use core::cell::RefCell;

/// The key the history is stored under (in a `Storage`: `localStorage.getItem(HISTORY_KEY)`).
pub const HISTORY_KEY: &str = "wanedit.pollHistory.v1";

/// A place for one text: the poll history of an account (see the module docs). Reads and
/// writes must not fail the caller: a store that cannot read answers `None`, one that cannot
/// write drops the text.
pub trait HistoryStore {
    /// The stored text, if any.
    fn load(&self) -> Option<String>;
    /// Replaces the stored text.
    fn save(&self, text: &str);
}

/// A [`HistoryStore`] in memory: the history lasts as long as the client.
#[derive(Debug, Default)]
pub struct MemoryStore(RefCell<Option<String>>);

impl HistoryStore for MemoryStore {
    fn load(&self) -> Option<String> {
        self.0.borrow().clone()
    }

    fn save(&self, text: &str) {
        *self.0.borrow_mut() = Some(text.to_string());
    }
}
