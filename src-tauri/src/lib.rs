//! Lode's desktop shell: the Tauri window around the web UI in `ui/`. Wiring only, as
//! STYLE.md asks: [`commands`] translate arguments and errors for [`lode::Library`], the one
//! facade; [`clipboard`] reads both flavours of the clipboard; [`shortcut`] owns the global
//! clip key; [`security`] holds the navigation rules. The library is opened once, here, and
//! shared by every command as `State<Arc<Library>>`.

pub mod bindings;
pub mod clipboard;
#[cfg(test)] // build.rs includes it too; the security tests check the capability against it
mod command_list;
mod commands;
pub mod launch;
pub mod security;
mod settings;
mod shortcut;

use std::path::PathBuf;
use std::sync::Arc;

use lode::{ErrorCode, Library};
use tauri::{Manager, WebviewUrl, WebviewWindowBuilder};
use tauri_plugin_dialog::{DialogExt, MessageDialogKind};

/// Where the library lives: `LODE_LIBRARY`, else the platform's data folder.
fn library_dir() -> Option<PathBuf> {
    std::env::var_os("LODE_LIBRARY")
        .map(PathBuf::from)
        .or_else(Library::default_dir)
}

/// The file that asks the next start to restore a backup before opening the library (the
/// library cannot be replaced while this process holds it).
const RESTORE_ON_START: &str = "restore-on-start";

/// Asks the next start to restore `backup` into the library in `dir`.
fn schedule_restore(dir: &std::path::Path, backup: &std::path::Path) -> std::io::Result<()> {
    std::fs::write(
        dir.join(RESTORE_ON_START),
        backup.as_os_str().as_encoded_bytes(),
    )
}

/// Restores the backup a previous run scheduled, if any. The request is forgotten once tried
/// (a backup that cannot be restored is not tried at every start), unless the library was
/// still held by the Lode that is closing: then it is tried again.
fn restore_scheduled(dir: &std::path::Path) -> Result<(), lode::Error> {
    let marker = dir.join(RESTORE_ON_START);
    let Ok(backup) = std::fs::read_to_string(&marker) else {
        return Ok(());
    };
    let restored = Library::restore_backup(dir, std::path::Path::new(backup.trim())).map(drop);
    if !matches!(&restored, Err(e) if e.code() == ErrorCode::LibraryLocked) {
        let _ = std::fs::remove_file(&marker);
    }
    restored
}

