import { randomUUID } from 'node:crypto';
import { notFound } from '../../errors';
import type { Database } from '../database';
import type { Reader } from '../databaseApi';
import { requireExperiment } from '../tracking/lookups';

/**
 * A scorer version as MLflow's `scorers/list|versions|get` carry it (service.proto Scorer). MLflow's
 * reply has `experiment_id` as a number here (an int32 field), unlike everywhere else.
 */
export interface ScorerJson {
  readonly experiment_id: number;
  readonly scorer_name: string;
  readonly scorer_version: number;
  readonly serialized_scorer: string;
  readonly creation_time: number;
  readonly scorer_id: string;
}

interface ScorerRow {
  scorer_id: string;
  experiment_id: number;
  scorer_name: string;
  scorer_version: number;
  serialized_scorer: string;
  creation_time: number;
}

const versionColumns = `s.scorer_id, s.experiment_id, s.scorer_name, v.scorer_version, v.serialized_scorer, v.creation_time
  FROM scorers AS s JOIN scorer_versions AS v ON v.scorer_id = s.scorer_id`;

/**
 * MLflow 3's registered scorers (`/api/3.0/mlflow/scorers/...`): a scorer is a name in an
 * experiment; registering the name again adds a version (same scorer_id). RunLens keeps the
 * serialized scorer as the client sent it and never runs it.
 */
export class Scorers {
  constructor(private readonly db: Database) {}

  register(experimentId: string, name: string, serializedScorer: string): ScorerJson {
    return this.db.write((tx) => {
      const experiment = requireExperiment(tx, experimentId);
      let scorer = tx.get<{ scorer_id: string }>('SELECT scorer_id FROM scorers WHERE experiment_id = ? AND scorer_name = ?', [
        experiment.experiment_id,
        name,
      ]);
      if (scorer === undefined) {
        scorer = { scorer_id: randomUUID() };
        tx.run('INSERT INTO scorers (scorer_id, experiment_id, scorer_name) VALUES (?, ?, ?)', [scorer.scorer_id, experiment.experiment_id, name]);
      }
      const latest = tx.get<{ version: number | null }>('SELECT MAX(scorer_version) AS version FROM scorer_versions WHERE scorer_id = ?', [
        scorer.scorer_id,
      ]);
      const version = (latest?.version ?? 0) + 1;
      tx.run('INSERT INTO scorer_versions (scorer_id, scorer_version, serialized_scorer, creation_time) VALUES (?, ?, ?, ?)', [
        scorer.scorer_id,
        version,
        serializedScorer,
        Date.now(),
      ]);
      return versionJson(requireVersion(tx, experimentId, name, version));
    });
  }

  /** The latest version of each scorer of the experiment, by name. */
  list(experimentId: string): ScorerJson[] {
    const experiment = requireExperiment(this.db, experimentId);
    return this.db
      .all<ScorerRow>(
        `SELECT ${versionColumns} WHERE s.experiment_id = ?
         AND v.scorer_version = (SELECT MAX(scorer_version) FROM scorer_versions WHERE scorer_id = s.scorer_id)
         ORDER BY s.scorer_name`,
        [experiment.experiment_id],
      )
      .map(versionJson);
  }

  versions(experimentId: string, name: string): ScorerJson[] {
    const experiment = requireExperiment(this.db, experimentId);
    const rows = this.db.all<ScorerRow>(`SELECT ${versionColumns} WHERE s.experiment_id = ? AND s.scorer_name = ? ORDER BY v.scorer_version`, [
      experiment.experiment_id,
      name,
    ]);
    if (rows.length === 0) throw scorerNotFound(name, experimentId);
    return rows.map(versionJson);
  }

  /** A version, or the latest when `version` is absent. */
  get(experimentId: string, name: string, version?: number): ScorerJson {
    requireExperiment(this.db, experimentId);
    return versionJson(requireVersion(this.db, experimentId, name, version));
  }

  /** One version, or every version (and the scorer) when `version` is absent. */
  delete(experimentId: string, name: string, version?: number): void {
    this.db.write((tx) => {
      requireExperiment(tx, experimentId);
      const row = requireVersion(tx, experimentId, name, version);
      if (version === undefined) {
        tx.run('DELETE FROM scorer_versions WHERE scorer_id = ?', [row.scorer_id]);
      } else {
        tx.run('DELETE FROM scorer_versions WHERE scorer_id = ? AND scorer_version = ?', [row.scorer_id, version]);
      }
      tx.run('DELETE FROM scorers WHERE scorer_id = ? AND NOT EXISTS (SELECT 1 FROM scorer_versions WHERE scorer_id = ?)', [row.scorer_id, row.scorer_id]);
    });
  }
}

function requireVersion(db: Reader, experimentId: string, name: string, version: number | undefined): ScorerRow {
  const row = db.get<ScorerRow>(
    `SELECT ${versionColumns} WHERE s.experiment_id = ? AND s.scorer_name = ?
     ${version === undefined ? '' : 'AND v.scorer_version = ?'} ORDER BY v.scorer_version DESC LIMIT 1`,
    version === undefined ? [Number(experimentId), name] : [Number(experimentId), name, version],
  );
  if (row !== undefined) return row;
  if (version === undefined) throw scorerNotFound(name, experimentId);
  throw notFound(`Scorer with name '${name}' and version ${version} not found for experiment ${experimentId}.`);
}

function scorerNotFound(name: string, experimentId: string) {
  return notFound(`Scorer with name '${name}' not found for experiment ${experimentId}.`);
}

function versionJson(row: ScorerRow): ScorerJson {
  return {
    experiment_id: row.experiment_id,
    scorer_name: row.scorer_name,
    scorer_version: row.scorer_version,
    serialized_scorer: row.serialized_scorer,
    creation_time: row.creation_time,
    scorer_id: row.scorer_id,
  };
}
