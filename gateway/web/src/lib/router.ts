import { appReturnTo } from "./sign-in.ts";

/** The app's pages. Anything else the gateway serves (/auth, /api, /docs) is not ours. */
export type Route =
  | { page: "home" }
  | { page: "signin"; error: string | null; returnTo: string }
  | { page: "not-found" };

const SERVER_PATHS = /^\/(api|auth|docs|openapi\.json|healthz|readyz)(\/|$)/;

export function routeOf(url: URL): Route {
  switch (url.pathname) {
    case "/":
      return { page: "home" };
    case "/signin":
      return {
        page: "signin",
        error: url.searchParams.get("error"),
        returnTo: appReturnTo(url.searchParams.get("returnTo"), url.origin),
      };
    default:
      return { page: "not-found" };
  }
}

/** What the router needs of `window`; tests pass a fake. */
export interface RouterWindow {
  location: { href: string };
  history: {
    pushState(data: unknown, unused: string, url: string): void;
    replaceState(data: unknown, unused: string, url: string): void;
  };
  addEventListener(type: "popstate", listener: () => void): void;
  removeEventListener(type: "popstate", listener: () => void): void;
}

/** The subset of a click the router reads. */
export interface LinkClick {
  defaultPrevented: boolean;
  button: number;
  metaKey: boolean;
  ctrlKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
  target: EventTarget | null;
  preventDefault(): void;
}

/**
 * A history-API router as a Svelte store of the current route. Links to app pages navigate
 * in place; links to the gateway (/auth/... sign-in) load as pages, as they must.
 */
export function createRouter(win: RouterWindow) {
  const listeners = new Set<(route: Route) => void>();
  let current = routeOf(new URL(win.location.href));
  const update = (): void => {
    current = routeOf(new URL(win.location.href));
    for (const listener of listeners) {
      listener(current);
    }
  };
  win.addEventListener("popstate", update);

  const navigate = (path: string, options: { replace?: boolean } = {}): void => {
    if (options.replace) {
      win.history.replaceState(null, "", path);
    } else {
      win.history.pushState(null, "", path);
    }
    update();
  };

  return {
    subscribe(run: (route: Route) => void): () => void {
      run(current);
      listeners.add(run);
      return () => listeners.delete(run);
    },
    navigate,
    /** The path and query of the page shown, to come back to after signing in. */
    here(): string {
      const url = new URL(win.location.href);
      return `${url.pathname}${url.search}`;
    },
    /** A document click handler: takes over plain clicks on links to app pages. */
    onClick(event: LinkClick): void {
      const path = appLinkPath(event, new URL(win.location.href).origin);
      if (path !== null) {
        event.preventDefault();
        navigate(path);
      }
    },
    stop(): void {
      win.removeEventListener("popstate", update);
      listeners.clear();
    },
  };
}

export type Router = ReturnType<typeof createRouter>;

/** The path a click should navigate to in place, or null to let the browser handle it. */
function appLinkPath(event: LinkClick, origin: string): string | null {
  if (
    event.defaultPrevented ||
    event.button !== 0 ||
    event.metaKey ||
    event.ctrlKey ||
    event.shiftKey ||
    event.altKey
  ) {
    return null;
  }
  const target = event.target as { closest?: (selector: string) => unknown } | null;
  const anchor = target?.closest?.("a[href]") as HTMLAnchorElement | null | undefined;
  if (anchor?.target !== "" || anchor.hasAttribute("download")) {
    return null;
  }
  const url = new URL(anchor.href, origin);
  if (url.origin !== origin || SERVER_PATHS.test(url.pathname)) {
    return null;
  }
  return `${url.pathname}${url.search}${url.hash}`;
}
