import { ErrorCode, MlflowError } from '../../../core/errors';
import { launchOperations } from '../../../core/launches/launchOperations';
import type { LaunchService } from '../../../core/launches/launchService';
import { isOperationName, runOperationFromJson } from '../../../core/operations/jsonOperations';
import { sweepOperations } from '../../../core/sweeps/sweepOperations';
import type { Route } from '../../route';
import { ownerTokenOnly } from './guestRoutes';

/** Where a guest window records a launch it started: this, then the operation's name (`launchOperations`). */
export const launchOperationPrefix = '/api/2.0/runlens/launch/';
/** Where a guest window keeps the records of a sweep it runs: this, then the operation's name (`sweepOperations`). */
export const sweepOperationPrefix = '/api/2.0/runlens/sweep/';

/**
 * RunLens's private routes for the scripts and sweeps a guest window launches: the window runs the
 * process (under its supervisor) and the sweep's queue, the owner keeps their records. Only the
 * server's own token may call them, never a launched script's.
 */
export function guestLaunchRoutes(launches: LaunchService | undefined): Route[] {
  return [
    {
      method: 'POST',
      path: `${launchOperationPrefix}:operation`,
      handler: (context) => {
        ownerTokenOnly(context);
        const name = operationOf(launchOperations, context.pathParams.operation, 'launch');
        if (!launches) throw new MlflowError(ErrorCode.InvalidState, 'This RunLens server keeps no launches: launch from the window that owns the store.');
        return runOperationFromJson(launchOperations, launches, name, context.body).then((result) => ({ result }));
      },
    },
    {
      method: 'POST',
      path: `${sweepOperationPrefix}:operation`,
      handler: (context) => {
        ownerTokenOnly(context);
        const name = operationOf(sweepOperations, context.pathParams.operation, 'sweep');
        return runOperationFromJson(sweepOperations, context.store, name, context.body).then((result) => ({ result }));
      },
    },
  ];
}

function operationOf(table: object, name: string | undefined, what: string): string {
  if (name === undefined || !isOperationName(table, name)) throw new MlflowError(ErrorCode.EndpointNotFound, `No RunLens ${what} operation '${name ?? ''}'.`);
  return name;
}
