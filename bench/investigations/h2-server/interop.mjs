// Can a grpc-js client under Node (not Bun) call unary-server.ts? Starts h2-server.ts under Bun,
// makes a few calls of each kind and prints what each came to; exits 1 on any surprise.
// Plain JavaScript because Node 20 runs no TypeScript. Usage (from the repository root):
//   node bench/investigations/h2-server/interop.mjs
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { credentials, Metadata, makeGenericClientConstructor, status } from "@grpc/grpc-js";

const bytes = (message) => message;
const method = (path) => ({
  path,
  requestStream: false,
  responseStream: false,
  requestSerialize: bytes,
  requestDeserialize: bytes,
  responseSerialize: bytes,
  responseDeserialize: bytes,
});
const definition = {
  create: method("/bench.v1.NotesLike/Create"),
  list: method("/bench.v1.NotesLike/List"),
  fail: method("/bench.v1.Interop/Fail"),
  sleep: method("/bench.v1.Interop/Sleep"),
  missing: method("/bench.v1.Interop/Missing"),
};

const cases = [
  { name: "create", call: "create", request: 140, want: { bytes: 190 } },
  { name: "create again, same connection", call: "create", request: 140, want: { bytes: 190 } },
  { name: "list (20 notes)", call: "list", request: 8, want: { bytes: 3_500 } },
  { name: "empty request", call: "create", request: 0, want: { bytes: 190 } },
  {
    name: "a handler's error, non-ASCII message",
    call: "fail",
    request: 1,
    want: { code: status.INVALID_ARGUMENT, details: "title: must not be empty ☺" },
  },
  { name: "deadline", call: "sleep", request: 1, want: { code: status.DEADLINE_EXCEEDED } },
  { name: "unknown method", call: "missing", request: 1, want: { code: status.UNIMPLEMENTED } },
  {
    name: "request over 4 MiB",
    call: "create",
    request: 4 * 1024 * 1024 + 1,
    want: { code: status.RESOURCE_EXHAUSTED },
  },
];

async function freePort() {
  const probe = createServer().listen(0, "127.0.0.1");
  await once(probe, "listening");
  const { port } = probe.address();
  probe.close();
  return port;
}

function outcomeOf(client, { call, request }) {
  const metadata = new Metadata();
  metadata.set("x-trellis-caller", "a-token-the-server-ignores");
  const options = { deadline: Date.now() + (call === "sleep" ? 200 : 2_000) };
  return new Promise((resolve) =>
    client[call](Buffer.alloc(request, 1), metadata, options, (error, answer) =>
      resolve(error ? { code: error.code, details: error.details } : { bytes: answer.length }),
    ),
  );
}

const port = await freePort();
const server = spawn("bun", [new URL("h2-server.ts", import.meta.url).pathname], {
  env: { ...process.env, PORT: String(port) },
  stdio: ["ignore", "pipe", "inherit"],
});
await once(server.stdout, "data");
const Client = makeGenericClientConstructor(definition, "");
// grpc-js refuses to send more than its default receive limit only when told; 8 MiB lets the
// oversized request reach the server, which must refuse it.
const client = new Client(`127.0.0.1:${port}`, credentials.createInsecure(), {
  "grpc.max_send_message_length": 8 * 1024 * 1024,
});
let failures = 0;
for (const c of cases) {
  const got = await outcomeOf(client, c);
  const ok = Object.entries(c.want).every(([key, value]) => got[key] === value);
  failures += ok ? 0 : 1;
  console.log(`${ok ? "ok  " : "FAIL"} ${c.name}: ${JSON.stringify(got)}`);
}
client.close();
server.kill("SIGTERM");
console.log(
  `node ${process.version}, grpc-js client: ${cases.length - failures}/${cases.length} as expected`,
);
process.exit(failures === 0 ? 0 : 1);
