//! Reads what the clipboard holds as a [`Clip`]. A page can put anything on the clipboard (a
//! `copy` handler with `clipboardData.setData`), so no flavour is read past the clip cap: on
//! X11 the selection is read here, in chunks, and given up at the cap; elsewhere (Wayland
//! without X11, other systems) text/plain comes through the clipboard plugin and text/html
//! through arboard, and the size is checked as soon as it is read. Either flavour may be
//! missing; the core turns a clip with neither into its "empty clip" message.
//!
//! The page's address comes with a browser's copy: Chromium and its kin offer it as
//! `chromium/x-source-url` (UTF-8), Firefox as `text/x-moz-url-priv` (UTF-16: the address, a
//! newline, the title). It is read on X11 (and under XWayland, where the browsers run by
//! default) and checked with [`lode::source_url`]; where no browser named one, the core looks
//! for an address the copied text shows.

use lode::{Clip, MAX_CLIP_BYTES};
use tauri::{AppHandle, Runtime};
use tauri_plugin_clipboard_manager::ClipboardExt;

pub fn read<R: Runtime>(app: &AppHandle<R>) -> Result<Clip, lode::Error> {
    #[cfg(target_os = "linux")]
    if let Some(clip) = x11::read()? {
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
    Ok(clip(text, html, None))
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

#[cfg(test)]
mod tests {
    use super::source_address;

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
