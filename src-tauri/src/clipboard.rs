//! Reads what the clipboard holds as a [`Clip`]. A page can put anything on the clipboard (a
//! `copy` handler with `clipboardData.setData`), so no flavour is read past the clip cap: on
//! X11 the selection is read here, in chunks, and given up at the cap; elsewhere (Wayland
//! without X11, other systems) text/plain comes through the clipboard plugin and text/html
//! through arboard, and the size is checked as soon as it is read. Either flavour may be
//! missing; the core turns a clip with neither into its "empty clip" message.
//!
//! The page's address comes with a browser's copy: Chromium and its kin offer it as
//! `chromium/x-source-url` (UTF-8), Firefox as `text/x-moz-url-priv` (UTF-16: the address, a
//! newline, the title), on X11 and on Wayland alike; on Windows the HTML format's header
//! names it (`SourceURL:`). It is checked with [`lode::source_url`]; where no browser named
//! one, the core looks for an address the copied text shows.
//!
//! On Wayland without X11 the flavours are read through the data-control protocol (wlroots
//! compositors, KDE); a compositor without it (GNOME) leaves the reading to the plugin, which
//! offers no address.

use lode::{Clip, MAX_CLIP_BYTES};
use tauri::{AppHandle, Runtime};
use tauri_plugin_clipboard_manager::ClipboardExt;

pub fn read<R: Runtime>(app: &AppHandle<R>) -> Result<Clip, lode::Error> {
    if let Some(clip) = read_directly()? {
        return Ok(clip);
    }
    let text = app.clipboard().read_text().ok();
    let html = arboard::Clipboard::new()
        .and_then(|mut clipboard| clipboard.get().html())
        .ok();
    for (what, flavour) in [
        ("the clipboard's text", &text),
        ("the clipboard's HTML", &html),
    ] {
        if let Some(f) = flavour
            && f.len() > MAX_CLIP_BYTES
        {
            return Err(too_large(what, f.len()));
        }
    }
    #[cfg(windows)]
    let url = windows::source_address();
    #[cfg(not(windows))]
    let url = None;
    Ok(clip(text, html, url))
}

/// The clipboard as Lode reads it itself, with the page's address: X11's (XWayland's too),
/// else Wayland's through data-control. `None` where neither can be asked (no display, another
/// system, a compositor without data-control).
pub fn read_directly() -> Result<Option<Clip>, lode::Error> {
    #[cfg(target_os = "linux")]
    if let Some(clip) = x11::read()? {
        return Ok(Some(clip));
    }
    #[cfg(target_os = "linux")]
    if let Some(clip) = wayland::read()? {
        return Ok(Some(clip));
    }
    Ok(None)
}

fn clip(text: Option<String>, html: Option<String>, url: Option<String>) -> Clip {
    let present = |s: Option<String>| s.filter(|s| !s.trim().is_empty());
    Clip {
        text: present(text),
        html: present(html),
        url: url.as_deref().and_then(lode::source_url),
    }
}

/// The address in `chromium/x-source-url` (UTF-8) or `text/x-moz-url-priv` (UTF-16, native
/// byte order: little-endian on the machines Lode runs on; its first line).
pub fn source_address(chromium: Option<&[u8]>, firefox: Option<&[u8]>) -> Option<String> {
    let from_chromium = chromium
        .and_then(|b| std::str::from_utf8(b).ok())
        .map(|s| s.trim_end_matches('\0').to_string());
    let from_firefox = || {
        let bytes = firefox?;
        let units = bytes
            .chunks_exact(2)
            .map(|pair| u16::from_le_bytes([pair[0], pair[1]]));
        let text: String = char::decode_utf16(units)
            .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect();
        text.lines().next().map(str::to_string)
    };
    from_chromium
        .and_then(|u| lode::source_url(&u))
        .or_else(|| from_firefox().and_then(|u| lode::source_url(&u)))
}

/// The `SourceURL:` of the HTML clipboard format's header (`Version:0.9`, `StartHTML:…`, one
/// `key:value` a line, before the HTML starts).
pub fn cf_html_source(raw: &[u8]) -> Option<String> {
    let header = &raw[..raw.iter().position(|&b| b == b'<').unwrap_or(raw.len())];
    let header = String::from_utf8_lossy(header);
    (header.lines())
        .find_map(|line| line.strip_prefix("SourceURL:"))
        .and_then(|url| lode::source_url(url.trim()))
}

