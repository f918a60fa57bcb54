// Runs svelte-check with TypeScript 5.9. svelte-check loads the TypeScript API through
// require("typescript"), and here that name is TypeScript 7 (`tsc`, as in the whole workspace),
// which ships no API. The alias svelte-check-typescript (npm:typescript@5.9.3) cannot take
// svelte-check's peer dependency either: a `typescript` of 5.9 in this package also changes
// which Elysia copy Eden links here, and the gateway's App type then no longer fits Eden's.
// So "typescript" and its subpaths, asked for from svelte-check only, resolve to the alias.
const Module = require("node:module");
const { dirname, sep } = require("node:path");

const checker = dirname(require.resolve("svelte-check/package.json"));
const api = dirname(require.resolve("svelte-check-typescript/package.json"));
const resolveFilename = Module._resolveFilename;

Module._resolveFilename = function (request, parent, ...rest) {
  const fromChecker = parent?.filename?.startsWith(checker + sep) === true;
  const target = fromChecker ? request.replace(/^typescript(?=\/|$)/, api) : request;
  return resolveFilename.call(this, target, parent, ...rest);
};

require("svelte-check/bin/svelte-check");
