import { BadRequestException, ValidationPipe } from "@nestjs/common";
import type { ValidationError } from "class-validator";

/**
 * The global ValidationPipe as NestJS's docs set it up (whitelist, forbid unknown fields,
 * transform), answering 400 with the first field at fault: "title: must not be empty".
 */
export function validationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: true,
    exceptionFactory: (errors) => new BadRequestException(firstProblem(errors)),
  });
}

function firstProblem(errors: ValidationError[]): string {
  const error = errors[0];
  if (error === undefined) {
    return "body: invalid";
  }
  const [rule, message] = Object.entries(error.constraints ?? {})[0] ?? ["", "invalid"];
  return `${error.property}: ${rule === "whitelistValidation" ? "unknown field" : message}`;
}
