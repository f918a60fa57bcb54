import { expect, test } from "bun:test";
import type {
  CompleteOAuthLoginRequest,
  CompleteOAuthLoginResponse,
} from "@trellis/contracts/identity/v1";
import { invalid, type Outcome, outcome } from "@trellis/testing";
import type { SessionRecord } from "../session.ts";
import { hashSecret } from "../session-token.ts";
import { fakeSessions } from "../testing/fake-sessions.ts";
import { fakeUsers, type LinkedAccount } from "../testing/fake-users.ts";
import {
  ABSOLUTE_LIFETIME_MS,
  call,
  day,
  EARLIER,
  FRESH_EXPIRY,
  NEW_ID,
  NEW_TOKEN,
  NEW_TOKEN_TEXT,
  NOW,
  OTHER_USER_ID,
  session,
  USER_ID,
  user,
  userMessage,
} from "../testing/fixtures.ts";
import type { UserRecord } from "../user.ts";
import { completeOAuthLogin } from "./complete-oauth-login.ts";

function login(overrides: Partial<CompleteOAuthLoginRequest> = {}): CompleteOAuthLoginRequest {
  return {
    provider: "github",
    providerUserId: "42",
    name: "Ada L.",
    email: "ada@example.org",
    avatarUrl: "https://avatars.example.com/u/42?v=4",
    ...overrides,
  };
}

const profile = { name: "Ada L.", email: "ada@example.org", avatarUrl: login().avatarUrl };
const ada = user();
const adaOnGitHub: LinkedAccount = { provider: "github", providerUserId: "42", userId: USER_ID };
const oldSession = session();
const newSession: SessionRecord = {
  id: NEW_TOKEN.id,
  secretHash: hashSecret(NEW_TOKEN.secret),
  userId: USER_ID,
  createdAt: NOW,
  expiresAt: FRESH_EXPIRY,
};

function signedIn(
  fields: Partial<UserRecord>,
  newUser: boolean,
): Outcome<CompleteOAuthLoginResponse> {
  return {
    ok: {
      user: userMessage({ ...profile, ...fields }),
      sessionToken: NEW_TOKEN_TEXT,
      sessionExpireTime: FRESH_EXPIRY,
      newUser,
    },
  };
}

const created = signedIn({ id: NEW_ID, createdAt: NOW }, true);
const week = new Date(NOW.getTime() + 7 * day);
const newUsersSession = { ...newSession, userId: NEW_ID };

