include!("src/command_list.rs");

fn main() {
    // The app manifest: Tauri generates `allow-<command>` permissions for these, and a command
    // the window's capability does not grant is refused.
    let manifest = tauri_build::AppManifest::new().commands(COMMANDS);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
        .expect("tauri build step");
}
