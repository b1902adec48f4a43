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
const HISTORY_KEY: &str = "kubegate.history.v1";
const SENT_KEY: &str = "kubegate.sent-since-boot.v1";
const VIEW_KEY: &str = "kubegate.view.v1";
/// At most this many commands are kept to send again after a reload. Beyond it none are (part
/// of them would build another cluster than the one the learner had): the page says so.
pub const SENT_MAX: usize = 300;
const LAST_GOOD_KEY: &str = "kubegate.last-good.v1";
const CRASHED_KEY: &str = "kubegate.crashed.v1";
const BUSY_KEY: &str = "kubegate.busy.v1";
/// Set by the crash notice's "reload with the last good workspace" button (www/boot.js).
const RECOVER_KEY: &str = "kubegate.recover.v1";
const EXAMPLE_KEY: &str = "kubegate.example.v1";
const PRESENT_KEY: &str = "kubegate.present.v1";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn get(key: &str) -> Option<String> {
    storage()?.get_item(key).ok()?
}

/// Whether the page has shown its crash notice (www/boot.js marks `<html>`): from then on
/// nothing is recorded, so the text it stopped on never becomes the last good one.
fn stopped() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
        .is_some_and(|html| html.has_attribute("data-kubegate-crashed"))
}

/// Stores a value; `false` when the storage is off or full (the caller decides whether that
/// is worth saying).
fn set(key: &str, value: &str) -> bool {
    if stopped() {
        return true;
    }
    storage().is_some_and(|s| s.set_item(key, value).is_ok())
}

/// A text kept with [`set_text`].
fn get_text(key: &str) -> Option<String> {
    crate::share::unpack_text(&get(key)?)
}

/// Stores a text, deflated when it is large (the storage holds a few MB per site).
fn set_text(key: &str, text: &str) -> bool {
    set(key, &crate::share::pack_text(text))
}

fn remove(key: &str) {
    if stopped() {
        return;
    }
    if let Some(s) = storage() {
        let _ = s.remove_item(key);
    }
}

/// The saved workspace text, if any.
pub fn load_workspace() -> Option<String> {
    get_text(WORKSPACE_KEY)
}

/// The saved command, if any.
pub fn load_command() -> Option<String> {
    get(COMMAND_KEY)
}

/// Saves a large workspace text in the deflated form the engine made of it
/// ([`crate::share::pack_text`]); `false` when the browser's storage cannot hold it.
pub fn save_workspace_kept(kept: &str) -> bool {
    if set(WORKSPACE_KEY, kept) {
        return true;
    }
    remove(WORKSPACE_KEY);
    false
}

/// Saves the workspace text; `false` when the browser's storage cannot hold it.
pub fn save_workspace(text: &str) -> bool {
    if set_text(WORKSPACE_KEY, text) {
        return true;
    }
    // Too large: what is kept must not be an older text that a reload would bring back as if
    // it were this one.
    remove(WORKSPACE_KEY);
    false
}

/// The id of the example the workspace was opened from, if any.
pub fn load_example() -> Option<String> {
    get(EXAMPLE_KEY)
}

/// Saves (or, with `None`, forgets) the example the workspace was opened from.
pub fn save_example(id: Option<&str>) {
    match id {
        Some(id) => {
            set(EXAMPLE_KEY, id);
        }
        None => remove(EXAMPLE_KEY),
    }
}

/// Whether the page was in presentation mode.
pub fn load_present() -> bool {
    get(PRESENT_KEY).is_some()
}

/// Keeps (or forgets) presentation mode.
pub fn save_present(on: bool) {
    if on {
        set(PRESENT_KEY, "1");
    } else {
        remove(PRESENT_KEY);
    }
}

/// Saves the command.
pub fn save_command(text: &str) {
    set(COMMAND_KEY, text);
}

/// A list of strings kept as a JSON array (none when missing or unreadable).
fn get_list(key: &str) -> Vec<String> {
    get(key)
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default()
}

/// Keeps a list of strings as a JSON array.
fn set_list(key: &str, list: &[String]) {
    if let Ok(text) = serde_json::to_string(list) {
        set(key, &text);
    }
}

/// The commands sent in earlier visits, oldest first.
pub fn load_history() -> Vec<String> {
    get_list(HISTORY_KEY)
}

/// Saves the commands sent.
pub fn save_history(history: &[String]) {
    set_list(HISTORY_KEY, history);
}

/// The commands sent since the cluster booted, to send again after a reload: `Ok`, or
/// `Err(n)` when there were `n`, too many to keep.
pub fn load_sent() -> Result<Vec<String>, usize> {
    if let Some(n) = get(SENT_KEY)
        .as_deref()
        .and_then(|t| t.strip_prefix("too many:"))
    {
        return Err(n.parse().unwrap_or(SENT_MAX + 1));
    }
    Ok(get_list(SENT_KEY))
}

/// Saves the commands sent since the cluster booted (or how many there were, past
/// [`SENT_MAX`]).
pub fn save_sent(commands: &[String]) {
    if commands.len() > SENT_MAX {
        set(SENT_KEY, &format!("too many:{}", commands.len()));
    } else {
        set_list(SENT_KEY, commands);
    }
}

/// Which request of the newest run, and which of its steps, the page showed.
pub fn load_view() -> Option<(usize, usize)> {
    let text = get(VIEW_KEY)?;
    let (request, cursor) = text.split_once(',')?;
    Some((request.parse().ok()?, cursor.parse().ok()?))
}

/// Saves which request and step the page shows.
pub fn save_view(request: usize, cursor: usize) {
    set(VIEW_KEY, &format!("{request},{cursor}"));
}

/// The last workspace that read and booted without errors.
pub fn load_last_good() -> Option<String> {
    get_text(LAST_GOOD_KEY)
}

/// Remembers a workspace that read and booted without errors: a large one in the deflated
/// form the engine made (`kept`), never deflated here (it would hold the page still).
pub fn save_last_good(text: &str, kept: Option<&str>) {
    let saved = match kept {
        Some(kept) => set(LAST_GOOD_KEY, kept),
        None if text.len() <= crate::share::PACK_OVER => set_text(LAST_GOOD_KEY, text),
        None => return,
    };
    if !saved {
        remove(LAST_GOOD_KEY);
    }
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
        // Moved as kept (packed or not).
        if let Some(kept) = get(WORKSPACE_KEY) {
            set(CRASHED_KEY, &kept);
        }
    }
    (crashed, get_text(CRASHED_KEY))
}

/// Forgets the workspace that crashed the page (the user put it back or dismissed it).
pub fn forget_crashed() {
    remove(CRASHED_KEY);
}
