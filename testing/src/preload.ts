import { afterAll } from "bun:test";
import { stopTestDatabaseServer } from "./test-database.ts";

// Loaded through bunfig.toml's [test].preload: a hook here runs once, after every test file.
afterAll(stopTestDatabaseServer);
