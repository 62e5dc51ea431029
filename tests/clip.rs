//! Clipping: what the clipper recovers from a copied page, and how clips are stored.

use chrono::NaiveDate;
use lode::{Clip, ClipStatus, Library};
use rstest::rstest;

use crate::common::{TestLibrary, article, fixture};

struct Expected {
    title: &'static str,
    author: &'static str,
    published: (i32, u32, u32),
    sections: &'static [&'static str],
    tags: &'static [&'static str],
    site: &'static str,
    language: &'static str,
    starts: &'static str,
    ends: &'static str,
    not_in_body: &'static [&'static str],
}

#[rstest]
#[case::english_page("northwind_lithium.txt", Expected {
    title: "Chile's lithium rush leaves the salt flats thirsty",
    author: "Maria Okonkwo",
    published: (2025, 12, 3),
    sections: &["Energy", "Markets"],
    tags: &["lithium", "Chile", "Atacama", "water rights", "battery supply chain"],
    site: "Northwind Gazette",
    language: "en",
    starts: "San Pedro de Atacama – The pumps never stop.",
    ends: "the next government will have to answer.",
    not_in_body: &["Evaporation ponds near", "Related Posts", "Copper prices", "Copyright", "Tags:", "Privacy", "Monday, 12 January"],
})]
#[case::italian_page("cronache_terre_rare.txt", Expected {
    title: "Terre rare, perché l'Europa resta indietro nella corsa alle miniere",
    author: "Giulia Ferraresi",
    published: (2025, 11, 14),
    sections: &["Economia", "Esteri"],
    tags: &["terre rare", "miniere", "Commissione europea", "materie prime critiche"],
    site: "Cronache del Nord",
    language: "it",
    starts: "Bruxelles – L'Europa consuma",
    ends: "sulle licenze minerarie.",
    not_in_body: &["Articoli correlati", "rame", "Tutti i diritti", "Politica"],
})]
fn a_copied_news_page_becomes_a_clean_article(#[case] name: &str, #[case] expected: Expected) {
    let article = Library::extract(&Clip {
        text: Some(fixture(name)),
        ..Clip::default()
    })
    .unwrap();
    assert_eq!(article.title, expected.title, "title");
    assert_eq!(
        article.author.as_deref(),
        Some(expected.author),
        "author from the byline"
    );
    let (y, m, d) = expected.published;
    assert_eq!(
        article.published,
        NaiveDate::from_ymd_opt(y, m, d),
        "the article's date, not the page header's"
    );
    assert_eq!(article.sections, expected.sections, "sections");
    assert_eq!(article.tags, expected.tags, "glued tags split back apart");
    assert_eq!(article.site.as_deref(), Some(expected.site), "site name");
    assert_eq!(article.language, expected.language, "language");
    assert!(article.standfirst.is_some(), "the standfirst is recovered");
    assert!(
        article.body.starts_with(expected.starts),
        "body starts with the first paragraph: {:?}",
        &article.body[..80]
    );
    assert!(
        article.body.ends_with(expected.ends),
        "body ends with the last paragraph"
    );
    for junk in expected.not_in_body {
        assert!(
            !article.body.contains(junk),
            "boilerplate {junk:?} must not reach the body"
        );
    }
    assert!(
        !article.body.contains("\n\n\n") && !article.body.contains('\r'),
        "canonical paragraphs"
    );
}

#[test]
fn the_raw_clip_is_kept_exactly_as_received() {
    let t = TestLibrary::new();
    let text = fixture("northwind_lithium.txt").replace('\n', "\r\n");
    let html = "<p>Chile's lithium rush</p>".to_string();
    let clip = Clip {
        text: Some(text.clone()),
        html: Some(html.clone()),
        url: Some("https://example.org/a".into()),
    };
    let id = t.lib.clip(&clip).unwrap().id;
    let raw = t.lib.raw_clip(id).unwrap().expect("the raw clip is stored");
    assert_eq!(
        raw.text.as_deref(),
        Some(text.as_str()),
        "text/plain byte for byte, CRLF included"
    );
    assert_eq!(raw.html.as_deref(), Some(html.as_str()));
    assert_eq!(raw.url.as_deref(), Some("https://example.org/a"));
    assert!(
        !t.lib.note(id).unwrap().article.body.contains('\r'),
        "the canonical body has LF line ends"
    );
}

#[test]
fn clipping_the_same_article_twice_returns_the_existing_note() {
    let t = TestLibrary::new();
    let first = t.clip_text(&fixture("northwind_lithium.txt"));
    let second = t.clip_text(&fixture("northwind_lithium.txt"));
    assert_eq!(first.status, ClipStatus::Created);
    assert_eq!(
        second.status,
        ClipStatus::Unchanged,
        "same body: no second copy"
    );
    assert_eq!(second.id, first.id);
    assert_eq!(t.lib.notes(&Default::default()).unwrap().len(), 1);
}

#[test]
fn the_same_canonical_url_is_the_same_article() {
    let t = TestLibrary::new();
    let clip = |text: &str, url: &str| Clip {
        text: Some(text.into()),
        url: Some(url.into()),
        ..Clip::default()
    };
    let a = article(
        "Copper smelters cut output",
        &[
            "Smelters in three countries cut their output this week, and copper prices climbed to a new high as a result of the cuts.",
        ],
    );
    let b = article(
        "Copper smelters cut output",
        &[
            "Smelters in three countries reduced their output this week, and the price of copper reached a record as a result.",
        ],
    );
    let first = t
        .lib
        .clip(&clip(
            &a,
            "https://www.example.org/copper/?utm_source=feed#top",
        ))
        .unwrap();
    let second = t.lib.clip(&clip(&b, "http://example.org/copper")).unwrap();
    assert_eq!(
        second.status,
        ClipStatus::Updated,
        "tracking parameters, www and fragments do not make a new article; its new text updates it"
    );
    assert_eq!(second.id, first.id);
    let again = t
        .lib
        .clip(&clip(&b, "https://example.org/copper/"))
        .unwrap();
    assert_eq!(
        again.status,
        ClipStatus::Unchanged,
        "the same text again changes nothing"
    );
    assert_eq!(
        t.lib.versions(first.id).unwrap().len(),
        2,
        "the first text is kept as a version"
    );
}

#[test]
fn an_html_only_clip_keeps_the_text_and_nothing_executable() {
    let html = r#"<html><body><nav><ul><li>Home</li><li>World</li></ul></nav>
        <h1>Harbour strike enters its second week</h1>
        <p>Dock workers in the northern port extended their strike on Monday, and the queue of container ships waiting outside the harbour grew to thirty.</p>
        <script>window.__pwned = 1; document.write("stolen")</script>
        <img src="x" onerror="window.__pwned=1" alt="a crane at dawn">
        <p>The union says that talks with the port authority will resume only when the new safety rules are written into the contract.</p>
        <iframe src="https://evil.example/"></iframe><style>p { color: red }</style>
        </body></html>"#;
    let article = Library::extract(&Clip {
        html: Some(html.into()),
        ..Clip::default()
    })
    .unwrap();
    assert_eq!(article.title, "Harbour strike enters its second week");
    assert!(article.body.contains("Dock workers in the northern port"));
    assert!(article.body.contains("written into the contract."));
    for forbidden in [
        "__pwned",
        "stolen",
        "onerror",
        "evil.example",
        "color: red",
        "a crane at dawn",
    ] {
        assert!(
            !article.body.contains(forbidden),
            "{forbidden:?} must not survive extraction"
        );
    }
}

/// Found by the XSS corpus: an `<svg>` or a `<form>` that never closes swallowed the rest of
/// the page (in our reader, then in the DOM pass), though a browser shows the paragraphs after
/// an `<svg>`.
#[rstest]
#[case::unclosed_svg("<svg onload=alert(1)>")]
#[case::attribute_breakout(r#""><svg onload=alert(1)//"#)]
#[case::unclosed_math("<math><mtext>x")]
#[case::unclosed_form("<form><input name=q>")]
fn an_element_that_never_closes_keeps_the_text_after_it(#[case] payload: &str) {
    let html = format!(
        "<article><h1>Harbour strike</h1><p>Dock workers in the northern port extended their strike on Monday, and thirty container ships wait outside.</p><p>{}</p>{payload}<p>The union says that talks with the port authority will resume only when the new safety rules are written down.</p></article>",
        "The port authority has asked the ministry to mediate, and the shipping lines have started to divert vessels to the southern terminals, where the queues are shorter. ".repeat(3)
    );
    let article = Library::extract(&Clip {
        html: Some(html),
        ..Clip::default()
    })
    .unwrap();
    assert!(
        article
            .body
            .contains("thirty container ships wait outside.")
    );
    assert!(
        article.body.contains("safety rules are written down."),
        "the paragraph after {payload:?} is kept: {:?}",
        article.body
    );
    assert!(
        !article.body.contains("alert"),
        "nothing of the payload's code is text"
    );
}

