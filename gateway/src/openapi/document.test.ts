import { expect, test } from "bun:test";
import { Validator } from "@seriousme/openapi-schema-validator";
import { contractsRegistry } from "@trellis/contracts/descriptors";
import { type HttpRule, httpRules } from "@trellis/contracts/http-rules";
import { openApiFromContracts } from "./document.ts";
import { sinkRegistry } from "./testing/sink-registry.ts";
import type { OpenApiDocument, Operation } from "./types.ts";

const info = { title: "Trellis API", version: "0.1.0" };
const registry = contractsRegistry();
const notes = openApiFromContracts(httpRules(registry), {
  registry,
  info,
  sessionCookie: "session",
});

/** A public GET of SinkService.GetSink: every scalar kind as a query parameter. */
function sinkDocument(): OpenApiDocument {
  const sinks = sinkRegistry();
  const sink = sinks.getMessage("sink.v1.Sink");
  if (sink === undefined) {
    throw new Error("no sink.v1.Sink");
  }
  const route: HttpRule = {
    service: "sink.v1.SinkService",
    method: "/sink.v1.SinkService/GetSink",
    verb: "GET",
    pathTemplate: "/v1/sinks/{inner.name}",
    body: "",
    responseBody: "",
    bodyMask: "",
    access: "public",
    successStatus: 200,
    requestType: sink,
    responseType: sink,
  };
  return openApiFromContracts([route], { registry: sinks, info, sessionCookie: "session" });
}
const sinkDoc = sinkDocument();

function op(
  document: OpenApiDocument,
  path: string,
  verb: "get" | "post" | "patch" | "delete",
): Operation {
  const operation = document.paths[path]?.[verb];
  if (operation === undefined) {
    throw new Error(`no ${verb} ${path}`);
  }
  return operation;
}

test.each([
  { name: "the notes document", document: notes },
  { name: "the sink document", document: sinkDoc },
])("$name passes the OpenAPI 3.1 schema validator", async ({ document }) => {
  const validator = new Validator();
  const result = await validator.validate(structuredClone(document));
  expect({ version: validator.version, ...result }).toEqual({ version: "3.1", valid: true });
});

