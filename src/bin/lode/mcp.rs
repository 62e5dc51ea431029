//! `lode mcp`: the library as a Model Context Protocol server over stdio, for assistants and
//! scripts. Read-only unless started with `--write`. Each tool answers with what the CLI's
//! `--json` prints for the same question (as structured content, and as its text), so the
//! JSON contract is one contract. A tool that changes the library answers once the change is
//! searchable, so an assistant that clips and then searches finds what it clipped.

use std::sync::Arc;

use lode::{
    Clip, ClipOptions, Color, Library, NewAnnotation, NoteFilter, NoteOrder, SearchOptions,
};
use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::{
    CallToolResult, ErrorData, Implementation, ListResourceTemplatesResult, ListResourcesResult,
    PaginatedRequestParams, ReadResourceRequestParams, ReadResourceResponse, ReadResourceResult,
    Resource, ResourceContents, ResourceTemplate, ServerCapabilities, ServerConfig,
};
use rmcp::service::RequestContext;
use rmcp::{RoleServer, ServerHandler, ServiceExt, schemars, tool, tool_handler, tool_router};
use serde::Deserialize;
use serde_json::{Value, json};

/// The tools that change the library, offered only with `--write`.
const WRITE_TOOLS: [&str; 3] = ["clip", "tag", "annotate"];
/// Notes a page of `resources/list` holds.
const RESOURCE_PAGE: usize = 200;
/// The most a search or a listing returns at once.
const MAX_LIMIT: usize = 1000;
const NOTE_URI: &str = "lode://notes/";

/// Serves `library` on standard input and output until the client closes them.
pub fn serve(library: Library, write: bool) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let service = Lode::new(library, write)
            .serve(rmcp::transport::stdio())
            .await?;
        service.waiting().await?;
        anyhow::Ok(())
    })
}

#[derive(Clone)]
struct Lode {
    library: Arc<Library>,
    write: bool,
    tool_router: ToolRouter<Self>,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[schemars(crate = "rmcp::schemars")]
struct SearchArgs {
    /// The query, in Lode's syntax: words (typos and stems forgiven), "a phrase", OR, -word,
    /// and the fields tag:, author:, site:, lang:, color:, after:YYYY-MM-DD, before:, is:, has:.
    query: String,
    /// How many hits (default 10).
    limit: Option<usize>,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[schemars(crate = "rmcp::schemars")]
struct NoteArgs {
    /// The note's id (`id` in search hits and listings).
    id: i64,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[schemars(crate = "rmcp::schemars")]
struct ListArgs {
    /// Only notes with this tag or one of its children (`geo` matches `geo/central-asia`).
    tag: Option<String>,
    /// Only notes from this site.
    site: Option<String>,
    /// Only notes published this year.
    year: Option<i32>,
    order: Option<Order>,
    /// How many notes (default 50).
    limit: Option<usize>,
    /// How many to skip (for the next page).
    offset: Option<usize>,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[schemars(crate = "rmcp::schemars")]
#[serde(rename_all = "lowercase")]
enum Order {
    /// Newest clip first (the default).
    Created,
    /// Latest publication first; notes without a date last.
    Published,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[schemars(crate = "rmcp::schemars")]
struct RelatedArgs {
    id: i64,
    /// How many notes (default 5).
    limit: Option<usize>,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[schemars(crate = "rmcp::schemars")]
struct ClipArgs {
    /// The page's text, as a browser copies it (text/plain).
    text: Option<String>,
    /// The page's HTML, as a browser copies it (text/html).
    html: Option<String>,
    /// The page's address, when known.
    url: Option<String>,
    /// A note of its own even when the text is a passage of a note (which it would highlight).
    as_note: Option<bool>,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[schemars(crate = "rmcp::schemars")]
struct TagArgs {
    id: i64,
    /// Tags to add; `/` nests them (`geo/central-asia`).
    tags: Vec<String>,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[schemars(crate = "rmcp::schemars")]
struct AnnotateArgs {
    id: i64,
    /// The passage to highlight, exactly as the note's body has it.
    quote: String,
    /// Which occurrence (1-based) when the passage is in the note more than once.
    occurrence: Option<usize>,
    comment: Option<String>,
    tags: Option<Vec<String>>,
    /// yellow (the default), green, blue, pink or purple, or its key, 1 to 5.
    color: Option<String>,
}

impl Lode {
    fn new(library: Library, write: bool) -> Lode {
        let mut tool_router = Self::tool_router();
        if !write {
            for name in WRITE_TOOLS {
                tool_router.remove_route(name);
            }
        }
        Lode {
            library: Arc::new(library),
            write,
            tool_router,
        }
    }

