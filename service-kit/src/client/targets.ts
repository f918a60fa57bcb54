import { lookup } from "node:dns/promises";
import { isIP } from "node:net";

/** One address a name resolved to: where a connection actually goes. */
export interface Target {
  host: string;
  port: number;
  /** `host:port`, IPv6 hosts in brackets: how the target is named in messages and maps. */
  key: string;
}

/** Every address `host:port` names now; a channel asks again for each new connection. */
export type ResolveTargets = (address: string) => Promise<Target[]>;

/** Splits `host:port` (`[v6]:port` too). */
export function splitAddress(address: string): { host: string; port: number } {
  const colon = address.lastIndexOf(":");
  const port = Number(address.slice(colon + 1));
  const host = address.slice(0, colon).replace(/^\[(.*)\]$/, "$1");
  if (colon <= 0 || !Number.isInteger(port) || port <= 0 || port > 65_535 || host === "") {
    throw new Error(`${address}: not host:port`);
  }
  return { host, port };
}

export function targetOf(host: string, port: number): Target {
  return { host, port, key: isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}` };
}

/**
 * The system resolver's answer (what Docker's DNS, /etc/hosts or Kubernetes' headless Services
 * hand out): every address, so that when one replica drains or refuses, the channel has others.
 */
export const resolveTargets: ResolveTargets = async (address) => {
  const { host, port } = splitAddress(address);
  if (isIP(host) !== 0) {
    return [targetOf(host, port)];
  }
  const found = await lookup(host, { all: true, order: "verbatim" });
  return found.map((entry) => targetOf(entry.address, port));
};