#[test]
fn bodies_are_canonical_nfc_without_invisible_characters() {
    let nfd = "Perche\u{301} l'energia costa di piu\u{300}";
    let text = article(
        "Bollette",
        &[&format!(
            "{nfd}: la domanda\u{200b} di gas\u{202e} cresce ancora in tutta Europa e i prezzi salgono per famiglie e imprese."
        )],
    );
    let body = from_text(text).body;
    assert!(
        body.contains("Perché l'energia costa di più"),
        "NFD is composed to NFC: {body}"
    );
    assert!(
        !body.contains('\u{200b}') && !body.contains('\u{202e}'),
        "zero-width and bidi controls are removed"
    );
}

/// A page whose UTF-8 its server declared as Windows-1252 shows `’` as `â€™` (and some bytes as
/// invisible control characters): the clip has what its author wrote.
#[rstest]
#[case::text(false)]
#[case::html(true)]
fn a_page_decoded_twice_is_repaired(#[case] as_html: bool) {
    let title = "A DIY Investor\u{e2}\u{80}\u{99}s Guide to Retirement Calculators";
    let opening = "Caf\u{c3}\u{a9} owners and teachers alike ask the same question: \
        what\u{e2}\u{20ac}\u{2122}s enough to retire on \u{f0}\u{178}\u{2018}\u{8d} and when\u{c2} can I stop?";
    let german = "Ein \u{201e}Gru\u{df}\u{201c} aus Berlin bleibt, wie er geschrieben wurde.";
    let body = paragraphs("retirement calculators");
    let clip = if as_html {
        Clip {
            html: Some(format!(
                "<h1>{title}</h1><p>{opening}</p><p>{german}</p>{}",
                body.split("\n\n")
                    .map(|p| format!("<p>{p}</p>"))
                    .collect::<String>()
            )),
            ..Clip::default()
        }
    } else {
        Clip {
            text: Some(article(title, &[opening, german, &body])),
            ..Clip::default()
        }
    };
    let article = Library::extract(&clip).unwrap();
    assert_eq!(
        article.title,
        "A DIY Investor\u{2019}s Guide to Retirement Calculators"
    );
    assert_body(
        &article.body,
        &[
            "Caf\u{e9} owners",
            "what\u{2019}s enough",
            "when can I stop?",
            "\u{1f44d}",
            "\u{201e}Gru\u{df}\u{201c}",
        ],
        &["\u{e2}", "\u{c3}"],
    );
}

/// Each of `kept` is in `body`, none of `junk` is.
fn assert_body(body: &str, kept: &[&str], junk: &[&str]) {
    for kept in kept {
        assert!(body.contains(kept), "{kept:?} is in the body");
    }
    for junk in junk {
        assert!(!body.contains(junk), "{junk:?} must not reach the body");
    }
}

/// A blog post copied as HTML: the site's own `<h1>`, menus, a share bar, a caption, a table,
/// a list, a cross-link, the author's bio, related posts and the footer around the article.
#[test]
fn an_html_page_is_read_through_its_structure() {
    let article = Library::extract(&Clip {
        html: Some(fixture("fieldnotes_blog.html")),
        ..Clip::default()
    })
    .unwrap();
    assert_eq!(
        article.title, "Tungsten prices after the Kazakh export quotas",
        "the post's heading, not the blog's name"
    );
    assert_eq!(article.author.as_deref(), Some("Ana Petrova"));
    assert_eq!(article.published, NaiveDate::from_ymd_opt(2025, 10, 21));
    assert!(
        article
            .body
            .starts_with("Kazakhstan cut its tungsten concentrate export quotas"),
        "{:?}",
        &article.body[..80]
    );
    assert!(
        article
            .body
            .ends_with("running at full capacity next year."),
        "{:?}",
        &article.body[article.body.len() - 80..]
    );
    assert_body(
        &article.body,
        &[
            "Month | Export quota (t) | APT price ($/mtu)\n\nJuly | 1,200 | 352",
            "What buyers are doing",
            "\n\nsigning longer contracts with processors in Vietnam and Austria;\n\n",
            "redesigning parts so that they need less cemented carbide.",
        ],
        &[
            "Field Notes on Metals",
            "Markets",
            "Share",
            "Trucks at the Boshekul pit",
            "Read more",
            "is a metals reporter",
            "newsletter_signup",
            "moderating all comments",
            "Related posts",
            "Antimony smelters",
            "Chinese export controls",
            "Copper hits a record",
            "All rights reserved",
        ],
    );
}

/// A review copied as text: the body from the title would be a disclosure, a table of contents
/// and a share button; the article is the long run of paragraphs after them, with the list its
/// colon announces, a heading that looks like a footer's ("Recommended …") and a cross-link.
#[test]
fn a_text_page_skips_the_disclosure_and_keeps_lists_and_headings() {
    let article = Library::extract(&Clip {
        text: Some(fixture("harbour_review.txt")),
        ..Clip::default()
    })
    .unwrap();
    assert_eq!(
        article.title,
        "The best budget e-readers for field research"
    );
    assert_eq!(article.author.as_deref(), Some("Tomasz Wierzbicki"));
    assert_eq!(article.published, NaiveDate::from_ymd_opt(2025, 6, 11));
    assert_eq!(
        article.standfirst.as_deref(),
        Some(
            "Cheap e-readers have become good enough to carry a researcher's whole library into the field. Here is how to pick one."
        )
    );
    assert!(article.body.starts_with("A phone will display a PDF"));
    assert!(
        article
            .body
            .ends_with("pack a small power bank for winter fieldwork.")
    );
    assert_body(
        &article.body,
        &[
            "earns its place in a rucksack:\n\nHow the screen renders small print in scanned PDFs\n\n",
            "What it costs to replace\n\nRecommended configuration\n\nStorage: 16 GB Screen: 6-inch 300 ppi",
            "The runner-up, the Quire 6",
        ],
        &[
            "commission",
            "Table of contents",
            "Share this article",
            "Read more",
            "22 days",
            "Related posts",
            "waterproof notebooks",
            "All rights reserved",
        ],
    );
}

#[rstest]
#[case::heading_then_text(
    "<h1>Harbour strike enters its second week</h1><p>Dock workers in the northern port extended their strike on Monday, and the queue of ships grew.</p>",
    "Harbour strike enters its second week"
)]
#[case::heading_inside_a_figure(
    r#"<figure class="hero"><img src="x.jpg"><h1 class="article-title"><span>Evergreens for a winter garden</span></h1></figure><div class="teaser">Three shrubs that stay green all year and feed the birds.</div><p>Gathering branches from the garden for indoor decorations is a December tradition, and it is a good time to plant evergreen shrubs as well.</p><p>Holly, box and yew all do well in a small garden if they are planted before the ground freezes.</p>"#,
    "Evergreens for a winter garden"
)]
#[case::the_heading_marked_as_title(
    r#"<h1 class="title">Smelters cut their output</h1><h1 class="subtitle">Markets</h1><p>Three of the largest refineries in the region said on Friday that they would run at half capacity until the new year.</p><p>Traders expect prices to climb before the winter.</p>"#,
    "Smelters cut their output"
)]
#[case::two_h1_the_later_dated(
    r#"<h1 class="pub-title">Back of Mind</h1><nav><a href="/">Home</a></nav><h1 class="post-title">What is once sprung cannot be unsprung</h1><time datetime="2025-03-02">2 March 2025</time><p>Economists like to think that a system that has been pushed out of shape will spring back once the push stops, but many systems do not.</p><p>The word for this is hysteresis, and once you start looking for it you find it in labour markets, in institutions and in habits.</p>"#,
    "What is once sprung cannot be unsprung"
)]
#[case::the_sites_name_linked_home_over_an_h2_headline(
    r#"<header><h1 class="site-title"><a href="https://fieldnotes.example/" rel="home">Field Notes on Ore</a></h1></header><main><article><h2>Why the smelter queue keeps growing</h2><p>Three refineries said on Friday that they would run at half capacity until the new year, and the queue of ore carriers grew again.</p><p>Traders expect prices to climb before the winter, when the northern routes close.</p></article></main>"#,
    "Why the smelter queue keeps growing"
)]
fn the_html_title_is_the_heading_that_opens_the_article(#[case] html: &str, #[case] title: &str) {
    let article = Library::extract(&Clip {
        html: Some(html.into()),
        ..Clip::default()
    })
    .unwrap();
    assert_eq!(article.title, title);
    assert!(!article.body.starts_with(title), "the title is not body");
}

