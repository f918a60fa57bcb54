// tsc (TypeScript 7) checks the .ts modules and cannot read a .svelte file: to it an import of
// one is any component. svelte-check, on TypeScript 5, checks the components themselves.
declare module "*.svelte" {
  import type { Component } from "svelte";

  const component: Component<Record<string, unknown>>;
  export default component;
}