/// Opens the library, waiting up to three seconds for a Lode that is closing to let go of it.
fn open_library() -> Result<Library, String> {
    let dir = library_dir().ok_or("no home folder to keep the library in; set LODE_LIBRARY")?;
    for _ in 0..30 {
        match restore_scheduled(&dir) {
            Err(e) if e.code() == ErrorCode::LibraryLocked => {
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            Err(e) => {
                // The library as it is still opens; the backup stays where it was.
                eprintln!("lode-desktop: the backup could not be restored: {e}");
                break;
            }
            Ok(()) => break,
        }
    }
    for _ in 0..30 {
        match Library::open(&dir) {
            Err(e) if e.code() == ErrorCode::LibraryLocked => {
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            opened => return opened.map_err(|e| e.to_string()),
        }
    }
    Library::open(&dir).map_err(|e| e.to_string())
}

/// WebKitGTK settings. Without a GPU, WebKit emulates GL in software to composite the page:
/// a frame then costs tens of milliseconds and the web process a few hundred megabytes more,
/// and Lode's pages paint faster without compositing. `LODE_WEBKIT_COMPOSITING=always|never`
/// overrides the choice (the E2E tests need compositing: WebKitWebDriver's screenshots hang
/// without it). One page with no history needs no page cache either.
#[cfg(target_os = "linux")]
fn tune_webkit(webview: tauri::webview::PlatformWebview) {
    use webkit2gtk::{
        CacheModel, HardwareAccelerationPolicy, SettingsExt, WebContextExt, WebViewExt,
    };
    let webview = webview.inner();
    if let Some(context) = webview.context() {
        context.set_cache_model(CacheModel::DocumentViewer);
    }
    let compositing = match std::env::var("LODE_WEBKIT_COMPOSITING").as_deref() {
        Ok("always") => true,
        Ok("never") => false,
        _ => std::fs::read_dir("/dev/dri").is_ok_and(|mut d| {
            d.any(|e| e.is_ok_and(|e| e.file_name().to_string_lossy().starts_with("renderD")))
        }),
    };
    if !compositing && let Some(settings) = WebViewExt::settings(&webview) {
        settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
    }
}

/// A background thread for the running app: tells the UI how the search index is doing
/// (`index-status`, whenever it changes), and makes the daily backup when one is due.
fn watch<R: tauri::Runtime>(app: tauri::AppHandle<R>, library: Arc<Library>) {
    use tauri::Emitter;
    // The folder kept in sync, on a thread of its own (a first sync of a big library takes a
    // while), checked every few seconds: cheap when nothing changed.
    let (sync_app, sync_library) = (app.clone(), Arc::clone(&library));
    let spawned = std::thread::Builder::new()
        .name("lode-folder-sync".into())
        .spawn(move || {
            loop {
                commands::sync_folder_now(&sync_app, &sync_library);
                std::thread::sleep(std::time::Duration::from_secs(3));
            }
        });
    if let Err(e) = spawned {
        eprintln!("lode-desktop: no folder sync thread: {e}");
    }
    let spawned = std::thread::Builder::new()
        .name("lode-watch".into())
        .spawn(move || {
            let mut last = None;
            let mut next_backup = std::time::Instant::now() + std::time::Duration::from_secs(60);
            loop {
                let status = library.index_status();
                if last.as_ref() != Some(&status) {
                    let _ = app.emit("index-status", &status);
                    last = Some(status);
                }
                // The CLI (or a script) wrote to the library while the app is open.
                if library.changed_elsewhere().unwrap_or(false) {
                    let _ = app.emit(
                        "library-changed",
                        commands::LibraryChanged::many("elsewhere"),
                    );
                }
                if std::time::Instant::now() >= next_backup {
                    next_backup += std::time::Duration::from_secs(3600);
                    if let Err(e) = library.backup_if_due() {
                        eprintln!("lode-desktop: the daily backup failed: {e}");
                    }
                }
                std::thread::sleep(std::time::Duration::from_millis(250));
            }
        });
    if let Err(e) = spawned {
        eprintln!("lode-desktop: no status thread: {e}");
    }
}

pub fn run() {
    let app = tauri::Builder::default()
        .plugin(tauri_plugin_clipboard_manager::init())
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_opener::init())
        .plugin(shortcut::plugin())
        .manage(commands::Import::default())
        .manage(commands::Pages::default())
        .manage(commands::Reextract::default())
        .manage(commands::Searches::default())
        .manage(launch::Pending(std::sync::Mutex::new(
            launch::Launch::from_args(std::env::args_os().skip(1)),
        )))
        .invoke_handler(commands::handler())
        .setup(|app| {
            let library = match open_library() {
                Ok(library) => library,
                Err(message) => {
                    app.dialog()
                        .message(format!("Lode cannot open its library: {message}"))
                        .kind(MessageDialogKind::Error)
                        .title("Lode")
                        .blocking_show();
                    std::process::exit(1);
                }
            };
            let library = Arc::new(library);
            app.manage(Arc::clone(&library));
            // Pages an import left waiting (the app was closed before they came) are
            // fetched again.
            commands::fetch_pages_in_background(app.handle(), &library);
            watch(app.handle().clone(), library);
            app.manage(settings::Settings::load(app.handle()));
            shortcut::register_saved(app.handle());
            let window =
                WebviewWindowBuilder::new(app, "main", WebviewUrl::App("index.html".into()))
                    .title("Lode")
                    .inner_size(1280.0, 840.0)
                    .min_inner_size(720.0, 480.0)
                    .on_navigation(security::allow_navigation)
                    .on_new_window(|url, _| {
                        security::refused("new window", url.as_str());
                        tauri::webview::NewWindowResponse::Deny
                    })
                    .build()?;
            #[cfg(target_os = "linux")]
            window.with_webview(tune_webkit)?;
            Ok(())
        })
        .build(tauri::generate_context!());
    match app {
        Ok(app) => app.run(|_, _| {}),
        Err(e) => {
            eprintln!("lode-desktop: {e}");
            std::process::exit(1);
        }
    }
}
