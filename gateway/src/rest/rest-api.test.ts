import { expect, test } from "bun:test";
import { descriptorSet } from "@trellis/contracts/descriptors";
import { loadRestApi } from "./rest-api.ts";

const NOTES = "trellis.notes.v1.NotesService";
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
    name: "a route reaching into the gateway's own",
    services: [NOTES],
    sets: [],
    want: `REST_SERVICES: POST /api/notes (${NOTES}/CreateNote) and /api/notes (the gateway's own routes) match the same requests`,
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

test("a descriptor file repeating the contracts' files adds nothing and breaks nothing", () => {
  // The notes service conflicts with the gateway's routes, so the check ends there: it was found.
  const settings = {
    restServices: [{ name: NOTES, address: "127.0.0.1:1" }],
    restDescriptorSets: ["/contracts.binpb"],
  };
  expect(() => loadRestApi(settings, () => descriptorSet())).toThrow("the gateway's own routes");
});
