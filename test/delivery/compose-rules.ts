/** The part of a Compose service the rules read. */
export interface ComposeService {
  image?: string;
  build?: unknown;
  ports?: unknown[];
  healthcheck?: { test?: unknown; disable?: boolean };
  depends_on?: string[] | Record<string, { condition?: string }>;
  restart?: string;
  deploy?: { resources?: { limits?: { cpus?: unknown; memory?: unknown } } };
  environment?: Record<string, unknown> | string[];
  secrets?: (string | { source?: string })[];
}

export interface ComposeFile {
  services?: Record<string, ComposeService>;
  secrets?: Record<string, { file?: string }>;
}

/** A rule over a parsed Compose file: the problems it finds. */
export type ComposeRule = (compose: ComposeFile) => string[];

const PINNED = /^[^\s@]+:[^\s@/]+@sha256:[0-9a-f]{64}$/;

function services(compose: ComposeFile): [string, ComposeService][] {
  return Object.entries(compose.services ?? {});
}

/** Every service checks its own health, so `depends_on` and `up --wait` mean something. */
export const everyServiceHasAHealthcheck: ComposeRule = (compose) =>
  services(compose)
    .filter(([, service]) => service.healthcheck?.test === undefined || service.healthcheck.disable)
    .map(([name]) => `${name} has no healthcheck`);

/** Waiting for a dependency means waiting until it is healthy, never until it merely started. */
export const dependsOnWaitsForHealthy: ComposeRule = (compose) =>
  services(compose).flatMap(([name, service]) => {
    const dependsOn = service.depends_on ?? {};
    if (Array.isArray(dependsOn)) {
      return dependsOn.map((dep) => `${name} depends on ${dep} without condition: service_healthy`);
    }
    return Object.entries(dependsOn)
      .filter(([, dep]) => dep.condition !== "service_healthy")
      .map(([dep]) => `${name} depends on ${dep} without condition: service_healthy`);
  });

/** Only the named services publish ports; the rest are reachable on Compose networks only. */
export function onlyThesePublishPorts(allowed: string[]): ComposeRule {
  return (compose) =>
    services(compose)
      .filter(([name, service]) => (service.ports ?? []).length > 0 && !allowed.includes(name))
      .map(([name]) => `${name} publishes a port (only ${allowed.join(", ")} may)`);
}

/** Every image is `name:tag@sha256:<digest>`: the tag for people, the digest for the machine. */
export const everyImageIsPinnedByDigest: ComposeRule = (compose) =>
  services(compose)
    .filter(([, service]) => !PINNED.test(service.image ?? ""))
    .map(([name, service]) => `${name}: image "${service.image ?? ""}" is not tag@sha256:<digest>`);

/** Deployed services run images from a registry; nothing builds on the host. */
export const nothingBuildsOnTheHost: ComposeRule = (compose) =>
  services(compose)
    .filter(([, service]) => service.build !== undefined)
    .map(([name]) => `${name} builds from source`);

/**
 * A published port binds a loopback address (`host_ip: 127.0.0.1`, or `127.0.0.1:host:container`
 * in the short syntax), except for the named services, which are the public entry.
 */
export function portsBindLoopbackExcept(publicServices: string[]): ComposeRule {
  return (compose) =>
    services(compose)
      .filter(([name]) => !publicServices.includes(name))
      .flatMap(([name, service]) =>
        (service.ports ?? [])
          .filter((port) => !bindsLoopback(port))
          .map((port) => `${name}: port ${JSON.stringify(port)} is not bound to 127.0.0.1`),
      );
}

function bindsLoopback(port: unknown): boolean {
  if (typeof port === "string") {
    return port.startsWith("127.0.0.1:");
  }
  return (
    typeof port === "object" && port !== null && "host_ip" in port && port.host_ip === "127.0.0.1"
  );
}

/** A crashed or rebooted host comes back on its own. */
export const everyServiceRestarts: ComposeRule = (compose) =>
  services(compose)
    .filter(([, service]) => !["always", "unless-stopped"].includes(service.restart ?? "no"))
    .map(([name]) => `${name} has no restart policy (always or unless-stopped)`);

/** One runaway container cannot take the host's memory or every CPU from the rest. */
export const everyServiceHasLimits: ComposeRule = (compose) =>
  services(compose)
    .filter(([, service]) => {
      const limits = service.deploy?.resources?.limits;
      return limits?.cpus === undefined || limits.memory === undefined;
    })
    .map(([name]) => `${name} has no cpus and memory limits`);

const SECRET_NAME = /(PASSWORD|SECRET|SIGNING_KEY)$/;
// scheme://user:password@host: a URL that carries its password.
const URL_WITH_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^/@:\s]*:[^/@]+@/i;

function environmentOf(service: ComposeService): [string, string][] {
  const environment = service.environment ?? {};
  if (Array.isArray(environment)) {
    return environment.map((entry) => {
      const at = entry.indexOf("=");
      return at === -1 ? [entry, ""] : [entry.slice(0, at), entry.slice(at + 1)];
    });
  }
  return Object.entries(environment).map(([name, value]) => [name, String(value ?? "")]);
}

/**
 * Secrets reach a container as files (Compose `secrets:`, NAME_FILE), never as plain
 * environment, which `docker inspect` and /proc/<pid>/environ show. Problems name the variable,
 * never its value.
 */
export const noSecretInPlainEnvironment: ComposeRule = (compose) =>
  services(compose).flatMap(([name, service]) =>
    environmentOf(service)
      .filter(([key, value]) => SECRET_NAME.test(key) || URL_WITH_PASSWORD.test(value))
      .map(([key]) => `${name}: ${key} is a secret in plain environment (pass it as ${key}_FILE)`),
  );

/**
 * Each secret a service lists is declared, as a file in secrets/ (the host's, never committed),
 * and each declared one is used: Compose itself refuses an undeclared one only on the host.
 */
export const secretsAreDeclaredFiles: ComposeRule = (compose) => {
  const declared = compose.secrets ?? {};
  const used = services(compose).flatMap(([name, service]) =>
    (service.secrets ?? []).map((s) => ({ name, secret: typeof s === "string" ? s : s.source })),
  );
  const undeclared = used
    .filter(({ secret }) => secret === undefined || declared[secret] === undefined)
    .map(({ name, secret }) => `${name}: secret ${secret ?? "(no source)"} is not declared`);
  const notFiles = Object.entries(declared)
    .filter(([secret, entry]) => entry.file !== `./secrets/${secret}`)
    .map(([secret]) => `secret ${secret} is not the file ./secrets/${secret}`);
  const unused = Object.keys(declared)
    .filter((secret) => !used.some((use) => use.secret === secret))
    .map((secret) => `secret ${secret} is declared but no service uses it`);
  return [...undeclared, ...notFiles, ...unused];
};
