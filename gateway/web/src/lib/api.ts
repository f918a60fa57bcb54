import { type Treaty, treaty } from "@elysiajs/eden/treaty2";
import type { App } from "@trellis/gateway/app";
import { ApiError, apiErrorFor, OFFLINE_MESSAGE } from "./api-error.ts";

// Every request and response type below comes from the gateway's own routes through Eden:
// a change there that breaks this app fails `bun run typecheck`.
type Client = Treaty.Create<App>;

export type User = Treaty.Data<Client["api"]["me"]["get"]>;
export type NotesPage = Treaty.Data<Client["api"]["notes"]["get"]>;
export type Note = NotesPage["notes"][number];
export type NoteInput = Parameters<Client["api"]["notes"]["post"]>[0];
export type NoteChanges = Parameters<ReturnType<Client["api"]["notes"]>["patch"]>[0];
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

  return {
    me: () => call(client.api.me.get()),
    providers: () => call(client.auth.providers.get()),
    listNotes: (page: { pageSize: number; pageToken: string }) =>
      call(
        client.api.notes.get({
          query: {
            page_size: String(page.pageSize),
            ...(page.pageToken === "" ? {} : { page_token: page.pageToken }),
          },
        }),
      ),
    createNote: (input: NoteInput) => call(client.api.notes.post(input)),
    updateNote: (id: string, changes: NoteChanges) => call(client.api.notes({ id }).patch(changes)),
    deleteNote: async (id: string): Promise<void> => {
      await call(client.api.notes({ id }).delete());
    },
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
