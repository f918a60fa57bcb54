import { status } from "@grpc/grpc-js";
import { HttpException, HttpStatus, InternalServerErrorException } from "@nestjs/common";

/** The one gRPC status -> HTTP status table; statuses not listed are 500 "internal error". */
const httpStatusOf: Partial<Record<status, HttpStatus>> = {
  [status.INVALID_ARGUMENT]: HttpStatus.BAD_REQUEST,
  [status.UNAUTHENTICATED]: HttpStatus.UNAUTHORIZED,
  [status.PERMISSION_DENIED]: HttpStatus.FORBIDDEN,
  [status.NOT_FOUND]: HttpStatus.NOT_FOUND,
  [status.ALREADY_EXISTS]: HttpStatus.CONFLICT,
  [status.RESOURCE_EXHAUSTED]: HttpStatus.TOO_MANY_REQUESTS,
  [status.UNAVAILABLE]: HttpStatus.SERVICE_UNAVAILABLE,
  [status.DEADLINE_EXCEEDED]: HttpStatus.GATEWAY_TIMEOUT,
};

/** A service's gRPC error as the HTTP error the API answers; only 4xx messages pass through. */
export function asHttpError(error: unknown): HttpException {
  const code = (error as { code?: unknown }).code;
  const httpStatus = typeof code === "number" ? httpStatusOf[code as status] : undefined;
  if (httpStatus === undefined) {
    return new InternalServerErrorException("internal error", { cause: error });
  }
  if (httpStatus === HttpStatus.UNAUTHORIZED) {
    return new HttpException("sign in first", httpStatus);
  }
  const details = (error as { details?: unknown }).details;
  const message = httpStatus < 500 && typeof details === "string" ? details : "unavailable";
  return new HttpException(message, httpStatus, { cause: error });
}
