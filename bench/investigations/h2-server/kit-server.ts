// B with --kit: the kit's own server (service-kit's startGrpcServer, the product server that
// replaced grpc-js's) answering the notes-like methods with fixed bytes, no bindService (no
// caller check, span or log): the transport alone, as the other two. Environment: PORT, and
// KIT_SOURCE: another copy of the kit's src/index.ts to serve with (run.ts --kit-vs, an A/B of two
// versions of the kit's server).
import type * as Kit from "@trellis/service-kit";
import { answers, notesLikeDefinition } from "./notes-like-definition.ts";

const { silentLogger, startGrpcServer }: typeof Kit = await import(
  process.env.KIT_SOURCE ?? "@trellis/service-kit"
);

const server = await startGrpcServer({
  services: [
    {
      name: "bench.v1.NotesLike",
      definition: notesLikeDefinition,
      implementation: {
        create: async () => ({ response: answers.create }),
        list: async () => ({ response: answers.list }),
      },
    },
  ],
  host: "127.0.0.1",
  port: Number(process.env.PORT),
  log: silentLogger(),
  shutdownDelayMs: 0,
  shutdownGraceMs: 1_000,
});
server.markServing();
console.log("ready");
process.on("SIGTERM", () => void server.shutdown().then(() => process.exit(0)));
