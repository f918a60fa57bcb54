/** The part of Traefik's dynamic configuration (file provider) the rules read. */
export interface TraefikDynamic {
  http?: {
    routers?: Record<
      string,
      {
        rule?: string;
        entryPoints?: string[];
        middlewares?: string[];
        service?: string;
        tls?: { certResolver?: string };
      }
    >;
    middlewares?: Record<string, Record<string, unknown>>;
    services?: Record<string, unknown>;
  };
}

/** A rule over the dynamic configuration: the problems it finds. */
export type TraefikRule = (config: TraefikDynamic) => string[];

const routers = (config: TraefikDynamic) => Object.entries(config.http?.routers ?? {});

/** A router naming a middleware or service that is not defined is dropped by Traefik. */
export const routersNameWhatExists: TraefikRule = (config) => {
  const middlewares = Object.keys(config.http?.middlewares ?? {});
  const services = Object.keys(config.http?.services ?? {});
  return routers(config).flatMap(([name, router]) => [
    ...(router.middlewares ?? [])
      .filter((middleware) => !middlewares.includes(middleware))
      .map((middleware) => `router ${name}: no middleware ${middleware}`),
    ...(services.includes(router.service ?? "")
      ? []
      : [`router ${name}: no service ${router.service}`]),
  ]);
};

/** Every route is HTTPS only, with a certificate from the named resolver. */
export function routersServeHttpsWith(resolver: string, entryPoint: string): TraefikRule {
  return (config) =>
    routers(config)
      .filter(
        ([, router]) =>
          router.tls?.certResolver !== resolver ||
          router.entryPoints?.length !== 1 ||
          router.entryPoints[0] !== entryPoint,
      )
      .map(([name]) => `router ${name} is not ${entryPoint}-only with certResolver ${resolver}`);
}

/** The routes under a path prefix go through a rate-limit middleware. */
export function pathIsRateLimited(prefix: string): TraefikRule {
  return (config) => {
    const limited = routers(config).some(
      ([, router]) =>
        router.rule?.includes(`PathPrefix(\`${prefix}\`)`) &&
        (router.middlewares ?? []).some(
          (middleware) => config.http?.middlewares?.[middleware]?.rateLimit !== undefined,
        ),
    );
    return limited ? [] : [`no router for ${prefix} has a rateLimit middleware`];
  };
}

/** Every router sends HSTS, nosniff and a frame ban. */
export const routersSendSecurityHeaders: TraefikRule = (config) =>
  routers(config)
    .filter(([, router]) => {
      const headers = (router.middlewares ?? []).map(
        (middleware) => config.http?.middlewares?.[middleware]?.headers as Record<string, unknown>,
      );
      return !headers.some(
        (h) => Number(h?.stsSeconds) > 0 && h?.contentTypeNosniff === true && h?.frameDeny === true,
      );
    })
    .map(([name]) => `router ${name} has no security-headers middleware`);

/** The part of the Traefik service in deploy/compose.yaml (its static configuration) read here. */
export interface TraefikService {
  image?: string;
  command?: string[] | string;
}

/** The first Traefik release whose access log can drop query strings. */
const QUERY_DROP_SINCE = [3, 7, 3] as const;

/**
 * When the access log is on, it records paths without their query strings: the OAuth callback
 * (/auth/<provider>/callback?code=...&state=...) must not leave its code in a log file. Traefik
 * keeps them in RequestPath (and CLF's request line) unless
 * `accesslog.fields.queryParameters.defaultMode` is `drop`, an option older releases refuse.
 */
export function accessLogDropsQueryStrings(service: TraefikService): string[] {
  const flags = new Map(
    (typeof service.command === "string" ? service.command.split(/\s+/) : (service.command ?? []))
      .filter((arg) => arg.startsWith("--"))
      .map((arg) => {
        const [name = "", value = "true"] = arg.slice(2).split("=", 2);
        return [name.toLowerCase(), value.toLowerCase()] as const;
      }),
  );
  const logging =
    [...flags.keys()].some((name) => name.startsWith("accesslog")) &&
    flags.get("accesslog") !== "false";
  if (!logging) {
    return [];
  }
  const problems: string[] = [];
  if (flags.get("accesslog.fields.queryparameters.defaultmode") !== "drop") {
    problems.push(
      "the access log keeps query strings: set --accesslog.fields.queryParameters.defaultMode=drop",
    );
  }
  const version = /:v?(\d+)\.(\d+)\.(\d+)/
    .exec(service.image ?? "")
    ?.slice(1)
    .map(Number);
  if (version === undefined || compareVersions(version, QUERY_DROP_SINCE) < 0) {
    problems.push(`Traefik ${service.image} predates 3.7.3, which can drop query strings`);
  }
  return problems;
}

function compareVersions(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < b.length; i++) {
    const difference = (a[i] ?? 0) - (b[i] ?? 0);
    if (difference !== 0) {
      return difference;
    }
  }
  return 0;
}
