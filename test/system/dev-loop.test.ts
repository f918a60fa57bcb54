import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { type Browser, createBrowser } from "./support/browser.ts";
import { type DevRunner, startDevRunner } from "./support/dev-runner.ts";
import { errorAnswer } from "./support/errors.ts";

// `bun run dev` as a developer meets it, on a scratch copy of the workspace and ports of its
// own: a saved service-kit file and a saved proto change what the gateway answers, with no
// restart of the runner; a broken proto or a kit file that breaks start-up is reported while the
// rest keeps answering, and fixing it recovers.

setDefaultTimeout(90_000);

const KIT_FILE = "service-kit/src/wire/idempotency-key.ts";
const PROTO_FILE = "contracts/proto/trellis/notes/v1/notes.proto";
const KIT_REASON = "visible ASCII characters (no spaces)";

let dev: DevRunner;
let browser: Browser;

beforeAll(async () => {
  dev = await startDevRunner();
  browser = createBrowser(dev.gatewayUrl);
  await browser.signIn("dev", { id: "dev-loop", name: "Dev Loop" });
}, 90_000);

afterAll(async () => {
  await dev?.stop();
});

async function until<T>(what: string, probe: () => Promise<T | null>, withinMs = 20_000) {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    const found = await probe().catch(() => null);
    if (found !== null) {
      return found;
    }
    await Bun.sleep(100);
  }
  throw new Error(`${what} within ${withinMs / 1000} s; the runner printed:\n${dev.printed()}`);
}

/** The gateway's 400 message for an Idempotency-Key the kit refuses. */
async function keyProblem(): Promise<string> {
  const response = await browser.api("/api/notes", {
    method: "POST",
    origin: dev.appOrigin,
    headers: { "idempotency-key": "has a space" },
    json: { title: "t" },
  });
  return (await errorAnswer(response)).message;
}

async function openapiText(): Promise<string> {
  return (await fetch(`${dev.gatewayUrl}/openapi.json`)).text();
}

test("a saved service-kit file restarts the gateway and the services, not the rest", async () => {
  expect(await keyProblem()).toContain(KIT_REASON);
  const from = dev.mark();
  await dev.edit(KIT_FILE, (text) => text.replace(KIT_REASON, "printable ASCII, edited live"));

  const message = await until("the gateway answering the edited kit's message", async () => {
    const got = await keyProblem();
    return got.includes("edited live") ? got : null;
  });
  expect(message).toBe("Idempotency-Key: must be 1 to 255 printable ASCII, edited live");
  const line = await dev.printedLine(/restarted gateway \(.*\) in \d+ ms/, from);
  expect(line).toContain(`(${KIT_FILE} changed)`);
  await dev.printedLine(/restarted notes \(service-kit\/.*\) in \d+ ms/, from);
  await dev.printedLine(/restarted identity \(service-kit\/.*\) in \d+ ms/, from);
  expect(dev.printed(from)).not.toContain("restarted fake-oauth");
});

test("a saved proto is generated and the gateway serves it; a broken one leaves it serving", async () => {
  const add = (description: string) => (text: string) =>
    text.replace(
      "  string body = 3;\n",
      `  string body = 3;\n  // ${description}\n  string colour = 42;\n`,
    );
  let from = dev.mark();
  await dev.edit(PROTO_FILE, add("Colour of the card, added live."));
  await until("/openapi.json with the new field", async () =>
    (await openapiText()).includes("Colour of the card, added live.") ? true : null,
  );
  expect(await dev.printedLine(/generated \(.*\) in \d+ ms/, from)).toContain(PROTO_FILE);
  await dev.printedLine(/restarted gateway \(contracts\/proto\/.*\) in \d+ ms/, from);

  from = dev.mark();
  await dev.edit(PROTO_FILE, (text) => text.replace("string colour = 42;", "string colour = ;"));
  await dev.printedLine(/generation FAILED/, from);
  // buf's own message, naming the file from the repository root.
  expect(dev.printed(from)).toContain(`${PROTO_FILE}:`);
  expect(dev.printed(from)).not.toContain("restarted gateway");
  expect((await fetch(`${dev.gatewayUrl}/readyz`)).status).toBe(200);
  expect(await openapiText()).toContain("Colour of the card, added live.");

  from = dev.mark();
  await dev.edit(PROTO_FILE, (text) =>
    text.replace("string colour = ;", "string colour = 42;").replace("added live.", "fixed live."),
  );
  await until("/openapi.json after the fix", async () =>
    (await openapiText()).includes("Colour of the card, fixed live.") ? true : null,
  );
  await dev.printedLine(/restarted gateway \(contracts\/proto\/.*\) in \d+ ms/, from);
});

test("a kit edit that breaks start-up is reported; the fix brings the processes back", async () => {
  let from = dev.mark();
  await dev.edit(KIT_FILE, (text) => `${text}\nexport const broken = ;\n`);
  const failed = await dev.printedLine(/restart FAILED \(service-kit\/[^)]*\)/, from);
  expect(failed).toContain(KIT_FILE);
  // Bun's own message, with the file and line, is in the output above the report.
  expect(dev.printed(from)).toContain(`${KIT_FILE}:`);
  // The fake provider runs no kit code: it keeps answering.
  expect(dev.printed(from)).not.toContain("restarted fake-oauth");

  from = dev.mark();
  await dev.edit(KIT_FILE, (text) => text.replace("\nexport const broken = ;\n", ""));
  await dev.printedLine(/restarted gateway \(service-kit\/.*\) in \d+ ms/, from);
  expect(await keyProblem()).toContain("edited live");
});
