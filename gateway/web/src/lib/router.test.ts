import { expect, test } from "bun:test";
import { createRouter, type LinkClick, type Route, type RouterWindow, routeOf } from "./router.ts";

const ORIGIN = "https://app.example.com";

test.each([
  { path: "/", want: { page: "home" } },
  { path: "/signin", want: { page: "signin", error: null, returnTo: "/" } },
  {
    path: "/signin?error=denied&returnTo=%2F%3Fq%3D1",
    want: { page: "signin", error: "denied", returnTo: "/?q=1" },
  },
  {
    path: "/signin?returnTo=https%3A%2F%2Fevil.example",
    want: { page: "signin", error: null, returnTo: "/" },
  },
  { path: "/nope", want: { page: "not-found" } },
])("routeOf($path)", ({ path, want }) => {
  expect(routeOf(new URL(path, ORIGIN))).toEqual(want as Route);
});

/** A window whose history is a list of URLs. */
function fakeWindow(path: string) {
  const entries = [`${ORIGIN}${path}`];
  const popstate = new Set<() => void>();
  const win: RouterWindow = {
    location: {
      get href() {
        return entries.at(-1) ?? "";
      },
    },
    history: {
      pushState: (_data, _unused, url) => entries.push(new URL(url, ORIGIN).href),
      replaceState: (_data, _unused, url) => {
        entries[entries.length - 1] = new URL(url, ORIGIN).href;
      },
    },
    addEventListener: (_type, listener) => popstate.add(listener),
    removeEventListener: (_type, listener) => popstate.delete(listener),
  };
  const back = (): void => {
    entries.pop();
    for (const listener of popstate) {
      listener();
    }
  };
  return { win, entries, back };
}

test("navigating pushes history and tells subscribers; back goes back", () => {
  const { win, entries, back } = fakeWindow("/");
  const router = createRouter(win);
  const seen: string[] = [];
  router.subscribe((route) => seen.push(route.page));

  router.navigate("/signin?returnTo=%2F");
  back();

  expect(seen).toEqual(["home", "signin", "home"]);
  expect(entries).toEqual([`${ORIGIN}/`]);
});

test("a replacing navigation leaves no entry to go back to", () => {
  const { win, entries } = fakeWindow("/");
  const router = createRouter(win);

  router.navigate("/signin", { replace: true });

  expect(entries).toEqual([`${ORIGIN}/signin`]);
  expect(router.here()).toBe("/signin");
});

type Modifiers = Partial<Pick<LinkClick, "button" | "ctrlKey" | "metaKey">>;

/** A click on a link to `href` (opening in `linkTarget`), plain unless `overrides` say. */
function click(href: string, overrides: Modifiers = {}, linkTarget = "") {
  let prevented = false;
  const anchor = {
    href: new URL(href, ORIGIN).href,
    target: linkTarget,
    hasAttribute: () => false,
  };
  const event: LinkClick = {
    defaultPrevented: false,
    button: 0,
    metaKey: false,
    ctrlKey: false,
    shiftKey: false,
    altKey: false,
    ...overrides,
    target: { closest: () => anchor } as unknown as EventTarget,
    preventDefault: () => {
      prevented = true;
    },
  };
  return { event, prevented: () => prevented };
}

const clicks: { name: string; href: string; event?: Modifiers; tab?: string; inPlace: boolean }[] =
  [
    { name: "an app page", href: "/signin", inPlace: true },
    { name: "a sign-in start (the gateway's)", href: "/auth/dev/login", inPlace: false },
    { name: "the API docs", href: "/docs", inPlace: false },
    { name: "another origin", href: "https://example.org/", inPlace: false },
    { name: "a ctrl-click", href: "/signin", event: { ctrlKey: true }, inPlace: false },
    { name: "a middle click", href: "/signin", event: { button: 1 }, inPlace: false },
    { name: "a link to a new tab", href: "/signin", tab: "_blank", inPlace: false },
  ];

test.each(clicks)(
  "a click on $name navigates in place: $inPlace",
  ({ href, event, tab, inPlace }) => {
    const { win, entries } = fakeWindow("/");
    const router = createRouter(win);
    const clicked = click(href, event, tab);

    router.onClick(clicked.event);

    expect(clicked.prevented()).toBe(inPlace);
    expect(entries).toHaveLength(inPlace ? 2 : 1);
  },
);
