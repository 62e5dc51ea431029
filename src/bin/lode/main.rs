//! The `lode` CLI: parse arguments, call `Library`, print. Nothing else.
//! With `--json`, output is a stable contract for scripts: fields are added, never removed.

use std::ops::ControlFlow;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use lode::{
    Clip, ClipOptions, ClipStatus, Color, ExportFormat, FetchOptions, Library, NewAnnotation,
    NoteFilter, SearchOptions, Snippet,
};
use serde::Serialize;

#[cfg(feature = "mcp")]
mod mcp;

#[derive(Parser)]
#[command(
    name = "lode",
    version,
    about = "Local-first research notes: clip, search, annotate."
)]
struct Cli {
    /// The library folder (default: the platform data dir, e.g. ~/.local/share/lode).
    #[arg(long, global = true, env = "LODE_LIBRARY", value_name = "DIR")]
    library: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args)]
struct ClipArgs {
    /// The clip's text/plain: a file, or - for standard input (the default when no HTML is given).
    #[arg(long, value_name = "FILE|-")]
    text: Option<String>,
    /// The clip's text/html, from a file.
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
    /// The page's address, when known.
    #[arg(long)]
    url: Option<String>,
    /// Read the page at the clip's address and complete the details the copy lacks (the
    /// default when the library's setting is on, as it is unless turned off)
    #[arg(long, overrides_with = "no_fetch")]
    fetch: bool,
    /// Do not read the clip's page
    #[arg(long)]
    no_fetch: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Store a clipped page as a note.
    Clip {
        #[command(flatten)]
        clip: ClipArgs,
        /// A new note even when the clip is a passage of a note (which it would highlight)
        #[arg(long)]
        as_note: bool,
        #[arg(long)]
        json: bool,
    },
    /// Print the article a clip holds, as JSON, storing nothing. With --dir, extract every
    /// clip of a folder (<id>.txt and/or <id>.html) into --out as <id>.txt (body) and <id>.json.
    Extract {
        #[command(flatten)]
        clip: ClipArgs,
        /// A folder of clips: <id>.txt (text/plain) and/or <id>.html (text/html) per clip
        #[arg(long, value_name = "IN", requires = "out", conflicts_with_all = ["text", "html", "url"])]
        dir: Option<PathBuf>,
        /// Where to write <id>.txt (the body) and <id>.json (the article) for every clip of --dir
        #[arg(long, value_name = "OUT", requires = "dir")]
        out: Option<PathBuf>,
    },
    /// Search notes and annotations (see the README for the query syntax).
    Search {
        /// The query; one that starts with `-` (`-copper`, an exclusion) is a query too.
        #[arg(allow_hyphen_values = true)]
        query: String,
        #[arg(long, default_value_t = 10)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
    /// Save a search with a name (a search already saved with that name gets the new query).
    Save {
        name: String,
        /// The query, as `search` takes it (with `tag:`, `site:`, `after:` filters).
        #[arg(allow_hyphen_values = true)]
        query: String,
        #[arg(long)]
        json: bool,
    },
    /// List the saved searches with how many notes hold all their words now.
    Saved {
        /// Delete the saved search of this name.
        #[arg(long, value_name = "NAME")]
        delete: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Run a saved search (prints what `search` prints).
    SavedRun {
        name: String,
        #[arg(long, default_value_t = 10)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
    /// The notes most like a note ("More like this"), each with the words they share.
    Related {
        id: i64,
        #[arg(long, default_value_t = 5)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
    /// A note as a citation: the reference formatted (author-date), or its BibTeX, RIS or
    /// CSL-JSON entry.
    Cite {
        id: i64,
        #[arg(long, default_value = "text", value_parser = ["text", "bibtex", "ris", "csl-json"])]
        format: String,
        #[arg(long)]
        json: bool,
    },
    /// Show a note.
    Show {
        id: i64,
        #[arg(long)]
        json: bool,
    },
    /// List notes, newest first.
    List {
        /// Only notes with this tag or one of its children.
        #[arg(long)]
        tag: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Move a note (with its highlights, versions and raw clip) to the trash for 30 days.
    Delete { id: i64 },
    /// List the notes in the trash; --empty removes them for good.
    Trash {
        #[arg(long)]
        empty: bool,
        #[arg(long)]
        json: bool,
    },
    /// Bring notes back from the trash, as they were (with --highlight: deleted highlights).
    Restore {
        #[arg(required = true)]
        ids: Vec<i64>,
        /// The IDs are highlights' (as `delete-highlight` printed them).
        #[arg(long)]
        highlight: bool,
    },
    /// Delete a highlight (`lode restore --highlight ID` brings it back).
    DeleteHighlight { id: i64 },
    /// Add tags to a note (hierarchical with '/': geo/central-asia).
    Tag {
        id: i64,
        #[arg(required = true)]
        tags: Vec<String>,
    },
    /// Remove tags from a note.
    Untag {
        id: i64,
        #[arg(required = true)]
        tags: Vec<String>,
    },
    /// List tags with their counts.
    Tags {
        #[arg(long)]
        json: bool,
    },
    /// Rename a tag and its children; merges into NEW if it exists.
    TagRename { old: String, new: String },
    /// Highlight a passage of a note.
    Annotate {
        id: i64,
        /// The passage, as it appears in the note's body.
        #[arg(long)]
        quote: String,
        /// Which occurrence (1-based), when the passage appears more than once.
        #[arg(long)]
        occurrence: Option<usize>,
        #[arg(long)]
        comment: Option<String>,
        #[arg(long = "tag")]
        tags: Vec<String>,
        /// yellow, green, blue, pink, purple (or 1-5).
        #[arg(long, default_value = "yellow")]
        color: String,
        #[arg(long)]
        json: bool,
    },
    /// Replace a note's body with corrected text; annotations are re-anchored.
    Edit {
        id: i64,
        #[arg(long, value_name = "FILE|-")]
        body_file: String,
        #[arg(long)]
        json: bool,
    },
    /// Run the clipper again over stored raw clips (all notes, or the IDs given); titles,
    /// authors, dates and texts you corrected by hand stay.
    Reextract {
        ids: Vec<i64>,
        #[arg(long)]
        json: bool,
    },
    /// List the highlight colours and their meanings.
    Colors {
        #[arg(long)]
        json: bool,
    },
    /// Name what a colour means (an empty NAME forgets it): `lode color-name 2 evidence`.
    ColorName { color: String, name: String },
    /// List the bodies a note had, oldest first.
    Versions {
        id: i64,
        #[arg(long)]
        json: bool,
    },
    /// List a note's annotations.
    Annotations {
        id: i64,
        #[arg(long)]
        json: bool,
    },
    /// Import .txt, .md and .html files, folders of them, W3C bundles (export --format w3c),
    /// and other tools' exports, recognised by their content: Pocket (ZIP, CSV, HTML),
    /// Omnivore (ZIP), Readwise (CSV, JSON), Readwise Reader (CSV), Hypothesis (JSON),
    /// Obsidian Web Clipper (notes, highlights JSON), Karakeep (JSON), Wallabag (JSON, CSV),
    /// Instapaper (CSV), Raindrop (CSV) and browser bookmarks (HTML).
    Import {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// A file with a note's title and at least 80% of its text becomes a new version of
        /// that note instead of a note of its own.
        #[arg(long)]
        merge: bool,
        /// Leave notes that came with only their address waiting for their page (fetch them
        /// later with `lode fetch-pages`); without it their pages are fetched when the
        /// library's page setting is on.
        #[arg(long)]
        no_fetch: bool,
        #[arg(long)]
        json: bool,
    },
    /// Keep DIR up to date with the library as Markdown (a file a note, as `export --format
    /// markdown` writes it): writes what changed, removes the files of notes that left, and
    /// never overwrites a file changed in the folder (it is kept as `… (edited).md`).
    SyncFolder {
        dir: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Fetch the pages of notes imported with only their address (two at a time, one a
    /// second at most from each site); what cannot be read keeps waiting.
    FetchPages {
        /// Only this note, whatever its earlier attempts.
        #[arg(long)]
        id: Option<i64>,
        #[arg(long)]
        json: bool,
    },
    /// Export every note with its annotations: markdown, json or w3c (a file per note), or the
    /// library as citations, one file in DIR: csl-json (library.json), bibtex (library.bib),
    /// ris (library.ris).
    Export {
        #[arg(long, default_value = "markdown")]
        format: String,
        dir: PathBuf,
    },
    /// Rebuild the search index from the database.
    Reindex,
    /// Write a verified snapshot of the database into DIR (default: the library's backups/
    /// folder, kept as the last 7 daily and 4 weekly) and print its path.
    Backup {
        dir: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// List the library's backups, newest first.
    Backups {
        #[arg(long)]
        json: bool,
    },
    /// Read the notes' pages again and complete their details (title, author, date, site,
    /// sections, tags); the bodies and what the user set stay.
    Refresh {
        #[arg(required = true)]
        ids: Vec<i64>,
        #[arg(long)]
        json: bool,
    },
    /// Show or change the library's settings.
    Settings {
        /// Complete a clip's details from its page: on or off
        #[arg(long, value_name = "on|off")]
        complete_details: Option<OnOff>,
        /// Allow pages on this machine or a private network (an intranet): on or off
        #[arg(long, value_name = "on|off")]
        allow_private: Option<OnOff>,
        #[arg(long)]
        json: bool,
    },
    /// Replace the database with a backup (checked first; the current database is kept
    /// beside it), then rebuild the search index.
    RestoreBackup { file: PathBuf },
    /// Serve the library to assistants and scripts over the Model Context Protocol (stdio):
    /// tools search, show_note, list_notes, list_annotations, related, and notes as resources
    /// (lode://notes/ID, Markdown).
    #[cfg(feature = "mcp")]
    Mcp {
        /// Also offer the tools clip, tag and annotate, which change the library.
        #[arg(long)]
        write: bool,
    },
    /// Check the database and that the index agrees with it.
    Check {
        /// Rebuild the search index when it disagrees with the database.
        #[arg(long)]
        repair: bool,
        #[arg(long)]
        json: bool,
    },
}

/// `println!` that hands a failed write back (as `?` does) instead of panicking: a closed pipe
/// (`lode search x | head -1`) ends the command quietly, as ripgrep and git do.
macro_rules! out {
    ($($arg:tt)*) => {
        writeln!(std::io::stdout(), $($arg)*)?
    };
}

/// Whether `e` is a write to a pipe whose reader has gone.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .map(std::io::Error::kind)
            .or_else(|| {
                cause
                    .downcast_ref::<serde_json::Error>()
                    .and_then(serde_json::Error::io_error_kind)
            })
            == Some(std::io::ErrorKind::BrokenPipe)
    })
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let json = matches!(
        &cli.command,
        Command::Clip { json: true, .. }
            | Command::Search { json: true, .. }
            | Command::Save { json: true, .. }
            | Command::Saved { json: true, .. }
            | Command::SavedRun { json: true, .. }
            | Command::Related { json: true, .. }
            | Command::Show { json: true, .. }
            | Command::Cite { json: true, .. }
            | Command::List { json: true, .. }
            | Command::Tags { json: true, .. }
            | Command::Annotate { json: true, .. }
            | Command::Annotations { json: true, .. }
            | Command::Edit { json: true, .. }
            | Command::Versions { json: true, .. }
            | Command::Reextract { json: true, .. }
            | Command::Colors { json: true }
            | Command::Import { json: true, .. }
            | Command::FetchPages { json: true, .. }
            | Command::SyncFolder { json: true, .. }
            | Command::Check { json: true, .. }
            | Command::Trash { json: true, .. }
            | Command::Backup { json: true, .. }
            | Command::Backups { json: true }
            | Command::Refresh { json: true, .. }
            | Command::Settings { json: true, .. }
    );
    match run(cli) {
        Ok(code) => code,
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            let error = error_json(&e);
            if json {
                let _ = writeln!(std::io::stdout(), "{error}");
            }
            eprintln!(
                "lode: error: {}",
                error["error"]["message"].as_str().unwrap_or_default()
            );
            ExitCode::FAILURE
        }
    }
}

/// A failure as `--json` prints it (and `lode mcp` answers it): `{"error": {"code", "message"}}`.
fn error_json(e: &anyhow::Error) -> serde_json::Value {
    let (code, message) = match e.downcast_ref::<lode::Error>() {
        Some(le) => (le.code(), le.to_string()),
        None => (lode::ErrorCode::Internal, format!("{e:#}")),
    };
    serde_json::json!({ "error": { "code": code, "message": message } })
}

/// Search results as `search` prints them.
fn print_results(results: &lode::SearchResults, json: bool) -> anyhow::Result<()> {
    let query = &results.query;
    if json {
        print_json(&results)?;
    } else {
        if results.hits.is_empty() {
            out!("no notes match '{query}'");
        }
        for hit in &results.hits {
            let date = hit.published.map(|d| d.to_string()).unwrap_or_default();
            let site = hit.site.clone().unwrap_or_default();
            out!(
                "#{}  {}  ({site} {date})",
                hit.id,
                mark(&hit.title, &hit.title_highlights)
            );
            out!("    {}", snippet_line(&hit.snippet));
            for a in &hit.annotations {
                let comment = a
                    .comment
                    .as_deref()
                    .map(|c| format!(" — {}", mark(c, &a.comment_highlights)))
                    .unwrap_or_default();
                out!(
                    "    ✎ #{} “{}”{comment}",
                    a.id,
                    mark(&a.quote, &a.quote_highlights)
                );
            }
        }
    }
    Ok(())
}

/// " (N notes)" for a saved search, or why there is no count.
fn count_of(saved: &lode::SavedSearch) -> String {
    match saved.count {
        Some(1) => " (1 note)".to_string(),
        Some(n) => format!(" ({n} notes)"),
        None => " (the search index is not ready)".to_string(),
    }
}

/// Fetches the waiting notes' pages, with a progress bar; Ctrl-C leaves the rest waiting.
fn fetch_pages(library: &Library) -> anyhow::Result<lode::PagesReport> {
    let bar = progress_bar();
    let report = library.fetch_waiting(&mut |p| {
        if let Some(bar) = &bar {
            bar.set_length(p.total as u64);
            bar.set_position(p.done as u64);
            bar.set_message(p.url.clone());
        }
        ControlFlow::Continue(())
    })?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    Ok(report)
}

fn print_pages(pages: &lode::PagesReport) -> anyhow::Result<()> {
    out!(
        "fetched {} pages; {} could not be read, {} notes still wait for their page",
        pages.fetched,
        pages.failed.len(),
        pages.waiting
    );
    for (id, why) in &pages.failed {
        eprintln!("  note {id}: {why}");
    }
    Ok(())
}

fn print_json(value: &impl Serialize) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, value)?;
    writeln!(out)?;
    Ok(())
}

/// A progress bar on standard error when it is a terminal (never in scripts' output).
fn progress_bar() -> Option<indicatif::ProgressBar> {
    std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new(0);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} {per_sec} {wide_msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    })
}

