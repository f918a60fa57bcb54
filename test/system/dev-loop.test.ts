import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { join } from "node:path";
import { createTestDatabase, freePort, type TestDatabase } from "@trellis/testing";
import { type Browser, createBrowser } from "./support/browser.ts";
import { errorAnswer } from "./support/errors.ts";
import { type ScratchWorkspace, scratchWorkspace } from "./support/scratch-workspace.ts";

// `bun run dev` as a developer meets it, on a scratch copy of the workspace and ports of its
// own: a saved service-kit file and a saved proto change what the gateway answers, with no
// restart of the runner; a broken proto or a kit file that breaks start-up is reported while the
// rest keeps answering, and fixing it recovers.

setDefaultTimeout(90_000);

const KIT_FILE = "service-kit/src/wire/idempotency-key.ts";
const PROTO_FILE = "contracts/proto/trellis/notes/v1/notes.proto";
const KIT_REASON = "visible ASCII characters (no spaces)";

let scratch: ScratchWorkspace | undefined;
let runner: ReturnType<typeof Bun.spawn> | undefined;
const databases: TestDatabase[] = [];
const output: string[] = [];
let gatewayUrl = "";
let appOrigin = "";
let browser: Browser;

/** Everything the runner printed from `from` on (an index into `output`). */
const printed = (from = 0): string => output.slice(from).join("");

async function until<T>(what: string, probe: () => Promise<T | null>, withinMs = 20_000) {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    const found = await probe().catch(() => null);
    if (found !== null) {
      return found;
    }
    await Bun.sleep(100);
  }
  throw new Error(`${what} within ${withinMs / 1000} s; the runner printed:\n${printed()}`);
}

const printedLine = (pattern: RegExp, from: number) =>
  until(`a line like ${pattern}`, async () => printed(from).match(pattern)?.[0] ?? null);

async function edit(file: string, change: (text: string) => string): Promise<void> {
  if (scratch === undefined) {
    throw new Error("no scratch workspace");
  }
  const path = join(scratch.root, file);
  await Bun.write(path, change(await Bun.file(path).text()));
}

async function drain(stream: ReadableStream<Uint8Array>): Promise<void> {
  const decoder = new TextDecoder();
  for await (const chunk of stream) {
    output.push(decoder.decode(chunk, { stream: true }));
  }
}

