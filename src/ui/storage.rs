//! Keeps the user's work in the browser's localStorage, so a reload or a crash loses nothing.
//! Nothing is ever sent anywhere.

const WORKSPACE_KEY: &str = "kubegate.workspace.v1";
const COMMAND_KEY: &str = "kubegate.command.v1";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The saved workspace text, if any.
pub fn load_workspace() -> Option<String> {
    storage()?.get_item(WORKSPACE_KEY).ok()?
}

/// The saved command, if any.
pub fn load_command() -> Option<String> {
    storage()?.get_item(COMMAND_KEY).ok()?
}

/// Saves the workspace text (best effort: a full or disabled storage is not an error).
pub fn save_workspace(text: &str) {
    if let Some(s) = storage() {
        let _ = s.set_item(WORKSPACE_KEY, text);
    }
}

/// Saves the command.
pub fn save_command(text: &str) {
    if let Some(s) = storage() {
        let _ = s.set_item(COMMAND_KEY, text);
    }
}
