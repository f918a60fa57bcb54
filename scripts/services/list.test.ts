import { expect, test } from "bun:test";
import { join, resolve } from "node:path";
import { discoverServices, type ServiceEntry } from "./discover.ts";
import { imageContext, imageTargets } from "./images.ts";

const entry = (name: string, dir: string): ServiceEntry => ({
  name,
  dir,
  packageName: `@trellis/${name}`,
  port: 50060,
  rest: [],
});
const targets = imageTargets([
  entry("notes", "service-template"),
  entry("shopping-list", "services/shopping-list"),
]);

test("the images: the gateway's, then each service's from its own folder", () => {
  expect(targets).toEqual([
    { service: "gateway", context: "gateway", dockerfile: "gateway/Dockerfile" },
    { service: "notes", context: "service-template", dockerfile: "service-template/Dockerfile" },
    {
      service: "shopping-list",
      context: "services/shopping-list",
      dockerfile: "services/shopping-list/Dockerfile",
    },
  ]);
});

test.each([
  { name: "gateway", want: "gateway" },
  { name: "notes", want: "service-template" },
  { name: "shopping-list", want: "services/shopping-list" },
])("the image of $name builds from $want", ({ name, want }) => {
  expect(imageContext(targets, name)).toBe(want);
});

test.each(["identity", "", "Notes", "notes; rm -rf /", "../gateway"])("no image for %p", (name) => {
  expect(() => imageContext(targets, name)).toThrow(`no image for a service named '${name}'`);
});

const cli = (...args: string[]) => {
  const run = Bun.spawnSync(["bun", join(import.meta.dir, "list.ts"), ...args]);
  return { code: run.exitCode, out: run.stdout.toString(), err: run.stderr.toString() };
};

test("--json prints this repository's images as one line the workflows parse", async () => {
  const { code, out } = cli("--json");
  expect(code).toBe(0);
  expect(out.trim().split("\n")).toHaveLength(1);
  // The gateway, then every declared service (a team's new one included) by name.
  const services = (await discoverServices(resolve(import.meta.dir, "../.."))).map((s) => s.name);
  expect(JSON.parse(out).map((t: { service: string }) => t.service)).toEqual([
    "gateway",
    ...services,
  ]);
  expect(services).toEqual(expect.arrayContaining(["identity", "notes"]));
});

test.each([
  { args: ["--dir", "identity"], code: 0, out: "services/identity\n", err: "" },
  { args: ["--dir", "nope"], code: 1, out: "", err: "no image for a service named 'nope'" },
  { args: ["--dir"], code: 1, out: "", err: "usage:" },
  { args: ["--dir", "notes", "extra"], code: 1, out: "", err: "usage:" },
  { args: [], code: 1, out: "", err: "usage:" },
])("list.ts $args exits $code", ({ args, code, out, err }) => {
  const run = cli(...args);
  expect(run).toMatchObject({ code, out });
  expect(run.err).toContain(err);
});
