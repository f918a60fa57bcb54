// Each process of a binary set ($1/bin, as build-variant.sh makes) started on scratch databases
// and left idle for a few seconds: its memory by part (smaps.ts) and, for a DIAG=1 build, its JS
// heap. Light: no load, databases of its own (rss_idle_*), so it needs no heavy lock.
// `bun idle.ts <set dir> [seconds]`; BUN_OPTIONS passes through.
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { generateCallerKeys } from "@trellis/service-kit";
import { childEnv, spawnChild, stopAllChildren } from "../../processes.ts";
import { adminPool, databaseUrl, dropDatabase, recreateDatabase } from "../../stack.ts";
import { memoryParts } from "./smaps.ts";

const [set = "", secondsArg = "5"] = process.argv.slice(2);
const adminUrl = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const keys = generateCallerKeys("rss");
const admin = adminPool(adminUrl);
const databases = ["rss_idle_identity", "rss_idle_notes"];
try {
  for (const database of databases) {
    await recreateDatabase(admin, database);
  }
  const base = { HOST: "127.0.0.1", LOG_LEVEL: "info", OTEL_SDK_DISABLED: "true" };
  const service = (name: string, port: number, database: string) =>
    spawnChild({
      name,
      command: [join(set, "bin", name)],
      env: childEnv({
        ...base,
        PORT: String(port),
        DATABASE_URL: databaseUrl(adminUrl, database),
        CALLER_PUBLIC_KEYS: keys.publicKey,
      }),
    });
  const children = {
    identity: service("identity", 47101, "rss_idle_identity"),
    notes: service("notes", 47102, "rss_idle_notes"),
  };
  await Bun.sleep(2000);
  const gateway = spawnChild({
    name: "gateway",
    command: [join(set, "bin", "gateway")],
    env: childEnv({
      ...base,
      MODE: "production",
      PORT: "47100",
      APP_ORIGIN: "http://127.0.0.1:47100",
      ALLOW_HTTP_ORIGIN: "true",
      CALLER_SIGNING_KEY: keys.signingKey,
      IDENTITY_ADDRESS: "127.0.0.1:47101",
      REST_SERVICES: "trellis.notes.v1.NotesService=127.0.0.1:47102",
    }),
  });
  await Bun.sleep(Number(secondsArg) * 1000);
  for (const [role, child] of Object.entries({ ...children, gateway })) {
    console.log(role, JSON.stringify(memoryParts(child.pid)));
    if (process.env.DIAG === "1") {
      process.kill(child.pid, "SIGUSR2");
      await Bun.sleep(1000);
      const file = `/tmp/rss-diag-${child.pid}.json`;
      console.log(" ", readFileSync(file, "utf8"));
      rmSync(file);
    }
  }
} finally {
  await stopAllChildren();
  for (const database of databases) {
    await dropDatabase(admin, database);
  }
  await admin.end({ timeout: 5 });
}
