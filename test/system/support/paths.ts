import { join } from "node:path";

// The folders the system tests start, from the repository root: the gateway (and its fake OAuth
// provider and web app), identity, notes (the service template) and the contracts, whose buf
// and protos compile the greetings fixture.

export const repoRoot = join(import.meta.dir, "../../..");

export const gatewayDir = join(repoRoot, "gateway");
export const webDir = join(gatewayDir, "web");
export const identityDir = join(repoRoot, "services/identity");
export const notesDir = join(repoRoot, "service-template");
export const contractsDir = join(repoRoot, "contracts");

/** test/system/fixtures. */
export const fixturesDir = join(import.meta.dir, "../fixtures");