/// The article Lode extracts from a text copy alone.
fn from_text(text: String) -> lode::Article {
    Library::extract(&Clip {
        text: Some(text),
        ..Clip::default()
    })
    .unwrap()
}

/// Three paragraphs of an article about `topic`, long enough to be its body.
fn paragraphs(topic: &str) -> String {
    format!(
        "Most people who go looking for {topic} start with the cheapest option and regret it within a season, because the differences only show in the field.\n\n\
         We spent three months comparing {topic} on long days outdoors, in the rain and in the cold, and kept notes on everything that went wrong.\n\n\
         What follows is what we learned about {topic}, which ones we would buy again, and which ones we returned after the first week.\n"
    )
}

#[rstest]
#[case::a_table_of_contents_between_title_and_text(
    "Menu\nGuides\nFieldcraft Weekly\nThe best budget GPS units for hiking in 2026\nUpdated on 3 Mar 2026\nContents\n\
     Why budget GPS units beat a phone\nThe best budget GPS units for serious hikers\nHow we tested budget GPS units\n",
    "budget GPS units",
    "Why budget GPS units beat a phone\nA phone's battery dies first; budget GPS units run for days on two cells.\n\
     The best budget GPS units for serious hikers\nThe Trailmark 3 is the one to buy for most hikers.\n\
     How we tested budget GPS units\nWe walked the same ridge route with every unit, twice.\n",
    "The best budget GPS units for hiking in 2026",
    None
)]
#[case::a_title_then_its_deck_then_the_author_without_by(
    "Back of Mind\nBack of Mind\nSubscribeSign in\nwhat is once sprung cannot necessarily be unsprung\n\
     the problem of cognitive hysteresis\nDan Davies\nDec 12, 2025\n",
    "hysteresis, the spring that once sprung cannot be unsprung",
    "",
    "what is once sprung cannot necessarily be unsprung",
    Some("Dan Davies")
)]
#[case::the_authors_portrait_under_the_deck_is_not_the_title(
    "Edge Notes\nSubscribeSign in\nThe Edge-First Manifesto\nCloud as a coordination layer. Edge as the execution environment.\n\
     Marco Bambini's avatar\nMarco Bambini\nDec 19, 2025\nShare\n",
    "software that works offline",
    "",
    "The Edge-First Manifesto",
    Some("Marco Bambini")
)]
#[case::a_breadcrumb_that_names_the_headline_in_other_words(
    "Hiking Hub\nGuides\nYou are here: Hiking Hub » Gear » Budget GPS units for hiking, compared and reviewed\n\
     The best budget GPS units for hiking in 2026\nUpdated on 3 Mar 2026\n",
    "budget GPS units for hiking",
    "",
    "The best budget GPS units for hiking in 2026",
    None
)]
#[case::a_question_headline_opening_the_text(
    "Home\nServices\nHeating and cooling\nRequest An Estimate\nEnd-of-Summer AC Maintenance Tips: Prevent Breakdowns Before Next Year\n\
     Fall Allergies in Montana: Improve Indoor Air Quality Before You Close the Windows\n\
     How Much Money Can I Save with a Smart Thermostat?\n",
    "smart thermostats",
    "",
    "How Much Money Can I Save with a Smart Thermostat?",
    None
)]
#[case::by_on_a_line_of_its_own(
    "Board Game Quest\nGames by Rating\nReviews\nThe best board games from 2025\nBy\nTony Mastrangeli\n-\nJan 23, 2026\n",
    "board games",
    "",
    "The best board games from 2025",
    Some("Tony Mastrangeli")
)]
#[case::a_sign_off_names_the_author(
    "Nomad Stays\nBlog\nTravel slow, stay longer: a guide to off-peak travel\n",
    "off-peak travel",
    "Written by Linda McCall\nReferences\n",
    "Travel slow, stay longer: a guide to off-peak travel",
    Some("Linda McCall")
)]
#[case::a_short_headline_under_a_promotion(
    "Squarespace\nMenu\nEnter the code at checkout by midnight on the expiration date, and the discount applies to the first payment of a new site.\n\
     Made with Squarespace→\nThe best WordPress alternatives→\nBack\n6 WordPress Alternatives\nBy Amanda Shih-Goel\n",
    "WordPress alternatives",
    "",
    "6 WordPress Alternatives",
    Some("Amanda Shih-Goel")
)]
#[case::a_link_that_ends_with_an_arrow(
    "Studio Notes\nOur guide to WordPress alternatives\nShare\nSee the WordPress alternatives compared→\n",
    "WordPress alternatives",
    "",
    "Our guide to WordPress alternatives",
    None
)]
#[case::a_heading_printed_twice_that_a_breadcrumb_names_too(
    "Home\nTravel Tips\nDo I need a rain shell in summer?\nAbout us\nOur tours\nTravel Tips\nPacking Light\nSleeping and Eating\n\
     Home\nTravel Tips\nDo I need a rain shell in summer?\nDo I need a rain shell in summer?\nA hiker crossing a ridge\n",
    "rain shells",
    "",
    "Do I need a rain shell in summer?",
    None
)]
#[case::a_post_the_blog_lists_again_beside_it(
    "Trail Notes\nRecent posts\nTop rain shells for every budget and every trail\nA week on the coast path\n\
     Popular\nWinter boots compared\nTop rain shells for every budget and every trail\nSearch\nFitness\n\
     Top rain shells for every budget and every trail\n",
    "rain shells",
    "",
    "Top rain shells for every budget and every trail",
    None
)]
#[case::a_menu_entry_whose_words_the_text_uses(
    "Bread Dad\nHome\nRain Shells Returned\nFollow Me\nHome\nThe shells we would buy again, and the ones we sent back\n",
    "rain shells",
    "",
    "The shells we would buy again, and the ones we sent back",
    None
)]
#[case::an_images_description_a_line_above_the_headline(
    "Spine Clinic\nSchedule\nwoman with back pain on home office chairs\nBest Office Chairs to Prevent Back Pain\n\
     Authored by: Jane Doe\nOctober 9, 2025\n",
    "office chairs for back pain",
    "",
    "Best Office Chairs to Prevent Back Pain",
    Some("Jane Doe")
)]
#[case::the_name_under_the_authors_portrait_above_the_date(
    "Go Remote\nSubscribeSign in\nI Quit Being a Digital Nomad (and What It Taught Me)\n\
     Years of remote work across many countries, and what it cost.\n\
     Andrea Valeria - Remote Jobs's avatar\nAndrea Valeria - Remote Jobs\nDec 17, 2025\n",
    "remote jobs",
    "",
    "I Quit Being a Digital Nomad (and What It Taught Me)",
    Some("Andrea Valeria")
)]
#[case::a_headline_over_its_byline_that_the_blog_lists_again_below(
    "Pinny Travels\nDestinations\nVideos\nThe Rain Shell Guide for First Time Hikers\nGear Reviews\nDec 23, 2025\n\
     Written By Linny Park\n",
    "rain shells",
    "You may also like\nThe Rain Shell Guide for First Time Hikers\nThe Rain Shell Guide for First Time Hikers\n",
    "The Rain Shell Guide for First Time Hikers",
    Some("Linny Park")
)]
#[case::a_headline_over_a_byline_without_by_and_its_images_description(
    "Fieldcraft Weekly\nGuides\nThe Rain Shell Guide: Ten We Tested [2025]\nJane Doe\u{2022}Updated on Jul 4, 2025 \u{2022}8 min read\n\
     Share\nLink Copied!\nThe Rain Shell Guide Ten We Tested 2025\n",
    "rain shells",
    "",
    "The Rain Shell Guide: Ten We Tested [2025]",
    Some("Jane Doe")
)]
#[case::a_headline_over_its_authors_name_printed_twice(
    "Fieldcraft Weekly\nGear\nThe Rain Shells We Tested for 2025 and Beyond\nBrinda Gulati\nBrinda Gulati\nContent Editor\n\
     The Rain Shells We Tested for 2025 and Beyond cover\nOctober 26, 2025\n",
    "rain shells",
    "",
    "The Rain Shells We Tested for 2025 and Beyond",
    Some("Brinda Gulati")
)]
#[case::a_headline_under_its_categories(
    "Fieldcraft Weekly\nAbout\nBest Of, Rain Shells, Hiking Guides\nThe Complete Guide to Rain Shells for First Time Hikers\n\
     October 26, 2025\n",
    "rain shells",
    "",
    "The Complete Guide to Rain Shells for First Time Hikers",
    None
)]
#[case::a_headline_over_its_images_description_in_lower_case(
    "Fieldcraft Weekly\nGuides\nHow to Pick One: A Five-Step Guide\nrain shells drying on a line after a hike\nOctober 26, 2025\n",
    "rain shells",
    "",
    "How to Pick One: A Five-Step Guide",
    None
)]
#[case::a_blog_that_writes_its_headings_in_lower_case(
    "Fieldcraft Weekly\nSubscribe\nwhat we learned about rain shells this year\nnotes from a wet season\nOctober 26, 2025\n",
    "rain shells",
    "",
    "what we learned about rain shells this year",
    None
)]
fn the_text_title_is_the_headline_over_the_article(
    #[case] head: &str,
    #[case] topic: &str,
    #[case] tail: &str,
    #[case] title: &str,
    #[case] author: Option<&str>,
) {
    let text = format!(
        "{head}{}{tail}Privacy policy\nTerms of use\n",
        paragraphs(topic)
    );
    let article = from_text(text);
    assert_eq!(article.title, title);
    assert_eq!(article.author.as_deref(), author);
    assert!(
        article.body.starts_with("Most people who go looking for"),
        "{}",
        article.body
    );
}

