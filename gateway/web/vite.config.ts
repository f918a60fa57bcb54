import { svelte } from "@sveltejs/vite-plugin-svelte";
import { defineConfig } from "vite";

// In development the gateway fronts this dev server (WEB_DEV_SERVER, set by `bun run dev`), so
// the app and the API share one origin; the browser opens Vite's HMR socket directly.
const devServer = new URL(process.env.WEB_DEV_SERVER ?? "http://127.0.0.1:5173");
const devPort = Number(devServer.port || 80);

export default defineConfig({
  plugins: [
    svelte({
      // Everything is set here; there is no svelte.config.js to look for.
      configFile: false,
      // Component CSS goes to .css files, never <style> injected at runtime: the CSP forbids it.
      emitCss: true,
      compilerOptions: { runes: true },
    }),
  ],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // Every browser the app supports has modulepreload; the polyfill would be dead weight.
    modulePreload: { polyfill: false },
  },
  server: {
    host: devServer.hostname,
    port: devPort,
    strictPort: true,
    hmr: { host: devServer.hostname, clientPort: devPort },
  },
});
