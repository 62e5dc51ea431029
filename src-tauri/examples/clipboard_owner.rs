//! Test helper for the E2E tests: owns the X11 CLIPBOARD the way a browser does after a copy,
//! offering text/html and UTF8_STRING at once (xclip offers one type per process), until
//! another program takes the clipboard or the helper is killed.
//!
//!   clipboard_owner TEXT_FILE [HTML_FILE]     serve the files' contents
//!   clipboard_owner --clear                   take the clipboard and offer nothing
//!   clipboard_owner --large BYTES             offer BYTES of text by INCR, in chunks, as a
//!                                             browser does past the X server's request size
//!   clipboard_owner --page TEXT HTML URL chromium|firefox
//!                                             a browser's copy of a page: UTF8_STRING,
//!                                             text/html and the page's address, as Chromium
//!                                             (`chromium/x-source-url`, UTF-8) or Firefox
//!                                             (`text/x-moz-url-priv`, UTF-16: address, newline,
//!                                             title) offers it

use std::process::ExitCode;

use arboard::{Clipboard, SetExtLinux};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("clipboard_owner: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &[String]) -> Result<(), Box<dyn std::error::Error>> {
    if let [flag, bytes] = args
        && flag == "--large"
    {
        return incr::serve(bytes.parse()?);
    }
    if let [flag, text, html, url, browser] = args
        && flag == "--page"
    {
        let text = std::fs::read(text)?;
        let title = String::from_utf8_lossy(&text)
            .lines()
            .next()
            .unwrap_or_default()
            .to_string();
        let address = match browser.as_str() {
            "chromium" => ("chromium/x-source-url", url.as_bytes().to_vec()),
            "firefox" => (
                "text/x-moz-url-priv",
                format!("{url}\n{title}")
                    .encode_utf16()
                    .flat_map(u16::to_le_bytes)
                    .collect(),
            ),
            other => return Err(format!("unknown browser {other}").into()),
        };
        return page::serve(vec![
            ("UTF8_STRING", text),
            ("text/html", std::fs::read(html)?),
            address,
        ]);
    }
    let mut clipboard = Clipboard::new()?;
    match args {
        [flag] if flag == "--clear" => clipboard.clear()?,
        [text] => clipboard
            .set()
            .wait()
            .text(std::fs::read_to_string(text)?)?,
        [text, html] => {
            let text = std::fs::read_to_string(text)?;
            let html = std::fs::read_to_string(html)?;
            clipboard.set().wait().html(html, Some(text))?;
        }
        _ => return Err("usage: clipboard_owner TEXT_FILE [HTML_FILE] | --clear".into()),
    }
    Ok(())
}

mod x11 {
    //! What both owners do: a window to own the clipboard with, and the answer to a request.

    use x11rb::connection::Connection;
    use x11rb::protocol::xproto::{
        ConnectionExt as _, CreateWindowAux, EventMask, SELECTION_NOTIFY_EVENT,
        SelectionNotifyEvent, SelectionRequestEvent, Window, WindowClass,
    };
    use x11rb::rust_connection::RustConnection;

    pub fn owner_window() -> Result<(RustConnection, Window), Box<dyn std::error::Error>> {
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
            &CreateWindowAux::new(),
        )?;
        Ok((conn, window))
    }

    /// Tells the requestor its data is in `property` (`NONE`: the target is not offered).
    pub fn answer(
        conn: &RustConnection,
        req: &SelectionRequestEvent,
        property: u32,
    ) -> Result<(), Box<dyn std::error::Error>> {
        conn.send_event(
            false,
            req.requestor,
            EventMask::NO_EVENT,
            SelectionNotifyEvent {
                response_type: SELECTION_NOTIFY_EVENT,
                sequence: 0,
                time: req.time,
                requestor: req.requestor,
                selection: req.selection,
                target: req.target,
                property,
            },
        )?;
        Ok(())
    }
}

mod page {
    //! Owns the CLIPBOARD and answers each target it offers with its bytes, in one property
    //! (the data is small), the way a browser answers after a copy.

    use x11rb::connection::Connection;
    use x11rb::protocol::Event;
    use x11rb::protocol::xproto::{AtomEnum, ConnectionExt as _, PropMode};
    use x11rb::wrapper::ConnectionExt as _;

