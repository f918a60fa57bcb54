import { expect, test } from "bun:test";
import { join } from "node:path";
import { CONTRACTS_MANIFEST, protoPath, withExports } from "./contracts.ts";
import { freshServiceName } from "./fresh-name.ts";
import { serviceNames } from "./naming.ts";
import { repoRoot } from "./repo-copy.ts";

const manifest = await Bun.file(join(repoRoot, CONTRACTS_MANIFEST)).text();
const fresh = await freshServiceName(repoRoot);
const things = serviceNames(fresh);

test("the subpaths go after the other generated ones, shaped like notes', the rest unchanged", () => {
  const exports = Object.entries(JSON.parse(withExports(manifest, things)).exports);
  const before = Object.entries(JSON.parse(manifest).exports);
  const at = before.findIndex(([subpath]) => subpath === "./descriptors");
  expect(exports).toEqual([
    ...before.slice(0, at),
    [
      `./${fresh}/v1`,
      {
        types: `./gen/node/trellis/${fresh}/v1/${fresh}.ts`,
        default: `./gen/node/trellis/${fresh}/v1/${fresh}.ts`,
      },
    ],
    [
      `./grpc-js/${fresh}/v1`,
      {
        types: `./gen/grpc-js/trellis/${fresh}/v1/${fresh}.ts`,
        default: `./gen/grpc-js/trellis/${fresh}/v1/${fresh}.ts`,
      },
    ],
    [
      `./browser/${fresh}/v1`,
      {
        types: `./gen/browser/trellis/${fresh}/v1/${fresh}.ts`,
        default: `./gen/browser/trellis/${fresh}/v1/${fresh}.ts`,
      },
    ],
    ...before.slice(at),
  ]);
});

test("the manifest is as JSON.stringify writes it, so a rewrite changes only the added lines", () => {
  expect(`${JSON.stringify(JSON.parse(manifest), null, 2)}\n`).toBe(manifest);
});

test.each([{ name: "notes" }, { name: "identity" }])(
  "refuses subpaths $name has already",
  ({ name }) => {
    expect(() => withExports(manifest, serviceNames(name))).toThrow(`exports ./${name}/v1 already`);
  },
);

test("the proto lives where its package says", () => {
  expect(protoPath(serviceNames("inventory", "item"))).toBe(
    "contracts/proto/trellis/inventory/v1/inventory.proto",
  );
});
