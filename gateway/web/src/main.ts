import { mount } from "svelte";
import App from "./App.svelte";
import { createApi } from "./lib/api.ts";
import { createRouter } from "./lib/router.ts";
import { signInPath } from "./lib/sign-in.ts";

const router = createRouter(window);
const api = createApi({
  origin: window.location.origin,
  // Any 401 means the session is gone: sign in, then come back here. Several calls may fail
  // at once; only the first moves, so returnTo stays the page the user was on.
  onUnauthorized: () => {
    const here = router.here();
    if (!here.startsWith("/signin")) {
      router.navigate(signInPath(here, window.location.origin), { replace: true });
    }
  },
});

const target = document.getElementById("app");
if (target === null) {
  throw new Error("index.html has no #app element");
}
mount(App, { target, props: { api, router } });
