import { type DynamicModule, Module } from "@nestjs/common";
import { poolProvider } from "../shared/database.js";
import { IdentityController } from "./identity.controller.js";
import { SessionsRepository } from "./sessions.repository.js";

@Module({})
export class IdentityModule {
  static forRoot(config: { databaseUrl: string; poolMax: number }): DynamicModule {
    return {
      module: IdentityModule,
      controllers: [IdentityController],
      providers: [poolProvider(config.databaseUrl, config.poolMax), SessionsRepository],
    };
  }
}
