import {
  type DescExtension,
  type DescMessage,
  type DescMethod,
  type DescService,
  getOption,
  hasOption,
  isMessage,
  type Registry,
} from "@bufbuild/protobuf";

/** Who may call an RPC through the gateway: trellis.api.v1.Access. */
export type Access = "signed-in" | "public";
export type HttpVerb = "GET" | "PUT" | "POST" | "DELETE" | "PATCH";
export type SuccessStatus = 200 | 201 | 204;

/** One REST binding of an RPC: its google.api.http rule (or one of its additional_bindings). */
export interface HttpRule {
  /** Full service name: "trellis.notes.v1.NotesService". */
  service: string;
  /** The gRPC method path: "/trellis.notes.v1.NotesService/GetNote". */
  method: string;
  verb: HttpVerb;
  /** The path template as written in the proto: "/api/notes/{id}". */
  pathTemplate: string;
  /** `body`: "" (no body: every unbound field comes from the query), "*", or a request field. */
  body: string;
  /** `response_body`: "" (the whole response message) or a response field. */
  responseBody: string;
  /**
   * The request's FieldMask field that the body's top-level JSON keys fill when the request does
   * not set it ("update_mask"), or "": grpc-gateway's PATCH feature, for a `patch` whose `body`
   * is one field and whose request has exactly one google.protobuf.FieldMask.
   */
  bodyMask: string;
  access: Access;
  /** trellis.api.v1.success_status, or the convention (see successStatusOf). */
  successStatus: SuccessStatus;
  requestType: DescMessage;
  responseType: DescMessage;
}

// The fields of google.api.HttpRule this reads. No TypeScript is generated for googleapis: the
// extension is read by reflection, and its message has these fields (google/api/http.proto).
interface HttpRuleMessage {
  pattern:
    | { case: "get" | "put" | "post" | "delete" | "patch"; value: string }
    | { case: "custom"; value: { kind: string; path: string } }
    | { case: undefined; value?: undefined };
  body: string;
  responseBody: string;
  additionalBindings: HttpRuleMessage[];
}

interface Extensions {
  http: DescExtension;
  access: DescExtension | undefined;
  successStatus: DescExtension | undefined;
}

/**
 * Every REST binding the services of `registry` declare, in file, service and method order: one
 * per google.api.http rule and one per additional binding. RPCs without google.api.http are not
 * served over REST and yield nothing. Throws, naming the method, on what the gateway cannot
 * serve: a `custom` verb, an empty pattern, nested additional_bindings, a `body` or
 * `response_body` that is not a top-level field, an unknown access value, a success_status
 * other than 200, 201 or 204.
 */
export function httpRules(registry: Registry): HttpRule[] {
  const http = registry.getExtension("google.api.http");
  if (http === undefined) {
    return [];
  }
  const extensions: Extensions = {
    http,
    access: registry.getExtension("trellis.api.v1.access"),
    successStatus: registry.getExtension("trellis.api.v1.success_status"),
  };
  const rules: HttpRule[] = [];
  for (const type of registry) {
    if (type.kind === "service") {
      rules.push(...serviceRules(type, extensions));
    }
  }
  return rules;
}

function serviceRules(service: DescService, extensions: Extensions): HttpRule[] {
  return service.methods.flatMap((method) => {
    if (!hasOption(method, extensions.http)) {
      return [];
    }
    const rule = readHttpRule(method, extensions.http);
    const nested = rule.additionalBindings.find((b) => b.additionalBindings.length > 0);
    if (nested !== undefined) {
      throw ruleError(method, "additional_bindings may not have additional_bindings of their own");
    }
    return [rule, ...rule.additionalBindings].map((binding) =>
      toHttpRule(method, binding, extensions),
    );
  });
}

function readHttpRule(method: DescMethod, http: DescExtension): HttpRuleMessage {
  const value = getOption(method, http);
  if (!isMessage(value) || value.$typeName !== "google.api.HttpRule") {
    throw ruleError(method, "google.api.http is not a google.api.HttpRule");
  }
  return value as unknown as HttpRuleMessage;
}

