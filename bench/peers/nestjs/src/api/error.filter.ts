import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from "@nestjs/common";
import type { FastifyReply, FastifyRequest } from "fastify";

/** The error codes of Trellis's gateway, by HTTP status. */
const codeOf: Partial<Record<number, string>> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  405: "METHOD_NOT_ALLOWED",
  409: "ALREADY_EXISTS",
  413: "PAYLOAD_TOO_LARGE",
  415: "UNSUPPORTED_MEDIA_TYPE",
  429: "RESOURCE_EXHAUSTED",
  503: "UNAVAILABLE",
  504: "DEADLINE_EXCEEDED",
};

/**
 * Every error as Trellis's gateway writes it: `{ "error": { "code", "message", "requestId" } }`.
 * 5xx messages never leave the process; their cause goes to the log.
 */
@Catch()
export class ApiErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger("api");

  catch(exception: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const httpStatus = statusOf(exception);
    if (httpStatus >= 500) {
      this.logger.error(`${request.method} ${request.url}: ${describe(exception)}`);
    }
    const message =
      httpStatus < 500 && exception instanceof Error ? messageOf(exception) : "internal error";
    void reply
      .status(httpStatus)
      .header("cache-control", "no-store")
      .send({
        error: { code: codeOf[httpStatus] ?? "INTERNAL", message, requestId: request.id },
      });
  }
}

function statusOf(exception: unknown): number {
  if (exception instanceof HttpException) {
    return exception.getStatus();
  }
  // Anything else that reached here unmapped carries its status when it has one.
  const code = (exception as { statusCode?: unknown }).statusCode;
  return typeof code === "number" && code >= 400 && code < 600
    ? code
    : HttpStatus.INTERNAL_SERVER_ERROR;
}

/** Fastify's body errors reach the filter as HttpExceptions caused by them; say which field. */
const fastifyMessages: Partial<Record<string, string>> = {
  FST_ERR_CTP_INVALID_JSON_BODY: "body: malformed JSON",
  FST_ERR_CTP_EMPTY_JSON_BODY: "body: must not be empty",
  FST_ERR_CTP_BODY_TOO_LARGE: "body: too large",
};

function messageOf(exception: Error): string {
  const code = (exception.cause as { code?: unknown } | undefined)?.code;
  return (typeof code === "string" ? fastifyMessages[code] : undefined) ?? exception.message;
}

function describe(exception: unknown): string {
  if (!(exception instanceof Error)) {
    return String(exception);
  }
  const cause = exception.cause instanceof Error ? ` (cause: ${exception.cause.message})` : "";
  return `${exception.message}${cause}`;
}
