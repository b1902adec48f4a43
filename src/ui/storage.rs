//! Keeps the user's work in the browser's localStorage, so a reload or a crash loses nothing.
//! Nothing is ever sent anywhere.
//!
//! Besides the workspace and the command it keeps the last workspace that read and booted
//! cleanly, and a marker set while the engine works on a new workspace text: if the page dies
//! there (a bug: a panic or a trap), the marker is still set at the next load, and the page
//! opens the last good workspace instead of crashing again on the same text, which it keeps
//! under its own key and offers back.

const WORKSPACE_KEY: &str = "kubegate.workspace.v1";
const COMMAND_KEY: &str = "kubegate.command.v1";
const LAST_GOOD_KEY: &str = "kubegate.last-good.v1";
const CRASHED_KEY: &str = "kubegate.crashed.v1";
const BUSY_KEY: &str = "kubegate.busy.v1";
/// Set by the crash notice's "reload with the last good workspace" button (www/boot.js).
const RECOVER_KEY: &str = "kubegate.recover.v1";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn get(key: &str) -> Option<String> {
    storage()?.get_item(key).ok()?
}

fn set(key: &str, value: &str) {
    // Best effort: a full or disabled storage is not an error.
    if let Some(s) = storage() {
        let _ = s.set_item(key, value);
    }
}

fn remove(key: &str) {
    if let Some(s) = storage() {
        let _ = s.remove_item(key);
    }
}

/// The saved workspace text, if any.
pub fn load_workspace() -> Option<String> {
    get(WORKSPACE_KEY)
}

/// The saved command, if any.
pub fn load_command() -> Option<String> {
    get(COMMAND_KEY)
}

/// Saves the workspace text.
pub fn save_workspace(text: &str) {
    set(WORKSPACE_KEY, text);
}

/// Saves the command.
pub fn save_command(text: &str) {
    set(COMMAND_KEY, text);
}

/// The last workspace that read and booted without errors.
pub fn load_last_good() -> Option<String> {
    get(LAST_GOOD_KEY)
}

/// Remembers a workspace that read and booted without errors.
pub fn save_last_good(text: &str) {
    set(LAST_GOOD_KEY, text);
}

/// The engine is about to work on the saved workspace text.
pub fn mark_busy() {
    set(BUSY_KEY, "1");
}

/// The engine finished with it.
pub fn clear_busy() {
    remove(BUSY_KEY);
}

/// At start-up: whether the page died while working on the saved workspace (or the crash
/// notice asked for the last good one), and the workspace text it died on, if one is still
/// waiting to be looked at. A text it died on moves to its own key: it stays available but is
/// not read again by itself.
pub fn recover() -> (bool, Option<String>) {
    let crashed = get(BUSY_KEY).is_some() || get(RECOVER_KEY).is_some();
    remove(BUSY_KEY);
    remove(RECOVER_KEY);
    if crashed {
        if let Some(text) = load_workspace() {
            set(CRASHED_KEY, &text);
        }
    }
    (crashed, get(CRASHED_KEY))
}

/// Forgets the workspace that crashed the page (the user put it back or dismissed it).
pub fn forget_crashed() {
    remove(CRASHED_KEY);
}
