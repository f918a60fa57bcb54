import type {
  CompleteOAuthLoginResponse,
  SessionValidation,
  User,
  ValidateSessionResponse,
} from "@trellis/contracts/identity/v1";
import { type Note, NotesServiceService } from "@trellis/contracts/notes/v1";
import { type PromiseClient, status } from "@trellis/service-kit";
import type { IdentityClient } from "../clients.ts";
import type { RawClient } from "../rest/raw-clients.ts";

/** A grpc-js style failure, as the kit's clients reject. */
export function grpcError(code: status, details: string): Error {
  return Object.assign(new Error(details), { code, details, metadata: undefined });
}

export const USER: User = {
  id: "0190a1b2-0000-7000-8000-00000000000a",
  name: "Ada Lovelace",
  email: "ada@example.com",
  avatarUrl: "https://avatars.example.com/ada.png",
  createTime: new Date("2026-01-02T03:04:05.000Z"),
};

export const GOOD_TOKEN = "goodsessionid00000000000.goodsecret000000000000000";
/** USER's session on another device. */
export const OTHER_DEVICE_TOKEN = "phonesessionid0000000000.phonesecret00000000000000";
const USER_TOKENS = [GOOD_TOKEN, OTHER_DEVICE_TOKEN];

export interface Call {
  method: string;
  request: unknown;
  userId?: string;
}

/**
 * Identity that knows two sessions of USER, GOOD_TOKEN and OTHER_DEVICE_TOKEN, until they are
 * deleted; records every call.
 */
export function fakeIdentity(
  options: { renewed?: boolean; failure?: Error } = {},
): IdentityClient & {
  calls: Call[];
} {
  const calls: Call[] = [];
  const sessions = userSessions(options.renewed ?? false);
  const record = (method: string, request: unknown): void => {
    calls.push({ method, request });
    if (options.failure) {
      throw options.failure;
    }
  };
  return {
    calls,
    async validateSession(request) {
      record("validateSession", request);
      const session = sessions.lookUp(request.sessionToken);
      if (session === null) {
        throw grpcError(status.UNAUTHENTICATED, "invalid or expired session");
      }
      return session;
    },
    async validateSessions(request) {
      record("validateSessions", request);
      return { results: request.sessionTokens.map((token) => sessions.lookUp(token) ?? noUser()) };
    },
    async completeOAuthLogin(request) {
      record("completeOAuthLogin", request);
      return newLogin();
    },
    async deleteSession(request) {
      record("deleteSession", request);
      sessions.delete(request.sessionToken);
      return {};
    },
    async deleteUserSessions(request) {
      record("deleteUserSessions", request);
      return { deletedCount: sessions.deleteAllOf(request.userId) };
    },
  };
}

/** USER's sessions as identity holds them: live until deleted. */
function userSessions(renewed: boolean) {
  const deleted = new Set<string>();
  return {
    lookUp: (token: string): ValidateSessionResponse | null =>
      !USER_TOKENS.includes(token) || deleted.has(token)
        ? null
        : { user: USER, sessionExpireTime: new Date("2026-12-30T00:00:00.000Z"), renewed },
    delete: (token: string): void => {
      deleted.add(token);
    },
    /** How many of the user's sessions were still live. */
    deleteAllOf: (userId: string): number => {
      const theirs = userId === USER.id ? USER_TOKENS : [];
      const ending = theirs.filter((token) => !deleted.has(token));
      for (const token of ending) {
        deleted.add(token);
      }
      return ending.length;
    },
  };
}

/** ValidateSessions' answer for a token that names no live session. */
function noUser(): SessionValidation {
  return { user: undefined, sessionExpireTime: undefined, renewed: false };
}

function newLogin(): CompleteOAuthLoginResponse {
  return {
    user: USER,
    sessionToken: "newsessionid000000000000.newsecret00000000000000000",
    sessionExpireTime: new Date("2026-12-30T00:00:00.000Z"),
    newUser: false,
  };
}

export function note(overrides: Partial<Note> = {}): Note {
  return {
    id: "0190a1b2-0000-7000-8000-0000000000b1",
    title: "Groceries",
    body: "eggs",
    createTime: new Date("2026-01-02T03:04:05.000Z"),
    updateTime: new Date("2026-01-02T03:04:05.000Z"),
    ...overrides,
  };
}

/** The notes service's refusal of an update naming no field. */
export const EMPTY_MASK = "update_mask: must name at least one of title, body";

/** NotesService as typed calls: what a fake answers, before rawNotes puts it behind bytes. */
export type NotesClient = Omit<PromiseClient<typeof NotesServiceService>, "close">;

/** Notes that answers every RPC from `note()`, or fails them all with `failure`. */
export function fakeNotes(options: { failure?: Error } = {}): NotesClient & { calls: Call[] } {
  const calls: Call[] = [];
  const record = (method: string, request: unknown, userId?: string): void => {
    calls.push({ method, request, userId });
    if (options.failure) {
      throw options.failure;
    }
  };
  return {
    calls,
    async listNotes(request, settings) {
      record("listNotes", request, settings?.userId);
      return { notes: [note()], nextPageToken: "next" };
    },
    async createNote(request, settings) {
      record("createNote", request, settings?.userId);
      return { note: note({ title: request.title, body: request.body }) };
    },
    async getNote(request, settings) {
      record("getNote", request, settings?.userId);
      return { note: note({ id: request.id }) };
    },
    async updateNote(request, settings) {
      record("updateNote", request, settings?.userId);
      // As the service does: the gateway sends a PATCH's empty mask on ({} changes nothing).
      if (request.updateMask?.length === 0) {
        throw grpcError(status.INVALID_ARGUMENT, EMPTY_MASK);
      }
      const { id = "", title = "", body = "" } = request.note ?? {};
      return { note: note({ id, title, body }) };
    },
    async deleteNote(request, settings) {
      record("deleteNote", request, settings?.userId);
      return {};
    },
  };
}

type NotesRpc = keyof typeof NotesServiceService;

/**
 * `notes` behind the raw client the REST routes call: each request is decoded and each answer
 * encoded with the contracts' own codecs, so the fake sees typed messages as the service would.
 */
export function rawNotes(notes: NotesClient): RawClient {
  const rpcs = Object.entries(NotesServiceService) as [NotesRpc, NotesMethod][];
  const byPath = new Map(rpcs.map(([rpc, method]) => [method.path, { rpc, method }]));
  return {
    async call(path, request, settings) {
      const found = byPath.get(path);
      if (found === undefined) {
        throw new Error(`${path} is not a NotesService RPC`);
      }
      const { rpc, method } = found;
      const call = notes[rpc] as (request: unknown, settings: unknown) => Promise<unknown>;
      const answer = await call(method.requestDeserialize(Buffer.from(request)), settings);
      return new Uint8Array(method.responseSerialize(answer));
    },
    close() {},
  };
}

/** What rawNotes uses of a method definition, with the messages left untyped. */
interface NotesMethod {
  path: string;
  requestDeserialize(bytes: Buffer): unknown;
  responseSerialize(message: unknown): Buffer;
}
