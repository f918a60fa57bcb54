import { afterEach, expect, test } from "bun:test";
import { constants, type ServerHttp2Stream } from "node:http2";
import { status } from "@grpc/grpc-js";
import { freePort, testCallerKeys } from "@trellis/testing";
import { parseSigningKey } from "../src/caller/caller-keys.ts";
import { createClient } from "../src/client/client.ts";
import { type Target, targetOf } from "../src/client/targets.ts";
import type { GrpcServer } from "../src/server/grpc-server.ts";
import { frameMessage } from "../src/wire/message-frame.ts";
import { echo, echoService, startEchoHost } from "./support/echo-service.ts";
import { grpcAnswer, http2Fakes, outcome } from "./support/fake-http2.ts";
import {
  frame,
  frameType,
  grpcResponseFrames,
  rawHttp2Server,
} from "./support/raw-http2-server.ts";

// A name that stands for several replicas (Docker's DNS during a rolling deploy, a headless
// Service), and servers that go away: what the kit's client does so that no call fails.

const hosts: GrpcServer[] = [];
const { channelTo, http2Server, defer, cleanUp } = http2Fakes();
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((host) => host.shutdown()));
  await cleanUp();
});

const callerKey = parseSigningKey(testCallerKeys.signingKey);
const USER_ID = "0b6a3f7e-3d1c-4f0e-9a57-8c2d1e4b5a69";

/** An echo replica that counts the calls it answers. */
async function countingReplica(shutdownDelayMs = 0) {
  const seen = { calls: 0 };
  const host = await startEchoHost({
    shutdownDelayMs,
    handler: async (request, caller) => {
      seen.calls++;
      return echo(request, caller);
    },
  });
  host.markServing();
  hosts.push(host);
  return { host, seen, target: targetOf("127.0.0.1", host.port) };
}

function clientOf(targets: Target[], healthPollMs = 100) {
  return createClient(echoService, "echo.internal:50051", {
    timeoutMs: 2_000,
    callerKey,
    healthPollMs,
    resolveTargets: async () => targets,
  });
}

test("a replica that drains: calls move to the other one before it stops taking them, and none fails", async () => {
  const replicas = [await countingReplica(2_000), await countingReplica(2_000)];
  const client = clientOf(replicas.map((replica) => replica.target));
  const failures: unknown[] = [];
  let running = true;
  const loop = async (): Promise<void> => {
    while (running) {
      await client.echo({ text: "hi" }, { userId: USER_ID }).catch((error) => failures.push(error));
    }
  };
  const loops = [loop(), loop(), loop()];
  while (replicas.every((replica) => replica.seen.calls === 0)) {
    await Bun.sleep(10);
  }
  const [draining, other] = replicas[0]?.seen.calls ? replicas : [...replicas].reverse();
  if (draining === undefined || other === undefined) {
    throw new Error("two replicas");
  }

  // shutdown(): NOT_SERVING for 2 s while still answering, then GOAWAY and the drain.
  const stopped = draining.host.shutdown();
  await Bun.sleep(1_000);
  const answeredByThen = draining.seen.calls;
  await stopped;
  await Bun.sleep(100);
  running = false;
  await Promise.all(loops);
  client.close();

  expect(failures).toEqual([]);
  // Moved within the first second of the delay (a poll every 100 ms): nothing in the second.
  expect(draining.seen.calls).toBe(answeredByThen);
  expect(other.seen.calls).toBeGreaterThan(0);
});

test("a name whose first address refuses connections: calls go to the address that answers", async () => {
  const live = await countingReplica();
  const dead = targetOf("127.0.0.1", freePort());
  const client = clientOf([dead, live.target]);

  const answers = [];
  for (let i = 0; i < 5; i++) {
    answers.push(await client.echo({ text: `${i}` }, { userId: USER_ID }));
  }
  client.close();

  expect(answers.map((answer) => answer.text)).toEqual(["0", "1", "2", "3", "4"]);
  expect(live.seen.calls).toBe(5);
});

const request = {
  path: "/test.v1.EchoService/Echo",
  message: Buffer.from("hi"),
  headers: {},
  timeoutMs: 2_000,
};
const ok = (stream: ServerHttp2Stream, text: string): void =>
  grpcAnswer(stream, frameMessage(Buffer.from(text)), { "grpc-status": "0" });

test("calls sent after the server's GOAWAY, above its last stream id, are made again on a new connection", async () => {
  const port = freePort();
  let streams = 0;
  const server = await http2Server(port, (stream) => {
    streams++;
    if (streams === 1) {
      // Takes the first stream, says it will take no more, answers it a little later.
      stream.session?.goaway(constants.NGHTTP2_NO_ERROR, stream.id);
      setTimeout(() => ok(stream, "first"), 100);
    } else {
      ok(stream, "again");
    }
  });
  const channel = channelTo(port);

  const first = outcome(channel.unary(request, 1024));
  await Bun.sleep(20);
  const later = [outcome(channel.unary(request, 1024)), outcome(channel.unary(request, 1024))];

  expect(await first).toBe("first");
  expect(await Promise.all(later)).toEqual(["again", "again"]);
  expect(server.connections()).toBe(2);
});

test.each([
  { name: "once: made again, and answered", refusals: 1, want: "answered", streams: 2 },
  {
    name: "every time: made again once only, then UNAVAILABLE",
    refusals: 5,
    want: { code: status.UNAVAILABLE, details: "Stream refused by server" },
    streams: 2,
  },
])("a stream the server refuses $name", async ({ refusals, want, streams }) => {
  const port = freePort();
  let seen = 0;
  const server = await rawHttp2Server(port, (streamId, write) => {
    if (++seen <= refusals) {
      const code = Buffer.alloc(4);
      code.writeUInt32BE(constants.NGHTTP2_REFUSED_STREAM);
      write(frame(frameType.rstStream, 0, streamId, code));
    } else {
      write(grpcResponseFrames(streamId, frameMessage(Buffer.from("answered"))));
    }
  });
  defer(server.stop);

  expect(await outcome(channelTo(port).unary(request, 1024))).toEqual(want);
  expect(seen).toBe(streams);
});
