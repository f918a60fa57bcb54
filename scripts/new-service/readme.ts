import type { ServiceNames } from "./naming.ts";

/** The README of a new service: what it was made with and what to change first. */
export function serviceReadme(n: ServiceNames, port: number): string {
  const s = n.singular;
  return `# ${n.name}

\`${n.protoService}\` on Postgres: per-user ${n.plural} (create, get, list, update, delete),
made by \`bun run new-service\` from \`service-template/\`. The contract is
\`contracts/proto/trellis/${n.name}/v1/${n.name}.proto\`; REST routes are under \`/api/${n.plural}\`.

\`\`\`
src/main.ts                 the only file with side effects: config, pool, server, migrations
src/server.ts               binds each RPC to its handler
src/handlers/<rpc>.ts       one file per RPC, with its test.each table beside it
src/db/${n.plural}.ts${pad(`src/db/${n.plural}.ts`)}the repository: plain SQL, known SQLSTATEs -> AppErrors
src/${s}.ts${pad(`src/${s}.ts`)}the record, its input rules, record -> proto
src/testing/                fakes and fixtures for handler tests
migrations/                 forward-only SQL, applied at startup
test/                       repository, client, interop, property and process tests
\`\`\`

## Change first

1. The fields: a ${s} has a \`title\` and a \`body\`, as the template has. Change the proto
   message (every field commented), \`bun run generate\`, then \`migrations/0001_create_${n.plural}.sql\`,
   \`src/${s}.ts\` and \`src/db/${n.plural}.ts\`; the type checker lists the handlers and fakes to follow.
2. The RPCs: one handler per RPC in \`src/handlers/\`, bound in \`src/server.ts\`.

Never edit a migration once it has been applied anywhere: add the next one. One that drops,
renames or retypes says \`-- breaking: <why>\` (\`test/migrations.test.ts\` checks).

## Run it

\`bun run dev\` at the root starts it on 127.0.0.1:${port} (\`trellis.service.port\` in
\`package.json\`). Here: \`bun test\`, \`bun run lint\`, \`bun run typecheck\`. The image:
\`docker build --secret id=npmrc,src=$HOME/.npmrc -t trellis/${n.name} services/${n.name}\`.
`;
}

/** Spaces aligning a layout line's description with the others. */
function pad(path: string): string {
  return " ".repeat(Math.max(1, 28 - path.length));
}