fn open(dir: Option<PathBuf>) -> anyhow::Result<Library> {
    let dir = match dir {
        Some(dir) => dir,
        None => {
            Library::default_dir().context("no data folder on this system: pass --library DIR")?
        }
    };
    Ok(Library::open(dir)?)
}

/// Opens the library for a command that reads the search index: when the index is being
/// rebuilt (it was lost or damaged), waits for it, with a progress bar on a terminal.
fn open_searchable(dir: Option<PathBuf>) -> anyhow::Result<Library> {
    let library = open(dir)?;
    let bar = progress_bar();
    library.wait_for_index(&mut |status| {
        if let (Some(bar), Some(rebuild)) = (&bar, status.rebuilding) {
            bar.set_length(rebuild.total as u64);
            bar.set_position(rebuild.done as u64);
            bar.set_message("rebuilding the search index");
        }
    })?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    if let Some(why) = library.index_status().repaired {
        eprintln!("lode: the search index was rebuilt from the database ({why})");
    }
    Ok(library)
}

/// Reads a file, never more than the clip cap (whatever its metadata says: `/dev/zero`,
/// `/dev/urandom` and `<(cmd)` report no size).
fn read_file(path: &Path) -> anyhow::Result<String> {
    let what = path.display().to_string();
    let file = std::fs::File::open(path).with_context(|| format!("cannot read {what}"))?;
    Ok(Clip::flavour_from_reader(&what, file)?)
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum OnOff {
    On,
    Off,
}

fn read_clip(args: ClipArgs) -> anyhow::Result<Clip> {
    let text = match args.text.as_deref() {
        Some("-") => Some(read_stdin()?),
        Some(path) => Some(read_file(Path::new(path))?),
        None if args.html.is_none() => {
            anyhow::ensure!(
                !std::io::stdin().is_terminal(),
                "nothing to clip: pass --text FILE, --html FILE, or pipe the text in"
            );
            Some(read_stdin()?)
        }
        None => None,
    };
    let html = args.html.as_deref().map(read_file).transpose()?;
    Ok(Clip {
        text,
        html,
        url: args.url,
    })
}

fn read_stdin() -> anyhow::Result<String> {
    Ok(Clip::flavour_from_reader(
        "standard input",
        std::io::stdin().lock(),
    )?)
}

/// Marks highlighted ranges: bold on a terminal, [brackets] otherwise.
fn mark(text: &str, ranges: &[(usize, usize)]) -> String {
    let (open, close) = if std::io::stdout().is_terminal() {
        ("\x1b[1;33m", "\x1b[0m")
    } else {
        ("[", "]")
    };
    let mut out = String::new();
    for (i, c) in text.chars().enumerate() {
        if ranges.iter().any(|(s, _)| *s == i) {
            out.push_str(open);
        }
        out.push(c);
        if ranges.iter().any(|(_, e)| *e == i + 1) {
            out.push_str(close);
        }
    }
    out
}

fn snippet_line(s: &Snippet) -> String {
    mark(&s.text, &s.highlights)
}

/// `extract --dir IN --out OUT`: the two flavours of one clip share an id (`<id>.txt`,
/// `<id>.html`). Writes `<id>.txt` (the body) and `<id>.json` (the Article, plus `date`, the
/// name scorers use for `published`), or `{"error": …}` when a clip cannot be extracted.
/// With `fetch`, a clip's address is `<id>.url` (one line) and its page completes its details
/// (`from_page` lists them; `fetch_error` says why a page could not be read).
fn extract_dir(dir: &Path, out: &Path, fetch: bool) -> anyhow::Result<()> {
    let mut ids = std::collections::BTreeSet::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))? {
        let path = entry?.path();
        if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("txt" | "html")
        ) && let Some(stem) = path.file_stem().and_then(|s| s.to_str())
        {
            ids.insert(stem.to_string());
        }
    }
    std::fs::create_dir_all(out)?;
    let (mut ok, mut failed) = (0, 0);
    let mut times = Vec::with_capacity(ids.len());
    for id in &ids {
        let flavour = |ext: &str| {
            let path = dir.join(format!("{id}.{ext}"));
            path.exists().then(|| read_file(&path)).transpose()
        };
        let clip = flavour("txt").and_then(|text| {
            Ok(Clip {
                text,
                html: flavour("html")?,
                url: flavour("url")?.map(|u| u.trim().to_string()),
            })
        });
        let started = std::time::Instant::now();
        let article = clip.and_then(|clip| Ok(Library::extract(&clip)?));
        times.push(started.elapsed());
        let (body, json) = match article {
            Ok(article) => {
                ok += 1;
                let completed = (fetch && article.url.is_some())
                    .then(|| Library::complete_article(&article, FetchOptions::default()));
                let (article, from_page) = match completed {
                    Some(Ok(done)) => (done.0, Some(Ok(done.1))),
                    Some(Err(e)) => (article, Some(Err(e))),
                    None => (article, None),
                };
                let mut json = serde_json::to_value(&article)?;
                json["date"] = json["published"].clone();
                match from_page {
                    Some(Ok(details)) => json["from_page"] = serde_json::to_value(details)?,
                    Some(Err(e)) => json["fetch_error"] = e.to_string().into(),
                    None => {}
                }
                (article.body, json)
            }
            Err(e) => {
                failed += 1;
                (
                    String::new(),
                    serde_json::json!({ "error": format!("{e:#}") }),
                )
            }
        };
        std::fs::write(out.join(format!("{id}.txt")), body)?;
        std::fs::write(
            out.join(format!("{id}.json")),
            serde_json::to_string_pretty(&json)?,
        )?;
    }
    times.sort_unstable();
    let ms = |d: Option<&std::time::Duration>| d.map_or(0.0, |d| d.as_secs_f64() * 1000.0);
    out!(
        "extracted {ok} clips into {} ({failed} failed); per clip: median {:.2} ms, slowest {:.1} ms",
        out.display(),
        ms(times.get(times.len() / 2)),
        ms(times.last()),
    );
    Ok(())
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let library_dir = cli.library;
    match cli.command {
        Command::Extract {
            dir: Some(dir),
            out: Some(out),
            clip,
        } => extract_dir(&dir, &out, clip.fetch)?,
        Command::Extract { clip, .. } if clip.fetch => {
            let article = Library::extract(&read_clip(clip)?)?;
            let (article, from_page) =
                Library::complete_article(&article, FetchOptions::default())?;
            let mut json = serde_json::to_value(&article)?;
            json["from_page"] = serde_json::to_value(from_page)?;
            print_json(&json)?;
        }
        Command::Extract { clip, .. } => print_json(&Library::extract(&read_clip(clip)?)?)?,
        Command::Clip {
            clip,
            as_note,
            json,
        } => {
            let (fetch, no_fetch) = (clip.fetch, clip.no_fetch);
            let clip = read_clip(clip)?;
            let library = open(library_dir)?;
            let fetch = !no_fetch && (fetch || library.fetch_settings()?.complete_details);
            let outcome = library.clip_with(
                &clip,
                &ClipOptions {
                    as_note,
                    fetch_page: fetch,
                },
            )?;
            let has_url = library.note(outcome.id)?.article.url.is_some();
            let completed = (fetch && has_url && outcome.status == ClipStatus::Created)
                .then(|| library.complete_from_page(outcome.id));
            if let Some(Err(e)) = &completed {
                eprintln!("lode: the note stays as clipped: {e}");
            }
            if json {
                let mut value = serde_json::to_value(&outcome)?;
                match &completed {
                    Some(Ok(done)) => {
                        value["from_page"] = serde_json::to_value(&done.from_page)?;
                        value["title"] = serde_json::to_value(&done.note.article.title)?;
                    }
                    Some(Err(e)) => value["fetch_error"] = e.to_string().into(),
                    None => {}
                }
                print_json(&value)?;
            } else {
                let status = serde_json::to_value(outcome.status)?;
                match (outcome.annotation_id, outcome.matches.as_slice()) {
                    (Some(highlight), _) => out!(
                        "highlighted  #{}  {}  (highlight {highlight})",
                        outcome.id,
                        outcome.title
                    ),
                    (None, []) => out!(
                        "{}  #{}  {}",
                        status.as_str().unwrap_or_default(),
                        outcome.id,
                        outcome.title
                    ),
                    (None, matches) => {
                        out!(
                            "the passage is in {} notes; highlight it in one with 'lode annotate ID --quote …':",
                            matches.len()
                        );
                        for m in matches {
                            out!("  #{}  {}", m.id, m.title);
                        }
                    }
                }
            }
        }
        Command::Search { query, limit, json } => {
            let results = open_searchable(library_dir)?.search(
                &query,
                &SearchOptions {
                    limit,
                    ..SearchOptions::default()
                },
            )?;
            print_results(&results, json)?;
        }
        Command::Save { name, query, json } => {
            let saved = open_searchable(library_dir)?.save_search(&name, &query)?;
            if json {
                print_json(&saved)?;
            } else {
                out!(
                    "saved '{}': {}{}",
                    saved.name,
                    saved.query,
                    count_of(&saved)
                );
            }
        }
        Command::Saved { delete, json } => {
            let library = open_searchable(library_dir)?;
            if let Some(name) = delete {
                library.delete_saved_search(&name)?;
                if json {
                    print_json(&serde_json::json!({ "deleted": name }))?;
                } else {
                    out!("deleted the saved search '{name}'");
                }
            } else {
                let saved = library.saved_searches()?;
                if json {
                    print_json(&saved)?;
                } else {
                    if saved.is_empty() {
                        out!("no saved searches (`lode save NAME QUERY` saves one)");
                    }
                    for s in &saved {
                        out!("{}  {}{}", s.name, s.query, count_of(s));
                    }
                }
            }
        }
        Command::Cite { id, format, json } => {
            let citation = open(library_dir)?.citation(id)?;
            if json {
                print_json(&citation)?;
            } else {
                let text = match format.as_str() {
                    "bibtex" => citation.bibtex.trim_end().to_string(),
                    "ris" => citation.ris.trim_end().to_string(),
                    "csl-json" => citation.csl_json,
                    _ => citation.text,
                };
                out!("{text}");
            }
        }
        Command::Related { id, limit, json } => {
            let related = open_searchable(library_dir)?.related(id, limit)?;
            if json {
                print_json(&related)?;
            } else {
                if related.is_empty() {
                    out!("no note shares a telling word with note {id}");
                }
                for r in &related {
                    out!("#{}  {}  ({})", r.id, r.title, r.terms.join(", "));
                }
            }
        }
        Command::SavedRun { name, limit, json } => {
            let results = open_searchable(library_dir)?.run_saved_search(
                &name,
                &SearchOptions {
                    limit,
                    ..SearchOptions::default()
                },
            )?;
            print_results(&results, json)?;
        }
        Command::Show { id, json } => {
            let library = open(library_dir)?;
            let note = library.note(id)?;
            if json {
                let annotations = library.annotations(id)?;
                print_json(&serde_json::json!({
                    "note": note,
                    "annotations": annotations,
                    "details_from": note.details_from,
                }))?;
            } else {
                let a = &note.article;
                out!("{}\n", a.title);
                if let Some(s) = &a.standfirst {
                    out!("{s}\n");
                }
                let by = [
                    a.author.clone(),
                    a.site.clone(),
                    a.published.map(|d| d.to_string()),
                ];
                out!(
                    "{}",
                    by.into_iter().flatten().collect::<Vec<_>>().join(" · ")
                );
                if !a.tags.is_empty() {
                    out!("tags: {}", a.tags.join(", "));
                }
                out!("\n{}", a.body);
            }
        }
        Command::List { tag, json } => {
            let notes = open(library_dir)?.notes(&NoteFilter {
                tag,
                ..Default::default()
            })?;
            if json {
                print_json(&notes)?;
            } else {
                for n in notes {
                    let date = n
                        .published
                        .map(|d| d.to_string())
                        .unwrap_or_else(|| "          ".into());
                    let tags = if n.tags.is_empty() {
                        String::new()
                    } else {
                        format!("  [{}]", n.tags.join(", "))
                    };
                    out!("#{:<5} {date}  {}{tags}", n.id, n.title);
                }
            }
        }
        Command::Delete { id } => {
            open(library_dir)?.delete(id)?;
            out!("moved #{id} to the trash ('lode restore {id}' brings it back)");
        }
        Command::Trash { empty, json } => {
            let library = open(library_dir)?;
            if empty {
                let removed = library.empty_trash()?;
                if json {
                    print_json(&serde_json::json!({ "removed": removed }))?;
                } else {
                    out!("removed {removed} notes for good");
                }
                return Ok(ExitCode::SUCCESS);
            }
            let trash = library.trash()?;
            if json {
                print_json(&trash)?;
            } else if trash.is_empty() {
                out!("the trash is empty");
            } else {
                for note in &trash {
                    out!(
                        "#{}  {}  (deleted {}, removed for good on {})",
                        note.id,
                        note.title,
                        note.deleted.format("%Y-%m-%d %H:%M"),
                        note.expires.format("%Y-%m-%d")
                    );
                }
            }
        }
        Command::Restore { ids, highlight } => {
            let library = open(library_dir)?;
            if highlight {
                for id in ids {
                    let annotation = library.restore_annotation(id)?;
                    out!("restored highlight #{id} on note #{}", annotation.note_id);
                }
            } else {
                library.restore(&ids)?;
                for id in ids {
                    out!("restored #{id}");
                }
            }
        }
        Command::DeleteHighlight { id } => {
            open(library_dir)?.delete_annotation(id)?;
            out!("deleted highlight #{id} ('lode restore --highlight {id}' brings it back)");
        }
        Command::Tag { id, tags } => {
            let tags =
                open(library_dir)?.tag(id, &tags.iter().map(String::as_str).collect::<Vec<_>>())?;
            out!("#{id}: {}", tags.join(", "));
        }
        Command::Untag { id, tags } => {
            let tags = open(library_dir)?
                .untag(id, &tags.iter().map(String::as_str).collect::<Vec<_>>())?;
            out!("#{id}: {}", tags.join(", "));
        }
        Command::Tags { json } => {
            let tags = open(library_dir)?.tags()?;
            if json {
                print_json(&tags)?;
            } else {
                for t in tags {
                    out!(
                        "{:<40} {:>5} notes {:>5} annotations",
                        t.name,
                        t.notes,
                        t.annotations
                    );
                }
            }
        }
        Command::TagRename { old, new } => {
            let outcome = open(library_dir)?.rename_tag(&old, &new)?;
            let how = if outcome.merged {
                "merged into"
            } else {
                "renamed to"
            };
            out!("{old} {how} {new} ({} tags)", outcome.renamed);
        }
        Command::Annotate {
            id,
            quote,
            occurrence,
            comment,
            tags,
            color,
            json,
        } => {
            let color: Color = color.parse()?;
            let annotation = open(library_dir)?.annotate(
                id,
                &NewAnnotation {
                    quote,
                    occurrence,
                    comment,
                    tags,
                    color,
                },
            )?;
            if json {
                print_json(&annotation)?;
            } else {
                let p = annotation.selector.position;
                out!(
                    "annotation #{} on note #{id} at {}..{}",
                    annotation.id,
                    p.start,
                    p.end
                );
            }
        }
        Command::Edit {
            id,
            body_file,
            json,
        } => {
            let body = if body_file == "-" {
                read_stdin()?
            } else {
                read_file(Path::new(&body_file))?
            };
            let r = open(library_dir)?.edit(id, &body)?;
            if json {
                print_json(&r)?;
            } else {
                out!(
                    "#{id} edited; annotations: {} exact, {} moved, {} changed, {} orphaned",
                    r.exact,
                    r.moved,
                    r.changed,
                    r.orphan
                );
            }
        }
        Command::Reextract { ids, json } => {
            let bar = progress_bar();
            let report = open(library_dir)?.reextract(&ids, &mut |p| {
                if let Some(bar) = &bar {
                    bar.set_length(p.total as u64);
                    bar.set_position(p.done as u64);
                }
                ControlFlow::Continue(())
            })?;
            if let Some(bar) = bar {
                bar.finish_and_clear();
            }
            if json {
                print_json(&report)?;
            } else {
                out!(
                    "re-extracted: {} updated, {} unchanged, {} without a raw clip, {} failed; \
                     your corrections kept on {}",
                    report.updated,
                    report.unchanged,
                    report.without_clip,
                    report.failed.len(),
                    report.kept_edits
                );
                for (id, why) in &report.failed {
                    eprintln!("  #{id}: {why}");
                }
            }
        }
        Command::Colors { json } => {
            let colors = open(library_dir)?.colors()?;
            if json {
                print_json(&colors)?;
            } else {
                for c in colors {
                    out!(
                        "{}  {:<7} {}",
                        c.key,
                        c.color.as_str(),
                        c.name.unwrap_or_default()
                    );
                }
            }
        }
        Command::ColorName { color, name } => {
            let color: Color = color.parse()?;
            open(library_dir)?.name_color(color, &name)?;
            out!("{} means {:?}", color.as_str(), name.trim());
        }
        Command::Versions { id, json } => {
            let versions = open(library_dir)?.versions(id)?;
            if json {
                print_json(&versions)?;
            } else {
                for v in versions {
                    let state = match (&v.replaced_by, v.replaced) {
                        (Some(by), Some(at)) => {
                            format!("replaced by {by} {}", at.format("%Y-%m-%d %H:%M"))
                        }
                        _ => "current".into(),
                    };
                    let words = v.body.split_whitespace().count();
                    out!(
                        "v{}  {}  {words} words  {state}",
                        v.number,
                        v.created.format("%Y-%m-%d %H:%M")
                    );
                }
            }
        }
        Command::Annotations { id, json } => {
            let annotations = open(library_dir)?.annotations(id)?;
            if json {
                print_json(&annotations)?;
            } else {
                for a in annotations {
                    let comment = a.comment.map(|c| format!(" — {c}")).unwrap_or_default();
                    let tags = if a.tags.is_empty() {
                        String::new()
                    } else {
                        format!("  [{}]", a.tags.join(", "))
                    };
                    let status = match (a.status, &a.previous_quote) {
                        (lode::anchor::AnchorStatus::Exact, _) => String::new(),
                        (lode::anchor::AnchorStatus::Changed, Some(was)) => {
                            format!("  (changed; was “{was}”)")
                        }
                        (status, _) => format!("  ({})", status.as_str()),
                    };
                    out!(
                        "#{} [{}] “{}”{comment}{tags}{status}",
                        a.id,
                        a.color.as_str(),
                        a.selector.quote.exact
                    );
                }
            }
        }
        Command::Import {
            paths,
            merge,
            no_fetch,
            json,
        } => {
            // A bulk job: the window beside it keeps the processor (see lode::priority).
            lode::priority::background();
            let library = open(library_dir)?;
            let bar = progress_bar();
            let options = lode::ImportOptions {
                merge_similar: merge,
            };
            let report = library.import(&paths, &options, &mut |p| {
                if let Some(bar) = &bar {
                    if p.total > 0 {
                        bar.set_length(p.total as u64);
                        bar.set_position(p.done as u64);
                    }
                    bar.set_message(p.path.display().to_string());
                }
                ControlFlow::Continue(())
            })?;
            if let Some(bar) = bar {
                bar.finish_and_clear();
            }
            let pages =
                if !no_fetch && report.waiting > 0 && library.fetch_settings()?.complete_details {
                    Some(fetch_pages(&library)?)
                } else {
                    None
                };
            // Searchable when the command returns; in a library another process holds, that
            // process indexes the import (within a second of each batch).
            if library.access() == lode::Access::Alone {
                library.flush_index()?;
            }
            if json {
                let mut value = serde_json::to_value(&report)?;
                if let Some(pages) = &pages {
                    value["pages"] = serde_json::to_value(pages)?;
                }
                print_json(&value)?;
            } else {
                out!(
                    "imported {} notes and {} annotations ({} of them orphaned); {} notes updated, \
                     {} already in the library, {} failed",
                    report.created,
                    report.annotations,
                    report.orphaned,
                    report.updated,
                    report.unchanged,
                    report.failed.len()
                );
                for (format, c) in &report.formats {
                    out!(
                        "  {format}: {} created, {} updated, {} unchanged, {} highlights ({} \
                         orphaned), {} waiting for their page, {} failed",
                        c.created,
                        c.updated,
                        c.unchanged,
                        c.annotations,
                        c.orphaned,
                        c.waiting,
                        c.failed
                    );
                }
                if let Some(pages) = &pages {
                    print_pages(pages)?;
                } else if report.waiting > 0 {
                    out!(
                        "{} notes hold only their address: lode fetch-pages reads their pages",
                        report.waiting
                    );
                }
                for (path, why) in &report.failed {
                    eprintln!("  {}: {why}", path.display());
                }
            }
        }
        Command::SyncFolder { dir, json } => {
            let report = open(library_dir)?.sync_folder(&dir)?;
            if json {
                print_json(&report)?;
            } else {
                out!(
                    "{}: {} files written, {} unchanged, {} removed",
                    dir.display(),
                    report.written,
                    report.unchanged,
                    report.removed
                );
                for kept in &report.kept {
                    out!("  changed in the folder, kept: {}", kept.display());
                }
            }
        }
        Command::FetchPages { id, json } => {
            let library = open(library_dir)?;
            if let Some(id) = id {
                let note = library.fetch_page_of(id)?;
                if library.access() == lode::Access::Alone {
                    library.flush_index()?;
                }
                if json {
                    // What `show --json` prints.
                    print_json(&serde_json::json!({
                        "note": note,
                        "annotations": library.annotations(id)?,
                        "details_from": note.details_from,
                    }))?;
                } else {
                    out!("{}: {}", note.id, note.article.title);
                }
            } else {
                let pages = fetch_pages(&library)?;
                if library.access() == lode::Access::Alone {
                    library.flush_index()?;
                }
                if json {
                    print_json(&pages)?;
                } else {
                    print_pages(&pages)?;
                }
            }
        }
        Command::Export { format, dir } => {
            let format: ExportFormat = format.parse()?;
            let report = open(library_dir)?.export(format, &dir)?;
            out!("exported {} notes to {}", report.notes, dir.display());
        }
        Command::Reindex => {
            let library = open_searchable(library_dir)?;
            library.reindex()?;
            out!("index rebuilt");
        }
        Command::Backup { dir, json } => {
            let backup = open(library_dir)?.backup(dir.as_deref())?;
            if json {
                print_json(&backup)?;
            } else {
                out!("{}", backup.path.display());
            }
        }
        Command::Refresh { ids, json } => {
            let library = open(library_dir)?;
            let mut done = Vec::new();
            let mut failed = false;
            for id in ids {
                match library.complete_from_page(id) {
                    Ok(c) => {
                        if !json {
                            let what: Vec<String> = (c.from_page.iter())
                                .map(|d| {
                                    serde_json::to_value(d)
                                        .map(|v| v.as_str().unwrap_or_default().to_string())
                                })
                                .collect::<Result<_, _>>()?;
                            out!(
                                "#{id}  {}  (from its page: {})",
                                c.note.article.title,
                                if what.is_empty() {
                                    "nothing new".into()
                                } else {
                                    what.join(", ")
                                }
                            );
                        }
                        done.push(serde_json::json!({ "id": id, "from_page": c.from_page }));
                    }
                    Err(e) => {
                        failed = true;
                        if !json {
                            eprintln!("lode: #{id}: {e}");
                        }
                        done.push(serde_json::json!({ "id": id, "error": { "code": e.code(), "message": e.to_string() } }));
                    }
                }
            }
            if json {
                print_json(&done)?;
            }
            if failed {
                return Ok(ExitCode::FAILURE);
            }
        }
        Command::Settings {
            complete_details,
            allow_private,
            json,
        } => {
            let library = open(library_dir)?;
            let mut settings = library.fetch_settings()?;
            if complete_details.is_some() || allow_private.is_some() {
                if let Some(v) = complete_details {
                    settings.complete_details = v == OnOff::On;
                }
                if let Some(v) = allow_private {
                    settings.allow_private = v == OnOff::On;
                }
                library.set_fetch_settings(&settings)?;
            }
            if json {
                print_json(&settings)?;
            } else {
                let word = |on: bool| if on { "on" } else { "off" };
                out!(
                    "complete details from the article's page: {}",
                    word(settings.complete_details)
                );
                out!(
                    "allow pages on this machine or a private network: {}",
                    word(settings.allow_private)
                );
            }
        }
        Command::Backups { json } => {
            let backups = open(library_dir)?.backups()?;
            if json {
                print_json(&backups)?;
            } else if backups.is_empty() {
                out!("no backups yet ('lode backup' makes one)");
            } else {
                for b in &backups {
                    out!(
                        "{}  {}  {:.1} MB",
                        b.created.format("%Y-%m-%d %H:%M UTC"),
                        b.path.display(),
                        b.bytes as f64 / 1e6
                    );
                }
            }
        }
        Command::RestoreBackup { file } => {
            let dir = match library_dir {
                Some(dir) => dir,
                None => Library::default_dir()
                    .context("no data folder on this system: pass --library DIR")?,
            };
            let aside = Library::restore_backup(&dir, &file)?;
            out!("restored {}", file.display());
            out!("the database it replaced is kept at {}", aside.display());
            open_searchable(Some(dir))?;
            out!("search index rebuilt");
        }
        #[cfg(feature = "mcp")]
        Command::Mcp { write } => mcp::serve(open(library_dir)?, write)?,
        Command::Check { repair, json } => {
            let library = open_searchable(library_dir)?;
            let report = if repair {
                library.repair()?
            } else {
                library.check()?
            };
            if json {
                print_json(&report)?;
            } else {
                out!(
                    "database: {}; {} notes, {} annotations; index: {} notes, {} annotations",
                    if report.sqlite_ok { "ok" } else { "DAMAGED" },
                    report.notes,
                    report.annotations,
                    report.indexed_notes,
                    report.indexed_annotations
                );
                for m in &report.sqlite_messages {
                    out!("  {m}");
                }
                if let Some(why) = &report.index_repaired {
                    out!("index repaired: {why}");
                }
                if let Some(why) = &report.index_error {
                    out!("index behind the database: {why}");
                }
                if !report.missing_from_index.is_empty() || !report.stale_in_index.is_empty() {
                    out!(
                        "index disagrees: missing {:?}, stale {:?}",
                        report.missing_from_index,
                        report.stale_in_index
                    );
                }
                if !report.index_ok() {
                    out!("run 'lode check --repair' to rebuild the index from the database");
                }
            }
            if !report.ok() {
                return Ok(ExitCode::FAILURE);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
