import { type Treaty, treaty } from "@elysiajs/eden/treaty2";
import type {
  ListNotesResponse,
  Note as NoteMessage,
  UpdateNoteRequest,
} from "@trellis/contracts/browser/notes/v1";
// The gateway is this app's parent folder: a relative import keeps gateway/ self-contained.
import type { App } from "../../../src/app.ts";
import { ApiError, apiErrorFor, OFFLINE_MESSAGE } from "./api-error.ts";

// The gateway's own routes are typed through Eden; the notes API, served from the contracts'
// google.api.http rules, by the contracts' browser types (proto3 JSON). A change on either side
// that breaks this app fails `bun run typecheck`.
type Client = Treaty.Create<App>;

export type User = Treaty.Data<Client["api"]["me"]["get"]>;
/** Whether the browser is signed in: `user` is null when it is not. */
export type Session = Treaty.Data<Client["api"]["session"]["get"]>;
/** The service always sets both timestamps, so the JSON always has them. */
export type Note = Required<NoteMessage>;
export type NotesPage = Omit<ListNotesResponse, "notes"> & { notes: Note[] };
export type NoteInput = { title: string; body?: string };
export type NoteChanges = Partial<Pick<NonNullable<UpdateNoteRequest["note"]>, "title" | "body">>;
export type ProviderName = Treaty.Data<Client["auth"]["providers"]["get"]>["providers"][number];

export interface ApiOptions {
  /** The gateway's origin: the page's own. */
  origin: string;
  /** Tests pass a fake; the browser's fetch otherwise. */
  fetch?: (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;
  /** Called before a 401 is thrown: the app sends the user to sign in, and back after. */
  onUnauthorized: () => void;
}

export type Api = ReturnType<typeof createApi>;

/** The gateway's API. Each call resolves to the answer's data or throws an ApiError. */
export function createApi(options: ApiOptions) {
  const fetcher = options.fetch ?? ((input, init) => fetch(input, init));
  const client: Client = treaty<App>(options.origin, {
    // Keep timestamps as the ISO strings the types say, not Date objects.
    parseDate: false,
    fetcher: Object.assign(fetcher, { preconnect: () => undefined }),
  });
  const call = <R extends Answer>(pending: Promise<R>) => unwrap(pending, options.onUnauthorized);
  const notes = notesCalls(options.origin, fetcher, options.onUnauthorized);

  return {
    me: () => call(client.api.me.get()),
    /** Asked before anything else: answers signed out with 200, where /api/me would be a 401. */
    session: () => call(client.api.session.get()),
    providers: () => call(client.auth.providers.get()),
    ...notes,
    signOut: async (): Promise<void> => {
      await call(client.auth.logout.post());
    },
    /** Ends every session of the user: other browsers and devices are signed out too. */
    signOutEverywhere: async (): Promise<void> => {
      await call(client.auth["logout-everywhere"].post());
    },
  };
}

/** The shape of every Eden answer: data on success, error (status + parsed body) otherwise. */
interface Answer {
  data: unknown;
  error: { status: unknown; value: unknown } | null;
  status: number;
  response?: Response;
}

type Success<R> = R extends { error: null; data: infer D } ? D : never;

async function unwrap<R extends Answer>(
  pending: Promise<R>,
  onUnauthorized: () => void,
): Promise<Success<R>> {
  const answer = await pending;
  if (answer.error === null) {
    return answer.data as Success<R>;
  }
  // Eden reports a fetch that threw (offline, DNS, reset) as a 503 without a response.
  if (answer.response === undefined) {
    throw new ApiError(0, OFFLINE_MESSAGE);
  }
  if (answer.status === 401) {
    onUnauthorized();
  }
  throw apiErrorFor(answer.status, answer.error.value);
}

type Fetcher = (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;

/** The notes API (/api/notes), as NotesService's google.api.http rules serve it. */
function notesCalls(origin: string, fetcher: Fetcher, onUnauthorized: () => void) {
  const send = async <T>(path: string, method: string, json?: unknown): Promise<T> => {
    const init: RequestInit =
      json === undefined
        ? { method }
        : { method, body: JSON.stringify(json), headers: { "content-type": "application/json" } };
    let response: Response;
    try {
      response = await fetcher(`${origin}${path}`, init);
    } catch {
      throw new ApiError(0, OFFLINE_MESSAGE);
    }
    const text = await response.text();
    const body = parsed(text);
    if (response.ok) {
      return body as T;
    }
    if (response.status === 401) {
      onUnauthorized();
    }
    throw apiErrorFor(response.status, body);
  };
  const at = (id: string) => `/api/notes/${encodeURIComponent(id)}`;
  return {
    listNotes: (page: { pageSize: number; pageToken: string }) => {
      const query = new URLSearchParams({ page_size: String(page.pageSize) });
      if (page.pageToken !== "") {
        query.set("page_token", page.pageToken);
      }
      return send<NotesPage>(`/api/notes?${query}`, "GET");
    },
    createNote: (input: NoteInput) => send<Note>("/api/notes", "POST", input),
    updateNote: (id: string, changes: NoteChanges) => send<Note>(at(id), "PATCH", changes),
    deleteNote: async (id: string): Promise<void> => {
      await send<null>(at(id), "DELETE");
    },
  };
}

/** The answer's JSON; a proxy's plain-text error page stays text. */
function parsed(text: string): unknown {
  try {
    return text === "" ? null : (JSON.parse(text) as unknown);
  } catch {
    return text;
  }
}