    pub fn serve(offers: Vec<(&str, Vec<u8>)>) -> Result<(), Box<dyn std::error::Error>> {
        let (conn, window) = super::x11::owner_window()?;
        let atom = |name: &str| -> Result<u32, Box<dyn std::error::Error>> {
            Ok(conn.intern_atom(false, name.as_bytes())?.reply()?.atom)
        };
        let (clipboard, targets) = (atom("CLIPBOARD")?, atom("TARGETS")?);
        let mut offered = Vec::new();
        for (name, bytes) in offers {
            offered.push((atom(name)?, bytes));
        }
        conn.set_selection_owner(window, clipboard, x11rb::CURRENT_TIME)?;
        conn.flush()?;
        loop {
            match conn.wait_for_event()? {
                Event::SelectionRequest(req) => {
                    let mut property = req.property;
                    if req.target == targets {
                        let mut list = vec![targets];
                        list.extend(offered.iter().map(|(a, _)| *a));
                        conn.change_property32(
                            PropMode::REPLACE,
                            req.requestor,
                            req.property,
                            AtomEnum::ATOM,
                            &list,
                        )?;
                    } else if let Some((target, bytes)) =
                        offered.iter().find(|(a, _)| *a == req.target)
                    {
                        conn.change_property8(
                            PropMode::REPLACE,
                            req.requestor,
                            req.property,
                            *target,
                            bytes,
                        )?;
                    } else {
                        property = x11rb::NONE;
                    }
                    super::x11::answer(&conn, &req, property)?;
                    conn.flush()?;
                }
                Event::SelectionClear(_) => return Ok(()),
                _ => {}
            }
        }
    }
}

mod incr {
    //! The INCR protocol (ICCCM 2.7.2): the owner answers with a property of type INCR, then
    //! writes the data in chunks, each after the requestor deleted the last, and ends with an
    //! empty chunk.

    use x11rb::connection::Connection;
    use x11rb::protocol::Event;
    use x11rb::protocol::xproto::{
        AtomEnum, ChangeWindowAttributesAux, ConnectionExt as _, EventMask, PropMode, Property,
    };
    use x11rb::wrapper::ConnectionExt as _;

    const CHUNK: usize = 256 * 1024;

    pub fn serve(size: usize) -> Result<(), Box<dyn std::error::Error>> {
        let (conn, window) = super::x11::owner_window()?;
        let atom = |name: &str| -> Result<u32, Box<dyn std::error::Error>> {
            Ok(conn.intern_atom(false, name.as_bytes())?.reply()?.atom)
        };
        let (clipboard, targets, utf8, incr) = (
            atom("CLIPBOARD")?,
            atom("TARGETS")?,
            atom("UTF8_STRING")?,
            atom("INCR")?,
        );
        conn.set_selection_owner(window, clipboard, x11rb::CURRENT_TIME)?;
        conn.flush()?;
        let data = vec![b'x'; size];
        // (requestor, property, bytes sent so far) of the transfer under way.
        let mut transfer: Option<(u32, u32, usize)> = None;
        loop {
            match conn.wait_for_event()? {
                Event::SelectionRequest(req) => {
                    let mut property = req.property;
                    if req.target == targets {
                        conn.change_property32(
                            PropMode::REPLACE,
                            req.requestor,
                            req.property,
                            AtomEnum::ATOM,
                            &[targets, utf8],
                        )?;
                    } else if req.target == utf8 {
                        conn.change_window_attributes(
                            req.requestor,
                            &ChangeWindowAttributesAux::new()
                                .event_mask(EventMask::PROPERTY_CHANGE),
                        )?;
                        conn.change_property32(
                            PropMode::REPLACE,
                            req.requestor,
                            req.property,
                            incr,
                            &[size as u32],
                        )?;
                        transfer = Some((req.requestor, req.property, 0));
                    } else {
                        property = x11rb::NONE;
                    }
                    super::x11::answer(&conn, &req, property)?;
                    conn.flush()?;
                }
                Event::PropertyNotify(e) if e.state == Property::DELETE => {
                    if let Some((requestor, property, sent)) = transfer
                        && e.window == requestor
                        && e.atom == property
                    {
                        let end = (sent + CHUNK).min(data.len());
                        conn.change_property8(
                            PropMode::REPLACE,
                            requestor,
                            property,
                            utf8,
                            &data[sent..end],
                        )?;
                        conn.flush()?;
                        transfer = (end > sent).then_some((requestor, property, end));
                    }
                }
                Event::SelectionClear(_) => return Ok(()),
                _ => {}
            }
        }
    }
}