/// A headline that ends with the name of the site or of its section keeps only its own words
/// when the page prints that name elsewhere (a menu's line, its copyright line); a last part
/// printed nowhere else is the headline's.
#[rstest]
#[case::a_section_the_menu_names(
    "Opinion\nWhy hybrids won the long drive | Opinion\n",
    "",
    "Why hybrids won the long drive"
)]
#[case::a_site_the_copyright_names(
    "Why hybrids won the long drive – Field Notes\n",
    "© Field Notes 2025\n",
    "Why hybrids won the long drive"
)]
#[case::a_part_of_the_headline(
    "Why hybrids won the long drive – Part 1\n",
    "",
    "Why hybrids won the long drive – Part 1"
)]
fn a_headline_loses_the_site_name_it_ends_with(
    #[case] head: &str,
    #[case] tail: &str,
    #[case] title: &str,
) {
    let text = format!(
        "Field Notes\n{head}By Dana Whitfield, 12 January 2026\n{}{tail}",
        paragraphs("greener cars")
    );
    let article = from_text(text);
    assert_eq!(article.title, title);
}

/// A table of contents' label ("Table of Contents", with its "Show" toggle) is the page's
/// control, not the article's text.
#[test]
fn a_table_of_contents_label_is_not_body() {
    let html = format!(
        "<h1>Choosing a greener car for long drives</h1><article><div class=\"toc\">Table of Contents <span>Show</span></div>{}</article>",
        paragraphs("greener cars")
            .lines()
            .map(|p| format!("<p>{p}</p>"))
            .collect::<String>()
    );
    let article = Library::extract(&Clip {
        html: Some(html),
        ..Clip::default()
    })
    .unwrap();
    assert!(
        article.body.starts_with("Most people who go looking for"),
        "{}",
        article.body
    );
}

/// Menu entries copied without breaks between them are one long line with no full stop; it
/// is not the article's first paragraph.
#[test]
fn a_menu_copied_as_one_line_is_not_a_paragraph() {
    let text = format!(
        "The Motley Fool\nHow to Invest in Index Funds: A Beginner's Guide\n\
         By Matthew Frankel – Updated Mar 5, 2026\n\
         How to Invest MoneyWhat to Invest InHow to Invest in StocksHow to Invest in ETFsHow to Invest in Index FundsHow to Invest in BondsFinancial DictionaryStock Market 101Types of StocksStock Market SectorsStock Market Indexes\n{}",
        paragraphs("index funds")
    );
    let article = from_text(text);
    assert_eq!(
        article.title,
        "How to Invest in Index Funds: A Beginner's Guide"
    );
    assert_eq!(article.author.as_deref(), Some("Matthew Frankel"));
    assert!(article.body.starts_with("Most people who go looking for"));
    assert!(!article.body.contains("MoneyWhat"));
}

/// A photo's caption under the title, then its credit: the caption is not the first paragraph,
/// and the byline after it is still the article's.
#[test]
fn a_caption_above_its_photo_credit_is_not_the_body() {
    let text = format!(
        "Electronics\nThe best cheap laptops under $500\nUpdated January 16, 2026\n\
         A stack of four laptops sitting between a potted plant and a pile of books with a mug of pens on top.\n\
         Photo: Connie Park\nBy Kimber Streams\n{}",
        paragraphs("cheap laptops")
    );
    let article = from_text(text);
    assert_eq!(article.title, "The best cheap laptops under $500");
    assert_eq!(article.author.as_deref(), Some("Kimber Streams"));
    assert!(article.body.starts_with("Most people who go looking for"));
    assert!(!article.body.contains("potted plant"));
}

/// A page's footer is skipped, but an article's own footer that carries its byline is read;
/// the standfirst is not repeated as the body's first paragraph.
#[test]
fn an_articles_byline_footer_gives_author_and_date() {
    let html = r#"<header><a href="/">The Open Office</a></header>
        <article><h1>Remote work: five tips to keep a team productive</h1>
        <div class="subhead">Remote workers can lose motivation; these habits help.</div>
        <footer class="author__meta">By <a href="/people/ayan">Tariq Ayan</a> <span>March 30, 2023 |</span></footer>
        <p>Working from home removes the commute, but it also removes the small signals that tell a team how a project is going.</p>
        <p>The five habits below come from teams that have worked remotely for years, and each of them takes less than an hour a week.</p>
        </article><footer>© 2026 The Open Office · Privacy · March 1, 2026</footer>"#;
    let article = Library::extract(&Clip {
        html: Some(html.into()),
        ..Clip::default()
    })
    .unwrap();
    assert_eq!(article.author.as_deref(), Some("Tariq Ayan"));
    assert_eq!(article.published, NaiveDate::from_ymd_opt(2023, 3, 30));
    assert_eq!(
        article.standfirst.as_deref(),
        Some("Remote workers can lose motivation; these habits help.")
    );
    assert!(
        article.body.starts_with("Working from home"),
        "the standfirst is not body"
    );
    assert!(!article.body.contains("Privacy"));
}

/// A headline the line reading takes for a paragraph (a long question in sentence case): the
/// page's `<h1>` says it is the title, and the byline and date under it are the article's.
#[rstest]
#[case::the_html_alone(false)]
#[case::with_the_copied_text(true)]
fn the_byline_and_date_under_the_pages_headline_are_read(#[case] with_text: bool) {
    let title = "Graphic design or illustration: which degree is right for you and for the career you plan?";
    let byline = "March 15, 2022 · 3 min read · By Dana Whitfield";
    let opening = [
        "Wondering what the difference is between a degree in graphic design and one in illustration? These two programs share a first year, and then they part ways for good.",
        "We spent three months talking to graduates of both programs about their work, and kept notes on what each degree prepared them for and what it did not.",
        "What follows is what we learned about the two degrees, which jobs their graduates hold today, and which one we would choose again.",
    ];
    let html = format!(
        r#"<header><a href="/">Skip to main content</a><div>Field Notes Home</div><div>Sign in</div></header><h1>{title}</h1><div class="meta">{byline}</div><p>{}</p>"#,
        opening.join("</p><p>")
    );
    let text = format!(
        "Skip to main content\nField Notes Home\nSign in\n{title}\n{byline}\n{}\n",
        opening.join("\n")
    );
    let article = Library::extract(&Clip {
        html: Some(html),
        text: with_text.then_some(text),
        ..Clip::default()
    })
    .unwrap();
    assert_eq!(article.title, title);
    assert_eq!(article.author.as_deref(), Some("Dana Whitfield"));
    assert_eq!(article.published, NaiveDate::from_ymd_opt(2022, 3, 15));
}

/// The byline and date may stand over the headline; a list of dated posts after the article
/// does not date it.
#[test]
fn a_date_over_the_headline_dates_the_article() {
    let text = format!(
        "Field Notes\nHome\nGuides\nDana Whitfield\nSeptember 4, 2025\nWhat a Year of Road Trips Taught Us About Greener Cars\n{}\
         Recent posts\nCharging on the road, one winter later\nDecember 16, 2025 No Comments\n\
         The tyres we would buy again\nDecember 9, 2025 No Comments\n© 2026 Field Notes\n",
        paragraphs("greener cars")
    );
    let article = from_text(text);
    assert_eq!(
        article.title,
        "What a Year of Road Trips Taught Us About Greener Cars"
    );
    assert_eq!(article.published, NaiveDate::from_ymd_opt(2025, 9, 4));
}

