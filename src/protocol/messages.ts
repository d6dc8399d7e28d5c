/**
 * The envelopes every message between a dashboard and its host travels in, whatever the transport:
 * VS Code's postMessage, or the HTTP bridge of `runlens serve`'s browser mode (which sends them as
 * text through `encodeMessage`/`decodeMessage`, so that NaN and ±Infinity metric values survive).
 *
 * Requests go from the webview to the host and get exactly one response with the same id.
 * Notifications go either way and get none. Definitions are objects (`RequestType`,
 * `NotificationType`) carrying the method name and, as types only, the params and result shapes;
 * their `is()` guards narrow an incoming message.
 */

export interface RequestMessage<Params = unknown> {
  readonly kind: 'request';
  /** Chosen by the webview, unique among its pending requests. */
  readonly id: number;
  readonly method: string;
  readonly params: Params;
}

/** Why a request failed, in words for the person; `code` lets the view react (e.g. mark the filter field). */
export interface ResponseError {
  readonly message: string;
  readonly code?: ResponseErrorCode;
}

/**
 * - `invalidParams`: the request's params are malformed (a bug in the caller, or a stale saved state).
 * - `invalidFilter`: the filter text does not parse; the message shows where it broke.
 * - `notFound`: the run, experiment or artifact is not (or no longer) in the store.
 * - `unavailable`: the host cannot do this here (a host action in the browser).
 * - `internal`: anything else.
 */
export type ResponseErrorCode = 'invalidParams' | 'invalidFilter' | 'notFound' | 'unavailable' | 'internal';

export interface SuccessResponse<Result = unknown> {
  readonly kind: 'response';
  readonly id: number;
  readonly result: Result;
}

export interface ErrorResponse {
  readonly kind: 'response';
  readonly id: number;
  readonly error: ResponseError;
}

export type ResponseMessage<Result = unknown> = SuccessResponse<Result> | ErrorResponse;

export interface NotificationMessage<Params = unknown> {
  readonly kind: 'notification';
  readonly method: string;
  readonly params: Params;
}

export type Message = RequestMessage | ResponseMessage | NotificationMessage;

/** A request definition: `method` at run time, params and result as phantom types. */
export class RequestType<Params, Result> {
  /** Never set: carries the result type so that callers can write `typeof X.result`. */
  declare readonly result: Result;
  declare readonly params: Params;

  constructor(readonly method: string) {}

  /** True for a request of this method; the params are still unchecked data. */
  is(message: unknown): message is RequestMessage<Params> {
    return isRequestMessage(message) && message.method === this.method;
  }

  request(id: number, params: Params): RequestMessage<Params> {
    return { kind: 'request', id, method: this.method, params };
  }
}

/** A notification definition: `method` at run time, params as a phantom type. */
export class NotificationType<Params> {
  declare readonly params: Params;

  constructor(readonly method: string) {}

  is(message: unknown): message is NotificationMessage<Params> {
    return isNotificationMessage(message) && message.method === this.method;
  }

  notification(params: Params): NotificationMessage<Params> {
    return { kind: 'notification', method: this.method, params };
  }
}

export function isRequestMessage(message: unknown): message is RequestMessage {
  return (
    isObject(message) &&
    message.kind === 'request' &&
    typeof message.id === 'number' &&
    typeof message.method === 'string'
  );
}

export function isResponseMessage(message: unknown): message is ResponseMessage {
  return (
    isObject(message) &&
    message.kind === 'response' &&
    typeof message.id === 'number' &&
    ('result' in message || (isObject(message.error) && typeof message.error.message === 'string'))
  );
}

export function isNotificationMessage(message: unknown): message is NotificationMessage {
  return isObject(message) && message.kind === 'notification' && typeof message.method === 'string';
}

export function isErrorResponse(message: ResponseMessage): message is ErrorResponse {
  return 'error' in message;
}

export function successResponse<Result>(id: number, result: Result): SuccessResponse<Result> {
  return { kind: 'response', id, result };
}

export function errorResponse(id: number, error: ResponseError): ErrorResponse {
  return { kind: 'response', id, error };
}

/** Webview → host, once its script has loaded: the host queues everything it sends until then. */
export type ReadyParams = Record<string, never>;
export const ReadyNotification = new NotificationType<ReadyParams>('ready');

// Text encoding for transports that are not structured clone (the browser mode's HTTP bridge).
// JSON has no NaN or Infinity; metric values may be either, so they travel as tagged objects.

const nonFiniteTag = '$number';

/** JSON text of a message, with NaN, Infinity and -Infinity kept (see `decodeMessage`). */
export function encodeMessage(message: Message): string {
  return JSON.stringify(message, (_key, value: unknown) => {
    if (typeof value === 'number' && !Number.isFinite(value)) return { [nonFiniteTag]: String(value) };
    return value;
  });
}

/** Parses `encodeMessage`'s text back; throws SyntaxError on text that is not JSON. */
export function decodeMessage(text: string): unknown {
  return JSON.parse(text, (_key, value: unknown) => {
    if (isObject(value) && Object.keys(value).length === 1 && typeof value[nonFiniteTag] === 'string') {
      const spelled = value[nonFiniteTag];
      if (spelled === 'NaN' || spelled === 'Infinity' || spelled === '-Infinity') return Number(spelled);
    }
    return value;
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
