// `bun fake-provider/main.ts`: the fake OAuth/OIDC providers for local dev ("Dev login").
import { serveFakeProvider } from "./serve.ts";

const port = Number(process.env.PORT ?? "4010");
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  throw new Error(`PORT: expected 0-65535, got ${process.env.PORT}`);
}
const publicUrl = process.env.FAKE_OAUTH_PUBLIC_URL;
const running = serveFakeProvider({
  port,
  clientId: process.env.FAKE_OAUTH_CLIENT_ID || "trellis-dev",
  clientSecret: process.env.FAKE_OAUTH_CLIENT_SECRET || "trellis-dev-secret",
  ...(publicUrl ? { publicUrl } : {}),
});
// Tests and scripts read this line to learn the port when PORT=0.
process.stdout.write(`fake-oauth-provider listening on http://127.0.0.1:${running.port}\n`);

const stop = (): void => {
  void running.stop().then(() => process.exit(0));
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
