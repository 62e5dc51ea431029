// The only module that calls `invoke`: one typed function per command of src-tauri, with
// the request and response types generated from the Rust types (bindings.ts).
import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type {
  Annotation,
  AnnotationChange,
  Backup,
  Browse,
  Citation,
  CiteAs,
  ClipOutcome,
  Color,
  ColorName,
  CommandError,
  Completed,
  DesktopSettings,
  Detail,
  ExportFormat,
  ExportReport,
  FetchSettings,
  FolderSync,
  ImportProgress,
  ImportOptions,
  ImportReport,
  ImportSource,
  IndexStatus,
  LaunchRequest,
  LibraryChanged,
  MetadataEdit,
  NewAnnotation,
  Note,
  NoteFilter,
  PageDetails,
  PageProgress,
  PagesDone,
  Reanchoring,
  ReextractProgress,
  ReextractReport,
  RelatedNote,
  SavedSearch,
  SearchOptions,
  SearchResults,
  SyncReport,
  TrashedNote,
  Version,
} from "./bindings";

export type * from "./bindings";

/// A failed command: `code` is what the UI branches on, `message` is for people.
export class ApiError extends Error {
  constructor(
    readonly code: CommandError["code"],
    message: string,
  ) {
    super(message);
  }
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (e) {
    const err = e as Partial<CommandError> | string;
    if (typeof err === "object" && err && typeof err.message === "string" && err.code) {
      throw new ApiError(err.code, err.message);
    }
    throw new ApiError("internal", String(e));
  }
}

export const api = {
  browse: (filter: NoteFilter) => call<Browse>("notes_browse", { filter }),
  note: (id: number) => call<Note>("note_get", { id }),
  findInNote: (id: number, query: string) =>
    call<Array<[number, number]>>("note_find", { id, query }),
  updateNote: (id: number, edit: MetadataEdit) => call<Note>("note_update", { id, edit }),
  editNote: (id: number, body: string) => call<Reanchoring>("note_edit", { id, body }),
  versions: (id: number) => call<Version[]>("note_versions", { id }),
  deleteNotes: (ids: number[]) => call<void>("notes_delete", { ids }),
  restoreNotes: (ids: number[]) => call<void>("notes_restore", { ids }),
  trash: () => call<TrashedNote[]>("trash_list"),
  emptyTrash: () => call<number>("trash_empty"),
  tag: (ids: number[], tags: string[]) => call<void>("tag_add", { ids, tags }),
  untag: (id: number, tag: string) => call<string[]>("tag_remove", { id, tag }),
  search: (query: string, options: SearchOptions) =>
    call<SearchResults>("search_query", { query, options }),
  related: (id: number) => call<RelatedNote[]>("note_related", { id }),
  cite: (id: number, form: CiteAs) => call<Citation>("note_cite", { id, form }),
  savedSearches: () => call<SavedSearch[]>("saved_searches_list"),
  saveSearch: (name: string, query: string) => call<SavedSearch>("saved_search_save", { name, query }),
  deleteSavedSearch: (name: string) => call<void>("saved_search_delete", { name }),
  annotations: (noteId: number) => call<Annotation[]>("annotations_list", { noteId }),
  annotate: (noteId: number, annotation: NewAnnotation) =>
    call<Annotation>("annotation_create", { noteId, annotation }),
  updateAnnotation: (id: number, change: AnnotationChange) =>
    call<Annotation>("annotation_update", { id, change }),
  deleteAnnotation: (id: number) => call<void>("annotation_delete", { id }),
  restoreAnnotation: (id: number) => call<Annotation>("annotation_restore", { id }),
  indexStatus: () => call<IndexStatus>("index_status"),
  damaged: () => call<string | null>("library_damaged"),
  backups: () => call<Backup[]>("backups_list"),
  backupNow: () => call<Backup>("backup_now"),
  // By its place in `backups()`: the webview never names a file to open.
  restoreBackup: (index: number) => call<void>("backup_restore", { index }),
  colors: () => call<ColorName[]>("colors_list"),
  nameColor: (color: Color, name: string) => call<ColorName[]>("color_name", { color, name }),
  clip: () => call<ClipOutcome>("clip_from_clipboard"),
  clipAsNote: () => call<ClipOutcome>("clip_as_note"),
  refreshNote: (id: number) => call<Completed>("note_refresh", { id }),
  useCopyValue: (id: number, detail: Detail) => call<Note>("note_use_copy_value", { id, detail }),
  fetchSettings: () => call<FetchSettings>("fetch_settings_get"),
  setFetchSettings: (settings: FetchSettings) => call<FetchSettings>("fetch_settings_set", { settings }),
  // What to import is chosen in a dialog that Rust opens: no path crosses from the webview.
  importFrom: (source: ImportSource, options: ImportOptions) =>
    call<ImportReport | null>("import_start", { source, options }),
  cancelImport: () => call<void>("import_cancel"),
  // What the app was started with ("Open with Lode", a lode://notes/ID link): the shell keeps
  // the files' paths and imports them for source "launch".
  launchRequest: () => call<LaunchRequest>("launch_request"),
  // The `mcpServers` entry that lets an assistant read this library (`lode mcp`); `copy` puts
  // it on the clipboard too.
  assistantConfig: (copy: boolean) => call<string>("assistant_config", { copy }),
  fetchWaitingPages: () => call<void>("pages_fetch_start"),
  cancelPages: () => call<void>("pages_cancel"),
  waitingPages: () => call<number>("pages_waiting"),
  fetchPageOf: (id: number) => call<Note>("note_fetch_page", { id }),
  reextract: () => call<ReextractReport>("reextract_start"),
  cancelReextract: () => call<void>("reextract_cancel"),
  exportNotes: (format: ExportFormat) => call<ExportReport | null>("export_start", { format }),
  openLink: (url: string) => call<void>("link_open", { url }),
  settings: () => call<DesktopSettings>("settings_get"),
  setShortcut: (accelerator: string) => call<DesktopSettings>("shortcut_set", { accelerator }),
  chooseSyncFolder: () => call<SyncReport | null>("sync_folder_choose"),
  stopSyncFolder: () => call<DesktopSettings>("sync_folder_stop"),
};

export const events = {
  libraryChanged: (f: (e: LibraryChanged) => void): Promise<UnlistenFn> =>
    listen<LibraryChanged>("library-changed", (e) => f(e.payload)),
  importProgress: (f: (e: ImportProgress) => void): Promise<UnlistenFn> =>
    listen<ImportProgress>("import-progress", (e) => f(e.payload)),
  reextractProgress: (f: (e: ReextractProgress) => void): Promise<UnlistenFn> =>
    listen<ReextractProgress>("reextract-progress", (e) => f(e.payload)),
  indexStatus: (f: (e: IndexStatus) => void): Promise<UnlistenFn> =>
    listen<IndexStatus>("index-status", (e) => f(e.payload)),
  pageDetails: (f: (e: PageDetails) => void): Promise<UnlistenFn> =>
    listen<PageDetails>("page-details", (e) => f(e.payload)),
  pagesProgress: (f: (e: PageProgress) => void): Promise<UnlistenFn> =>
    listen<PageProgress>("pages-progress", (e) => f(e.payload)),
  folderSync: (f: (e: FolderSync) => void): Promise<UnlistenFn> =>
    listen<FolderSync>("folder-sync", (e) => f(e.payload)),
  pagesDone: (f: (e: PagesDone) => void): Promise<UnlistenFn> =>
    listen<PagesDone>("pages-done", (e) => f(e.payload)),
};

export function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