/// The date a page's address carries (`/2024/09/16/…`) dates an article the page itself
/// leaves undated: the address the clipboard names, else the one a copy's link to a place in
/// the page shows (a skip link, made absolute by the copy).
#[rstest]
#[case::the_clipboards_address(
    Some("https://news.example.com/2024/09/16/rare-earths-deal/"),
    r#"<a href="/">Home</a>"#,
    Some((2024, 9, 16))
)]
#[case::a_blogs_address_without_zeros(
    Some("https://example.com/blog/2016/3/24/my-favourite-patterns?utm_source=feed"),
    "",
    Some((2016, 3, 24))
)]
#[case::a_skip_link_to_the_article(
    None,
    r#"<a class="skip-link" href="https://news.example.com/2024/09/16/rare-earths-deal/#content">Skip to content</a>"#,
    Some((2024, 9, 16))
)]
#[case::a_skip_link_when_the_clipboards_address_has_no_date(
    Some("https://news.example.com/?p=4812"),
    r#"<a class="skip-link" href="https://news.example.com/2024/09/16/rare-earths-deal/#content">Skip to content</a>"#,
    Some((2024, 9, 16))
)]
#[case::a_link_to_a_place_the_page_does_not_have(
    None,
    r#"<a href="https://news.example.com/2024/09/16/rare-earths-deal/#comments">3 comments</a>"#,
    None
)]
#[case::no_date_in_the_address(
    Some("https://news.example.com/markets/2024/rare-earths-deal-1234/5/6"),
    "",
    None
)]
fn the_date_in_the_pages_address_dates_an_undated_article(
    #[case] url: Option<&str>,
    #[case] header: &str,
    #[case] date: Option<(i32, u32, u32)>,
) {
    let html = format!(
        r#"<header>{header}<a href="/markets">Markets</a></header><main id="content"><h1>Rare earths: the deal that changes the supply chain</h1><p>{}</p></main>"#,
        paragraphs("rare earth magnets").replace("\n\n", "</p><p>")
    );
    let article = Library::extract(&Clip {
        html: Some(html),
        url: url.map(String::from),
        ..Clip::default()
    })
    .unwrap();
    assert_eq!(
        article.published,
        date.and_then(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d))
    );
}

/// A text copy whose only dates are those of other posts listed after the article: the
/// clipboard's address dates it.
#[test]
fn the_address_dates_a_text_copy_before_the_dates_of_other_posts() {
    let text = format!(
        "Field Notes\nWhat a Year of Road Trips Taught Us About Greener Cars\n{}Recent posts\n\
         Charging on the road, one winter later\nDecember 16, 2025 No Comments\n© 2026 Field Notes\n",
        paragraphs("greener cars")
    );
    let article = Library::extract(&Clip {
        text: Some(text),
        url: Some("https://fieldnotes.example.org/2025/09/04/road-trips/".into()),
        ..Clip::default()
    })
    .unwrap();
    assert_eq!(article.published, NaiveDate::from_ymd_opt(2025, 9, 4));
}

/// A copy glues inline labels, names and counts to the date next to them.
#[rstest]
#[case::a_label_before("date12 Nov 2025\ndate8 min read", (2025, 11, 12))]
#[case::a_name_before_a_count_after("lifestyleJane HarrowFebruary 3, 2026Comment", (2026, 2, 3))]
#[case::an_ordinal_in_capitals("NOVEMBER 26TH, 2024", (2024, 11, 26))]
#[case::a_count_glued_after_the_year("Mar 27, 20255 mins", (2025, 3, 27))]
#[case::a_count_glued_after_a_day_month_year("By Ann Lee 14 January 202620 Mins Read", (2026, 1, 14))]
#[case::an_iso_date_with_its_time("2022-11-23T08:10+02:00", (2022, 11, 23))]
#[case::month_first_when_the_day_cannot_be_a_month("Posted on 12/19/2025", (2025, 12, 19))]
#[case::day_first_otherwise("Posted on 03/01/2017", (2017, 1, 3))]
#[case::month_first_when_the_page_writes_so("8/1/2025\nUpdated 8/27/2025", (2025, 8, 1))]
#[case::day_first_when_the_page_writes_both("8/1/2025\nUpdated 8/27/2025\n27/8/2025", (2025, 1, 8))]
#[case::month_first_with_hyphens("Published: 10-30-2025", (2025, 10, 30))]
#[case::day_first_with_hyphens("Published: 03-01-2017", (2017, 1, 3))]
#[case::a_two_digit_year_after_a_label("Published on 01/25/26", (2026, 1, 25))]
fn a_date_glued_to_its_neighbours_is_read(#[case] line: &str, #[case] date: (i32, u32, u32)) {
    let article = greener_cars_under(line);
    assert_eq!(article.title, "Choosing a greener car for long drives");
    assert_eq!(
        article.published,
        NaiveDate::from_ymd_opt(date.0, date.1, date.2)
    );
}

/// A page that shows no date before or in its article is dated by the lines after it: the day
/// it was last updated, or a blog's footer line right after the post (WordPress's classic
/// theme).
#[rstest]
#[case::its_last_update("Last updated: November 13, 2025\n", (2025, 11, 13))]
#[case::a_footer_line_right_after_the_post(
    "Tags: hybrids, charging\nMonday, August 11th, 2025 at 11:00 am | Categories: Cars, Travel |\n",
    (2025, 8, 11)
)]
fn an_undated_page_is_dated_by_the_lines_after_its_article(
    #[case] tail: &str,
    #[case] date: (i32, u32, u32),
) {
    let text = format!(
        "Field Guides\nChoosing a greener car for long drives\n{}{tail}Privacy policy\n",
        paragraphs("greener cars")
    );
    let article = from_text(text);
    assert_eq!(
        article.published,
        NaiveDate::from_ymd_opt(date.0, date.1, date.2)
    );
}

/// A sentence that mentions a date with a two-digit year is the article's, not its date line.
#[test]
fn a_sentence_with_a_short_date_stays_in_the_body() {
    let text = format!(
        "Field Guides\nChoosing a greener car for long drives\nBy Dana Whitfield, 12 January 2026\n{}\
         Below is the original announcement from 12/16/25\n\
         The makers promised a range of six hundred kilometres on a charge, and most of the cars we drove came close to it in summer.\n",
        paragraphs("greener cars")
    );
    let article = from_text(text);
    assert_eq!(article.published, NaiveDate::from_ymd_opt(2026, 1, 12));
    assert!(
        article
            .body
            .contains("Below is the original announcement from 12/16/25"),
        "{}",
        article.body
    );
}

/// Bylines as copies print them: the label glued to the name, a name with no label that a
/// portrait's text repeats right above it, a name with the date after it on its line, a name
/// with the next part glued to it, a user's name in lower case after a byline's label, and the
/// writer's byline under an editor's or a photographer's credit.
#[rstest]
#[case::by_glued_to_the_name("ByShivya Nath 12th February 2025", "Shivya Nath")]
#[case::by_and_a_colon_without_a_space("By:Great Day Editorial Team", "Great Day Editorial Team")]
#[case::written_by_and_a_colon("Written by:Elise Nass", "Elise Nass")]
#[case::the_portrait_then_the_name("Ryan Carrigan\nRyan Carrigan", "Ryan Carrigan")]
#[case::a_name_then_a_date_on_its_line("Melissa Ozawa December 18, 2025", "Melissa Ozawa")]
#[case::a_name_a_dot_and_a_date("Faith Katunga•Oct 20, 2025", "Faith Katunga")]
#[case::a_name_a_dash_and_a_date("Rachael Hogg - 12/03/2026", "Rachael Hogg")]
#[case::a_name_with_a_particle_then_the_date("Jordie van Rijn 21 February 2026", "Jordie van Rijn")]
#[case::the_date_glued_to_the_name("By Scott YoungNovember 11, 2024", "Scott Young")]
#[case::the_byline_glued_twice("Conor AllisonBy Conor AllisonJanuary 5, 2026", "Conor Allison")]
#[case::a_user_after_by("by ibby", "ibby")]
#[case::a_lower_case_name_then_a_count("Written by joshua becker · 99 Comments", "joshua becker")]
#[case::a_user_after_the_date("Posted on July 1, 2024 by infuy", "infuy")]
#[case::a_user_glued_to_the_date("by thegrangehallFebruary 3, 2025", "thegrangehall")]
#[case::an_editor_credited_above("Edited by: Kristina Zagame\nBy Emily Walker", "Emily Walker")]
#[case::a_photographer_credited_above("Photo by Jason Kempin\nBy Ryan Reed", "Ryan Reed")]
fn a_byline_as_a_copy_prints_it_is_read(#[case] lines: &str, #[case] author: &str) {
    let article = greener_cars_under(lines);
    assert_eq!(article.title, "Choosing a greener car for long drives");
    assert_eq!(article.author.as_deref(), Some(author));
}

