import { type DynamicModule, Module } from "@nestjs/common";
import { ClientsModule, Transport } from "@nestjs/microservices";
import { loaderOptions, protoPath } from "../shared/grpc.js";
import { IDENTITY_PACKAGE, IdentityClient, NOTES_PACKAGE, NotesClient } from "./clients.js";
import { HealthController } from "./health.controller.js";
import { MeController } from "./me.controller.js";
import { NotesController } from "./notes.controller.js";
import { APP_ORIGIN, SameOriginGuard } from "./same-origin.guard.js";
import { SessionGuard } from "./session.guard.js";

export interface ApiConfig {
  appOrigin: string;
  identityAddress: string;
  notesAddress: string;
}

@Module({})
export class ApiModule {
  static forRoot(config: ApiConfig): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        ClientsModule.register([
          {
            name: IDENTITY_PACKAGE,
            transport: Transport.GRPC,
            options: {
              package: "peer.identity.v1",
              protoPath: protoPath.identity,
              url: config.identityAddress,
              loader: loaderOptions,
            },
          },
          {
            name: NOTES_PACKAGE,
            transport: Transport.GRPC,
            options: {
              package: "peer.notes.v1",
              protoPath: protoPath.notes,
              url: config.notesAddress,
              loader: loaderOptions,
            },
          },
        ]),
      ],
      controllers: [HealthController, MeController, NotesController],
      providers: [
        { provide: APP_ORIGIN, useValue: config.appOrigin },
        IdentityClient,
        NotesClient,
        SessionGuard,
        SameOriginGuard,
      ],
    };
  }
}
