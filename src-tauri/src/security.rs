//! What the webview may do besides showing the app: nothing. Clipped pages are untrusted, so
//! the webview never navigates away from the app's own pages and never opens windows; links
//! go to the system browser through `link_open`, which accepts only http(s).

use tauri::Url;

/// The app's own origin: `tauri://localhost` on Linux and macOS, `http://tauri.localhost` on
/// Windows.
pub fn is_app_url(url: &Url) -> bool {
    matches!(
        (url.scheme(), url.host_str()),
        ("tauri", Some("localhost")) | ("http" | "https", Some("tauri.localhost"))
    )
}

/// The navigation hook of the main window.
pub fn allow_navigation(url: &Url) -> bool {
    let allowed = is_app_url(url);
    if !allowed {
        refused("navigation", url.as_str());
    }
    allowed
}

/// A link the user clicked, if it may be handed to the system browser.
pub fn external_link(url: &str) -> Option<Url> {
    let url = Url::parse(url.trim()).ok()?;
    (matches!(url.scheme(), "http" | "https") && url.host_str().is_some()).then_some(url)
}

/// Logs what the webview was refused; with `LODE_IPC_LOG` set (the E2E tests), also appends
/// it to that file, where the tests look for it.
pub fn refused(what: &str, url: &str) {
    eprintln!("lode-desktop: refused {what} to {url}");
    trace(&format!("refused {what} {url}"));
}

/// Appends a line to the file named by `LODE_IPC_LOG`, when set.
pub fn trace(line: &str) {
    use std::io::Write;
    if let Some(path) = std::env::var_os("LODE_IPC_LOG")
        && let Ok(mut f) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
    {
        let _ = writeln!(f, "{line}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONF: &str = include_str!("../tauri.conf.json");
    const CAPABILITY: &str = include_str!("../capabilities/main.json");

    fn conf() -> serde_json::Value {
        serde_json::from_str(CONF).expect("tauri.conf.json is JSON")
    }

    /// The CSP the issue fixes, directive by directive; a looser one fails the build.
    #[test]
    fn csp_is_strict() {
        let conf = conf();
        let csp = conf["app"]["security"]["csp"]
            .as_str()
            .expect("a CSP string is set");
        let mut directives: Vec<(&str, Vec<&str>)> = csp
            .split(';')
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .map(|d| {
                let mut parts = d.split_whitespace();
                (parts.next().unwrap_or_default(), parts.collect())
            })
            .collect();
        directives.sort();
        let mut expected: Vec<(&str, Vec<&str>)> = vec![
            ("default-src", vec!["'none'"]),
            ("script-src", vec!["'self'"]),
            ("style-src", vec!["'self'"]),
            (
                "img-src",
                vec!["'self'", "asset:", "http://asset.localhost"],
            ),
            ("connect-src", vec!["ipc:", "http://ipc.localhost"]),
            ("object-src", vec!["'none'"]),
            ("base-uri", vec!["'none'"]),
            ("form-action", vec!["'none'"]),
        ];
        expected.sort();
        assert_eq!(
            directives, expected,
            "the CSP must stay exactly this strict"
        );
        for banned in [
            "unsafe-inline",
            "unsafe-eval",
            "data:",
            "blob:",
            "*",
            "http:",
            "https:",
        ] {
            assert!(
                !csp.split_whitespace()
                    .any(|t| t.trim_end_matches(';') == banned),
                "the CSP must not allow {banned}"
            );
        }
        assert_eq!(conf["app"]["security"]["freezePrototype"], true);
        assert_eq!(conf["app"]["withGlobalTauri"], false);
        assert!(
            conf["app"]["security"]
                .get("dangerousDisableAssetCspModification")
                .is_none(),
            "Tauri must keep adding its hashes to the CSP"
        );
        assert!(
            conf["build"].get("devUrl").is_none(),
            "the UI is always the bundled one"
        );
    }

    /// The UI gets the event listener and nothing else: clipboard, dialogs, notifications,
    /// shortcuts and links are used from Rust only.
    #[test]
    fn capabilities_grant_only_what_the_ui_uses() {
        let capability: serde_json::Value =
            serde_json::from_str(CAPABILITY).expect("the capability is JSON");
        let permissions: Vec<&str> = capability["permissions"]
            .as_array()
            .expect("a permission list")
            .iter()
            .map(|p| p.as_str().expect("permissions are plain identifiers"))
            .collect();
        let mut expected = vec![
            "core:event:allow-listen".to_string(),
            "core:event:allow-unlisten".to_string(),
        ];
        expected.extend(
            crate::command_list::COMMANDS
                .iter()
                .map(|c| format!("allow-{}", c.replace('_', "-"))),
        );
        assert_eq!(
            permissions, expected,
            "the event listener and the app's own commands, each declared in build.rs"
        );
        assert_eq!(capability["windows"], serde_json::json!(["main"]));
        assert!(
            capability.get("remote").is_none(),
            "no remote origin may call the app"
        );
        let listed = conf()["app"]["security"]["capabilities"].clone();
        assert_eq!(
            listed,
            serde_json::json!(["main"]),
            "only this capability is loaded"
        );
    }

    #[test]
    fn only_web_links_leave_the_app() {
        assert!(external_link("https://www.eunews.it/en/2025/01/01/x").is_some());
        assert!(external_link("http://example.org").is_some());
        for bad in [
            "javascript:alert(1)",
            "file:///etc/passwd",
            "data:text/html,<script>alert(1)</script>",
            "tauri://localhost/index.html",
            "mailto:a@b.c",
            "not a url",
            "",
        ] {
            assert!(external_link(bad).is_none(), "{bad} must not be opened");
        }
    }

    #[test]
    fn the_webview_stays_on_the_app() {
        for ok in ["tauri://localhost/index.html", "http://tauri.localhost/"] {
            assert!(is_app_url(&Url::parse(ok).expect("url")), "{ok}");
        }
        for bad in [
            "https://evil.example/",
            "http://xss.com",
            "javascript:alert(1)",
            "about:blank",
        ] {
            assert!(!is_app_url(&Url::parse(bad).expect("url")), "{bad}");
        }
    }
}