/// A word that starts with "by" is not a byline, a name alone on its line, once, is not an
/// author without a date or a label beside it, a labelled source or a date first is no name, and
/// neither is the credit of a site's engine or designer.
#[rstest]
#[case::a_word_starting_with_by("Bypass Roads Explained")]
#[case::a_name_once("Ryan Carrigan")]
#[case::a_source_and_a_date("Source: Russian Defense Ministry, 12 March 2025")]
#[case::a_date_then_words("December 18, 2025 Travel News")]
#[case::a_phrase_after_by("By the way")]
#[case::lower_case_words_after_by("by popular demand")]
#[case::the_sites_engine("Powered by Outside")]
#[case::a_designer("Design by Ozero")]
fn what_only_looks_like_a_byline_is_not_one(#[case] line: &str) {
    assert_eq!(greener_cars_under(line).author, None);
}

/// A copied article about greener cars with `lines` between its title and its text, extracted.
fn greener_cars_under(lines: &str) -> lode::Article {
    let text = format!(
        "Field Guides\nChoosing a greener car for long drives\n{lines}\n{}",
        paragraphs("greener cars")
    );
    from_text(text)
}

/// Where no rule names the author, the model that scores every name near the title and after
/// the body does, when it is confident: a byline printed after the article's opening
/// paragraphs, and the author's box after a long article (the portrait's text, then
/// the name; or the two, then a bio the body runs into), also over a menu's "By …" above the
/// title, and a person's name alone under the title near the date. A name the text merely
/// mentions stays no one's, and so does a heading's phrase where a name would stand.
#[rstest]
#[case::a_byline_after_the_opening_paragraphs(
    "Choosing a greener car for long drives\n\
     A new generation of hybrids has landed in the showrooms, and the old advice about range and refuelling no longer holds for most drivers.\n\
     Charging on the road is easier than it was, and the prices of the cars have come down as well.\n\
     By Dana Whitfield December 2, 2025\n",
    "",
    Some("Dana Whitfield")
)]
#[case::the_authors_box_after_a_long_article(
    "Choosing a greener car for long drives\n",
    "About the author\nDana Whitfield\nDana Whitfield\nSubscribe to updates from author\n",
    Some("Dana Whitfield")
)]
#[case::the_authors_box_the_body_runs_into(
    "Choosing a greener car for long drives\n",
    "Dana Whitfield\nDana Whitfield\nDana is a motoring writer who has driven electric cars across Europe since 2015, and she tests every car she writes about on the same long route.\n",
    Some("Dana Whitfield")
)]
#[case::the_authors_box_over_a_menus_by_above_the_title(
    "Programs\nBy Modality\nChoosing a greener car for long drives\n",
    "About the author\nDana Whitfield\nDana Whitfield\nSubscribe to updates from author\n",
    Some("Dana Whitfield")
)]
#[case::a_name_the_article_mentions(
    "Choosing a greener car for long drives\n",
    "Dana Whitfield\nSubscribe to updates\n",
    None
)]
#[case::a_name_alone_under_the_title_beside_the_date(
    "Choosing a greener car for long drives\nDana Whitfield\nLast checked December 2, 2025 · 6 min read\n",
    "",
    Some("Dana Whitfield")
)]
#[case::a_phrase_alone_under_the_title_beside_the_date(
    "Choosing a greener car for long drives\nOpen Navigation\nLast checked December 2, 2025 · 6 min read\n",
    "",
    None
)]
fn the_author_no_rule_names_is_the_models_confident_guess(
    #[case] head: &str,
    #[case] after: &str,
    #[case] author: Option<&str>,
) {
    let body: String = (1..=15)
        .map(|leg| paragraphs(&format!("greener cars on leg {leg} of the route")))
        .collect();
    let text = format!("Field Guides\n{head}{body}{after}© 2026 Field Guides\n");
    let article = from_text(text);
    assert_eq!(article.title, "Choosing a greener car for long drives");
    assert_eq!(article.author.as_deref(), author);
}

/// A byline rule reads one line; the model weighs every name around the article. Where it is
/// sure of the author's box after the body and doubts the rule's name (a publisher's credit, a
/// menu's "Shop by Category"), the box names the author; a byline it finds likely stays.
#[rstest]
#[case::a_publishers_credit("Published by Outdoor Media\n", "Dana Whitfield")]
#[case::a_menus_by("Shop by Category\n", "Dana Whitfield")]
#[case::a_writers_byline("By Sam Ortega\n", "Sam Ortega")]
fn a_rules_doubtful_name_gives_way_to_the_models_sure_one(
    #[case] under_title: &str,
    #[case] author: &str,
) {
    let body: String = (1..=15)
        .map(|leg| paragraphs(&format!("greener cars on leg {leg} of the route")))
        .collect();
    let text = format!(
        "Field Guides\nChoosing a greener car for long drives\n{under_title}{body}About the author\nDana Whitfield\nDana Whitfield\nDana is a motoring writer who has driven electric cars across Europe since 2015, and she tests every car she writes about on the same long route.\n© 2026 Field Guides\n"
    );
    let article = from_text(text);
    assert_eq!(article.title, "Choosing a greener car for long drives");
    assert_eq!(article.author.as_deref(), Some(author));
}

/// An author link whose text is a phrase ("Full bio", "Sign in") names no one: the byline
/// beside it does.
#[test]
fn an_author_links_phrase_is_not_a_name() {
    let html = r#"<h1>Home renovation loans, explained</h1><div class="meta"><a href="/authors/jane-roe/">Full bio</a></div><p class="byline">By <span>Jane Roe</span></p><p>Most people who go looking for a renovation loan start with the cheapest option and regret it within a season, because the differences only show later.</p><p>We spent three months comparing renovation loans from twelve lenders, and kept notes on everything that went wrong along the way.</p>"#;
    let article = Library::extract(&Clip {
        html: Some(html.into()),
        ..Clip::default()
    })
    .unwrap();
    assert_eq!(article.author.as_deref(), Some("Jane Roe"));
}

/// A newsletter post (Substack's shape): the subscription box and the readers' comments after
/// the article are not part of it.
#[test]
fn a_newsletter_post_ends_before_its_subscription_box_and_comments() {
    let text = format!(
        "Field Notes\nSubscribeSign in\nWhy supply chains bend but rarely break\nDana Whitfield\nMar 4, 2026\n{}\
         Field Notes is a reader-supported publication. To receive new posts and support my work, consider becoming a free or paid subscriber.\n\
         Type your email...\nSubscribe\n33\n5\nShare\nDiscussion about this post\nCommentsRestacks\nWrite a comment...\n\
         I think the argument about slack in the system is right, but the examples from shipping are a little dated by now.\n\
         Great post, and it matches what we saw in the electronics trade during the last two years of shortages.\n",
        paragraphs("supply chains")
    );
    let article = from_text(text);
    assert_eq!(article.title, "Why supply chains bend but rarely break");
    assert_eq!(article.author.as_deref(), Some("Dana Whitfield"));
    assert_body(
        &article.body,
        &["Most people who go looking for supply chains"],
        &["reader-supported", "slack in the system", "Great post"],
    );
}

/// A page with no article container, whose "related posts" box marks a teaser as `article`:
/// the DOM takes that teaser for the article, and a located body this much shorter than the
/// article the lines hold is a fragment; the lines' reading is kept.
#[test]
fn a_teaser_the_dom_takes_for_the_article_does_not_replace_it() {
    let html = "<html><body><h1>Council weighs a new reservoir</h1>\
         <p>The council met on Tuesday to discuss the new water plan for the valley, which has been debated for months by farmers and residents alike.</p>\
         <p>Officials said the reservoir would hold twice as much water as the old one, and that work could begin in the spring if the budget is approved.</p>\
         <p>Farmers in the lower valley welcomed the plan but asked for guarantees that their wells would not run dry during the construction period.</p>\
         <p>Residents of the town centre raised concerns about the noise and traffic that trucks would bring through the narrow streets every day.</p>\
         <p>The mayor promised a public hearing next month, where engineers will present the detailed drawings and answer questions from the public.</p>\
         <p>Environmental groups said they would study the plan closely, noting that the river already runs low in late summer in most years.</p>\
         <p>A final vote is expected before the end of the year, after the regional authority has reviewed the financing and the environmental report.</p>\
         <div class=\"related-posts\">by Margaret HollowaySeasonal Water Rules: How to Keep Wells Full \
         While Protecting the River13/01/2026by Margaret Holloway<div class=\"article\">Reservoirs \
         Explained: Principles, Benefits, and Case Studies08/01/2026by Margaret Holloway</div></div>\
         How to Save Water: 21 Practical Tips for Every Householdby Margaret Holloway\
         The 9 Oldest, Largest, and Busiest Mills in the Valleyby Valley News</body></html>";
    let article = Library::extract(&Clip {
        html: Some(html.to_string()),
        ..Clip::default()
    })
    .unwrap();
    assert_body(
        &article.body,
        &[
            "The council met on Tuesday",
            "Environmental groups said",
            "A final vote is expected",
        ],
        &["Principles, Benefits"],
    );
}

