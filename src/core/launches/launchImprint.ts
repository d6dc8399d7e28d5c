import type { KeyValue } from '../entities';
import type { WriteTransaction } from '../store/databaseApi';
import { logInputs, validateInputs, type DatasetInputInput } from '../store/tracking/runInputs';
import { createRun, getRun, type CreateRunInput } from '../store/tracking/runs';
import type { Run } from '../entities';
import { validateTag } from '../validation';

/**
 * What every run of a launch carries from the capture: its tags and its dataset inputs. The
 * launcher derives it from what it captured (src/capture knows the tag names; core does not).
 */
export interface LaunchImprint {
  readonly tags: readonly KeyValue[];
  readonly datasets: readonly DatasetInputInput[];
}

export const emptyImprint: LaunchImprint = { tags: [], datasets: [] };

/**
 * The imprint without the entries the store would refuse, so that a bad capture can never make a
 * script's own `runs/create` fail; what was dropped is said in `dropped`.
 */
export function acceptedImprint(imprint: LaunchImprint): { imprint: LaunchImprint; dropped: string[] } {
  const dropped: string[] = [];
  const keep = <T>(items: readonly T[], check: (item: T) => void, name: (item: T) => string): T[] =>
    items.filter((item) => {
      try {
        check(item);
        return true;
      } catch (error) {
        dropped.push(`${name(item)}: ${(error as Error).message}`);
        return false;
      }
    });
  return {
    imprint: {
      tags: keep(imprint.tags, (tag) => validateTag(tag.key, tag.value), (tag) => `tag ${tag.key}`),
      datasets: keep(imprint.datasets, (input) => validateInputs([input]), (input) => `dataset ${input.dataset.name}`),
    },
    dropped,
  };
}

/**
 * Creates a run with the imprint, in the caller's transaction: the capture's tags (they win over
 * the client's own guesses for the same keys, such as `mlflow.source.name`), the launch id, and
 * the dataset inputs. All or nothing with the run itself.
 */
export function createImprintedRun(tx: WriteTransaction, input: CreateRunInput, imprint: LaunchImprint, now: number): Run {
  const imprinted = new Set(imprint.tags.map((tag) => tag.key));
  const tags = [...(input.tags ?? []).filter((tag) => !imprinted.has(tag.key)), ...imprint.tags];
  const run = createRun(tx, { ...input, tags }, now);
  if (imprint.datasets.length === 0) return run;
  logInputs(tx, run.info.run_id, imprint.datasets, []);
  return getRun(tx, run.info.run_id);
}

/** Tags of `after` that `before` lacks or holds with another value: what runs created earlier still need. */
export function changedTags(before: LaunchImprint, after: LaunchImprint): KeyValue[] {
  const old = new Map(before.tags.map((tag) => [tag.key, tag.value] as const));
  return after.tags.filter((tag) => old.get(tag.key) !== tag.value);
}
