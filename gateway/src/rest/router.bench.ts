// Microbenchmark: `bun gateway/src/rest/router.bench.ts`. Matching cost against 5 and 500
// routes (100 resources × List, Create, Get, Update, :archive), and a query string's.
import { queryToFields } from "./query-fields.ts";
import { createRouter, type RoutableRoute } from "./router.ts";
import { parseTemplate } from "./template.ts";

function route(verb: string, text: string): RoutableRoute {
  const parsed = parseTemplate(text);
  if (!parsed.ok) {
    throw new Error(parsed.error.message);
  }
  return { verb, template: parsed.template };
}

function routes(resources: number): RoutableRoute[] {
  return Array.from({ length: resources }, (_, i) => [
    route("GET", `/v1/things${i}`),
    route("POST", `/v1/things${i}`),
    route("GET", `/v1/things${i}/{id}`),
    route("PATCH", `/v1/things${i}/{thing.id}`),
    route("POST", `/v1/things${i}/{id}:archive`),
  ]).flat();
}

function nsPerOp(run: () => unknown): number {
  const rounds = 200_000;
  for (let i = 0; i < 20_000; i++) {
    run();
  }
  const start = Bun.nanoseconds();
  for (let i = 0; i < rounds; i++) {
    run();
  }
  return (Bun.nanoseconds() - start) / rounds;
}

const requests: [string, string][] = [
  ["GET", "/v1/things0/0b7c1c53-3f5e-4d8a-9a53-2a1f1e8c9d10"],
  ["POST", "/v1/things0/0b7c1c53-3f5e-4d8a-9a53-2a1f1e8c9d10:archive"],
  ["GET", "/v1/nothing/here"],
];
for (const size of [1, 100]) {
  const router = createRouter(routes(size));
  for (const [verb, path] of requests) {
    const ns = nsPerOp(() => router.match(verb, path));
    process.stdout.write(`${size * 5} routes  ${verb} ${path}  ${ns.toFixed(0)} ns\n`);
  }
}
const query = "page_size=20&page_token=abc&filter.tag=x&filter.tag=y";
const ns = nsPerOp(() => queryToFields(query, { bound: [], body: "" }));
process.stdout.write(`queryToFields ${query}  ${ns.toFixed(0)} ns\n`);
