//! Fetching a clip's own page, to complete the details the copy lacked (title, author, date…).
//!
//! One GET of one address: http(s) only, no cookies, no proxy, nothing else loaded (no
//! scripts, images or styles), at most [`MAX_REDIRECTS`] redirects, [`FETCH_TIMEOUT`] for the
//! whole exchange and [`MAX_PAGE_BYTES`] of answer. Addresses that resolve to this machine or
//! its private network are refused (unless [`FetchOptions::allow_private`]): the check runs
//! on the addresses the connection then uses, for every hop, so a name that resolves
//! differently the second time cannot slip through.

use std::net::{IpAddr, SocketAddr};
use std::sync::LazyLock;
use std::time::Duration;

use regex::Regex;
use ureq::config::Config;
use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{DefaultConnector, NextTimeout};

use crate::error::{Error, Result};

pub const FETCH_TIMEOUT: Duration = Duration::from_secs(10);
pub const MAX_PAGE_BYTES: u64 = 5 << 20;
pub const MAX_REDIRECTS: u32 = 5;

const USER_AGENT: &str = concat!(
    "Lode/",
    env!("CARGO_PKG_VERSION"),
    " (research notes; reads the page a user clipped, once)"
);

/// How a page may be fetched.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FetchOptions {
    /// Pages on this machine or its private network (an intranet) may be fetched. Also on
    /// when the environment sets `LODE_ALLOW_PRIVATE_FETCH=1` (the tests' local servers).
    pub allow_private: bool,
}

impl FetchOptions {
    fn allows_private(self) -> bool {
        self.allow_private || std::env::var("LODE_ALLOW_PRIVATE_FETCH").is_ok_and(|v| v == "1")
    }
}

/// A fetched page: its HTML and the address that answered (after redirects).
#[derive(Debug, Clone)]
pub struct FetchedPage {
    pub url: String,
    pub html: String,
}

/// Fetches `url`'s page (see the module's limits). Every failure is one line, for a notice.
pub fn fetch_page(url: &str, options: FetchOptions) -> Result<FetchedPage> {
    let fail = |reason: String| Error::Fetch {
        url: url.to_string(),
        reason,
    };
    let address = crate::clip::source_url(url)
        .ok_or_else(|| fail("it is not an http or https address".into()))?;
    let config = Config::builder()
        .timeout_global(Some(FETCH_TIMEOUT))
        .max_redirects(MAX_REDIRECTS)
        .http_status_as_error(false)
        .proxy(None)
        .user_agent(USER_AGENT)
        .build();
    let agent = ureq::Agent::with_parts(
        config,
        DefaultConnector::default(),
        Guarded {
            allow_private: options.allows_private(),
        },
    );
    let mut response = agent
        .get(&address)
        .header("Accept", "text/html,application/xhtml+xml")
        .call()
        .map_err(|e| fail(describe(e)))?;
    let status = response.status();
    if status.is_redirection() {
        return Err(fail(format!("more than {MAX_REDIRECTS} redirects")));
    }
    if !status.is_success() {
        return Err(fail(format!("the page answered {status}")));
    }
    let kind = (response.headers().get("content-type"))
        .and_then(|v| v.to_str().ok())
        .unwrap_or("text/html")
        .to_ascii_lowercase();
    if !kind.contains("html") {
        let kind = kind
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_string();
        return Err(fail(format!("the address is not a web page but {kind}")));
    }
    let bytes = (response.body_mut().with_config())
        .limit(MAX_PAGE_BYTES)
        .read_to_vec()
        .map_err(|e| fail(describe(e)))?;
    let final_url = ureq::ResponseExt::get_uri(&response).to_string();
    Ok(FetchedPage {
        url: crate::clip::source_url(&final_url).unwrap_or(address),
        html: decode(&bytes, &kind),
    })
}

/// A page's bytes as text, in the charset its `Content-Type` or its `<meta charset>` names
/// (many older and Italian sites still write ISO-8859-1 or windows-1252); without one, UTF-8
/// when the bytes are, else windows-1252, as browsers do. A byte-order mark wins.
fn decode(bytes: &[u8], content_type: &str) -> String {
    static META_CHARSET: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#"(?i)<meta[^>]+charset\s*=\s*["']?([a-z0-9_:.-]+)"#).expect("valid regex")
    });
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]);
    let declared = (content_type.split_once("charset="))
        .map(|(_, label)| {
            label
                .trim_matches(|c: char| c == '"' || c == '\'' || c.is_whitespace())
                .to_string()
        })
        .or_else(|| META_CHARSET.captures(&head).map(|c| c[1].to_string()));
    let encoding = declared
        .and_then(|label| encoding_rs::Encoding::for_label(label.as_bytes()))
        .unwrap_or(if std::str::from_utf8(bytes).is_ok() {
            encoding_rs::UTF_8
        } else {
            encoding_rs::WINDOWS_1252
        });
    encoding.decode(bytes).0.into_owned()
}

fn describe(e: ureq::Error) -> String {
    match e {
        ureq::Error::Timeout(_) => format!("no answer within {} s", FETCH_TIMEOUT.as_secs()),
        ureq::Error::BodyExceedsLimit(_) => {
            format!("the page is larger than {} MB", MAX_PAGE_BYTES >> 20)
        }
        ureq::Error::HostNotFound => "its host was not found (offline?)".into(),
        ureq::Error::Io(e) if e.kind() == std::io::ErrorKind::PermissionDenied => e.to_string(),
        ureq::Error::Io(e) if e.to_string().contains("lookup address") => {
            "its host was not found (offline?)".into()
        }
        ureq::Error::Io(e) => format!("the connection failed: {e}"),
        ureq::Error::TooManyRedirects => format!("more than {MAX_REDIRECTS} redirects"),
        e => e.to_string(),
    }
}

/// The system's resolver, keeping only public addresses unless private ones are allowed.
#[derive(Debug)]
struct Guarded {
    allow_private: bool,
}

impl Resolver for Guarded {
    fn resolve(
        &self,
        uri: &Uri,
        config: &Config,
        timeout: NextTimeout,
    ) -> std::result::Result<ResolvedSocketAddrs, ureq::Error> {
        let resolved = DefaultResolver::default().resolve(uri, config, timeout)?;
        if self.allow_private {
            return Ok(resolved);
        }
        let mut public = self.empty();
        for addr in resolved.iter().filter(|a| is_public(a)) {
            public.push(*addr);
        }
        if public.is_empty() {
            return Err(ureq::Error::Io(std::io::Error::new(
                std::io::ErrorKind::PermissionDenied,
                "it is on this machine or a private network (allowed in Settings)",
            )));
        }
        Ok(public)
    }
}

/// Not this machine, not a private, shared, link-local, multicast or reserved network.
fn is_public(addr: &SocketAddr) -> bool {
    match addr.ip() {
        IpAddr::V4(ip) => {
            let [a, b, ..] = ip.octets();
            !(ip.is_loopback()
                || ip.is_private()
                || ip.is_link_local()
                || ip.is_unspecified()
                || ip.is_broadcast()
                || ip.is_multicast()
                || ip.is_documentation()
                || a == 0
                || a >= 240
                || (a == 100 && (64..128).contains(&b)))
        }
        IpAddr::V6(ip) => {
            if let Some(v4) = ip.to_ipv4_mapped() {
                return is_public(&SocketAddr::new(IpAddr::V4(v4), addr.port()));
            }
            let first = ip.segments()[0];
            !(ip.is_loopback()
                || ip.is_unspecified()
                || ip.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80)
        }
    }
}
