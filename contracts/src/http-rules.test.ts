import { expect, test } from "bun:test";
import {
  create,
  createFileRegistry,
  type DescExtension,
  type FileRegistry,
  setExtension,
} from "@bufbuild/protobuf";
import {
  FieldDescriptorProto_Label,
  FieldDescriptorProto_Type,
  FileDescriptorProtoSchema,
  file_google_protobuf_empty,
  type MethodOptions,
  MethodOptionsSchema,
} from "@bufbuild/protobuf/wkt";
import { contractsRegistry } from "./descriptors.ts";
import { type HttpRule, httpRules } from "./http-rules.ts";

const contracts = contractsRegistry();

/** The rule with its message types by name, as the tables below write them. */
function summary(rule: HttpRule) {
  const { service: _service, requestType, responseType, ...rest } = rule;
  return { ...rest, requestType: requestType.typeName, responseType: responseType.typeName };
}

function rulesOf(registry: FileRegistry, service: string): object[] {
  return httpRules(registry)
    .filter((rule) => rule.service === service)
    .map(summary);
}

const notes = "trellis.notes.v1.NotesService";
const noteRoute = (method: string, verb: string, path: string) => ({
  method: `/${notes}/${method}`,
  verb,
  pathTemplate: path,
  bodyMask: "",
  access: "signed-in",
  requestType: `trellis.notes.v1.${method}Request`,
  responseType: `trellis.notes.v1.${method}Response`,
});

test("the notes service declares today's REST API, and identity none", () => {
  expect(rulesOf(contracts, notes)).toEqual([
    {
      ...noteRoute("CreateNote", "POST", "/api/notes"),
      body: "*",
      responseBody: "note",
      successStatus: 201,
    },
    {
      ...noteRoute("GetNote", "GET", "/api/notes/{id}"),
      body: "",
      responseBody: "note",
      successStatus: 200,
    },
    {
      ...noteRoute("ListNotes", "GET", "/api/notes"),
      body: "",
      responseBody: "",
      successStatus: 200,
    },
    {
      ...noteRoute("UpdateNote", "PATCH", "/api/notes/{note.id}"),
      body: "note",
      responseBody: "note",
      bodyMask: "update_mask",
      successStatus: 200,
    },
    {
      ...noteRoute("DeleteNote", "DELETE", "/api/notes/{id}"),
      body: "",
      responseBody: "",
      successStatus: 204,
    },
  ]);
  expect(rulesOf(contracts, "trellis.identity.v1.IdentityService")).toEqual([]);
  expect(contracts.getService("trellis.identity.v1.IdentityService")?.methods.length).toBe(6);
});

// A one-file registry around `fixture.v1.FixtureService`, merged with the contracts' registry
// for the extensions: each method takes and returns `Thing` unless `output` says otherwise.
interface FixtureMethod {
  http?: Record<string, unknown>;
  access?: number;
  successStatus?: number;
  output?: string;
}

function extension(name: string): DescExtension {
  const found = contracts.getExtension(name);
  if (found === undefined) {
    throw new Error(`the contracts' registry has no ${name}`);
  }
  return found;
}

function methodOptions({ http, access, successStatus }: FixtureMethod): MethodOptions {
  const options = create(MethodOptionsSchema);
  const httpExtension = extension("google.api.http");
  if (http !== undefined && httpExtension.fieldKind === "message") {
    setExtension(options, httpExtension, create(httpExtension.message, http));
  }
  if (access !== undefined) {
    setExtension(options, extension("trellis.api.v1.access"), access);
  }
  if (successStatus !== undefined) {
    setExtension(options, extension("trellis.api.v1.success_status"), successStatus);
  }
  return options;
}

function fixtureRegistry(method: FixtureMethod): FileRegistry {
  const string = {
    type: FieldDescriptorProto_Type.STRING,
    label: FieldDescriptorProto_Label.OPTIONAL,
  };
  const file = create(FileDescriptorProtoSchema, {
    name: "fixture/v1/fixture.proto",
    package: "fixture.v1",
    syntax: "proto3",
    dependency: ["google/protobuf/empty.proto"],
    messageType: [
      {
        name: "Thing",
        field: [
          { name: "id", jsonName: "id", number: 1, ...string },
          { name: "name", jsonName: "name", number: 2, ...string },
        ],
      },
    ],
    service: [
      {
        name: "FixtureService",
        method: [
          {
            name: "Call",
            inputType: ".fixture.v1.Thing",
            outputType: method.output ?? ".fixture.v1.Thing",
            options: methodOptions(method),
          },
        ],
      },
    ],
  });
  const fixture = createFileRegistry(file, (name) =>
    name === "google/protobuf/empty.proto" ? file_google_protobuf_empty : undefined,
  );
  return createFileRegistry(contracts, fixture);
}

