// Does Bun's node:http2 client index a repeated ~450-byte header (the caller token) when the
// server offers a larger HPACK table? `bun hpack-table.ts`: bytes the client writes per request
// for 100 distinct tokens sent in turn, with the default 4 KiB table and with 256 KiB.
import { connect, createServer, type ServerHttp2Stream } from "node:http2";
import type { Socket } from "node:net";

async function run(tableSize: number | undefined, clientDeflate: number | undefined) {
  const server = createServer(tableSize ? { settings: { headerTableSize: tableSize } } : {});
  server.on("stream", (s: ServerHttp2Stream) => {
    s.respond({ ":status": 200 });
    s.end("ok");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  const session = connect(
    `http://127.0.0.1:${port}`,
    clientDeflate ? ({ maxDeflateDynamicTableSize: clientDeflate } as never) : {},
  );
  const tokens = Array.from(
    { length: 100 },
    (_, i) =>
      `${i}`.padStart(4, "0") +
      "x".repeat(446).replace(/x/g, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))),
  );
  const one = (t: string) =>
    new Promise<void>((r) => {
      const s = session.request({ ":path": "/", "x-caller": t });
      s.on("data", () => {});
      s.on("end", () => r());
      s.end();
    });
  for (let round = 0; round < 2; round++) {
    for (const t of tokens) {
      await one(t);
    }
  }
  const before = (session.socket as Socket).bytesWritten;
  for (const t of tokens) {
    await one(t);
  }
  const after = (session.socket as Socket).bytesWritten;
  console.log({ tableSize, clientDeflate, bytesPerRequest: (after - before) / tokens.length });
  session.close();
  server.close();
}
await run(undefined, undefined);
await run(262144, undefined);
await run(262144, 262144);
