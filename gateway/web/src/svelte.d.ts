// tsc (TypeScript 7) checks the .ts modules; .svelte files are compiled by Vite and are typed
// here only as components, since svelte-check does not run on TypeScript 7 alone.
declare module "*.svelte" {
  import type { Component } from "svelte";

  const component: Component<Record<string, unknown>>;
  export default component;
}
