import type { DashboardState } from '../../../src/protocol/dashboards/state';
import {
  isErrorResponse,
  isNotificationMessage,
  isResponseMessage,
  type NotificationMessage,
  type NotificationType,
  type RequestType,
  type ResponseError,
  type ResponseErrorCode,
} from '../../../src/protocol/messages';
import type { Transport } from './transport';

/** A request the host answered with an error: the message is for the person, the code for the view. */
export class HostRequestError extends Error {
  readonly code: ResponseErrorCode | undefined;

  constructor(error: ResponseError) {
    super(error.message);
    this.name = 'HostRequestError';
    this.code = error.code;
  }
}

interface Pending {
  resolve(result: unknown): void;
  reject(error: Error): void;
}

/** Typed requests and notifications over a Transport: ids, pending replies, and notification listeners. */
export class HostClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Map<string, ((params: unknown) => void)[]>();

  constructor(private readonly transport: Transport) {
    transport.onMessage((message) => this.receive(message));
  }

  request<P, R>(type: RequestType<P, R>, params: P): Promise<R> {
    const id = this.nextId++;
    return new Promise<R>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (result: unknown) => void, reject });
      this.transport.send(type.request(id, params));
    });
  }

  notify<P>(type: NotificationType<P>, params: P): void {
    this.transport.send(type.notification(params));
  }

  onNotification<P>(type: NotificationType<P>, listener: (params: P) => void): void {
    const list = this.listeners.get(type.method) ?? [];
    list.push(listener as (params: unknown) => void);
    this.listeners.set(type.method, list);
  }

  saveState(state: DashboardState): void {
    this.transport.saveState(state);
  }

  savedState(): unknown {
    return this.transport.savedState();
  }

  watch(state: DashboardState | undefined): void {
    this.transport.watch(state);
  }

  private receive(message: unknown): void {
    if (isResponseMessage(message)) {
      const pending = this.pending.get(message.id);
      if (pending === undefined) return;
      this.pending.delete(message.id);
      if (isErrorResponse(message)) pending.reject(new HostRequestError(message.error));
      else pending.resolve(message.result);
    } else if (isNotificationMessage(message)) {
      this.dispatch(message);
    }
  }

  private dispatch(message: NotificationMessage): void {
    for (const listener of this.listeners.get(message.method) ?? []) listener(message.params);
  }
}
