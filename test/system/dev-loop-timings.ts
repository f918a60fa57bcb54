// Edit-to-served times of `bun run dev` on this machine, for the README's "Dev loop": not a test
// (its numbers depend on the machine), run by hand: `bun test/system/dev-loop-timings.ts`.
// Each kind of file is edited three times on a scratch copy; the time is from the write to the
// first answer (or, for the web app, the page in Chromium) that shows the edit.
import { launchChromium } from "./e2e/chromium.ts";
import { createBrowser } from "./support/browser.ts";
import { startDevRunner } from "./support/dev-runner.ts";

const ROUNDS = 3;
const dev = await startDevRunner();
const browser = createBrowser(dev.gatewayUrl);
await browser.signIn("dev", { id: "timings", name: "Timings" });

async function errorMessage(path: string, init: Parameters<typeof browser.api>[1] = {}) {
  const response = await browser.api(path, { origin: dev.appOrigin, ...init });
  const body = (await response.json()) as { error?: { message?: string } };
  return body.error?.message ?? "";
}

/** Milliseconds from the edit to `served()` being true, polled every 20 ms. */
async function timeEdit(
  file: string,
  change: (text: string) => string,
  served: () => Promise<boolean>,
) {
  const start = performance.now();
  await dev.edit(file, change);
  while (!(await served().catch(() => false))) {
    if (performance.now() - start > 30_000) {
      throw new Error(`${file}: not served within 30 s\n${dev.printed()}`);
    }
    await Bun.sleep(20);
  }
  return Math.round(performance.now() - start);
}

const kinds: Record<string, (round: number) => Promise<number>> = {
  "service file (service-template/src/page-token.ts)": (round) =>
    timeEdit(
      "service-template/src/page-token.ts",
      (text) =>
        text.replaceAll(
          /not a token issued by this service( \d+)?/g,
          `not a token issued by this service ${round}`,
        ),
      async () => (await errorMessage("/api/notes?page_token=x")).endsWith(` ${round}`),
    ),
  "kit file (service-kit/src/wire/idempotency-key.ts)": (round) =>
    timeEdit(
      "service-kit/src/wire/idempotency-key.ts",
      (text) => text.replaceAll(/\(no spaces\)( \d+)?/g, `(no spaces) ${round}`),
      async () =>
        (
          await errorMessage("/api/notes", {
            method: "POST",
            headers: { "idempotency-key": "a b" },
            json: { title: "t" },
          })
        ).endsWith(` ${round}`),
    ),
  "proto (contracts/proto/trellis/notes/v1/notes.proto)": (round) =>
    timeEdit(
      "contracts/proto/trellis/notes/v1/notes.proto",
      (text) =>
        text.replaceAll(
          /Body: up to 20,000 characters; may be empty\.( \d+)?/g,
          `Body: up to 20,000 characters; may be empty. ${round}`,
        ),
      async () =>
        (await (await fetch(`${dev.gatewayUrl}/openapi.json`)).text()).includes(
          `may be empty. ${round}`,
        ),
    ),
};

const results: Record<string, number[]> = {};
for (const [kind, measure] of Object.entries(kinds)) {
  results[kind] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    results[kind].push(await measure(round));
    await Bun.sleep(500);
  }
}

// The web app: Vite's hot update, seen in a real page through the gateway's origin.
const launched = await launchChromium();
if ("browser" in launched) {
  const page = await launched.browser.newPage();
  await page.goto(`${dev.appOrigin}/signin`);
  await page.getByRole("heading", { name: "Sign in" }).waitFor();
  const web: number[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const start = performance.now();
    await dev.edit("gateway/web/src/pages/SignIn.svelte", (text) =>
      text.replaceAll(
        /kept safe and in one place\.( \d+)?/g,
        `kept safe and in one place. ${round}`,
      ),
    );
    await page.getByText(`kept safe and in one place. ${round}`).waitFor({ timeout: 30_000 });
    web.push(Math.round(performance.now() - start));
    await Bun.sleep(500);
  }
  results["web file (gateway/web/src/pages/SignIn.svelte)"] = web;
  await launched.browser.close();
}

await dev.stop();
for (const [kind, times] of Object.entries(results)) {
  const sorted = times.toSorted((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  process.stdout.write(`${kind}: ${times.join(", ")} ms (median ${median})\n`);
}
process.exit(0);
