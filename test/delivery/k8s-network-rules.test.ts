// Each rule of k8s-network-rules.ts shown failing: a broken copy of the rendered production
// overlay per row, each expected to produce its rule's error.
import { expect, test } from "bun:test";
import { brokenCopyProblems, type Case, named, production, without } from "./k8s-broken.ts";
import {
  eachServiceReachesItsOwnDatabaseOnly,
  everyNamespaceDeniesByDefault,
  everyWorkloadHasANetworkPolicy,
} from "./k8s-network-rules.ts";

const cases: Case[] = [
  {
    name: "a Deployment covered by the default deny alone",
    check: everyWorkloadHasANetworkPolicy,
    breakIt: (o) => without(o, "NetworkPolicy", "notes"),
    want: "Deployment/notes has no NetworkPolicy selecting its pods",
  },
  {
    name: "a database without its NetworkPolicy",
    check: everyWorkloadHasANetworkPolicy,
    breakIt: (o) => without(o, "NetworkPolicy", "identity-postgres"),
    want: "StatefulSet/identity-postgres has no NetworkPolicy selecting its pods",
  },
  {
    name: "no default deny",
    check: everyNamespaceDeniesByDefault,
    breakIt: (o) => without(o, "NetworkPolicy", "default-deny"),
    want: 'namespace "trellis" has no default-deny NetworkPolicy',
  },
  {
    name: "a service allowed to another's database",
    check: eachServiceReachesItsOwnDatabaseOnly,
    breakIt: (o) => {
      const spec = named(o, "NetworkPolicy", "notes").spec as { egress: unknown[] };
      spec.egress.push({
        to: [{ podSelector: { matchLabels: { "app.kubernetes.io/name": "identity-postgres" } } }],
      });
      return undefined;
    },
    want: "NetworkPolicy/notes lets notes reach identity-postgres",
  },
  {
    name: "a service allowed anywhere",
    check: eachServiceReachesItsOwnDatabaseOnly,
    breakIt: (o) => {
      const spec = named(o, "NetworkPolicy", "identity").spec as { egress: unknown[] };
      spec.egress.push({ ports: [{ port: 5432 }] });
      return undefined;
    },
    want: "NetworkPolicy/identity lets identity reach pods outside this namespace or addresses",
  },
  {
    name: "a database reachable from the gateway",
    check: eachServiceReachesItsOwnDatabaseOnly,
    breakIt: (o) => {
      const spec = named(o, "NetworkPolicy", "notes-postgres").spec as { ingress: unknown[] };
      spec.ingress.push({
        from: [{ podSelector: { matchLabels: { "app.kubernetes.io/name": "gateway" } } }],
      });
      return undefined;
    },
    want: "NetworkPolicy/notes-postgres lets gateway reach notes-postgres",
  },
];

test("the rendered production overlay breaks none of them", () => {
  for (const { check } of cases) {
    expect(check(production)).toEqual([]);
  }
});

test.each(cases)("$name is found", (row) => {
  expect(brokenCopyProblems(row)).toContain(row.want);
});
