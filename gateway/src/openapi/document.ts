import type { DescMethod, Registry } from "@bufbuild/protobuf";
import type { HttpRule } from "@trellis/contracts/http-rules";
import { commentOf } from "./comments.ts";
import { ERROR_SCHEMA, errorResponses, errorSchema } from "./error-responses.ts";
import { operationOf, SESSION_SCHEME } from "./operation.ts";
import { createSchemaBook } from "./schemas.ts";
import type { OpenApiDocument } from "./types.ts";

export type OpenApiOptions = {
  /** The registry the routes were read from: the RPCs' and services' comments come from it. */
  registry: Registry;
  info: OpenApiDocument["info"];
  /** The session cookie's name ("__Host-session" on https, else "session"). */
  sessionCookie: string;
};

/**
 * The OpenAPI 3.1 document of the REST routes the contracts declare (httpRules): one operation
 * per route, tagged by service, described by the RPC's comment; schemas of the messages in the
 * proto3 JSON mapping under their full proto names; the gateway's error answers. Pure: the
 * same routes give the same document. Throws, naming the RPC, on a route it cannot describe.
 */
export function openApiFromContracts(
  routes: readonly HttpRule[],
  options: OpenApiOptions,
): OpenApiDocument {
  const book = createSchemaBook();
  const document: OpenApiDocument = {
    openapi: "3.1.0",
    info: options.info,
    tags: [],
    paths: {},
    components: { schemas: {}, responses: { ...errorResponses }, securitySchemes: {} },
  };
  const bindings = new Map<string, number>();
  for (const route of routes) {
    const rpc = rpcOf(options.registry, route);
    const binding = (bindings.get(route.method) ?? 0) + 1;
    bindings.set(route.method, binding);
    const id = `${rpc.parent.name}_${rpc.name}${binding === 1 ? "" : `_${binding}`}`;
    const { path, verb, operation } = operationOf(route, rpc, id, book);
    document.paths[path] = { ...document.paths[path], [verb]: operation };
    addTag(document, rpc);
  }
  document.components.schemas = { ...book.schemas(), [ERROR_SCHEMA]: errorSchema };
  document.components.securitySchemes[SESSION_SCHEME] = {
    type: "apiKey",
    in: "cookie",
    name: options.sessionCookie,
  };
  return document;
}

function rpcOf(registry: Registry, route: HttpRule): DescMethod {
  const name = route.method.slice(route.method.lastIndexOf("/") + 1);
  const rpc = registry.getService(route.service)?.methods.find((m) => m.name === name);
  if (rpc === undefined) {
    throw new Error(`${route.method}: not in the registry`);
  }
  return rpc;
}

function addTag(document: OpenApiDocument, rpc: DescMethod): void {
  const name = rpc.parent.name;
  if (document.tags.some((tag) => tag.name === name)) {
    return;
  }
  const description = commentOf(rpc.parent);
  document.tags.push(description === null ? { name } : { name, description });
}
