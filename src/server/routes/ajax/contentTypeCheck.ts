import { invalidParameter } from '../../../core/errors';
import type { RequestContext } from '../../route';

/** MLflow's `_validate_content_type`, which a few ajax handlers apply to their POST bodies. */
export function requireJsonContentType(context: RequestContext): void {
  const contentType = context.headers['content-type'];
  if (contentType === undefined) throw invalidParameter('Bad Request. Content-Type header is missing.');
  if (contentType.split(';')[0].trim() !== 'application/json') {
    throw invalidParameter("Bad Request. Content-Type must be one of ['application/json'].");
  }
}
