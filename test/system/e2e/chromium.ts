import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";

const EXECUTABLE = "/usr/bin/chromium";

// Debian's Chromium, headless and quiet: no sandbox (CI containers run as root), no GPU, and
// nothing that phones home, so all traffic stays on 127.0.0.1.
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/**
 * Chromium, or why it cannot run here: the e2e test is then skipped with that reason, which a
 * developer without Chromium sees and CI fails on (scripts/junit-report.ts).
 */
export async function launchChromium(): Promise<{ browser: Browser } | { unavailable: string }> {
  if (!existsSync(EXECUTABLE)) {
    return { unavailable: `no Chromium at ${EXECUTABLE} (apt-get install -y chromium)` };
  }
  try {
    return { browser: await chromium.launch({ executablePath: EXECUTABLE, args: ARGS }) };
  } catch (error) {
    const first = String(error instanceof Error ? error.message : error).split("\n")[0];
    return { unavailable: `Chromium did not start: ${first}` };
  }
}
