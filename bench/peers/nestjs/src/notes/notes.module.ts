import { type DynamicModule, Module } from "@nestjs/common";
import { poolProvider } from "../shared/database.js";
import { NotesController } from "./notes.controller.js";
import { NotesRepository } from "./notes.repository.js";

@Module({})
export class NotesModule {
  static forRoot(config: { databaseUrl: string; poolMax: number }): DynamicModule {
    return {
      module: NotesModule,
      controllers: [NotesController],
      providers: [poolProvider(config.databaseUrl, config.poolMax), NotesRepository],
    };
  }
}
