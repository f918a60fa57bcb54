import { afterAll, beforeAll, expect, test } from "bun:test";
import { status } from "@grpc/grpc-js";
import {
  createTestDatabase,
  recordSpans,
  type SpanRecorder,
  type TestDatabase,
  testCallerKeys,
} from "@trellis/testing";
import { pino } from "pino";
import { parseSigningKey } from "../src/caller/caller-keys.ts";
import { createClient } from "../src/client/client.ts";
import type { GrpcServer } from "../src/server/grpc-server.ts";
import { echoService, startEchoHost } from "./support/echo-service.ts";

// A query that fails in a way no repository translates is INTERNAL, and its cause goes to the log
// and the call's span. Postgres quotes what it was given in its messages ('invalid input syntax
// for type uuid: "<the value>"', 'Key (title)=(<the value>) already exists'): the log and the
// trace keep the SQLSTATE and the names of what failed, never those words.

const USER_ID = "0b6a3f7e-3d1c-4f0e-9a57-8c2d1e4b5a69";
const logLines: string[] = [];
let db: TestDatabase;
let host: GrpcServer;
let recorder: SpanRecorder;

beforeAll(async () => {
  db = await createTestDatabase({
    migrations: [
      { version: 1, name: "create_titles", sql: "CREATE TABLE titles (title text UNIQUE);" },
    ],
  });
  await db.sql`INSERT INTO titles VALUES ('taken secret title')`;
  recorder = await recordSpans();
  host = await startEchoHost({
    log: pino({ level: "info" }, { write: (line: string) => logLines.push(line) }),
    handler: async (request) => {
      const [mode, value] = request.text.split(":");
      await (mode === "uuid"
        ? db.sql`SELECT ${value}::uuid`
        : db.sql`INSERT INTO titles VALUES (${`taken ${value}`})`);
      return { text: "stored", userId: "" };
    },
  });
  host.markServing();
});
afterAll(async () => {
  await host?.shutdown();
  await recorder?.stop();
  await db?.close();
});

test.each([
  { name: "a value the server could not parse", text: "uuid:secret-not-a-uuid", sqlState: "22P02" },
  { name: "a unique violation's key", text: "title:secret title", sqlState: "23505" },
])(
  "$name: INTERNAL, and neither the log nor the trace holds the value",
  async ({ text, sqlState }) => {
    logLines.length = 0;
    recorder.reset();
    const client = createClient(echoService, `127.0.0.1:${host.port}`, {
      timeoutMs: 2_000,
      callerKey: parseSigningKey(testCallerKeys.signingKey),
    });

    const got = await client.echo({ text }, { userId: USER_ID }).then(
      () => null,
      (error: { code: number; details: string }) => ({ code: error.code, details: error.details }),
    );
    client.close();

    expect(got).toEqual({ code: status.INTERNAL, details: "internal error" });
    const failure = logLines.find((line) => line.includes("rpc failed")) ?? "";
    expect(JSON.parse(failure)).toMatchObject({
      method: "/test.v1.EchoService/Echo",
      err: { type: "PostgresError", sqlState },
    });
    const trace = JSON.stringify((await recorder.spans()).map((span) => span.events));
    expect(trace).toContain(sqlState);
    for (const written of [failure, trace]) {
      expect(written).not.toContain("secret");
    }
  },
);