beforeAll(async () => {
  scratch = await scratchWorkspace();
  // Empty databases: each service applies its own migrations at start, as under `bun run dev`.
  const [notesDb, identityDb] = await Promise.all([
    createTestDatabase({ migrations: [] }),
    createTestDatabase({ migrations: [] }),
  ]);
  databases.push(notesDb, identityDb);
  await Promise.all(databases.map((db) => db.sql.end()));
  const ports = new Set<number>();
  while (ports.size < 5) {
    ports.add(freePort());
  }
  const [gateway, oauth, web, notes, identity] = [...ports];
  gatewayUrl = `http://127.0.0.1:${gateway}`;
  appOrigin = `http://localhost:${gateway}`;
  runner = Bun.spawn(["bun", "scripts/dev.ts"], {
    cwd: scratch.root,
    env: {
      ...process.env,
      DEV_GATEWAY_PORT: String(gateway),
      DEV_OAUTH_PORT: String(oauth),
      DEV_WEB_PORT: String(web),
      DEV_NOTES_PORT: String(notes),
      DEV_IDENTITY_PORT: String(identity),
      NOTES_DATABASE_URL: notesDb.url,
      IDENTITY_DATABASE_URL: identityDb.url,
      // One connection each: the embedded test database serves no more.
      DATABASE_POOL_MAX: "1",
      LOG_LEVEL: "info",
      OTEL_SDK_DISABLED: "true",
    },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  void drain(runner.stdout as ReadableStream<Uint8Array>);
  void drain(runner.stderr as ReadableStream<Uint8Array>);
  await printedLine(/Trellis is up/, 0);
  browser = createBrowser(gatewayUrl);
  await browser.signIn("dev", { id: "dev-loop", name: "Dev Loop" });
}, 90_000);

afterAll(async () => {
  if (runner !== undefined) {
    runner.kill("SIGTERM");
    const stopped = await Promise.race([runner.exited, Bun.sleep(10_000).then(() => null)]);
    if (stopped === null) {
      runner.kill("SIGKILL");
    }
  }
  await Promise.all(databases.map((db) => db.close()));
  await scratch?.remove();
});

/** The gateway's 400 message for an Idempotency-Key the kit refuses. */
async function keyProblem(): Promise<string> {
  const response = await browser.api("/api/notes", {
    method: "POST",
    origin: appOrigin,
    headers: { "idempotency-key": "has a space" },
    json: { title: "t" },
  });
  return (await errorAnswer(response)).message;
}

async function openapiText(): Promise<string> {
  return (await fetch(`${gatewayUrl}/openapi.json`)).text();
}

test("a saved service-kit file restarts the gateway and the services, not the rest", async () => {
  expect(await keyProblem()).toContain(KIT_REASON);
  const from = output.length;
  await edit(KIT_FILE, (text) => text.replace(KIT_REASON, "printable ASCII, edited live"));

  const message = await until("the gateway answering the edited kit's message", async () => {
    const got = await keyProblem();
    return got.includes("edited live") ? got : null;
  });
  expect(message).toBe("Idempotency-Key: must be 1 to 255 printable ASCII, edited live");
  const line = await printedLine(/restarted gateway \(.*\) in \d+ ms/, from);
  expect(line).toContain(`(${KIT_FILE} changed)`);
  await printedLine(/restarted notes \(service-kit\/.*\) in \d+ ms/, from);
  await printedLine(/restarted identity \(service-kit\/.*\) in \d+ ms/, from);
  expect(printed(from)).not.toContain("restarted fake-oauth");
});

test("a saved proto is generated and the gateway serves it; a broken one leaves it serving", async () => {
  const add = (description: string) => (text: string) =>
    text.replace(
      "  string body = 3;\n",
      `  string body = 3;\n  // ${description}\n  string colour = 42;\n`,
    );
  let from = output.length;
  await edit(PROTO_FILE, add("Colour of the card, added live."));
  await until("/openapi.json with the new field", async () =>
    (await openapiText()).includes("Colour of the card, added live.") ? true : null,
  );
  expect(await printedLine(/generated \(.*\) in \d+ ms/, from)).toContain(PROTO_FILE);
  await printedLine(/restarted gateway \(contracts\/proto\/.*\) in \d+ ms/, from);

  from = output.length;
  await edit(PROTO_FILE, (text) => text.replace("string colour = 42;", "string colour = ;"));
  await printedLine(/generation FAILED/, from);
  // buf's own message, naming the file from the repository root.
  expect(printed(from)).toContain(`${PROTO_FILE}:`);
  expect(printed(from)).not.toContain("restarted gateway");
  expect((await fetch(`${gatewayUrl}/readyz`)).status).toBe(200);
  expect(await openapiText()).toContain("Colour of the card, added live.");

  from = output.length;
  await edit(PROTO_FILE, (text) =>
    text.replace("string colour = ;", "string colour = 42;").replace("added live.", "fixed live."),
  );
  await until("/openapi.json after the fix", async () =>
    (await openapiText()).includes("Colour of the card, fixed live.") ? true : null,
  );
  await printedLine(/restarted gateway \(contracts\/proto\/.*\) in \d+ ms/, from);
});

test("a kit edit that breaks start-up is reported; the fix brings the processes back", async () => {
  let from = output.length;
  await edit(KIT_FILE, (text) => `${text}\nexport const broken = ;\n`);
  const failed = await printedLine(/restart FAILED \(service-kit\/[^)]*\)/, from);
  expect(failed).toContain(KIT_FILE);
  // Bun's own message, with the file and line, is in the output above the report.
  expect(printed(from)).toContain(`${KIT_FILE}:`);
  // The fake provider runs no kit code: it keeps answering.
  expect(printed(from)).not.toContain("restarted fake-oauth");

  from = output.length;
  await edit(KIT_FILE, (text) => text.replace("\nexport const broken = ;\n", ""));
  await printedLine(/restarted gateway \(service-kit\/.*\) in \d+ ms/, from);
  expect(await keyProblem()).toContain("edited live");
});