function toHttpRule(method: DescMethod, rule: HttpRuleMessage, ext: Extensions): HttpRule {
  const { pattern } = rule;
  if (pattern.case === undefined) {
    throw ruleError(method, "google.api.http names no verb and path");
  }
  if (pattern.case === "custom") {
    throw ruleError(
      method,
      `custom verb "${pattern.value.kind}" is not served (use get, put, post, delete or patch)`,
    );
  }
  checkField(method, "body", rule.body, method.input, true);
  checkField(method, "response_body", rule.responseBody, method.output, false);
  const verb = pattern.case.toUpperCase() as HttpVerb;
  return {
    service: method.parent.typeName,
    method: `/${method.parent.typeName}/${method.name}`,
    verb,
    pathTemplate: pattern.value,
    body: rule.body,
    responseBody: rule.responseBody,
    bodyMask: bodyMaskOf(verb, rule.body, method.input),
    access: accessOf(method, ext.access),
    successStatus: successStatusOf(method, ext.successStatus, verb, pattern.value),
    requestType: method.input,
    responseType: method.output,
  };
}

function checkField(
  method: DescMethod,
  option: string,
  name: string,
  message: DescMessage,
  starAllowed: boolean,
): void {
  if (name === "" || (starAllowed && name === "*")) {
    return;
  }
  if (!message.fields.some((field) => field.name === name)) {
    throw ruleError(method, `${option} "${name}" is not a field of ${message.typeName}`);
  }
}

function bodyMaskOf(verb: HttpVerb, body: string, request: DescMessage): string {
  if (verb !== "PATCH" || body === "" || body === "*") {
    return "";
  }
  const masks = request.fields.filter(
    (field) =>
      field.fieldKind === "message" && field.message.typeName === "google.protobuf.FieldMask",
  );
  return masks.length === 1 ? (masks[0]?.name ?? "") : "";
}

function accessOf(method: DescMethod, access: DescExtension | undefined): Access {
  if (access === undefined || !hasOption(method, access)) {
    return "signed-in";
  }
  const number = getOption(method, access);
  const value = access.enum?.values.find((v) => v.number === number);
  switch (value?.name) {
    case "ACCESS_UNSPECIFIED":
    case "ACCESS_SIGNED_IN":
      return "signed-in";
    case "ACCESS_PUBLIC":
      return "public";
    default:
      throw ruleError(method, `trellis.api.v1.access ${String(number)} is not a known Access`);
  }
}

/**
 * The status of a successful call: trellis.api.v1.success_status when set, else 201 for a `post`
 * whose path ends without a custom verb (a create: "/api/notes", not "/api/notes:search"), 204
 * when the response is google.protobuf.Empty, else 200.
 */
function successStatusOf(
  method: DescMethod,
  option: DescExtension | undefined,
  verb: HttpVerb,
  path: string,
): SuccessStatus {
  if (option !== undefined && hasOption(method, option)) {
    const status = getOption(method, option);
    if (status !== 200 && status !== 201 && status !== 204) {
      throw ruleError(method, `success_status ${String(status)} is not one of 200, 201, 204`);
    }
    return status;
  }
  if (verb === "POST" && !hasCustomVerb(path)) {
    return 201;
  }
  return method.output.typeName === "google.protobuf.Empty" ? 204 : 200;
}

/** Whether the last segment ends in `:verb` (AIP-136 custom methods), outside any `{...}`. */
function hasCustomVerb(path: string): boolean {
  const tail = path.slice(path.lastIndexOf("}") + 1);
  return tail.slice(tail.lastIndexOf("/") + 1).includes(":");
}

function ruleError(method: DescMethod, message: string): Error {
  return new Error(`/${method.parent.typeName}/${method.name}: ${message}`);
}
