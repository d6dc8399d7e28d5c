import type { ResponseError, ResponseErrorCode } from '../protocol/messages';
import { ErrorCode, MlflowError } from '../core/errors';
import { FilterError } from '../core/search/filterError';

/** A request the dashboard service cannot answer, with the protocol's error code. */
export class DashboardError extends Error {
  constructor(
    readonly code: ResponseErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DashboardError';
  }

  static is(error: unknown, code?: ResponseErrorCode): error is DashboardError {
    return error instanceof DashboardError && (code === undefined || error.code === code);
  }
}

export function invalidParams(method: string, message: string): DashboardError {
  return new DashboardError('invalidParams', `Invalid params for ${method}: ${message}`);
}

/**
 * The response error for anything a request threw: store errors keep their message (they are
 * written for people) with a code the view can act on; an unexpected error is `internal`, its
 * message kept so that the view shows something useful.
 */
export function toResponseError(error: unknown): ResponseError {
  if (DashboardError.is(error)) return { message: error.message, code: error.code };
  if (error instanceof FilterError) return { message: error.message, code: 'invalidFilter' };
  if (MlflowError.is(error)) {
    return { message: error.message, code: error.code === ErrorCode.ResourceDoesNotExist ? 'notFound' : 'invalidParams' };
  }
  return { message: error instanceof Error ? error.message : String(error), code: 'internal' };
}
