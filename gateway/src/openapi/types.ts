// The parts of an OpenAPI 3.1 document this generator writes (https://spec.openapis.org/oas/v3.1.0),
// as plain data: the document is served as JSON and checked by an independent validator in the
// tests, so these types only keep the generator's own code consistent.

/** A JSON Schema (2020-12, OpenAPI 3.1's dialect), as far as proto3 JSON needs one. */
export type Schema = {
  $ref?: string;
  type?: "object" | "array" | "string" | "integer" | "number" | "boolean" | "null";
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  enum?: (string | null)[];
  minimum?: number;
  maximum?: number;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: Schema | boolean;
  oneOf?: Schema[];
  description?: string;
  readOnly?: boolean;
};

export type Parameter = {
  name: string;
  in: "path" | "query" | "header";
  required?: boolean;
  description?: string;
  style?: "form" | "simple";
  explode?: boolean;
  schema: Schema;
};

export type MediaContent = { "application/json": { schema: Schema } };

export type Header = { description: string; schema: Schema };

export type Response =
  | { description: string; headers?: Record<string, Header>; content?: MediaContent }
  | { $ref: string };

export type Operation = {
  operationId: string;
  tags: string[];
  summary?: string;
  description?: string;
  parameters?: Parameter[];
  requestBody?: { required: boolean; content: MediaContent };
  responses: Record<string, Response>;
  security: Record<string, string[]>[];
  "x-trellis-access": "signed-in" | "public";
  "x-trellis-rpc": string;
};

export type PathItem = Partial<Record<"get" | "put" | "post" | "delete" | "patch", Operation>>;

export type OpenApiDocument = {
  openapi: "3.1.0";
  info: { title: string; version: string; description?: string };
  tags: { name: string; description?: string }[];
  paths: Record<string, PathItem>;
  components: {
    schemas: Record<string, Schema>;
    responses: Record<string, Response>;
    securitySchemes: Record<string, { type: "apiKey"; in: "cookie"; name: string }>;
  };
};
