import { readFileSync } from "node:fs";
import {
  createFileRegistry,
  type FileRegistry,
  fromBinary,
  type Registry,
} from "@bufbuild/protobuf";
import { type FileDescriptorSet, FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import { descriptorSet } from "@trellis/contracts/descriptors";
import { type HttpRule, httpRules } from "@trellis/contracts/http-rules";
import { ConfigError } from "@trellis/service-kit";
import type { GatewayConfig, RestServiceEntry } from "../config.ts";
import { compileTemplate } from "./compile-template.ts";
import { findConflicts, type ServiceRoute } from "./conflicts.ts";
import { gatewayPathConflict } from "./gateway-paths.ts";
import { type PathTemplate, parseTemplate } from "./template.ts";

/** One REST route of a configured service: its rule, parsed template and bound fields. */
export type RestRoute = ServiceRoute & {
  /** With the registry of every configured descriptor, for `google.protobuf.Any`. */
  readonly rule: HttpRule & { readonly registry?: Registry };
  /** Where the service is (its REST_SERVICES entry). */
  readonly address: string;
  /** The field paths the template binds, for queryToFields. */
  readonly bound: readonly string[];
};

/** The configured services' REST routes, and the registry their descriptors came from. */
export interface RestApi {
  readonly routes: readonly RestRoute[];
  readonly registry: FileRegistry;
  readonly services: readonly RestServiceEntry[];
}

/** No configured service: what the gateway serves by default. */
export function emptyRestApi(): RestApi {
  return { routes: [], registry: createFileRegistry(), services: [] };
}

type RestSettings = Pick<GatewayConfig, "restServices" | "restDescriptorSets">;

const refused = (rule: string): ConfigError => new ConfigError(`invalid environment: ${rule}`);

/**
 * The REST routes of the services named in REST_SERVICES, from @trellis/contracts' descriptors
 * and the REST_DESCRIPTOR_SETS files. Throws a ConfigError naming the setting and service (never
 * a file's content) for a service without descriptors or without google.api.http RPCs, a template
 * the gateway cannot serve, and two routes, or a route and the gateway's own, that match the same
 * requests.
 */
export function loadRestApi(
  settings: RestSettings,
  readFile: (path: string) => Uint8Array = readFileSync,
): RestApi {
  if (settings.restServices.length === 0) {
    return emptyRestApi();
  }
  const registry = restRegistry(settings.restDescriptorSets, readFile);
  const rules = readRules(registry);
  const routes = settings.restServices.flatMap((service) =>
    serviceRoutes(registry, rules, service),
  );
  const conflict = findConflicts(routes)[0]?.message ?? firstGatewayConflict(routes);
  if (conflict !== null) {
    throw refused(`REST_SERVICES: ${conflict}`);
  }
  return { routes, registry, services: settings.restServices };
}

/** The contracts' files, then each file of the extra sets that the contracts do not hold. */
function restRegistry(
  paths: readonly string[],
  readFile: (path: string) => Uint8Array,
): FileRegistry {
  const set = fromBinary(FileDescriptorSetSchema, descriptorSet());
  const names = new Set(set.file.map((file) => file.name));
  paths.forEach((path, index) => {
    let extra: FileDescriptorSet;
    try {
      extra = fromBinary(FileDescriptorSetSchema, readFile(path));
    } catch {
      throw refused(
        `REST_DESCRIPTOR_SETS: entry ${index + 1}: cannot be read as a binary FileDescriptorSet (buf build --as-file-descriptor-set -o <file>)`,
      );
    }
    for (const file of extra.file) {
      if (!names.has(file.name)) {
        names.add(file.name);
        set.file.push(file);
      }
    }
  });
  try {
    return createFileRegistry(set);
  } catch {
    throw refused(
      "REST_DESCRIPTOR_SETS: the files do not form one set of descriptors (a missing import, or one file in two versions)",
    );
  }
}

function readRules(registry: FileRegistry): HttpRule[] {
  try {
    return httpRules(registry);
  } catch (error) {
    // httpRules names the RPC and what of its rule is not served; it quotes no request data.
    throw refused(`REST_SERVICES: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function serviceRoutes(
  registry: FileRegistry,
  rules: readonly HttpRule[],
  service: RestServiceEntry,
): RestRoute[] {
  if (registry.getService(service.name) === undefined) {
    throw refused(
      `REST_SERVICES: ${service.name} has no descriptors (not in @trellis/contracts nor in REST_DESCRIPTOR_SETS)`,
    );
  }
  const own = rules.filter((rule) => rule.service === service.name);
  if (own.length === 0) {
    throw refused(`REST_SERVICES: ${service.name} declares no RPC with google.api.http`);
  }
  return own.map((rule) => {
    const template = templateOf(rule);
    return {
      service: rule.service,
      method: rule.method.slice(rule.method.lastIndexOf("/") + 1),
      verb: rule.verb,
      template,
      rule: { ...rule, registry },
      address: service.address,
      bound: compileTemplate(template).captures.map((capture) => capture.field),
    };
  });
}

/** The parsed template; the gateway mounts routes under their first segment, a literal. */
function templateOf(rule: HttpRule): PathTemplate {
  const parsed = parseTemplate(rule.pathTemplate);
  if (!parsed.ok) {
    throw refused(`REST_SERVICES: ${rule.method}: ${parsed.error.message}`);
  }
  if (parsed.template.segments[0]?.kind !== "literal") {
    throw refused(
      `REST_SERVICES: ${rule.method}: ${rule.pathTemplate} must start with a literal segment (e.g. /api/…)`,
    );
  }
  return parsed.template;
}

function firstGatewayConflict(routes: readonly RestRoute[]): string | null {
  for (const route of routes) {
    const conflict = gatewayPathConflict(route);
    if (conflict !== null) {
      return conflict;
    }
  }
  return null;
}
