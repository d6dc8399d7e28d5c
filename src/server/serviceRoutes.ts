import type { Route } from './route';
import { sendText } from './reply';

/**
 * The MLflow version whose REST API this server speaks (the contract was captured from 3.6). The
 * 3.x client reads `/version` to decide which tracing protocol to use; it must parse as a version.
 */
export const mlflowApiVersion = '3.6.0';

export const serviceRoutes: readonly Route[] = [
  {
    method: 'GET',
    path: '/version',
    raw: true,
    handler: ({ res }) => sendText(res!, mlflowApiVersion),
  },
  {
    method: 'GET',
    path: '/health',
    raw: true,
    handler: ({ res }) => sendText(res!, 'OK'),
  },
];