fn too_large(what: &str, size: usize) -> lode::Error {
    lode::Error::TooLarge {
        what: what.to_string(),
        size: size as u64,
        limit: MAX_CLIP_BYTES as u64,
    }
}

#[cfg(target_os = "linux")]
mod x11 {
    //! The X11 CLIPBOARD selection, one target at a time: ask its owner to convert it into a
    //! property of a window of ours, then read that property (or, for large data, the INCR
    //! chunks the owner sends), never more than the cap.

    use std::time::{Duration, Instant};

    use x11rb::connection::Connection;
    use x11rb::protocol::Event;
    use x11rb::protocol::xproto::{
        Atom, AtomEnum, ConnectionExt as _, CreateWindowAux, EventMask, Property, Window,
        WindowClass,
    };
    use x11rb::rust_connection::RustConnection;

    use super::{MAX_CLIP_BYTES, clip, too_large};

    /// How long an owner may take to answer (a browser answers at once).
    const TIMEOUT: Duration = Duration::from_secs(2);

    /// The clipboard's text and HTML, or `None` when there is no X11 display to ask.
    pub fn read() -> Result<Option<lode::Clip>, lode::Error> {
        if std::env::var_os("DISPLAY").is_none() {
            return Ok(None);
        }
        let Ok(reader) = Reader::new() else {
            return Ok(None);
        };
        let text = match reader.target("UTF8_STRING", "the clipboard's text")? {
            Some(text) => Some(text),
            None => reader.target("text/plain;charset=utf-8", "the clipboard's text")?,
        };
        let html = reader.target("text/html", "the clipboard's HTML")?;
        let utf8 = |bytes: Option<Vec<u8>>, what: &str| -> Result<Option<String>, lode::Error> {
            bytes
                .map(|b| lode::Clip::flavour_from_bytes(what, b))
                .transpose()
        };
        // An address is short: an owner offering more is not a browser naming its page.
        let address = |name: &str| match reader.try_target(name) {
            Ok(Some(Ok(bytes))) if bytes.len() <= 4 * lode::MAX_URL_BYTES => Some(bytes),
            _ => None,
        };
        let url = super::source_address(
            address("chromium/x-source-url").as_deref(),
            address("text/x-moz-url-priv").as_deref(),
        );
        Ok(Some(clip(
            utf8(text, "the clipboard's text")?,
            utf8(html, "the clipboard's HTML")?,
            url,
        )))
    }

    struct Reader {
        conn: RustConnection,
        window: Window,
        clipboard: Atom,
        property: Atom,
        incr: Atom,
    }

    impl Drop for Reader {
        fn drop(&mut self) {
            let _ = self.conn.destroy_window(self.window);
            let _ = self.conn.flush();
        }
    }

    type X11Result<T> = Result<T, Box<dyn std::error::Error>>;

    impl Reader {
        fn new() -> X11Result<Reader> {
            let (conn, screen) = x11rb::connect(None)?;
            let root = conn.setup().roots[screen].root;
            let window = conn.generate_id()?;
            conn.create_window(
                x11rb::COPY_DEPTH_FROM_PARENT,
                window,
                root,
                0,
                0,
                1,
                1,
                0,
                WindowClass::INPUT_OUTPUT,
                x11rb::COPY_FROM_PARENT,
                &CreateWindowAux::new().event_mask(EventMask::PROPERTY_CHANGE),
            )?;
            let atom = |name: &str| -> X11Result<Atom> {
                Ok(conn.intern_atom(false, name.as_bytes())?.reply()?.atom)
            };
            let (clipboard, property, incr) =
                (atom("CLIPBOARD")?, atom("LODE_CLIP")?, atom("INCR")?);
            Ok(Reader {
                conn,
                window,
                clipboard,
                property,
                incr,
            })
        }

        /// One target's bytes: `None` when the owner does not offer it (or no one owns the
        /// clipboard, or the owner does not answer); an error past the cap.
        fn target(&self, name: &str, what: &str) -> Result<Option<Vec<u8>>, lode::Error> {
            match self.try_target(name) {
                Ok(Some(Ok(bytes))) => Ok(Some(bytes)),
                Ok(Some(Err(size))) => Err(too_large(what, size)),
                Ok(None) | Err(_) => Ok(None),
            }
        }