    /// Runs `f` on a blocking thread (the library's calls are synchronous) and answers with
    /// its value, or with Lode's error as a tool error the assistant reads.
    async fn answer<F>(&self, f: F) -> Result<CallToolResult, ErrorData>
    where
        F: FnOnce(&Library) -> anyhow::Result<Value> + Send + 'static,
    {
        let library = Arc::clone(&self.library);
        match tokio::task::spawn_blocking(move || f(&library)).await {
            Ok(Ok(value)) => Ok(CallToolResult::structured(value)),
            Ok(Err(e)) => Ok(CallToolResult::structured_error(crate::error_json(&e))),
            Err(e) => Err(ErrorData::internal_error(e.to_string(), None)),
        }
    }
}

fn limit(asked: Option<usize>, default: usize) -> usize {
    asked.unwrap_or(default).clamp(1, MAX_LIMIT)
}

#[tool_router]
impl Lode {
    #[tool(
        description = "Search the notes and their highlights. Returns ranked hits with snippets \
                       (the words found marked by character ranges), the total and facet counts.",
        annotations(read_only_hint = true)
    )]
    async fn search(
        &self,
        Parameters(args): Parameters<SearchArgs>,
    ) -> Result<CallToolResult, ErrorData> {
        self.answer(move |library| {
            let options = SearchOptions {
                limit: limit(args.limit, 10),
                ..SearchOptions::default()
            };
            Ok(serde_json::to_value(
                library.search(&args.query, &options)?,
            )?)
        })
        .await
    }

    #[tool(
        description = "A note: its article (title, author, dates, site, address, tags, body) \
                       and its highlights with their comments.",
        annotations(read_only_hint = true)
    )]
    async fn show_note(
        &self,
        Parameters(NoteArgs { id }): Parameters<NoteArgs>,
    ) -> Result<CallToolResult, ErrorData> {
        self.answer(move |library| {
            let note = library.note(id)?;
            let annotations = library.annotations(id)?;
            Ok(json!({
                "note": note,
                "annotations": annotations,
                "details_from": note.details_from,
            }))
        })
        .await
    }

    #[tool(
        description = "List notes (newest first unless order is \"published\"), optionally by \
                       tag, site or year; without their bodies.",
        annotations(read_only_hint = true)
    )]
    async fn list_notes(
        &self,
        Parameters(args): Parameters<ListArgs>,
    ) -> Result<CallToolResult, ErrorData> {
        self.answer(move |library| {
            let notes = library.notes(&NoteFilter {
                tag: args.tag,
                site: args.site,
                year: args.year,
                order: match args.order {
                    Some(Order::Published) => NoteOrder::Published,
                    Some(Order::Created) | None => NoteOrder::Created,
                },
                limit: Some(limit(args.limit, 50)),
                offset: args.offset.unwrap_or(0),
            })?;
            Ok(json!({ "notes": notes }))
        })
        .await
    }

    #[tool(
        description = "The highlights of a note, each with its quote, position, comment, tags \
                       and colour.",
        annotations(read_only_hint = true)
    )]
    async fn list_annotations(
        &self,
        Parameters(NoteArgs { id }): Parameters<NoteArgs>,
    ) -> Result<CallToolResult, ErrorData> {
        self.answer(move |library| Ok(json!({ "annotations": library.annotations(id)? })))
            .await
    }

    #[tool(
        description = "The notes most like a note (\"More like this\"), best first, each with \
                       the telling words they share.",
        annotations(read_only_hint = true)
    )]
    async fn related(
        &self,
        Parameters(args): Parameters<RelatedArgs>,
    ) -> Result<CallToolResult, ErrorData> {
        self.answer(move |library| {
            Ok(json!({ "related": library.related(args.id, limit(args.limit, 5))? }))
        })
        .await
    }

    #[tool(
        description = "Store a page as a note: its text and/or HTML as a browser copies them, \
                       and its address. A passage of a note already here highlights it there.",
        annotations(read_only_hint = false, destructive_hint = false)
    )]
    async fn clip(
        &self,
        Parameters(args): Parameters<ClipArgs>,
    ) -> Result<CallToolResult, ErrorData> {
        self.answer(move |library| {
            let clip = Clip {
                text: args.text,
                html: args.html,
                url: args.url,
            };
            let options = ClipOptions {
                as_note: args.as_note.unwrap_or(false),
                fetch_page: false,
            };
            let outcome = library.clip_with(&clip, &options)?;
            library.flush_index()?;
            Ok(serde_json::to_value(outcome)?)
        })
        .await
    }

    #[tool(
        description = "Add tags to a note; answers with all its tags.",
        annotations(
            read_only_hint = false,
            destructive_hint = false,
            idempotent_hint = true
        )
    )]
    async fn tag(
        &self,
        Parameters(args): Parameters<TagArgs>,
    ) -> Result<CallToolResult, ErrorData> {
        self.answer(move |library| {
            let tags: Vec<&str> = args.tags.iter().map(String::as_str).collect();
            let tags = library.tag(args.id, &tags)?;
            library.flush_index()?;
            Ok(json!({ "id": args.id, "tags": tags }))
        })
        .await
    }

    #[tool(
        description = "Highlight a passage of a note, with an optional comment, tags and colour.",
        annotations(read_only_hint = false, destructive_hint = false)
    )]
    async fn annotate(
        &self,
        Parameters(args): Parameters<AnnotateArgs>,
    ) -> Result<CallToolResult, ErrorData> {
        self.answer(move |library| {
            let color: Color = args.color.as_deref().unwrap_or("yellow").parse()?;
            let annotation = library.annotate(
                args.id,
                &NewAnnotation {
                    quote: args.quote,
                    occurrence: args.occurrence,
                    comment: args.comment,
                    tags: args.tags.unwrap_or_default(),
                    color,
                },
            )?;
            library.flush_index()?;
            Ok(serde_json::to_value(annotation)?)
        })
        .await
    }
}

