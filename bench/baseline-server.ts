// The one-hop baseline, run by bench/run.ts as its own process: one Elysia route that makes one
// gRPC call (notes.GetNote of a seeded note: a primary-key read) through the kit's client, signed
// for the note's owner, and answers the note as JSON. No session check, no middleware: the floor
// of "HTTP in, one hop, one read, JSON out" on this machine, to hold the gateway's routes against.
//
// Environment: PORT, NOTES_ADDRESS, CALLER_SIGNING_KEY, NOTE_ID, NOTE_OWNER_ID.
import { NotesServiceService } from "@trellis/contracts/notes/v1";
import { createClient, parseSigningKey } from "@trellis/service-kit";
import { Elysia } from "elysia";

function setting(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === "") {
    throw new Error(`baseline-server: ${name} is required`);
  }
  return value;
}

const notes = createClient(NotesServiceService, setting("NOTES_ADDRESS"), {
  timeoutMs: 2_000,
  callerKey: parseSigningKey(setting("CALLER_SIGNING_KEY")),
});
const noteId = setting("NOTE_ID");
const ownerId = setting("NOTE_OWNER_ID");

const app = new Elysia()
  .get("/healthz", () => ({ status: "ok" }))
  .get("/one-hop", async () => {
    const { note } = await notes.getNote({ id: noteId }, { userId: ownerId });
    return note;
  })
  .listen({ hostname: "127.0.0.1", port: Number(setting("PORT")) });

const stop = async (): Promise<void> => {
  await app.stop();
  notes.close();
  process.exit(0);
};
process.on("SIGTERM", () => void stop());
process.on("SIGINT", () => void stop());