const cases: {
  name: string;
  request: CompleteOAuthLoginRequest;
  users?: { users: UserRecord[]; accounts: LinkedAccount[] } | Error;
  sessions?: SessionRecord[] | Error;
  /** SESSION_ABSOLUTE_LIFETIME_DAYS in ms; the default 90 days unless given. */
  absoluteLifetimeMs?: number;
  want: Outcome<CompleteOAuthLoginResponse>;
  /** The sessions afterwards. */
  wantSessions: SessionRecord[];
}[] = [
  {
    name: "creates the user and a session on a first login",
    request: login(),
    want: created,
    wantSessions: [newUsersSession],
  },
  {
    name: "reuses the linked user, refreshes the profile and starts another session",
    request: login(),
    users: { users: [ada], accounts: [adaOnGitHub] },
    sessions: [oldSession],
    want: signedIn({ id: USER_ID, createdAt: EARLIER }, false),
    wantSessions: [oldSession, newSession],
  },
  {
    name: "creates another user for the same email at another provider",
    request: login({ provider: "google", providerUserId: "1077", email: ada.email }),
    users: { users: [ada], accounts: [adaOnGitHub] },
    want: signedIn({ id: NEW_ID, email: ada.email, createdAt: NOW }, true),
    wantSessions: [newUsersSession],
  },
  {
    name: "creates another user for the same provider_user_id at another provider",
    request: login({ provider: "dev" }),
    users: { users: [ada], accounts: [adaOnGitHub] },
    want: created,
    wantSessions: [newUsersSession],
  },
  {
    name: "does not match a provider_user_id that differs only in case",
    request: login({ provider: "google", providerUserId: "AbC" }),
    users: {
      users: [ada],
      accounts: [{ ...adaOnGitHub, provider: "google", providerUserId: "abc" }],
    },
    want: created,
    wantSessions: [newUsersSession],
  },
  {
    name: "accepts an empty name, email and avatar_url",
    request: login({ name: "", email: "", avatarUrl: "" }),
    want: signedIn({ id: NEW_ID, name: "", email: "", avatarUrl: "", createdAt: NOW }, true),
    wantSessions: [newUsersSession],
  },
  {
    name: "accepts the longest fields: 255, 200, 320 and 2048 characters",
    request: login({
      providerUserId: "9".repeat(255),
      name: "🦀".repeat(200),
      email: `${"e".repeat(308)}@example.org`,
      avatarUrl: `http://a.example/${"p".repeat(2031)}`,
    }),
    want: signedIn(
      {
        id: NEW_ID,
        name: "🦀".repeat(200),
        email: `${"e".repeat(308)}@example.org`,
        avatarUrl: `http://a.example/${"p".repeat(2031)}`,
        createdAt: NOW,
      },
      true,
    ),
    wantSessions: [newUsersSession],
  },
  {
    name: "ends a new session at an absolute lifetime shorter than 30 days",
    request: login(),
    absoluteLifetimeMs: 7 * day,
    want: {
      ok: {
        user: userMessage({ ...profile, id: NEW_ID, createdAt: NOW }),
        sessionToken: NEW_TOKEN_TEXT,
        sessionExpireTime: week,
        newUser: true,
      },
    },
    wantSessions: [{ ...newUsersSession, expiresAt: week }],
  },
  {
    name: "rejects an empty provider",
    request: login({ provider: "" }),
    want: invalid("provider: must be one of github, google, dev"),
    wantSessions: [],
  },
  {
    name: "rejects an unknown provider, matching case exactly",
    request: login({ provider: "GitHub" }),
    want: invalid("provider: must be one of github, google, dev"),
    wantSessions: [],
  },
  {
    name: "rejects an empty provider_user_id",
    request: login({ providerUserId: "" }),
    want: invalid("provider_user_id: must not be empty"),
    wantSessions: [],
  },
  {
    name: "rejects a provider_user_id over 255 characters",
    request: login({ providerUserId: "1".repeat(256) }),
    want: invalid("provider_user_id: must have at most 255 characters (got 256)"),
    wantSessions: [],
  },
  {
    name: "rejects a name over 200 characters",
    request: login({ name: "n".repeat(201) }),
    want: invalid("name: must have at most 200 characters (got 201)"),
    wantSessions: [],
  },
  {
    name: "rejects a NUL in the name",
    request: login({ name: "Ada\u0000" }),
    want: invalid("name: must not contain NUL characters"),
    wantSessions: [],
  },
  {
    name: "rejects an email over 320 characters",
    request: login({ email: `${"e".repeat(309)}@example.org` }),
    want: invalid("email: must have at most 320 characters (got 321)"),
    wantSessions: [],
  },
  {
    name: "rejects an avatar_url over 2048 characters",
    request: login({ avatarUrl: `https://a.example/${"p".repeat(2031)}` }),
    want: invalid("avatar_url: must have at most 2048 characters (got 2049)"),
    wantSessions: [],
  },
  ...["javascript:alert(1)", "data:image/png;base64,AAAA", "ftp://a.example/x.png", "a.png"].map(
    (avatarUrl) => ({
      name: `rejects the avatar_url ${avatarUrl}`,
      request: login({ avatarUrl }),
      want: invalid("avatar_url: must be an http(s) URL"),
      wantSessions: [],
    }),
  ),
  {
    name: "rejects an avatar_url with surrounding whitespace",
    request: login({ avatarUrl: " https://a.example/x.png" }),
    want: invalid("avatar_url: must be an http(s) URL"),
    wantSessions: [],
  },
  {
    name: "hides a db failure while finding the user",
    request: login(),
    users: new Error("connection reset by peer"),
    want: { code: "INTERNAL" },
    wantSessions: [],
  },
  {
    name: "hides a db failure while storing the session",
    request: login(),
    sessions: new Error("deadlock detected"),
    want: { code: "INTERNAL" },
    wantSessions: [],
  },
];

test.each(cases)("$name", async (row) => {
  const { request, users, sessions, absoluteLifetimeMs, want, wantSessions } = row;
  const sessionsRepo = fakeSessions(sessions ?? [], { users: [ada, user({ id: OTHER_USER_ID })] });
  const handler = completeOAuthLogin({
    users: fakeUsers(users ?? {}),
    sessions: sessionsRepo,
    newId: () => NEW_ID,
    now: () => NOW,
    newSessionToken: () => NEW_TOKEN,
    sessionAbsoluteLifetimeMs: absoluteLifetimeMs ?? ABSOLUTE_LIFETIME_MS,
  });
  expect(await outcome(handler(request, call()))).toEqual(want);
  expect(sessionsRepo.records()).toEqual(wantSessions);
});
