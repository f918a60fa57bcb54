// The hello-world pair of baselines, one process each: HELLO_SERVER=bun is a bare Bun.serve,
// HELLO_SERVER=elysia a bare Elysia app (no plugin, no hook), both answering GET /healthz with
// the gateway's constant body. Elysia ÷ Bun is what the framework itself costs per request;
// the gateway's own /healthz ÷ Elysia is what its middleware costs.
//
// Environment: PORT, HELLO_SERVER (bun | elysia).
import { Elysia } from "elysia";

const kind = process.env.HELLO_SERVER;
const port = Number(process.env.PORT);
if ((kind !== "bun" && kind !== "elysia") || !Number.isInteger(port) || port <= 0) {
  throw new Error("hello-server: PORT and HELLO_SERVER=bun|elysia are required");
}

const stop: () => Promise<void> = kind === "bun" ? startBun(port) : startElysia(port);

function startBun(listenOn: number): () => Promise<void> {
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: listenOn,
    // A handler that builds the response, not a static Response: Bun sends a static one
    // without running any JavaScript, which no framework route does (Elysia's included).
    routes: { "/healthz": () => Response.json({ status: "ok" }) },
    fetch: () => new Response("not found", { status: 404 }),
  });
  return () => server.stop();
}

function startElysia(listenOn: number): () => Promise<void> {
  const app = new Elysia()
    .get("/healthz", () => ({ status: "ok" }))
    .listen({ hostname: "127.0.0.1", port: listenOn });
  return async () => {
    await app.stop();
  };
}

const exit = async (): Promise<void> => {
  await stop();
  process.exit(0);
};
process.on("SIGTERM", () => void exit());
process.on("SIGINT", () => void exit());
