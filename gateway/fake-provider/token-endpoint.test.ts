import { afterAll, expect, test } from "bun:test";
import { generateRandomCodeVerifier } from "oauth4webapi";
import {
  CLIENT_ID,
  CLIENT_SECRET,
  endpoints,
  PROVIDERS,
  postForm,
  REDIRECT_URI,
  signedInCode,
  startTestProvider,
} from "./testing.ts";

const provider = startTestProvider();
afterAll(() => provider.stop());

type Row = {
  name: string;
  /** Replaces fields of a correct token request; null leaves the field out. */
  form?: Record<string, string | null>;
  headers?: Record<string, string>;
  /** Redeem the code successfully once before the request under test. */
  spendFirst?: boolean;
  advanceMs?: number;
  /** error null: tokens are issued. */
  want: { status: number; error: string | null };
};

const invalidGrant = { status: 400, error: "invalid_grant" };
const invalidClient = { status: 401, error: "invalid_client" };

const issued = { status: 200, error: null };

// The accepting rows show that each refusal comes from its one change to a correct request.
const rows: Row[] = [
  { name: "accepts a correct request", want: issued },
  { name: "accepts a code 59 s old", advanceMs: 59_000, want: issued },
  {
    name: "accepts the secret in HTTP Basic",
    form: { client_secret: null },
    headers: { authorization: `Basic ${btoa(`${CLIENT_ID}:${CLIENT_SECRET}`)}` },
    want: issued,
  },
  { name: "refuses a replayed code that once worked", spendFirst: true, want: invalidGrant },
  {
    name: "refuses a wrong code_verifier",
    form: { code_verifier: generateRandomCodeVerifier() },
    want: invalidGrant,
  },
  { name: "refuses a missing code_verifier", form: { code_verifier: null }, want: invalidGrant },
  {
    name: "refuses another redirect_uri",
    form: { redirect_uri: `${REDIRECT_URI}/other` },
    want: invalidGrant,
  },
  { name: "refuses a missing redirect_uri", form: { redirect_uri: null }, want: invalidGrant },
  { name: "refuses an expired code", advanceMs: 61_000, want: invalidGrant },
  { name: "refuses an unknown code", form: { code: "made-up" }, want: invalidGrant },
  { name: "refuses a wrong client secret", form: { client_secret: "wrong" }, want: invalidClient },
  { name: "refuses an unknown client", form: { client_id: "someone-else" }, want: invalidClient },
  {
    name: "refuses a request without client authentication",
    form: { client_id: null, client_secret: null },
    want: invalidClient,
  },
  {
    name: "refuses a wrong secret in HTTP Basic",
    form: { client_secret: null },
    headers: { authorization: `Basic ${btoa(`${CLIENT_ID}:wrong`)}` },
    want: invalidClient,
  },
  {
    name: "refuses two client authentication methods at once",
    headers: { authorization: `Basic ${btoa(`${CLIENT_ID}:${CLIENT_SECRET}`)}` },
    want: { status: 400, error: "invalid_request" },
  },
  {
    name: "refuses another grant_type",
    form: { grant_type: "client_credentials" },
    want: { status: 400, error: "unsupported_grant_type" },
  },
];

const cases = PROVIDERS.flatMap((name) => rows.map((row) => ({ ...row, provider: name })));

test.each(cases)("$provider $name", async (row) => {
  const { code, verifier } = await signedInCode(provider.issuerBase, row.provider);
  const tokenUrl = endpoints(provider.issuerBase, row.provider).token;
  const correct = {
    grant_type: "authorization_code",
    code,
    redirect_uri: REDIRECT_URI,
    code_verifier: verifier,
    client_id: CLIENT_ID,
    client_secret: CLIENT_SECRET,
  };
  if (row.spendFirst === true) {
    expect((await postForm(tokenUrl, correct)).status).toBe(200);
  }
  provider.advanceClock(row.advanceMs ?? 0);

  const response = await postForm(tokenUrl, { ...correct, ...row.form }, row.headers);

  const body = await response.json();
  expect(response.status).toBe(row.want.status);
  if (row.want.error === null) {
    expect(body).toMatchObject({
      access_token: expect.any(String),
      token_type: expect.any(String),
    });
  } else {
    expect(body).toEqual({ error: row.want.error, error_description: expect.any(String) });
  }
});

test.each(PROVIDERS)("%s spends a code on a failed redemption", async (name) => {
  const { code, verifier } = await signedInCode(provider.issuerBase, name);
  const tokenUrl = endpoints(provider.issuerBase, name).token;
  const form = {
    grant_type: "authorization_code",
    code,
    redirect_uri: REDIRECT_URI,
    client_id: CLIENT_ID,
    client_secret: CLIENT_SECRET,
  };

  await postForm(tokenUrl, { ...form, code_verifier: generateRandomCodeVerifier() });
  const retry = await postForm(tokenUrl, { ...form, code_verifier: verifier });

  expect(retry.status).toBe(400);
});