        /// `Some(Err(size))`: the data passed the cap after `size` bytes (reading stopped).
        fn try_target(&self, name: &str) -> X11Result<Option<Result<Vec<u8>, usize>>> {
            let conn = &self.conn;
            let target = conn.intern_atom(false, name.as_bytes())?.reply()?.atom;
            conn.delete_property(self.window, self.property)?;
            conn.convert_selection(
                self.window,
                self.clipboard,
                target,
                self.property,
                x11rb::CURRENT_TIME,
            )?;
            conn.flush()?;
            let deadline = Instant::now() + TIMEOUT;
            loop {
                match self.next_event(deadline)? {
                    Some(Event::SelectionNotify(e)) if e.requestor == self.window => {
                        if e.property == x11rb::NONE {
                            return Ok(None);
                        }
                        break;
                    }
                    Some(_) => continue,
                    None => return Ok(None),
                }
            }
            // At most the cap and one 32-bit unit, in 32-bit units.
            let units = (MAX_CLIP_BYTES / 4 + 1) as u32;
            let reply = conn
                .get_property(true, self.window, self.property, AtomEnum::ANY, 0, units)?
                .reply()?;
            if reply.type_ != self.incr {
                let size = reply.value.len() + reply.bytes_after as usize;
                if size > MAX_CLIP_BYTES {
                    return Ok(Some(Err(size)));
                }
                return Ok(Some(Ok(reply.value)));
            }
            // INCR: the owner sends chunks, each after we delete the last one.
            conn.flush()?;
            let mut data = Vec::new();
            let deadline = Instant::now() + TIMEOUT * 5;
            loop {
                match self.next_event(deadline)? {
                    Some(Event::PropertyNotify(e))
                        if e.window == self.window
                            && e.atom == self.property
                            && e.state == Property::NEW_VALUE =>
                    {
                        let chunk = conn
                            .get_property(
                                true,
                                self.window,
                                self.property,
                                AtomEnum::ANY,
                                0,
                                units,
                            )?
                            .reply()?;
                        conn.flush()?;
                        if chunk.value.is_empty() {
                            return Ok(Some(Ok(data)));
                        }
                        data.extend_from_slice(&chunk.value);
                        if data.len() > MAX_CLIP_BYTES {
                            return Ok(Some(Err(data.len())));
                        }
                    }
                    Some(_) => continue,
                    None => return Ok(None),
                }
            }
        }

        fn next_event(&self, deadline: Instant) -> X11Result<Option<Event>> {
            loop {
                if let Some(event) = self.conn.poll_for_event()? {
                    return Ok(Some(event));
                }
                if Instant::now() >= deadline {
                    return Ok(None);
                }
                std::thread::sleep(Duration::from_millis(2));
            }
        }
    }
}

#[cfg(windows)]
mod windows {
    //! The raw HTML clipboard format, for its header's `SourceURL:`.

    use super::{MAX_CLIP_BYTES, cf_html_source};

    pub fn source_address() -> Option<String> {
        let format = clipboard_win::register_format("HTML Format")?.get();
        let _open = clipboard_win::Clipboard::new_attempts(10).ok()?;
        if clipboard_win::raw::size(format)?.get() > MAX_CLIP_BYTES {
            return None;
        }
        let mut raw = Vec::new();
        clipboard_win::raw::get_vec(format, &mut raw).ok()?;
        cf_html_source(&raw)
    }
}

#[cfg(target_os = "linux")]
mod wayland {
    //! The Wayland clipboard through the data-control protocol: each flavour the owner offers
    //! is read from a pipe, never past the cap and never longer than the owner answers in.

    use std::collections::HashSet;
    use std::io::Read;
    use std::sync::mpsc;
    use std::time::Duration;

    use wl_clipboard_rs::paste::{ClipboardType, MimeType, Seat, get_contents, get_mime_types};

    use super::{MAX_CLIP_BYTES, clip, too_large};

    /// How long an owner may take to send a flavour (a browser answers at once).
    const TIMEOUT: Duration = Duration::from_secs(2);

