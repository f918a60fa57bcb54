// main.ts as a process: what `bun run fake-provider` and the gateway's dev script start.
import { expect, test } from "bun:test";
import { join } from "node:path";

const LISTENING = /^fake-oauth-provider listening on (http:\/\/127\.0\.0\.1:\d+)$/;

/** The environment without FAKE_OAUTH_* settings, so the defaults are what is tested. */
function cleanEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith("FAKE_OAUTH_") && value !== undefined) {
      env[name] = value;
    }
  }
  return { ...env, ...extra };
}

async function firstLine(stream: ReadableStream<Uint8Array>): Promise<string> {
  const decoder = new TextDecoder();
  let text = "";
  for await (const chunk of stream) {
    text += decoder.decode(chunk, { stream: true });
    const end = text.indexOf("\n");
    if (end >= 0) {
      return text.slice(0, end);
    }
  }
  throw new Error(`the process closed stdout after ${JSON.stringify(text)}`);
}

type Row = { name: string; env: Record<string, string>; issuerBase: (listening: string) => string };

test.each<Row>([
  { name: "the listening address", env: {}, issuerBase: (listening: string) => listening },
  {
    name: "FAKE_OAUTH_PUBLIC_URL",
    env: { FAKE_OAUTH_PUBLIC_URL: "http://localhost:4999" },
    issuerBase: () => "http://localhost:4999",
  },
])("main.ts prints its port and names issuers after $name", async (row) => {
  const child = Bun.spawn([process.execPath, join(import.meta.dir, "main.ts")], {
    env: cleanEnv({ PORT: "0", ...row.env }),
    stdout: "pipe",
    stderr: "inherit",
  });
  try {
    const line = await firstLine(child.stdout);
    const listening = LISTENING.exec(line)?.[1] ?? "";
    const discovery = await fetch(`${listening}/dev/.well-known/openid-configuration`);
    // trellis-dev is the default client id: the gateway's dev settings rely on it.
    const page = await fetch(
      `${listening}/github/login/oauth/authorize?client_id=trellis-dev&redirect_uri=http://127.0.0.1:9/cb` +
        "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256",
    );

    expect(line).toMatch(LISTENING);
    expect(await discovery.json()).toMatchObject({ issuer: `${row.issuerBase(listening)}/dev` });
    expect(page.status).toBe(200);
  } finally {
    child.kill();
    await child.exited;
  }
});
