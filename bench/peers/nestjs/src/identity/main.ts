// The peer's identity service: a NestJS microservice on the gRPC transport (grpc-js and
// proto-loader), reading Trellis's sessions and users tables through a node-postgres Pool.
import "reflect-metadata";
import { NestFactory } from "@nestjs/core";
import { type MicroserviceOptions, Transport } from "@nestjs/microservices";
import { integer, required } from "../shared/env.js";
import { loaderOptions, protoPath } from "../shared/grpc.js";
import { IdentityModule } from "./identity.module.js";

const app = await NestFactory.createMicroservice<MicroserviceOptions>(
  IdentityModule.forRoot({
    databaseUrl: required("DATABASE_URL"),
    poolMax: integer("POOL_MAX", 10),
  }),
  {
    transport: Transport.GRPC,
    options: {
      package: "peer.identity.v1",
      protoPath: protoPath.identity,
      url: `127.0.0.1:${required("PORT")}`,
      loader: loaderOptions,
    },
    logger: ["error", "warn"],
  },
);
await app.listen();
console.log(`identity listening on 127.0.0.1:${required("PORT")}`);
