import { expect, test } from "bun:test";
import { descriptorSet } from "@trellis/contracts/descriptors";
import { loadRestApi } from "./rest-api.ts";

const NOTES = "trellis.notes.v1.NotesService";
const NOTEZ = "trellis.notez.v1.NotesService";

// The contracts' descriptors with notes copied as trellis.notez.v1 under /auth/note: edited in
// the bytes, each text replaced by one of the same length, so no length prefix changes.
function notezUnderAuth(): Uint8Array {
  const text = Buffer.from(descriptorSet()).toString("latin1");
  const edited = text
    .replaceAll("trellis/notes/v1", "trellis/notez/v1")
    .replaceAll("trellis.notes.v1", "trellis.notez.v1")
    .replaceAll("/api/notes", "/auth/note");
  return new Uint8Array(Buffer.from(edited, "latin1"));
}
const IDENTITY = "trellis.identity.v1.IdentityService";

test("serves nothing and reads no file when REST_SERVICES is empty", () => {
  const api = loadRestApi({ restServices: [], restDescriptorSets: ["/nowhere"] }, () => {
    throw new Error("read");
  });
  expect(api.routes).toEqual([]);
});

test.each([
  {
    name: "a service without descriptors",
    services: ["trellis.nope.v1.NopeService"],
    sets: [],
    want: "REST_SERVICES: trellis.nope.v1.NopeService has no descriptors (not in @trellis/contracts nor in REST_DESCRIPTOR_SETS)",
  },
  {
    name: "a service without google.api.http RPCs",
    services: [IDENTITY],
    sets: [],
    want: `REST_SERVICES: ${IDENTITY} declares no RPC with google.api.http`,
  },
  {
    name: "a descriptor file that is not a FileDescriptorSet",
    services: [NOTES],
    sets: ["/etc/hunter2"],
    want: "REST_DESCRIPTOR_SETS: entry 1: cannot be read as a binary FileDescriptorSet",
  },
])("refuses $name, naming it", ({ services, sets, want }) => {
  const settings = {
    restServices: services.map((name) => ({ name, address: "127.0.0.1:1" })),
    restDescriptorSets: [...sets],
  };
  let message = "";
  try {
    loadRestApi(settings, () => new TextEncoder().encode("hunter2 is not protobuf"));
  } catch (error) {
    message = error instanceof Error ? error.message : String(error);
  }
  expect(message).toContain(want);
  expect(message).not.toContain("hunter2 is not");
});

test("refuses a route reaching into the gateway's own, naming it", () => {
  const settings = {
    restServices: [{ name: NOTEZ, address: "127.0.0.1:1" }],
    restDescriptorSets: ["/notez.binpb"],
  };
  expect(() => loadRestApi(settings, notezUnderAuth)).toThrow(
    `REST_SERVICES: POST /auth/note (${NOTEZ}/CreateNote) and /auth/** (the gateway's own routes) match the same requests`,
  );
});

test("refuses two services answering the same requests", () => {
  const settings = {
    restServices: [NOTES, NOTEZ].map((name) => ({ name, address: "127.0.0.1:1" })),
    restDescriptorSets: ["/notez.binpb"],
  };
  const moved = () => {
    const text = Buffer.from(notezUnderAuth()).toString("latin1");
    return new Uint8Array(Buffer.from(text.replaceAll("/auth/note", "/api/notes"), "latin1"));
  };
  expect(() => loadRestApi(settings, moved)).toThrow(
    `REST_SERVICES: POST /api/notes (${NOTES}/CreateNote) and POST /api/notes (${NOTEZ}/CreateNote) match the same requests`,
  );
});

test("a descriptor file repeating the contracts' files adds nothing and breaks nothing", () => {
  const settings = { restServices: [{ name: NOTES, address: "127.0.0.1:1" }] };
  const alone = loadRestApi({ ...settings, restDescriptorSets: [] });
  const repeated = loadRestApi({ ...settings, restDescriptorSets: ["/c.binpb"] }, descriptorSet);
  const described = (api: typeof alone) =>
    api.routes.map((r) => `${r.verb} ${r.rule.pathTemplate}`);
  expect(described(repeated)).toEqual(described(alone));
  expect(repeated.routes).toHaveLength(5);
});
