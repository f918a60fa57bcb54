// The peer's notes service: a NestJS microservice on the gRPC transport (grpc-js and
// proto-loader), reading and writing Trellis's notes table through a node-postgres Pool.
import "reflect-metadata";
import { NestFactory } from "@nestjs/core";
import { type MicroserviceOptions, Transport } from "@nestjs/microservices";
import { integer, required } from "../shared/env.js";
import { loaderOptions, protoPath } from "../shared/grpc.js";
import { NotesModule } from "./notes.module.js";

const app = await NestFactory.createMicroservice<MicroserviceOptions>(
  NotesModule.forRoot({
    databaseUrl: required("DATABASE_URL"),
    poolMax: integer("POOL_MAX", 10),
  }),
  {
    transport: Transport.GRPC,
    options: {
      package: "peer.notes.v1",
      protoPath: protoPath.notes,
      url: `127.0.0.1:${required("PORT")}`,
      loader: loaderOptions,
    },
    logger: ["error", "warn"],
  },
);
await app.listen();
console.log(`notes listening on 127.0.0.1:${required("PORT")}`);