const cases: { name: string; got: () => unknown; want: unknown }[] = [
  {
    name: "ListNotes takes page_size (integer) and page_token (string) from the query",
    got: () => op(notes, "/api/notes", "get").parameters?.map((p) => [p.name, p.in, p.schema.type]),
    want: [
      ["page_size", "query", "integer"],
      ["page_token", "query", "string"],
    ],
  },
  {
    name: "GetNote has its id as a required path parameter",
    got: () => op(notes, "/api/notes/{id}", "get").parameters,
    want: [
      {
        name: "id",
        in: "path",
        required: true,
        schema: { type: "string" },
        description: "Id of the note, a UUID.",
      },
    ],
  },
  {
    name: "UpdateNote's dotted path variable is its parameter's name",
    got: () => op(notes, "/api/notes/{note.id}", "patch").parameters?.map((p) => [p.name, p.in]),
    want: [
      ["note.id", "path"],
      ["update_mask", "query"],
    ],
  },
  {
    name: "UpdateNote's body is the note without the id the path binds",
    got: () => {
      const body = op(notes, "/api/notes/{note.id}", "patch").requestBody?.content[
        "application/json"
      ].schema;
      return Object.keys(body?.properties ?? {});
    },
    want: ["title", "body", "createTime", "updateTime"],
  },
  {
    name: "CreateNote takes the whole request as its body and answers 201 with the note",
    got: () => {
      const operation = op(notes, "/api/notes", "post");
      const created = operation.responses["201"];
      return {
        body: operation.requestBody,
        created: created !== undefined && "content" in created ? created.content : undefined,
      };
    },
    want: {
      body: {
        required: true,
        content: {
          "application/json": {
            schema: { $ref: "#/components/schemas/trellis.notes.v1.CreateNoteRequest" },
          },
        },
      },
      created: {
        "application/json": {
          schema: {
            $ref: "#/components/schemas/trellis.notes.v1.Note",
            description: "The note as stored, with its id and timestamps.",
          },
        },
      },
    },
  },
  {
    name: "DeleteNote answers 204 without content",
    got: () => op(notes, "/api/notes/{id}", "delete").responses["204"],
    want: { description: "Done; no content." },
  },
  {
    name: "a signed-in route needs the session cookie",
    got: () => {
      const operation = op(notes, "/api/notes/{id}", "get");
      return [operation.security, operation["x-trellis-access"], notes.components.securitySchemes];
    },
    want: [
      [{ session: [] }],
      "signed-in",
      { session: { type: "apiKey", in: "cookie", name: "session" } },
    ],
  },
  {
    name: "a public route has no security requirement and no 401",
    got: () => {
      const operation = op(sinkDoc, "/v1/sinks/{inner.name}", "get");
      return [operation.security, operation["x-trellis-access"], "401" in operation.responses];
    },
    want: [[], "public", false],
  },
  {
    name: "errors: a GET has no 403 nor 413, an unsafe method with a body has both, a POST a 422",
    got: () => [
      Object.keys(op(notes, "/api/notes", "get").responses),
      Object.keys(op(notes, "/api/notes/{note.id}", "patch").responses),
      Object.keys(op(notes, "/api/notes", "post").responses),
    ],
    want: [
      ["200", "400", "401", "404", "429", "500", "503", "504"],
      ["200", "400", "401", "403", "404", "413", "415", "429", "500", "503", "504"],
      ["201", "400", "401", "403", "404", "413", "415", "422", "429", "500", "503", "504"],
    ],
  },
  {
    name: "CreateNote, a POST, takes an optional Idempotency-Key header of the kit's form",
    got: () => op(notes, "/api/notes", "post").parameters?.map(({ description, ...p }) => p),
    want: [
      {
        name: "Idempotency-Key",
        in: "header",
        required: false,
        schema: { type: "string", minLength: 1, maxLength: 255, pattern: "^[!-~]+$" },
      },
    ],
  },
  {
    name: "the answers that say when to retry (429, 503) declare Retry-After; a 422 does not",
    got: () =>
      ["422", "429", "503"].map((status) => {
        const response = notes.components.responses[status];
        return response !== undefined && "headers" in response
          ? Object.keys(response.headers ?? {})
          : [];
      }),
    want: [[], ["Retry-After"], ["Retry-After"]],
  },
  {
    name: "the RPC's comment is the summary and description",
    got: () => {
      const { operationId, tags, summary, description } = op(notes, "/api/notes/{id}", "get");
      return { operationId, tags, summary, description };
    },
    want: {
      operationId: "NotesService_GetNote",
      tags: ["NotesService"],
      summary: "GetNote returns one of the caller's notes.",
      description:
        "GetNote returns one of the caller's notes.\nErrors: INVALID_ARGUMENT (id), NOT_FOUND, UNAUTHENTICATED.",
    },
  },
  {
    name: "field comments become property descriptions, names are lowerCamelCase",
    got: () =>
      notes.components.schemas["trellis.notes.v1.ListNotesResponse"]?.properties?.nextPageToken,
    want: {
      type: "string",
      description: "Token for the next page; empty when this page is the last.",
    },
  },
  {
    name: "the notes' field behaviours: a required title, server-set timestamps read-only",
    got: () => {
      const schemas = notes.components.schemas;
      const note = schemas["trellis.notes.v1.Note"]?.properties;
      return [
        schemas["trellis.notes.v1.CreateNoteRequest"]?.required,
        note?.createTime?.readOnly,
        note?.updateTime?.readOnly,
        note?.title?.readOnly,
      ];
    },
    want: [["title"], true, true, undefined],
  },
  {
    name: "an int64 field is a string, in a schema and in the query",
    got: () => [
      sinkDoc.components.schemas["sink.v1.Sink"]?.properties?.count,
      op(sinkDoc, "/v1/sinks/{inner.name}", "get").parameters?.find((p) => p.name === "count"),
    ],
    want: [
      {
        type: "string",
        format: "int64",
        pattern: "^-?[0-9]+$",
        description: "How many, as a 64-bit integer.",
      },
      {
        name: "count",
        in: "query",
        description: "How many, as a 64-bit integer.",
        schema: { type: "string", format: "int64", pattern: "^-?[0-9]+$" },
      },
    ],
  },
  {
    name: "query: scalars, repeated scalars and well-known scalars; no map, no bound field, no loop",
    got: () =>
      op(sinkDoc, "/v1/sinks/{inner.name}", "get").parameters?.map((p) => `${p.in} ${p.name}`),
    want: [
      "path inner.name",
      ...["count", "total", "size", "flag", "data", "ratio", "color", "tags"].map(
        (n) => `query ${n}`,
      ),
      ...["at_time", "wait", "mask", "maybe"].map((n) => `query ${n}`),
    ],
  },
];

test.each(cases)("$name", ({ got, want }) => {
  expect(got()).toEqual(want);
});
