import { afterAll, expect, test } from "bun:test";
import { credentials, Metadata, type ServiceError } from "@grpc/grpc-js";
import {
  type CompleteOAuthLoginRequest,
  IdentityServiceClient,
} from "@trellis/contracts/grpc-js/identity/v1";
import { GATEWAY_SUBJECT, generateCallerKeys } from "@trellis/service-kit";
import { mintCallerToken, statusName } from "@trellis/testing";
import { identityDatabase, startIdentityServer } from "./identity-server.ts";

// What an attacker on the internal network, or in a compromised service, would send to mint a
// session for any GitHub account: CompleteOAuthLogin with a caller token of their making. Each
// is refused, and nothing is written.

const db = await identityDatabase();
const server = await startIdentityServer(db);
const client = new IdentityServiceClient(`127.0.0.1:${server.port}`, credentials.createInsecure());
afterAll(async () => {
  client.close();
  await server.stop();
  await db.close();
});

const LOGIN = "/trellis.identity.v1.IdentityService/CompleteOAuthLogin";
const nowS = (): number => Math.floor(Date.now() / 1000);
const aServiceOwnKeys = generateCallerKeys("trellis-test-1");

const cases = [
  { name: "no token", token: async () => undefined, want: "UNAUTHENTICATED" },
  {
    name: "a token signed with a key the service does not trust (a service's own)",
    token: () => mintCallerToken({ subject: GATEWAY_SUBJECT, method: LOGIN, ...ownKey() }),
    want: "UNAUTHENTICATED",
  },
  {
    name: "the gateway's token for another service",
    token: () =>
      mintCallerToken({
        subject: GATEWAY_SUBJECT,
        method: LOGIN,
        audience: "trellis.notes.v1.NotesService",
      }),
    want: "UNAUTHENTICATED",
  },
  {
    name: "the gateway's token for another method",
    token: () =>
      mintCallerToken({
        subject: GATEWAY_SUBJECT,
        method: "/trellis.identity.v1.IdentityService/ValidateSession",
      }),
    want: "UNAUTHENTICATED",
  },
  {
    name: "an expired token",
    token: () =>
      mintCallerToken({
        subject: GATEWAY_SUBJECT,
        method: LOGIN,
        issuedAt: nowS() - 60,
        expires: nowS() - 20,
      }),
    want: "UNAUTHENTICATED",
  },
  {
    name: "a far-future token",
    token: () =>
      mintCallerToken({ subject: GATEWAY_SUBJECT, method: LOGIN, expires: nowS() + 86_400 }),
    want: "UNAUTHENTICATED",
  },
  {
    name: "a user's token on this internal RPC",
    token: () => mintCallerToken({ subject: crypto.randomUUID(), method: LOGIN }),
    want: "PERMISSION_DENIED",
  },
];

function ownKey(): { signingKey: string } {
  return { signingKey: aServiceOwnKeys.signingKey };
}

test.each(cases)("CompleteOAuthLogin with $name: $want, nothing written", async (row) => {
  const request: CompleteOAuthLoginRequest = {
    provider: "github",
    providerUserId: crypto.randomUUID(),
    name: "Mallory",
    email: "",
    avatarUrl: "",
  };

  const code = await call(request, await row.token());

  expect(code).toBe(row.want);
  const [written] = await db.sql<{ count: number }[]>`
    SELECT count(*)::int AS count FROM oauth_accounts
    WHERE provider = 'github' AND provider_user_id = ${request.providerUserId}`;
  expect(written?.count).toBe(0);
});

test("the gateway's own token for this method is accepted (the rows above fail for their reason)", async () => {
  const request = {
    provider: "github",
    providerUserId: "4242",
    name: "",
    email: "",
    avatarUrl: "",
  };
  expect(
    await call(request, await mintCallerToken({ subject: GATEWAY_SUBJECT, method: LOGIN })),
  ).toBe("OK");
});

function call(request: CompleteOAuthLoginRequest, token: string | undefined): Promise<string> {
  const metadata = new Metadata();
  if (token !== undefined) {
    metadata.set("x-trellis-caller", token);
  }
  return new Promise((resolve) => {
    client.completeOAuthLogin(
      request,
      metadata,
      { deadline: Date.now() + 5_000 },
      (error: ServiceError | null) => resolve(error === null ? "OK" : statusName(error.code)),
    );
  });
}
