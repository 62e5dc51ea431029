//! Re-anchoring: a body, a passage chosen in it, and an edit (all from the input); finding the
//! passage again never panics, and what it reports is in the new body.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lode::anchor::{AnchorStatus, Selector, TextPositionSelector, TextQuoteSelector, reanchor, select};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut parts = text.splitn(4, '\u{1}');
    let (Some(body), Some(quote), Some(edited)) = (parts.next(), parts.next(), parts.next()) else {
        return;
    };
    // A forged selector (an imported one) as well as one made here.
    let forged = Selector {
        quote: TextQuoteSelector {
            exact: quote.chars().take(300).collect(),
            prefix: body.chars().take(32).collect(),
            suffix: edited.chars().rev().take(32).collect(),
        },
        position: TextPositionSelector {
            start: data.first().copied().unwrap_or(0) as usize * 97,
            end: data.last().copied().unwrap_or(0) as usize * 13,
        },
    };
    let made = select(body, quote, Some(1)).ok();
    for selector in made.iter().chain([&forged]) {
        let anchored = reanchor(selector, edited);
        if anchored.status != AnchorStatus::Orphan {
            let p = anchored.selector.position;
            let found: String = edited.chars().skip(p.start).take(p.end - p.start).collect();
            assert_eq!(found, anchored.selector.quote.exact, "the quote reported is in the body");
        }
    }
});
