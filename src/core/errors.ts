/**
 * MLflow's error codes (databricks.proto ErrorCode) that RunLens answers with, and the HTTP status
 * MLflow's server maps each to. Client mistakes must never be 408, 429 or 5xx: the MLflow client
 * retries those for minutes.
 */
export const ErrorCode = {
  InvalidParameterValue: 'INVALID_PARAMETER_VALUE',
  ResourceDoesNotExist: 'RESOURCE_DOES_NOT_EXIST',
  ResourceAlreadyExists: 'RESOURCE_ALREADY_EXISTS',
  InvalidState: 'INVALID_STATE',
  BadRequest: 'BAD_REQUEST',
  EndpointNotFound: 'ENDPOINT_NOT_FOUND',
  Unauthenticated: 'UNAUTHENTICATED',
  PermissionDenied: 'PERMISSION_DENIED',
  InternalError: 'INTERNAL_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

const statusByCode: Record<ErrorCode, number> = {
  INVALID_PARAMETER_VALUE: 400,
  RESOURCE_DOES_NOT_EXIST: 404,
  RESOURCE_ALREADY_EXISTS: 400,
  INVALID_STATE: 400,
  BAD_REQUEST: 400,
  ENDPOINT_NOT_FOUND: 404,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  INTERNAL_ERROR: 500,
};

/** An error that a caller can act on; the server turns it into `{error_code, message}`. */
export class MlflowError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    status?: number,
  ) {
    super(message);
    this.name = 'MlflowError';
    this.status = status ?? statusByCode[code];
  }

  static is(error: unknown, code?: ErrorCode): error is MlflowError {
    return error instanceof MlflowError && (code === undefined || error.code === code);
  }

  toJSON(): { error_code: ErrorCode; message: string } {
    return { error_code: this.code, message: this.message };
  }
}

export function invalidParameter(message: string): MlflowError {
  return new MlflowError(ErrorCode.InvalidParameterValue, message);
}

export function notFound(message: string): MlflowError {
  return new MlflowError(ErrorCode.ResourceDoesNotExist, message);
}

export function alreadyExists(message: string): MlflowError {
  return new MlflowError(ErrorCode.ResourceAlreadyExists, message);
}
