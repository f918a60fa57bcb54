import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { freePort } from "@trellis/testing";

/** A verdaccio running on loopback for one test file, and the npm config that publishes to it. */
export interface LocalRegistry {
  url: string;
  /** An .npmrc naming the registry and a publish token: pass as NPM_CONFIG_USERCONFIG. */
  npmrc: string;
  stop(): Promise<void>;
}

const verdaccio = resolve(import.meta.dir, "../../node_modules/.bin/verdaccio");

// @trellis/* lives only here (never proxied, so a same-named package on npmjs cannot leak in);
// everything else is proxied from npmjs, so the registry also works as a project's only one.
function config(dir: string, port: number): string {
  return `storage: ${join(dir, "storage")}
auth:
  htpasswd:
    file: ${join(dir, "htpasswd")}
    max_users: 10
uplinks:
  npmjs:
    url: https://registry.npmjs.org/
    timeout: 60s
packages:
  "@trellis/*":
    access: $all
    publish: $authenticated
  "**":
    access: $all
    publish: $authenticated
    proxy: npmjs
listen: 127.0.0.1:${port}
log: { type: stdout, format: json, level: warn }
`;
}

/**
 * Starts verdaccio (under Bun: it wants Node 22, this machine has 20) with its storage in a
 * temp folder, waits until it answers, and signs up a user whose token goes in the returned
 * .npmrc. Throws with verdaccio's output when it does not come up within 20 s.
 */
export async function startLocalRegistry(): Promise<LocalRegistry> {
  const dir = await mkdtemp(join(tmpdir(), "trellis-registry-"));
  const port = freePort();
  const url = `http://127.0.0.1:${port}/`;
  await Bun.write(join(dir, "config.yaml"), config(dir, port));
  const child = Bun.spawn(["bun", "--bun", verdaccio, "--config", join(dir, "config.yaml")], {
    cwd: dir,
    stdout: "pipe",
    stderr: "pipe",
  });
  const stop = async (): Promise<void> => {
    child.kill();
    await child.exited;
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitForPing(url, child);
    const token = await signUp(url);
    const npmrc = join(dir, "npmrc");
    await Bun.write(
      npmrc,
      `registry=${url}\n@trellis:registry=${url}\n//127.0.0.1:${port}/:_authToken=${token}\n`,
    );
    return { url, npmrc, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function waitForPing(url: string, child: Bun.Subprocess): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`verdaccio exited with ${child.exitCode}`);
    }
    const ok = await fetch(`${url}-/ping`).then(
      (res) => res.ok,
      () => false,
    );
    if (ok) {
      return;
    }
    await Bun.sleep(100);
  }
  throw new Error(`verdaccio did not answer on ${url} within 20 s`);
}

// The CouchDB-style sign-up `npm adduser` performs; verdaccio answers with a bearer token.
async function signUp(url: string): Promise<string> {
  const name = "trellis-release-test";
  const res = await fetch(`${url}-/user/org.couchdb.user:${name}`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name, password: crypto.randomUUID() }),
  });
  const body = (await res.json()) as { token?: string };
  if (!res.ok || body.token === undefined) {
    throw new Error(`verdaccio refused the test user: ${res.status} ${JSON.stringify(body)}`);
  }
  return body.token;
}