/// Captions credited the agency way, "(Name Surname/Outlet)", are not paragraphs: neither in
/// the article nor in the teasers after it.
#[test]
fn captions_credited_name_slash_outlet_are_not_body() {
    let text = format!(
        "Metro\nPower cuts leave the valley in the dark again\nBy Janie Har\nNov 20, 2019\n{}\
         Snow covers the branches of trees on Tuesday, Nov. 19, 2019 in the valley, where the lines came down in the storm and the crews could not reach them for two days. (Paul Buckowski/Times Union)\n\
         The utility said the next cut would be announced a day in advance, and that it would last no more than a day.\n\
         News\nForecast: a bit of a break, but for how long?\n\
         The operator of the limousine company involved in the October crash arrives in the county court on Wednesday, where his statements to the police will be heard by the judge. (Will Waldron/Times Union)\n\
         News\nLimo operator's statements to be allowed in court\n",
        paragraphs("power cuts")
    );
    let article = from_text(text);
    assert_body(
        &article.body,
        &["announced a day in advance"],
        &["Snow covers", "operator of the limousine", "Times Union"],
    );
}

/// A saved page (or a copy that kept its `<head>`) declares its own metadata: meta tags and
/// JSON-LD beat the page's `<h1>` (here the site's name); `<title>` loses the site's name.
#[rstest]
#[case::meta_tags_and_json_ld(
    r#"<!doctype html><html><head><title>Smelters cut output as prices slide | Metals Weekly</title>
    <meta property="og:title" content="Smelters cut output as prices slide">
    <meta property="og:site_name" content="Metals Weekly">
    <meta name="author" content="https://metals.example/staff/ana">
    <meta property="article:published_time" content="2025-11-07T09:30:00+01:00">
    <meta property="article:section" content="Markets">
    <meta property="article:tag" content="aluminium"><meta property="article:tag" content="smelters">
    <script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"WebSite","name":"Metals Weekly"},
      {"@type":"NewsArticle","headline":"Smelters cut output as prices slide","datePublished":"2025-11-07T09:30:00+01:00",
       "author":[{"@type":"Person","name":"Ana Kova&#269;"},{"@type":"Person","name":"Li Wei"}],
       "publisher":{"@type":"Organization","name":"Metals Weekly"}}]}</script>
    </head><body><nav><a href="/">Home</a> <a href="/markets">Markets</a></nav><h1>Metals Weekly</h1>"#,
    "Smelters cut output as prices slide",
    Some("Ana Kovač, Li Wei"),
    Some((2025, 11, 7)),
    &["Markets"],
    &["aluminium", "smelters"],
)]
#[case::a_byline_meta_tag(
    r#"<html><head><meta property="og:title" content="Smelters cut output as prices slide">
    <meta name="byl" content="By Jane Doe"><meta property="og:site_name" content="Metals Weekly">
    <meta property="article:published_time" content="2025-11-07"></head><body><h1>Smelters cut output</h1>"#,
    "Smelters cut output as prices slide",
    Some("Jane Doe"),
    Some((2025, 11, 7)),
    &[],
    &[],
)]
#[case::only_a_page_title(
    r#"<html><head><title>Smelters cut output as prices slide – Metals Weekly</title>
    <meta property="og:site_name" content="Metals Weekly"></head><body>"#,
    "Smelters cut output as prices slide",
    None,
    None,
    &[],
    &[],
)]
fn a_saved_page_declares_its_metadata(
    #[case] head: &str,
    #[case] title: &str,
    #[case] author: Option<&str>,
    #[case] published: Option<(i32, u32, u32)>,
    #[case] sections: &[&str],
    #[case] tags: &[&str],
) {
    let html = format!(
        "{head}<p>Three of the largest aluminium smelters in the region said on Friday that they would run at half capacity until the new year.</p>\
         <p>Traders expect prices to climb before the winter, when the smelters usually buy most of their power.</p></body></html>"
    );
    let article = Library::extract(&Clip {
        html: Some(html),
        ..Clip::default()
    })
    .unwrap();
    assert_eq!(article.title, title);
    assert_eq!(article.author.as_deref(), author);
    assert_eq!(
        article.published,
        published.and_then(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d))
    );
    assert_eq!(article.site.as_deref(), Some("Metals Weekly"));
    assert_eq!(article.sections, sections);
    assert_eq!(article.tags, tags);
    assert!(article.body.starts_with("Three of the largest"));
}

/// A copy's `<time>` marked as the publication's date is the article's date wherever it
/// stands (above the headline too), and one marked as an update's is not, unless it is marked
/// as both (WordPress prints `class="entry-date published updated"` until a post is edited).
#[rstest]
#[case::the_update_printed_first(
    r#"<p class="meta"><time class="updated" datetime="2024-07-13T04:39:11+00:00" itemprop="dateModified">July 13, 2024</time>
       <time class="entry-date published" datetime="2020-10-10T03:14:38+00:00" itemprop="datePublished">October 10, 2020</time></p>
       <h1>Smelters cut output as prices slide</h1>"#,
    (2020, 10, 10)
)]
#[case::published_and_updated_at_once(
    r#"<h1>Smelters cut output as prices slide</h1>
       <span class="posted-on"><time class="entry-date published updated" datetime="2023-09-27T19:20:00-04:00">September 27, 2023</time></span>
       <span class="updated-on"><time class="entry-date updated" datetime="2025-11-23T19:13:49-05:00">Last updated on November 23, 2025</time></span>"#,
    (2023, 9, 27)
)]
#[case::the_date_above_the_headline(
    r#"<div class="kicker"><time datetime="2025-03-02" itemprop="datePublished">2 March 2025</time></div>
       <h1>Smelters cut output as prices slide</h1><p>By Ana Kovac</p><time datetime="2025-03-04">Updated</time>"#,
    (2025, 3, 2)
)]
#[case::the_day_the_page_shows_in_its_time_zone(
    r#"<h1>Smelters cut output as prices slide</h1>
       <span class="byline"><time datetime="2026-02-24T04:13:00Z">February 23, 2026</time></span>"#,
    (2026, 2, 23)
)]
#[case::the_attribute_when_the_page_shows_no_day(
    r#"<h1>Smelters cut output as prices slide</h1>
       <span class="byline"><time datetime="2026-02-24T04:13:00Z">3 hours ago</time></span>"#,
    (2026, 2, 24)
)]
fn a_time_marked_as_the_publications_dates_the_article(
    #[case] head: &str,
    #[case] date: (i32, u32, u32),
) {
    let html = format!(
        "{head}<p>Three of the largest aluminium smelters in the region said on Friday that they would run at half capacity until the new year.</p>\
         <p>Traders expect prices to climb before the winter, when the smelters usually buy most of their power.</p>\
         <div class=\"comments\"><time datetime=\"2025-12-01T06:01:55-04:00\">6:01 AM</time> Great piece.</div>"
    );
    let article = Library::extract(&Clip {
        html: Some(html),
        ..Clip::default()
    })
    .unwrap();
    assert_eq!(article.title, "Smelters cut output as prices slide");
    assert_eq!(
        article.published,
        NaiveDate::from_ymd_opt(date.0, date.1, date.2)
    );
}

