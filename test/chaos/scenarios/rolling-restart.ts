import { freePort } from "@trellis/testing";
import { withChaosStack } from "../lib/chaos-stack.ts";
import { startTcpBalancer } from "../lib/tcp-balancer.ts";
import { underLoad } from "../lib/under-load.ts";
import type { Scenario } from "../scenario.ts";

// A rolling restart as an operator runs one: two notes replicas behind one address (a TCP
// balancer, as a Kubernetes Service or Docker's DNS puts them), each in turn stopped with SIGTERM
// and started again, the next only once the first is serving. The stopping replica finishes its
// calls and sends GOAWAY; the gateway's client reconnects, through the balancer, to the other.

export const scenarios: Scenario[] = [
  {
    name: "notes-rolling-restart",
    async run() {
      const [first, second] = distinctPorts();
      const balancer = await startTcpBalancer([`127.0.0.1:${first}`, `127.0.0.1:${second}`]);
      try {
        return await withChaosStack(
          { notesPort: first, notesVia: () => balancer.address },
          async (world) => {
            const replicas = [
              world.stack.processes.notes,
              await world.stack.addNotesReplica(second),
            ];
            return underLoad(world, {
              name: "notes rolling restart (SIGTERM, 2 replicas)",
              async inject() {
                for (const replica of replicas) {
                  await replica.stop();
                  await replica.start();
                }
              },
              detail: () =>
                `connections per replica: ${Object.values(balancer.connections()).join("/")}`,
            });
          },
        );
      } finally {
        await balancer.stop();
      }
    },
  },
];

function distinctPorts(): [number, number] {
  const first = freePort();
  let second = freePort();
  while (second === first) {
    second = freePort();
  }
  return [first, second];
}
