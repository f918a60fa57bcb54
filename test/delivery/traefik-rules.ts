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
