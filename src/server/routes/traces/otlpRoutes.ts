import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { invalidParameter } from '../../../core/errors';
import { readCapped } from '../../body';
import { headersFor } from '../../reply';
import type { Route } from '../../route';

const gunzipAsync = promisify(gunzip);

/**
 * OTLP/HTTP trace export (`POST /v1/traces`), as MLflow 3's server offers it: MLflow's client
 * sends each finished span here, with the experiment in the `x-mlflow-experiment-id` header. The
 * reply is an empty ExportTraceServiceResponse (full success) in the request's encoding.
 */
export const otlpRoutes: readonly Route[] = [
  {
    method: 'POST',
    path: '/v1/traces',
    raw: true,
    handler: async ({ req, res, traces, maxBodyBytes }) => {
      const experimentId = req!.headers['x-mlflow-experiment-id'];
      if (typeof experimentId !== 'string' || experimentId === '') {
        throw invalidParameter('OTLP traces need the header x-mlflow-experiment-id: the experiment the spans belong to.');
      }
      const contentType = req!.headers['content-type'] ?? '';
      let body = await readCapped(req!, maxBodyBytes);
      if (req!.headers['content-encoding'] === 'gzip') {
        try {
          body = await gunzipAsync(body, { maxOutputLength: maxBodyBytes });
        } catch (error) {
          throw invalidParameter(`Invalid OTLP trace request: the gzip body does not inflate within ${maxBodyBytes} bytes (${(error as Error).message}).`);
        }
      }
      // protobufjs loads with the first spans, not at every server start (a first start waits for what it loads).
      const { decodeOtlpSpans } = await import('../../otlp/otlpDecode');
      const spans = decodeOtlpSpans(body, contentType);
      if (spans.length === 0) throw invalidParameter('Invalid OTLP trace request: it holds no spans.');
      await traces.logSpans(experimentId, spans);
      const json = contentType.toLowerCase().startsWith('application/json');
      const reply = json ? Buffer.from('{}') : Buffer.alloc(0);
      res!.writeHead(200, headersFor(json ? 'application/json' : 'application/x-protobuf', reply.length));
      res!.end(reply);
    },
  },
];