/// Tag and section links after the title are the article's (WordPress marks categories
/// `rel="category tag"`); the site's menu before it and a tag cloud of dozens are not.
#[test]
fn tag_and_section_links_after_the_title_are_the_articles() {
    let cloud: String = (1..=30)
        .map(|i| format!(r#"<a href="/tag/topic-{i}">topic {i}</a> "#))
        .collect();
    let html = r#"<div class="menu"><a href="/category/world">World</a> <a href="/category/energy">Energy</a></div>
        <h1>Chile's lithium rush leaves the salt flats thirsty</h1>
        <p>San Pedro de Atacama – The pumps never stop, and the flamingos have noticed what the miners have not.</p>
        <p>Brine is drawn from under the salt flat day and night, and the lagoons around it are shrinking.</p>
        <div class="meta">Filed in <a href="/category/energy" rel="category tag">Energy</a> ·
        <a href="/tag/lithium" rel="tag">lithium</a>, <a href="/tag/chile" rel="tag">Chile</a></div>"#.to_string();
    let article = Library::extract(&Clip {
        html: Some(html.clone()),
        ..Clip::default()
    })
    .unwrap();
    assert_eq!(article.sections, ["Energy"]);
    assert_eq!(article.tags, ["lithium", "Chile"]);

    let with_cloud = Library::extract(&Clip {
        html: Some(format!("{html}<div class=\"cloud\">{cloud}</div>")),
        ..Clip::default()
    })
    .unwrap();
    assert!(with_cloud.tags.is_empty(), "{:?}", with_cloud.tags);
}

#[test]
fn japanese_prose_is_a_body_too() {
    let text = "ノート100円\nホーム\nお問い合わせ\n\nキンドルを研究に使う方法\n\n\
        電子書籍で資料を読むとき、多くの人はスマートフォンやタブレットを使いますが、調べものをしながら作業するときはパソコンの画面で読みたいこともあります。\n\n\
        そのような用途のために、キンドルにはパソコン用のアプリが用意されています。今回はそのアプリの便利な設定について説明します。\n\n\
        設定を変えるだけで、長い報告書でも目が疲れにくくなり、メモや引用を別のノートに移すのも簡単になります。\n\n\
        プライバシーポリシー\n免責事項\n";
    let article = Library::extract(&Clip {
        text: Some(text.into()),
        ..Clip::default()
    })
    .unwrap();
    assert_eq!(article.title, "キンドルを研究に使う方法");
    assert!(article.body.starts_with("電子書籍で資料を読むとき"));
    assert!(article.body.ends_with("移すのも簡単になります。"));
    assert!(!article.body.contains("免責事項"));
}

#[rstest::rstest]
#[case::https("https://eunews.it/2026/01/rare-earths", true)]
#[case::http_with_port_and_query("http://news.example:8080/a?id=3#top", true)]
#[case::upper_case_scheme("HTTPS://Eunews.it/a", true)]
#[case::ftp("ftp://eunews.it/a", false)]
#[case::javascript("javascript:alert(1)", false)]
#[case::credentials("https://user:secret@eunews.it/a", false)]
#[case::no_host("https:///a", false)]
#[case::space_inside("https://eunews.it/a b", false)]
#[case::control("https://eunews.it/\u{7}", false)]
#[case::too_long(&format!("https://eunews.it/{}", "a".repeat(2_048)), false)]
fn a_source_address_is_an_http_address_without_credentials(#[case] url: &str, #[case] valid: bool) {
    assert_eq!(lode::source_url(url).is_some(), valid, "{url}");
    let clip = Clip {
        text: Some(fixture("northwind_lithium.txt")),
        url: Some(url.into()),
        ..Clip::default()
    };
    match Library::extract(&clip) {
        Ok(article) => {
            assert!(valid, "{url} accepted");
            assert_eq!(article.url.as_deref(), Some(url));
        }
        Err(e) => {
            assert!(!valid, "{url} refused: {e}");
            assert_eq!(e.code(), lode::ErrorCode::InvalidInput);
            assert!(e.to_string().contains("source address"), "{e}");
        }
    }
}

#[test]
fn a_page_that_prints_its_address_gives_the_clip_its_source() {
    for (placed, text) in [
        (
            "at the top",
            format!(
                "https://www.eunews.it/en/2026/01/12/kazakhstan-rare-earths\n\n{}",
                fixture("northwind_lithium.txt")
            ),
        ),
        (
            "at the bottom, labelled",
            format!(
                "{}\n\nSource: https://www.eunews.it/en/2026/01/12/kazakhstan-rare-earths\n",
                fixture("northwind_lithium.txt")
            ),
        ),
    ] {
        let article = from_text(text);
        assert_eq!(
            article.url.as_deref(),
            Some("https://www.eunews.it/en/2026/01/12/kazakhstan-rare-earths"),
            "{placed}"
        );
        assert!(
            !article.body.contains("https://"),
            "{placed}: not part of the body"
        );
    }
    // An address in the middle of the article is a link of the article, not its source.
    let mut text = fixture("northwind_lithium.txt");
    let middle = text.len() / 2;
    let at = text[middle..].find("\n\n").unwrap() + middle;
    text.insert_str(at, "\n\nhttps://example.org/elsewhere\n\n");
    let article = from_text(text);
    assert_eq!(article.url, None);
}

#[test]
fn the_same_page_clipped_with_other_tracking_parameters_is_already_saved() {
    let t = TestLibrary::new();
    let clip = |url: &str| Clip {
        text: Some(fixture("northwind_lithium.txt")),
        url: Some(url.into()),
        ..Clip::default()
    };
    let first = t
        .lib
        .clip(&clip(
            "https://www.Northwind.example/energy/lithium?utm_source=feed#comments",
        ))
        .unwrap();
    let again = t
        .lib
        .clip(&clip(
            "https://northwind.example/energy/lithium?fbclid=abc123",
        ))
        .unwrap();
    assert_eq!((again.id, again.status), (first.id, ClipStatus::Unchanged));
    let note = t.lib.note(first.id).unwrap();
    assert_eq!(
        note.article.url.as_deref(),
        Some("https://www.Northwind.example/energy/lithium?utm_source=feed#comments"),
        "the address as clipped is kept"
    );
}

#[rstest::rstest]
#[case::a_domain("https://www.eunews.it/en/2026/01/12/kazakhstan", "Eunews")]
#[case::a_country_second_level("https://www.metals.co.uk/a", "Metals")]
#[case::a_port("http://intranet.example.org:8080/notes/3", "Example")]
#[case::an_address_by_number("http://192.168.1.20/notes/3", "192.168.1.20")]
fn a_page_that_names_no_site_is_named_after_its_address(#[case] url: &str, #[case] site: &str) {
    let article = Library::extract(&Clip {
        text: Some(article(
            "Kazakhstan signs a rare earths deal",
            &["Kazakhstan and the European Union signed a memorandum on rare earths on Monday, and both sides said the first shipments could arrive within two years."],
        )),
        url: Some(url.into()),
        ..Clip::default()
    })
    .unwrap();
    assert_eq!(article.site.as_deref(), Some(site));
}

/// A copied page's menus can hold thousands of elements (a shop's or a portal's mega-menu).
/// The DOM reader would remove them unread, so they do not count against what it parses:
/// the article is read through its structure as without them.
#[test]
fn a_mega_menu_does_not_keep_the_page_from_its_structure() {
    let page = fixture("fieldnotes_blog.html");
    let links: String = (0..6_000)
        .map(|i| format!("<li><a href=\"/topic/{i}\">Topic {i}</a></li>"))
        .collect();
    let menu = format!("<nav class=\"mega\"><ul>{links}</ul><button>Close</button></nav>");
    let with_menu = page.replacen(
        "<div class=\"site\">",
        &format!("<div class=\"site\">{menu}"),
        1,
    );
    let read = |html: String| {
        Library::extract(&Clip {
            html: Some(html),
            ..Clip::default()
        })
        .unwrap()
    };
    let (plain, menued) = (read(page), read(with_menu));
    assert_eq!(menued.body, plain.body);
    assert_eq!(menued.title, plain.title);
}

/// What an HTML page marks as its author's: a label or a date there is no name (and the byline
/// the text prints is read instead), a login link is nobody's, a name in lower case or a user
/// name is one (a phrase is not), and a portrait's description names the author when nothing
/// else does.
#[rstest]
#[case::an_update_label_in_the_byline(
    r#"<div class="page-byline"><div class="page-byline__item">Last Updated: 2025-02-22</div></div><p>By Dana Whitfield</p>"#,
    Some("Dana Whitfield")
)]
#[case::a_short_month_in_the_authors_element(
    r#"<div class="author-meta">Sep 16, 2025</div>"#,
    None
)]
#[case::a_login_link(r#"<a href="/user/login">Login</a>"#, None)]
#[case::the_portrait_in_the_authors_box(
    r#"<div class="post-author__image"><img src="a.png" alt="Avatar for Ana Erkic"></div>"#,
    Some("Ana Erkic")
)]
#[case::a_portrait_marked_as_the_authors(
    r#"<img class="author-photo" src="b.png" alt="Lisa Greene-Lewis">"#,
    Some("Lisa Greene-Lewis")
)]
#[case::a_name_in_lower_case(
    r#"<a class="Blog-meta-item--author" href="/blog?author=59a4">annette thurmon</a>"#,
    Some("annette thurmon")
)]
#[case::a_user_name(
    r#"<span itemprop="author"><a href="/author/jdoe42/">jdoe42</a></span>"#,
    Some("jdoe42")
)]
#[case::a_phrase_in_lower_case(
    r#"<a class="author-link" href="/author/x/">view all posts</a>"#,
    None
)]
fn an_html_authors_element_names_no_label_and_its_portrait_names_the_author(
    #[case] marks: &str,
    #[case] author: Option<&str>,
) {
    let body: String = paragraphs("greener cars")
        .split("\n\n")
        .map(|p| format!("<p>{}</p>", p.trim()))
        .collect();
    let html = format!("<h1>Choosing a greener car for long drives</h1>{marks}{body}");
    let article = Library::extract(&Clip {
        html: Some(html),
        ..Clip::default()
    })
    .unwrap();
    assert_eq!(article.title, "Choosing a greener car for long drives");
    assert_eq!(article.author.as_deref(), author);
}