    /// The clipboard's text, HTML and address, or `None` when there is no Wayland display or
    /// its compositor offers no data-control protocol.
    pub fn read() -> Result<Option<lode::Clip>, lode::Error> {
        if std::env::var_os("WAYLAND_DISPLAY").is_none() {
            return Ok(None);
        }
        let offered = match get_mime_types(ClipboardType::Regular, Seat::Unspecified) {
            Ok(offered) => offered,
            Err(wl_clipboard_rs::paste::Error::ClipboardEmpty) => HashSet::new(),
            Err(_) => return Ok(None),
        };
        let first = |names: &[&str]| -> Option<String> {
            let name = names.iter().find(|n| offered.contains(**n))?;
            Some(name.to_string())
        };
        let flavour = |names: &[&str], what: &str| -> Result<Option<String>, lode::Error> {
            let Some(name) = first(names) else {
                return Ok(None);
            };
            match target(&name, MAX_CLIP_BYTES) {
                Some(bytes) if bytes.len() > MAX_CLIP_BYTES => Err(too_large(what, bytes.len())),
                Some(bytes) => lode::Clip::flavour_from_bytes(what, bytes).map(Some),
                None => Ok(None),
            }
        };
        let text = flavour(
            &["text/plain;charset=utf-8", "UTF8_STRING", "text/plain"],
            "the clipboard's text",
        )?;
        let html = flavour(&["text/html"], "the clipboard's HTML")?;
        // An address is short: an owner offering more is not a browser naming its page.
        let address = |name: &str| {
            first(&[name])
                .and_then(|name| target(&name, 4 * lode::MAX_URL_BYTES))
                .filter(|bytes| bytes.len() <= 4 * lode::MAX_URL_BYTES)
        };
        let url = super::source_address(
            address("chromium/x-source-url").as_deref(),
            address("text/x-moz-url-priv").as_deref(),
        );
        Ok(Some(clip(text, html, url)))
    }

    /// Up to `cap + 1` bytes of the flavour `name` (one more than allowed says it is too
    /// large), or `None` when the owner does not send it within [`TIMEOUT`]. A reading thread
    /// an owner keeps waiting is left behind, never waited for.
    fn target(name: &str, cap: usize) -> Option<Vec<u8>> {
        let (pipe, _) = get_contents(
            ClipboardType::Regular,
            Seat::Unspecified,
            MimeType::Specific(name),
        )
        .ok()?;
        let (sent, received) = mpsc::channel();
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let read = pipe.take(cap as u64 + 1).read_to_end(&mut bytes);
            let _ = sent.send(read.map(|_| bytes));
        });
        received.recv_timeout(TIMEOUT).ok()?.ok()
    }
}

#[cfg(test)]
mod tests {
    use super::{cf_html_source, source_address};

    #[test]
    fn the_html_formats_header_names_the_page() {
        let raw = "Version:0.9\r\nStartHTML:0000000190\r\nEndHTML:0000000400\r\n\
                   StartFragment:0000000224\r\nEndFragment:0000000364\r\n\
                   SourceURL:https://www.eunews.it/en/2026/01/12/rare-earths/?utm_source=x\r\n\
                   <html><body><!--StartFragment--><p>SourceURL:https://evil.example/</p>";
        assert_eq!(
            cf_html_source(raw.as_bytes()).as_deref(),
            Some("https://www.eunews.it/en/2026/01/12/rare-earths/?utm_source=x")
        );
        let without =
            "Version:0.9\r\nStartHTML:0000000100\r\n<html><p>SourceURL:https://evil.example/";
        assert_eq!(cf_html_source(without.as_bytes()), None);
        assert_eq!(
            cf_html_source(b"Version:0.9\r\nSourceURL:file:///etc/passwd\r\n<html>"),
            None
        );
    }

    fn utf16(s: &str) -> Vec<u8> {
        s.encode_utf16().flat_map(u16::to_le_bytes).collect()
    }

    #[test]
    fn the_address_comes_from_chromium_or_firefox_and_is_checked() {
        let page = "https://eunews.it/2026/01/12/rare-earths";
        assert_eq!(
            source_address(Some(page.as_bytes()), None).as_deref(),
            Some(page)
        );
        let firefox = utf16(&format!("{page}\nRare earths: the deal"));
        assert_eq!(source_address(None, Some(&firefox)).as_deref(), Some(page));
        // Chromium's wins when both are there; a bad one gives way to the other.
        let other = utf16("https://other.example/");
        assert_eq!(
            source_address(Some(page.as_bytes()), Some(&other)).as_deref(),
            Some(page)
        );
        assert_eq!(
            source_address(Some(b"javascript:alert(1)"), Some(&firefox)).as_deref(),
            Some(page)
        );
        for bad in ["file:///etc/passwd", "https://user:pw@eunews.it/", ""] {
            assert_eq!(source_address(Some(bad.as_bytes()), None), None, "{bad}");
        }
        assert_eq!(source_address(Some(&[0xff, 0xfe, 0x00]), None), None);
    }
}
