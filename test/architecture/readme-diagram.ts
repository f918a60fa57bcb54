const MERMAID = /```mermaid\n([\s\S]*?)```/g;
const MARKER = "%% who may import whom";
const NODE = /^\s*(\w+)\["([^"]+)"\]\s*$/gm;
const ARROW = /^\s*(\w+)\s*(-->|-\.->)\s*(\w+)\s*$/gm;

/**
 * The arrows of the README's package diagram, as "from --> to" between node labels ("from -.-> to"
 * for a dotted arrow: an import kept to tests). The diagram is the mermaid block holding the
 * marker line; it declares each node on its own line (`kit["service-kit"]`) and then draws
 * arrows between node ids (`notes --> kit`).
 */
export function diagramArrows(readme: string): string[] {
  const block = [...readme.matchAll(MERMAID)]
    .map((m) => m[1] ?? "")
    .find((b) => b.includes(MARKER));
  if (block === undefined) {
    throw new Error(`README.md has no mermaid block with "${MARKER}"`);
  }
  const labels = new Map([...block.matchAll(NODE)].map((m) => [m[1] ?? "", m[2] ?? ""] as const));
  return [...block.matchAll(ARROW)].map(([, from = "", arrow = "", to = ""]) => {
    return `${labels.get(from) ?? from} ${arrow} ${labels.get(to) ?? to}`;
  });
}
