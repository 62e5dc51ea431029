//! The desktop's own settings (not library data): the global clip shortcut, and the folder
//! kept in sync with the library as Markdown. Kept as JSON in
//! the platform's config folder; a missing or unreadable file means the defaults.

use std::path::PathBuf;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Manager, Runtime};

pub const DEFAULT_SHORTCUT: &str = "Ctrl+Alt+L";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(default)]
pub struct DesktopSettings {
    /// Clips from anywhere, without leaving the browser.
    pub shortcut: String,
    /// A folder (an Obsidian vault's, say) kept up to date with the library as Markdown, a
    /// file a note ([`lode::Library::sync_folder`]); none when `None`.
    pub sync_folder: Option<PathBuf>,
}

impl Default for DesktopSettings {
    fn default() -> Self {
        DesktopSettings {
            shortcut: DEFAULT_SHORTCUT.to_string(),
            sync_folder: None,
        }
    }
}

pub struct Settings {
    path: Option<PathBuf>,
    current: Mutex<DesktopSettings>,
}

impl Settings {
    pub fn load<R: Runtime>(app: &AppHandle<R>) -> Settings {
        let path = app
            .path()
            .app_config_dir()
            .ok()
            .map(|d| d.join("settings.json"));
        let current = path
            .as_ref()
            .and_then(|p| std::fs::read_to_string(p).ok())
            .and_then(|s| serde_json::from_str(&s).ok())
            .unwrap_or_default();
        Settings {
            path,
            current: Mutex::new(current),
        }
    }

    pub fn get(&self) -> DesktopSettings {
        self.current
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub fn set(&self, settings: DesktopSettings) -> std::io::Result<()> {
        if let Some(path) = &self.path {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            std::fs::write(path, serde_json::to_vec_pretty(&settings)?)?;
        }
        *self.current.lock().unwrap_or_else(|e| e.into_inner()) = settings;
        Ok(())
    }
}
