//! Reads what the clipboard holds as a [`Clip`]: text/plain through the clipboard plugin,
//! text/html through arboard (the plugin cannot read HTML). Either may be missing; a missing
//! flavour is `None`, and the core turns a clip with neither into its "empty clip" message.

use lode::Clip;
use tauri::{AppHandle, Runtime};
use tauri_plugin_clipboard_manager::ClipboardExt;

pub fn read<R: Runtime>(app: &AppHandle<R>) -> Clip {
    let text = app.clipboard().read_text().ok();
    let html = arboard::Clipboard::new()
        .and_then(|mut clipboard| clipboard.get().html())
        .ok();
    let present = |s: Option<String>| s.filter(|s| !s.trim().is_empty());
    Clip {
        text: present(text),
        html: present(html),
        url: None,
    }
}
