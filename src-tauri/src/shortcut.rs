//! The global clip key (default Ctrl+Alt+L): clips the clipboard without leaving the browser
//! and confirms with a system notification. The UI hears of the new note through the
//! `library-changed` event.

use std::sync::Arc;

use lode::{ClipStatus, Library};
use tauri::plugin::TauriPlugin;
use tauri::{AppHandle, Emitter, Manager, Runtime};
use tauri_plugin_global_shortcut::{GlobalShortcutExt, Shortcut, ShortcutState};
use tauri_plugin_notification::NotificationExt;

use crate::commands::LibraryChanged;
use crate::settings::Settings;
use crate::{clipboard, security};

pub fn plugin<R: Runtime>() -> TauriPlugin<R> {
    tauri_plugin_global_shortcut::Builder::new()
        .with_handler(|app, _shortcut, event| {
            if event.state() == ShortcutState::Pressed {
                let app = app.clone();
                std::thread::spawn(move || clip_and_notify(&app));
            }
        })
        .build()
}

/// Registers the saved shortcut; a failure (another program holds the keys) is logged and
/// shown in the settings, and the in-app Ctrl+Shift+V still works.
pub fn register_saved<R: Runtime>(app: &AppHandle<R>) {
    let shortcut = app.state::<Settings>().get().shortcut;
    if let Err(e) = register(app, &shortcut) {
        eprintln!("lode-desktop: the clip shortcut {shortcut} is not available: {e}");
    }
}

/// Replaces the registered shortcut with `accelerator` ("Ctrl+Alt+L", "Super+Shift+C"…).
pub fn register<R: Runtime>(app: &AppHandle<R>, accelerator: &str) -> Result<(), String> {
    let shortcut: Shortcut = accelerator
        .parse()
        .map_err(|e| format!("'{accelerator}' is not a shortcut: {e}"))?;
    let shortcuts = app.global_shortcut();
    shortcuts.unregister_all().map_err(|e| e.to_string())?;
    shortcuts.register(shortcut).map_err(|e| e.to_string())
}

fn clip_and_notify<R: Runtime>(app: &AppHandle<R>) {
    let library = app.state::<Arc<Library>>();
    let clipped =
        clipboard::read(app).and_then(|clip| crate::commands::clip_or_highlight(&library, &clip));
    let (title, body) = match clipped {
        Ok(outcome) => {
            if outcome.status != ClipStatus::InSeveral {
                let _ = app.emit(
                    "library-changed",
                    LibraryChanged::clipped("shortcut", outcome.id, outcome.status),
                );
            }
            crate::commands::complete_in_background(app, library.inner(), &outcome);
            let title = match outcome.status {
                ClipStatus::Unchanged => "Already in Lode",
                ClipStatus::Updated => "Updated in Lode",
                ClipStatus::Created => "Clipped to Lode",
                ClipStatus::Highlighted => "Highlighted in Lode",
                ClipStatus::InSeveral => "In several notes: press Ctrl+Shift+V in Lode to choose",
            };
            (title, outcome.title)
        }
        Err(e) => ("Nothing clipped", e.to_string()),
    };
    // The page's title is the page's text: notification servers that render markup (KDE,
    // dunst) would read `<b>` or `<a href>` in it.
    let body = escape_markup(&body);
    let shown = app.notification().builder().title(title).body(&body).show();
    if let Err(e) = &shown {
        eprintln!("lode-desktop: no notification server ({e}): {title}: {body}");
    }
    let delivery = if shown.is_ok() {
        "shown"
    } else {
        "undelivered"
    };
    security::trace(&format!("notification {title}: {body} ({delivery})"));
}

/// Text for a notification body that servers rendering a markup subset show as written.
fn escape_markup(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_page_title_cannot_put_markup_in_the_notification() {
        assert_eq!(
            super::escape_markup("<a href=\"x\">R&D</a>"),
            "&lt;a href=\"x\"&gt;R&amp;D&lt;/a&gt;"
        );
    }
}
