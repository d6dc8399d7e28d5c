import type { OperationCall, OperationResult } from '../core/operations/jsonOperations';
import { ownerRequest, type OwnerEndpoint } from './ownerClient';

/** Calls one table of operations (`launchOperations`, `sweepOperations`) on the owner process: one request each, to `prefix` + name. */
export function ownerCall<Table>(endpoint: OwnerEndpoint, prefix: string): OperationCall<Table> {
  return async (name, args) => ((await ownerRequest(endpoint, `${prefix}${name}`, args)) as { result: OperationResult<Table, typeof name> }).result;
}
