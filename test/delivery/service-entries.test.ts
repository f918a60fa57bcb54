// The files that must name every service (both Compose files, the deployment's database init,
// the env examples) list exactly the services discovered from their package.json: a service added
// without its entries fails here, and so does an entry left behind by a removed service.
// `bun run new-service` writes the entries (scripts/services/entries/write.ts).
import { expect, test } from "bun:test";
import { type Document, parseDocument } from "yaml";
import { discoverServices } from "../../scripts/services/discover.ts";
import { type EntryTexts, serviceEntryProblems } from "../../scripts/services/entries/check.ts";
import { ENTRY_FILES } from "../../scripts/services/entries/write.ts";
import { ROOT, readText } from "./repo.ts";

const services = await discoverServices(ROOT);
const texts = Object.fromEntries(
  await Promise.all(ENTRY_FILES.map(async ({ path }) => [path, await readText(path)])),
) as EntryTexts;

test("every file that lists services lists exactly the discovered ones", () => {
  expect(services.map((service) => service.name)).toContain("notes");
  expect(serviceEntryProblems(texts, services)).toEqual([]);
});

// The check can fail: each planted omission or stale entry below is found.
const notes = { name: "notes", dir: "service-template", port: 50051, rest: [] as string[] };
const planted: {
  name: string;
  file: keyof EntryTexts;
  edit: (text: string) => string;
  want: string;
}[] = [
  {
    name: "a service block missing",
    file: "compose.yaml",
    edit: (text) => text.replace("\n  notes:\n", "\n  notez:\n"),
    want: "compose.yaml: services misses notes",
  },
  {
    name: "the gateway's REST_SERVICES entry missing",
    file: "compose.yaml",
    edit: (text) => withoutNotesRest(text, "gateway"),
    want: "compose.yaml: the gateway's REST_SERVICES misses trellis.notes.v1.NotesService=notes:50051",
  },
  {
    // The two gateway replicas of deploy/ must not differ: one missing the entry is found.
    name: "one gateway replica's REST_SERVICES entry missing",
    file: "deploy/compose.yaml",
    edit: (text) => withoutNotesRest(text, "gateway-b"),
    want: "deploy/compose.yaml: gateway-b's REST_SERVICES misses trellis.notes.v1.NotesService=notes:50051",
  },
  {
    name: "one gateway replica's depends_on missing",
    file: "deploy/compose.yaml",
    edit: (text) =>
      editYaml(text, (doc) => doc.deleteIn(["services", "gateway-a", "depends_on", "notes"])),
    want: "deploy/compose.yaml: gateway-a's depends_on misses notes",
  },
  {
    name: "the gateway's depends_on missing",
    file: "compose.yaml",
    edit: (text) =>
      editYaml(text, (doc) => doc.deleteIn(["services", "gateway", "depends_on", "notes"])),
    want: "compose.yaml: the gateway's depends_on misses notes",
  },
  {
    name: "the database missing",
    file: "compose.yaml",
    edit: (text) => text.replace("CREATE DATABASE notes;", ""),
    want: "compose.yaml: the databases misses notes",
  },
  {
    name: "the role's password file missing",
    file: "deploy/compose.yaml",
    edit: (text) => text.replace(/\n {6}- notes-db-password/, ""),
    want: "deploy/compose.yaml: the databases misses notes",
  },
  {
    name: "the init script's line missing",
    file: "deploy/postgres/init-databases.sh",
    edit: (text) => text.replace("create_database notes /run/secrets/notes-db-password", ""),
    want: "deploy/postgres/init-databases.sh misses notes",
  },
  {
    name: "a stale env setting",
    file: ".env.example",
    edit: (text) =>
      text.replace("# NOTES_DATABASE_URL=", "# NOTES_DATABASE_URL=\n# GONE_DATABASE_URL="),
    want: ".env.example names gone, which is no discovered service",
  },
  {
    name: "the deploy secret files' line missing",
    file: "deploy/.env.example",
    edit: (text) => text.replace("# secrets/notes-db-password secrets/notes-database-url\n", ""),
    want: "deploy/.env.example misses notes",
  },
];

test.each(planted)("finds $name", ({ file, edit, want }) => {
  const broken = { ...texts, [file]: edit(texts[file]) };
  expect(broken[file]).not.toBe(texts[file]);
  expect(serviceEntryProblems(broken, services)).toContain(want);
});

test("finds a discovered service that no file lists", () => {
  // A dashed name: discovery takes it, the scaffolder never makes one, so no file can list it.
  const undeclared = {
    ...notes,
    name: "never-listed",
    port: 65000,
    rest: ["trellis.neverlisted.v1.NeverListedService"],
  };
  const problems = serviceEntryProblems(texts, [...services, undeclared]);
  expect(problems).toContain("deploy/compose.yaml: services misses never-listed");
  expect(problems).toContain(".env.example misses never-listed");
});

/** `text` as YAML with `change` applied: edits that hold however many services a file lists. */
function editYaml(text: string, change: (doc: Document) => void): string {
  const doc = parseDocument(text);
  change(doc);
  return doc.toString();
}

/** `text` with the notes entry taken out of one gateway block's REST_SERVICES. */
function withoutNotesRest(text: string, gateway: string): string {
  return editYaml(text, (doc) => {
    const path = ["services", gateway, "environment", "REST_SERVICES"];
    const entries = String(doc.getIn(path)).split(",");
    doc.setIn(path, entries.filter((e) => !e.startsWith("trellis.notes.")).join(","));
  });
}
