import { type Browser, createBrowser } from "../../system/support/browser.ts";
import { type Stack, type StackOptions, startStack } from "../../system/support/stack.ts";
import { createPostgresServer, type PostgresServer } from "./postgres-server.ts";

// One scenario's world: a Postgres of its own, the compiled gateway, identity and notes on it
// (each service its own database, as in production), and one signed-in user.

export interface ChaosStack {
  postgres: PostgresServer;
  stack: Stack;
  /** Signed in through the fake provider: its session cookie is what the load sends. */
  browser: Browser;
}

/** Runs `scenario` on a fresh stack and always takes everything down after, Postgres last. */
export async function withChaosStack<T>(
  options: Pick<StackOptions, "notesPort" | "notesVia">,
  scenario: (world: ChaosStack) => Promise<T>,
): Promise<T> {
  const postgres = await createPostgresServer();
  let stack: Stack | undefined;
  try {
    await postgres.start();
    stack = await startStack({
      from: "binaries",
      databaseServerUrl: postgres.url,
      // Debug lines for every call would cost the processes more than the load does.
      env: { LOG_LEVEL: "info" },
      ...options,
    });
    const browser = createBrowser(stack.gatewayUrl);
    await browser.signIn("google", { id: "chaos-user" });
    return await scenario({ postgres, stack, browser });
  } finally {
    // The stack drops its databases on the way down: Postgres must be up for that.
    // CHAOS_LOGS=<file>: every process's output, to see why a row looks as it does.
    const logFile = process.env.CHAOS_LOGS;
    if (logFile !== undefined && logFile !== "") {
      await Bun.write(logFile, (stack?.logLines() ?? []).join("\n"));
    }
    await postgres.ensureRunning().catch(() => {});
    await stack?.stop().catch(() => {});
    await postgres.destroy();
  }
}
