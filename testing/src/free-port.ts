/**
 * A loopback port nothing listens on right now, for starting a server on a fixed port as in
 * production (a process, or `startServer`). Another process may take it in between: use
 * port 0 wherever the server can report the port it got.
 */
export function freePort(): number {
  const listener = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const { port } = listener;
  listener.stop(true);
  return port;
}