#[tool_handler(router = self.tool_router)]
impl ServerHandler for Lode {
    fn get_info(&self) -> ServerConfig {
        let how = if self.write {
            "It may also clip pages, tag notes and highlight passages."
        } else {
            "It is read-only (start it with `lode mcp --write` to clip, tag and highlight)."
        };
        ServerConfig::new(
            ServerCapabilities::builder()
                .enable_tools()
                .enable_resources()
                .build(),
        )
        .with_server_info(Implementation::new("lode", env!("CARGO_PKG_VERSION")))
        .with_instructions(format!(
            "Lode is the user's library of research notes: clipped articles with highlights \
             and tags. Search it, read a note (a tool, or the resource lode://notes/ID as \
             Markdown), list notes and highlights, find related notes. {how}"
        ))
    }

    async fn list_resources(
        &self,
        request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, ErrorData> {
        let offset = match request.and_then(|r| r.cursor) {
            Some(cursor) => cursor
                .parse::<usize>()
                .map_err(|_| ErrorData::invalid_params("not a cursor this server gave", None))?,
            None => 0,
        };
        let library = Arc::clone(&self.library);
        let notes = tokio::task::spawn_blocking(move || {
            library.notes(&NoteFilter {
                limit: Some(RESOURCE_PAGE + 1),
                offset,
                ..NoteFilter::default()
            })
        })
        .await
        .map_err(|e| ErrorData::internal_error(e.to_string(), None))?
        .map_err(|e| ErrorData::internal_error(e.to_string(), None))?;
        let more = notes.len() > RESOURCE_PAGE;
        let resources = notes
            .into_iter()
            .take(RESOURCE_PAGE)
            .map(|n| {
                Resource::new(format!("{NOTE_URI}{}", n.id), format!("note {}", n.id))
                    .with_title(n.title)
                    .with_mime_type("text/markdown")
            })
            .collect();
        let mut page = ListResourcesResult::with_all_items(resources);
        if more {
            page.next_cursor = Some((offset + RESOURCE_PAGE).to_string());
        }
        Ok(page)
    }

    async fn list_resource_templates(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourceTemplatesResult, ErrorData> {
        Ok(ListResourceTemplatesResult::with_all_items(vec![
            ResourceTemplate::new(format!("{NOTE_URI}{{id}}"), "note")
                .with_title("A note as Markdown")
                .with_description(
                    "Properties (title, source, author, published, tags), the body, and the \
                     highlights as quotes with their comments.",
                )
                .with_mime_type("text/markdown"),
        ]))
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, ErrorData> {
        let uri = request.uri;
        let Some(id) = uri
            .strip_prefix(NOTE_URI)
            .and_then(|id| id.parse::<i64>().ok())
        else {
            return Err(ErrorData::resource_not_found(
                format!("{uri} is not a note's address (lode://notes/ID)"),
                None,
            ));
        };
        let library = Arc::clone(&self.library);
        let markdown = tokio::task::spawn_blocking(move || library.note_markdown(id))
            .await
            .map_err(|e| ErrorData::internal_error(e.to_string(), None))?;
        match markdown {
            Ok(text) => Ok(ReadResourceResult::new(vec![
                ResourceContents::text(text, uri).with_mime_type("text/markdown"),
            ])
            .into()),
            Err(e) if e.code() == lode::ErrorCode::NotFound => Err(ErrorData::resource_not_found(
                e.to_string(),
                Some(json!({ "uri": uri })),
            )),
            Err(e) => Err(ErrorData::internal_error(e.to_string(), None)),
        }
    }
}
