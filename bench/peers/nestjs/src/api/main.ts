// The peer's API process: NestJS on its Fastify adapter (the one NestJS's docs recommend for
// performance), serving GET /api/me and GET/POST /api/notes by calling the identity and notes
// services through @nestjs/microservices' gRPC client.
import "reflect-metadata";
import { randomUUID } from "node:crypto";
import fastifyCookie from "@fastify/cookie";
import { NestFactory } from "@nestjs/core";
import { FastifyAdapter, type NestFastifyApplication } from "@nestjs/platform-fastify";
import { integer, required } from "../shared/env.js";
import { ApiModule } from "./api.module.js";
import { ApiErrorFilter } from "./error.filter.js";
import { validationPipe } from "./validation.js";

const port = integer("PORT", 3000);
const adapter = new FastifyAdapter({
  // Trellis's gateway refuses bodies over 64 KiB too (BODY_LIMIT_BYTES).
  bodyLimit: integer("BODY_LIMIT_BYTES", 64 * 1024),
  // A request id per request, as the gateway makes one: error bodies carry it.
  genReqId: () => randomUUID(),
});
const app = await NestFactory.create<NestFastifyApplication>(
  ApiModule.forRoot({
    appOrigin: required("APP_ORIGIN"),
    identityAddress: required("IDENTITY_ADDRESS"),
    notesAddress: required("NOTES_ADDRESS"),
  }),
  adapter,
  { logger: ["error", "warn"] },
);
await app.register(fastifyCookie);
app
  .getHttpAdapter()
  .getInstance()
  .addHook("onRequest", async (request, reply) => {
    reply.header("x-request-id", request.id);
  });
app.useGlobalPipes(validationPipe());
app.useGlobalFilters(new ApiErrorFilter());
await app.listen(port, "127.0.0.1");
console.log(`api listening on http://127.0.0.1:${port}`);
