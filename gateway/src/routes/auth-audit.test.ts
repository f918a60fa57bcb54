import { expect, test } from "bun:test";
import { createLogger } from "@trellis/service-kit";
import { encodePendingLogin } from "../auth/login-cookie.ts";
import { fakeIdentity, GOOD_TOKEN, OTHER_DEVICE_TOKEN, USER } from "../testing/fake-clients.ts";
import { fakeProvider, signedIn, testApp } from "../testing/test-app.ts";

// Sign-in, sign-out, sign-out everywhere and failed sign-ins each leave one audit line: who,
// and which session by a hash of its id, never the token.

const NEW_TOKEN = "newsessionid000000000000.newsecret00000000000000000";

/** SHA-256 of the token's id half, first 16 hex characters, computed apart from the gateway. */
function hashOf(token: string): string {
  const id = token.slice(0, token.indexOf("."));
  return new Bun.CryptoHasher("sha256").update(id).digest("hex").slice(0, 16);
}

const loginCookie = (state: string) =>
  `__Host-login=${encodePendingLogin({ provider: "github", state, verifier: "v", nonce: null, returnTo: "/" })}`;
const PAGE_LOAD = { accept: "text/html" };

/** The app with a logger that keeps every line, and the lines that carry `audit`. */
function recorded() {
  const lines: string[] = [];
  const log = createLogger({
    service: "gateway",
    level: "info",
    destination: { write: (line: string) => void lines.push(line) },
  });
  const app = testApp({
    identity: fakeIdentity(),
    providers: { github: fakeProvider("github") },
    log,
  });
  const audit = () =>
    lines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => "audit" in line)
      .map(({ time, service, request_id, ...fields }) => {
        // Every line leads to its request; the id itself is random.
        expect(request_id).toEqual(expect.any(String));
        return fields;
      });
  return { ...app, lines, audit };
}

const post = (headers: Record<string, string>) => ({ method: "POST", headers });

const cases: {
  name: string;
  send: (request: ReturnType<typeof recorded>["request"]) => Promise<unknown>;
  want: Record<string, unknown>[];
}[] = [
  {
    name: "a sign-in: the new session, and whether the user is new",
    send: (request) =>
      request("/auth/github/callback?code=c&state=s-github", {
        headers: { cookie: loginCookie("s-github") },
      }),
    want: [
      {
        level: "info",
        audit: "sign_in",
        message: "signed in",
        user_id: USER.id,
        session_hash: hashOf(NEW_TOKEN),
        provider: "github",
        new_user: false,
      },
    ],
  },
  {
    name: "a sign-out",
    send: (request) => request("/auth/logout", post(signedIn())),
    want: [
      {
        level: "info",
        audit: "sign_out",
        message: "signed out",
        user_id: USER.id,
        session_hash: hashOf(GOOD_TOKEN),
      },
    ],
  },
  {
    name: "a sign-out with a session that had ended already: none",
    send: (request) =>
      request("/auth/logout", post(signedIn({ cookie: "__Host-session=unknownid.secret" }))),
    want: [],
  },
  {
    name: "a sign-out everywhere: the session that asked, and how many ended",
    send: (request) =>
      request(
        "/auth/logout-everywhere",
        post(signedIn({ cookie: `__Host-session=${OTHER_DEVICE_TOKEN}` })),
      ),
    want: [
      {
        level: "info",
        audit: "sign_out_everywhere",
        message: "signed out everywhere",
        user_id: USER.id,
        session_hash: hashOf(OTHER_DEVICE_TOKEN),
        deleted_count: 2,
      },
    ],
  },
  {
    name: "a failed sign-in, at warn, with the reason the browser is shown",
    send: (request) =>
      request("/auth/github/callback?code=c&state=forged", {
        headers: { ...PAGE_LOAD, cookie: loginCookie("s-github") },
      }),
    want: [
      {
        level: "warn",
        audit: "sign_in_failed",
        message: "sign-in failed",
        provider: "github",
        reason: "invalid",
      },
    ],
  },
  {
    name: "a sign-in through a provider that does not exist: not its name",
    send: (request) => request("/auth/%3Cscript%3E/login", { headers: PAGE_LOAD }),
    want: [
      {
        level: "warn",
        audit: "sign_in_failed",
        message: "sign-in failed",
        provider: "unknown",
        reason: "unknown_provider",
      },
    ],
  },
];

test.each(cases)("audits $name", async ({ send, want }) => {
  const app = recorded();

  await send(app.request);

  expect(app.audit()).toEqual(want);
  // No line at all holds a token, a secret or a session id.
  for (const token of [GOOD_TOKEN, OTHER_DEVICE_TOKEN, NEW_TOKEN]) {
    for (const part of [token, ...token.split(".")]) {
      expect(app.lines.filter((line) => line.includes(part))).toEqual([]);
    }
  }
});