const call = {
  method: "/fixture.v1.FixtureService/Call",
  body: "",
  responseBody: "",
  bodyMask: "",
  access: "signed-in",
  successStatus: 200,
  requestType: "fixture.v1.Thing",
  responseType: "fixture.v1.Thing",
};
const get = (path: string) => ({ pattern: { case: "get", value: path } });

const cases: { name: string; method: FixtureMethod; want: object[] | string }[] = [
  { name: "an RPC without google.api.http is absent", method: {}, want: [] },
  {
    name: "a get is signed-in by default",
    method: { http: get("/v1/things/{id}") },
    want: [{ ...call, verb: "GET", pathTemplate: "/v1/things/{id}" }],
  },
  {
    name: "ACCESS_SIGNED_IN is signed-in",
    method: { http: get("/v1/things"), access: 1 },
    want: [{ ...call, verb: "GET", pathTemplate: "/v1/things" }],
  },
  {
    name: "ACCESS_PUBLIC is public",
    method: { http: get("/v1/things"), access: 2 },
    want: [{ ...call, verb: "GET", pathTemplate: "/v1/things", access: "public" }],
  },
  {
    name: "a post to a collection answers 201",
    method: { http: { pattern: { case: "post", value: "/v1/things" }, body: "*" } },
    want: [{ ...call, verb: "POST", pathTemplate: "/v1/things", body: "*", successStatus: 201 }],
  },
  {
    name: "a post to a custom method answers 200",
    method: { http: { pattern: { case: "post", value: "/v1/{id}:archive" }, body: "name" } },
    want: [{ ...call, verb: "POST", pathTemplate: "/v1/{id}:archive", body: "name" }],
  },
  {
    name: "a google.protobuf.Empty response answers 204",
    method: {
      http: { pattern: { case: "delete", value: "/v1/things/{id}" } },
      output: ".google.protobuf.Empty",
    },
    want: [
      {
        ...call,
        verb: "DELETE",
        pathTemplate: "/v1/things/{id}",
        responseType: "google.protobuf.Empty",
        successStatus: 204,
      },
    ],
  },
  {
    name: "success_status wins over the convention",
    method: { http: { pattern: { case: "delete", value: "/v1/{id}" } }, successStatus: 204 },
    want: [{ ...call, verb: "DELETE", pathTemplate: "/v1/{id}", successStatus: 204 }],
  },
  {
    name: "each additional binding is a route of its own",
    method: {
      http: {
        ...get("/v1/things/{id}"),
        responseBody: "name",
        additionalBindings: [{ pattern: { case: "put", value: "/v1/items/{id}" }, body: "*" }],
      },
    },
    want: [
      { ...call, verb: "GET", pathTemplate: "/v1/things/{id}", responseBody: "name" },
      { ...call, verb: "PUT", pathTemplate: "/v1/items/{id}", body: "*" },
    ],
  },
  {
    name: "a custom verb is refused",
    method: { http: { pattern: { case: "custom", value: { kind: "HEAD", path: "/v1/things" } } } },
    want: '/fixture.v1.FixtureService/Call: custom verb "HEAD" is not served (use get, put, post, delete or patch)',
  },
  {
    name: "nested additional_bindings are refused",
    method: {
      http: {
        ...get("/v1/a"),
        additionalBindings: [{ ...get("/v1/b"), additionalBindings: [get("/v1/c")] }],
      },
    },
    want: "/fixture.v1.FixtureService/Call: additional_bindings may not have additional_bindings of their own",
  },
  {
    name: "a rule with no verb is refused",
    method: { http: { body: "*" } },
    want: "/fixture.v1.FixtureService/Call: google.api.http names no verb and path",
  },
  {
    name: "a body naming no request field is refused",
    method: { http: { pattern: { case: "patch", value: "/v1/{id}" }, body: "thing" } },
    want: '/fixture.v1.FixtureService/Call: body "thing" is not a field of fixture.v1.Thing',
  },
  {
    name: "a response_body naming no response field is refused",
    method: { http: { ...get("/v1/{id}"), responseBody: "*" } },
    want: '/fixture.v1.FixtureService/Call: response_body "*" is not a field of fixture.v1.Thing',
  },
  {
    name: "a success_status other than 200, 201, 204 is refused",
    method: { http: get("/v1/{id}"), successStatus: 202 },
    want: "/fixture.v1.FixtureService/Call: success_status 202 is not one of 200, 201, 204",
  },
  {
    name: "an unknown access value is refused",
    method: { http: get("/v1/{id}"), access: 7 },
    want: "/fixture.v1.FixtureService/Call: trellis.api.v1.access 7 is not a known Access",
  },
];

test.each(cases)("$name", ({ method, want }) => {
  const got = (() => {
    try {
      return rulesOf(fixtureRegistry(method), "fixture.v1.FixtureService");
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  })();
  expect(got).toEqual(want);
});
