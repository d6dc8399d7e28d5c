import { inProcessCall, type OperationCall } from '../../core/operations/jsonOperations';
import { sweepOperations, type SweepOperations } from '../../core/sweeps/sweepOperations';
import { sweepOperationPrefix } from '../../server/routes/guest/guestLaunchRoutes';
import { ownerCall } from '../ownerOperations';
import type { Session } from '../trackingSession';

/** How a window keeps its sweeps' records: in the store it owns, or through the process that owns it. */
export type SweepCall = OperationCall<SweepOperations>;

/** Undefined for a guest whose owner has not published its server yet. */
export function sweepCallOf(opened: Session): SweepCall | undefined {
  if (opened.kind === 'owner') return inProcessCall(sweepOperations, opened.store.tracking);
  return opened.endpoint && ownerCall<SweepOperations>(opened.endpoint, sweepOperationPrefix);
}
