//! Reads what the clipboard holds as a [`Clip`]. A page can put anything on the clipboard (a
//! `copy` handler with `clipboardData.setData`), so no flavour is read past the clip cap: on
//! X11 the selection is read here, in chunks, and given up at the cap; elsewhere (Wayland
//! without X11, other systems) text/plain comes through the clipboard plugin and text/html
//! through arboard, and the size is checked as soon as it is read. Either flavour may be
//! missing; the core turns a clip with neither into its "empty clip" message.

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
    Ok(clip(text, html))
}

fn clip(text: Option<String>, html: Option<String>) -> Clip {
    let present = |s: Option<String>| s.filter(|s| !s.trim().is_empty());
    Clip {
        text: present(text),
        html: present(html),
        url: None,
    }
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
        Ok(Some(clip(
            utf8(text, "the clipboard's text")?,
            utf8(html, "the clipboard's HTML")?,
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
