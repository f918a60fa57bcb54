import { afterAll, expect, test } from "bun:test";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { discoverServices, serviceEntry } from "./discover.ts";

const root = resolve(import.meta.dir, "../..");
const temp = await mkdtemp(join(tmpdir(), "discover-"));
afterAll(() => rm(temp, { recursive: true, force: true }));

test("this repository's services, from their own package.json", async () => {
  const services = await discoverServices(root);
  // Identity and notes at least; a team's own services beside them, in name order.
  const found = services.map(({ name, dir, port }) => ({ name, dir, port }));
  expect(found).toEqual(
    expect.arrayContaining([
      { name: "identity", dir: "services/identity", port: 50052 },
      { name: "notes", dir: "service-template", port: 50051 },
    ]),
  );
  expect(found.map((s) => s.name)).toEqual(found.map((s) => s.name).sort());
  expect(services.find((s) => s.name === "notes")?.rest).toEqual(["trellis.notes.v1.NotesService"]);
});

const valid = { name: "@trellis/things", trellis: { service: { name: "things", port: 50060 } } };

test.each([
  { name: "no trellis.service", manifest: { name: "@trellis/x" }, error: /declares "name"/ },
  {
    name: "an upper-case name",
    manifest: { ...valid, trellis: { service: { name: "Things", port: 50060 } } },
    error: /lower-case/,
  },
  {
    name: "a port below 1024",
    manifest: { ...valid, trellis: { service: { name: "things", port: 80 } } },
    error: /port from 1024/,
  },
  {
    name: "a port as a string",
    manifest: { ...valid, trellis: { service: { name: "things", port: "50060" } } },
    error: /port from 1024/,
  },
  {
    name: "rest not a list",
    manifest: { ...valid, trellis: { service: { name: "things", port: 50060, rest: "x" } } },
    error: /rest must be a list/,
  },
])("refuses a declaration with $name", ({ manifest, error }) => {
  expect(() => serviceEntry("services/things", manifest)).toThrow(error);
});

test("a declaration without rest serves nothing over REST", () => {
  expect(serviceEntry("services/things", valid).rest).toEqual([]);
});

test.each([
  { name: "name", second: { name: "things", port: 50061 }, error: /both declare name things/ },
  { name: "port", second: { name: "stuff", port: 50060 }, error: /both declare port 50060/ },
])("refuses two services with one $name", async ({ second, error }) => {
  const dir = await mkdtemp(join(temp, "repo-"));
  const write = async (folder: string, service: object) => {
    await mkdir(join(dir, folder), { recursive: true });
    const manifest = { name: `@trellis/${folder}`, trellis: { service } };
    await writeFile(join(dir, folder, "package.json"), JSON.stringify(manifest));
  };
  await write("services/a", { name: "things", port: 50060 });
  await write("services/b", second);
  await expect(discoverServices(dir)).rejects.toThrow(error);
});
