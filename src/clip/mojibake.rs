//! Text that a page decoded twice: UTF-8 bytes read as Windows-1252 or Latin-1, so that `’`
//! shows as `â€™` (or `â` and two invisible control characters) and `é` as `Ã©`. Browsers copy
//! what the page shows; this gives back what its author wrote.
//!
//! A page is repaired only when it shows the damage unmistakably: a sequence that re-encodes to
//! one valid UTF-8 character and holds a C1 control character or a Windows-1252 punctuation
//! mark where UTF-8 puts its continuation bytes (`â€™`; nobody writes that). Then every such
//! sequence is repaired, also the ones that could be read either way (`Ã©`), and a lone `Â`
//! before white space (what is left of a no-break space) goes. A character is only ever
//! recovered into the ranges mis-decoded text comes from (Latin letters, punctuation, symbols,
//! emoji), so `Gruß“` stays as written.

use std::borrow::Cow;

/// The byte Windows-1252 shows as `c`, or Latin-1 (which shows 0x80–0x9F as control
/// characters) when Windows-1252 has no character there.
fn byte_of(c: char) -> Option<u8> {
    let byte = match c {
        '\u{0}'..='\u{ff}' => c as u8,
        '€' => 0x80,
        '‚' => 0x82,
        'ƒ' => 0x83,
        '„' => 0x84,
        '…' => 0x85,
        '†' => 0x86,
        '‡' => 0x87,
        'ˆ' => 0x88,
        '‰' => 0x89,
        'Š' => 0x8a,
        '‹' => 0x8b,
        'Œ' => 0x8c,
        'Ž' => 0x8e,
        '‘' => 0x91,
        '’' => 0x92,
        '“' => 0x93,
        '”' => 0x94,
        '•' => 0x95,
        '–' => 0x96,
        '—' => 0x97,
        '˜' => 0x98,
        '™' => 0x99,
        'š' => 0x9a,
        '›' => 0x9b,
        'œ' => 0x9c,
        'ž' => 0x9e,
        'Ÿ' => 0x9f,
        _ => return None,
    };
    Some(byte)
}

/// Where mis-decoded text comes from: Latin letters, general punctuation and symbols, arrows,
/// box drawing and dingbats, emoji.
fn plausible(c: char) -> bool {
    matches!(c,
        '\u{a0}'..='\u{24f}' | '\u{2000}'..='\u{22ff}' | '\u{2500}'..='\u{27bf}'
        | '\u{1f000}'..='\u{1faff}')
}

/// The mis-decoded character at the start of `s`: its length in `s`, the character, and
/// whether it gives itself away (a continuation byte shown as a control character or a
/// Windows-1252 mark).
fn sequence(s: &str) -> Option<(usize, char, bool)> {
    let mut chars = s.char_indices();
    let (_, lead) = chars.next()?;
    let lead_byte = byte_of(lead)?;
    let continuations = match lead_byte {
        0xc2..=0xdf => 1,
        0xe0..=0xef => 2,
        0xf0..=0xf4 => 3,
        _ => return None,
    };
    let mut bytes = [lead_byte, 0, 0, 0];
    let mut telling = false;
    let mut len = lead.len_utf8();
    for byte in &mut bytes[1..=continuations] {
        let (at, c) = chars.next()?;
        *byte = byte_of(c).filter(|b| (0x80..=0xbf).contains(b))?;
        telling |= (0x80..=0x9f).contains(byte);
        len = at + c.len_utf8();
    }
    let decoded = (std::str::from_utf8(&bytes[..=continuations]).ok()?.chars()).next()?;
    plausible(decoded).then_some((len, decoded, telling))
}

/// `s` with its mis-decoded characters repaired, when it shows any unmistakably.
pub fn repaired(s: &str) -> Cow<'_, str> {
    // Every lead shows as a character of U+00C2–U+00F4, which UTF-8 writes starting 0xC3 (a
    // byte that only ever starts a character).
    let leads = || memchr::memchr_iter(0xc3, s.as_bytes());
    if !leads().any(|i| sequence(&s[i..]).is_some_and(|(_, _, telling)| telling)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut copied = 0;
    for i in leads() {
        if i < copied {
            // Inside a sequence just repaired.
            continue;
        }
        if let Some((len, c, _)) = sequence(&s[i..]) {
            out.push_str(&s[copied..i]);
            out.push(c);
            copied = i + len;
        } else if let Some(after) = s[i..].strip_prefix('Â')
            && after.chars().next().is_none_or(char::is_whitespace)
        {
            // What is left of a no-break space (`Â` and 0xA0) once the page or the copy turned
            // the second half into a plain space, or dropped it at a line's end.
            out.push_str(&s[copied..i]);
            copied = i + 'Â'.len_utf8();
        }
    }
    out.push_str(&s[copied..]);
    Cow::Owned(out)
}
