import { expect, test } from "bun:test";
import { serviceNames } from "./naming.ts";
import { identifierWords, renameText } from "./rename.ts";

const things = serviceNames("things");
const inventory = serviceNames("inventory", "item");

// Template snippets and what they become: the service's name where notes names the service,
// the resource everywhere else. Inventory storing items tells the two apart.
test.each([
  {
    from: `"name": "@trellis/notes",`,
    things: `"name": "@trellis/things",`,
    inventory: `"name": "@trellis/inventory",`,
  },
  {
    from: "package trellis.notes.v1;",
    things: "package trellis.things.v1;",
    inventory: "package trellis.inventory.v1;",
  },
  {
    from: "service NotesService {",
    things: "service ThingsService {",
    inventory: "service InventoryService {",
  },
  {
    from: 'import { NotesServiceService } from "@trellis/contracts/notes/v1";',
    things: 'import { ThingsServiceService } from "@trellis/contracts/things/v1";',
    inventory: 'import { InventoryServiceService } from "@trellis/contracts/inventory/v1";',
  },
  {
    from: "rpc ListNotes(ListNotesRequest) returns (ListNotesResponse) {",
    things: "rpc ListThings(ListThingsRequest) returns (ListThingsResponse) {",
    inventory: "rpc ListItems(ListItemsRequest) returns (ListItemsResponse) {",
  },
  {
    from: 'patch: "/api/notes/{note.id}"',
    things: 'patch: "/api/things/{thing.id}"',
    inventory: 'patch: "/api/items/{item.id}"',
  },
  {
    from: "CREATE TABLE note_labels (",
    things: "CREATE TABLE thing_labels (",
    inventory: "CREATE TABLE item_labels (",
  },
  {
    from: "CREATE INDEX notes_owner_id_id_idx ON notes (owner_id, id DESC);",
    things: "CREATE INDEX things_owner_id_id_idx ON things (owner_id, id DESC);",
    inventory: "CREATE INDEX items_owner_id_id_idx ON items (owner_id, id DESC);",
  },
  {
    from: "export const NOTE_ID = noteId(1);",
    things: "export const THING_ID = thingId(1);",
    inventory: "export const ITEM_ID = itemId(1);",
  },
  {
    from: 'const deps: Pick<Deps, "notes"> = { notes: createNotesRepo(sql) };',
    things: 'const deps: Pick<Deps, "things"> = { things: createThingsRepo(sql) };',
    inventory: 'const deps: Pick<Deps, "items"> = { items: createItemsRepo(sql) };',
  },
  {
    from: 'await runService({ name: "notes", loadConfig });',
    things: 'await runService({ name: "things", loadConfig });',
    inventory: 'await runService({ name: "inventory", loadConfig });',
  },
  {
    from: 'import { notesDatabase, startNotesServer } from "./notes-server.ts";',
    things: 'import { thingsDatabase, startThingsServer } from "./things-server.ts";',
    inventory: 'import { inventoryDatabase, startInventoryServer } from "./inventory-server.ts";',
  },
  {
    from: "--outfile dist/notes && cp -R migrations dist/migrations",
    things: "--outfile dist/things && cp -R migrations dist/migrations",
    inventory: "--outfile dist/inventory && cp -R migrations dist/migrations",
  },
  {
    from: 'LABEL org.opencontainers.image.title="trellis-notes"',
    things: 'LABEL org.opencontainers.image.title="trellis-things"',
    inventory: 'LABEL org.opencontainers.image.title="trellis-inventory"',
  },
  {
    from: "# docker build -t trellis/notes service-template",
    things: "# docker build -t trellis/things services/things",
    inventory: "# docker build -t trellis/inventory services/inventory",
  },
  {
    from: "# The notes service: one binary",
    things: "# The things service: one binary",
    inventory: "# The inventory service: one binary",
  },
  {
    from: "src/handlers/list-notes.test.ts",
    things: "src/handlers/list-things.test.ts",
    inventory: "src/handlers/list-items.test.ts",
  },
  {
    from: "migrations/0002_create_note_labels.sql",
    things: "migrations/0002_create_thing_labels.sql",
    inventory: "migrations/0002_create_item_labels.sql",
  },
])("$from", ({ from, ...want }) => {
  expect({ things: renameText(from, things), inventory: renameText(from, inventory) }).toEqual(
    want,
  );
});

test("a renamed text keeps what is not a note as it was", () => {
  const text = "annotations.proto: the owner's title and body, 20000 characters";
  expect(renameText(text, inventory)).toBe(text);
});

test.each([
  { text: "const ownerId = NOTE_ID;", want: ["const", "owner", "id", "note"] },
  { text: "// ordering by id\nSELECT x FROM t ORDER BY id", want: ["x", "t", "id"] },
  { text: 'test("returns the note", () => fail("x"));', want: ["test", "fail", "x"] },
  { text: "CREATE TABLE note_labels (", want: ["note", "labels"] },
])("identifierWords($text)", ({ text, want }) => {
  expect([...identifierWords(text)].sort()).toEqual([...want].sort());
});
