import { randomBytes } from 'node:crypto';
import { invalidParameter, notFound } from '../errors';
import type { Reader, WriteTransaction } from '../store/databaseApi';
import { chunks, placeholders } from '../store/tracking/sqlHelpers';
import { msToTimestamp, timestampToMs } from './protoTime';
import type { Assessment } from './traceInfo';
import { requireTrace } from './traceWrites';

/**
 * Feedback and expectations on a trace (MLflow's assessments). The body is kept as the client sent
 * it; the columns own what the store decides: id, trace, times, `valid` (an override marks the one
 * it replaces invalid) and the value as text for `feedback.<name> = '...'` filters.
 */
interface AssessmentRow {
  readonly assessment_id: string;
  readonly trace_id: string;
  readonly create_time: number;
  readonly last_update_time: number;
  readonly valid: number;
  readonly body: string;
}

const serverFields = ['assessment_id', 'trace_id', 'create_time', 'last_update_time', 'valid'];
/** update_mask paths (FieldMask, camelCase) the client may change, with their JSON names. */
const updatableFields: Readonly<Record<string, string>> = {
  assessmentName: 'assessment_name',
  assessment_name: 'assessment_name',
  feedback: 'feedback',
  expectation: 'expectation',
  rationale: 'rationale',
  metadata: 'metadata',
  spanId: 'span_id',
  span_id: 'span_id',
  valid: 'valid',
};

export function newAssessmentId(): string {
  return `a-${randomBytes(16).toString('hex')}`;
}

export function createAssessment(tx: WriteTransaction, traceId: string, input: Readonly<Record<string, unknown>>, now: number): Assessment {
  requireTrace(tx, traceId);
  const body = withoutServerFields(input);
  checkBody(body);
  const id = newAssessmentId();
  const created = optionalTime(input.create_time, 'assessment.create_time') ?? now;
  const updated = optionalTime(input.last_update_time, 'assessment.last_update_time') ?? created;
  const valid = input.valid === false ? 0 : 1;
  tx.run(
    `INSERT INTO assessments (assessment_id, trace_id, name, kind, value_text, create_time, last_update_time, valid, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [id, traceId, String(body.assessment_name), kindOf(body), valueText(body), created, updated, valid, JSON.stringify(body)],
  );
  if (typeof body.overrides === 'string' && body.overrides !== '') {
    tx.run('UPDATE assessments SET valid = 0 WHERE assessment_id = ? AND trace_id = ?', [body.overrides, traceId]);
  }
  return getAssessment(tx, traceId, id);
}

export function getAssessment(db: Reader, traceId: string, assessmentId: string): Assessment {
  const row = db.get<AssessmentRow>('SELECT * FROM assessments WHERE assessment_id = ? AND trace_id = ?', [assessmentId, traceId]);
  if (row === undefined) throw notFound(`Assessment with ID '${assessmentId}' for trace '${traceId}' not found.`);
  return toAssessment(row);
}

/** Changes the fields `updateMask` names (comma-separated FieldMask paths; all sent fields when empty). */
export function updateAssessment(
  tx: WriteTransaction,
  traceId: string,
  assessmentId: string,
  patch: Readonly<Record<string, unknown>>,
  updateMask: string,
  now: number,
): Assessment {
  const current = getAssessment(tx, traceId, assessmentId);
  const paths = updateMask.trim() === '' ? Object.keys(withoutServerFields(patch)) : updateMask.split(',').map((path) => path.trim());
  const body: Record<string, unknown> = withoutServerFields(current);
  let valid: boolean | undefined;
  for (const path of paths) {
    const field = updatableFields[path];
    if (field === undefined) throw invalidParameter(`Invalid update_mask path '${path}': an assessment's ${Object.keys(updatableFields).filter((p) => !p.includes('_')).join(', ')} can change.`);
    if (field === 'valid') {
      valid = patch.valid !== false;
      continue;
    }
    if (patch[field] === undefined || patch[field] === null) delete body[field];
    else body[field] = patch[field];
    // An assessment is feedback or an expectation, never both.
    if (field === 'feedback' && body.feedback !== undefined) delete body.expectation;
    if (field === 'expectation' && body.expectation !== undefined) delete body.feedback;
  }
  checkBody(body);
  tx.run('UPDATE assessments SET name = ?, kind = ?, value_text = ?, last_update_time = ?, valid = COALESCE(?, valid), body = ? WHERE assessment_id = ?', [
    String(body.assessment_name),
    kindOf(body),
    valueText(body),
    now,
    valid === undefined ? null : valid ? 1 : 0,
    JSON.stringify(body),
    assessmentId,
  ]);
  return getAssessment(tx, traceId, assessmentId);
}

/** Deletes an assessment (none is fine); the one it overrode becomes valid again, as MLflow. */
export function deleteAssessment(tx: WriteTransaction, traceId: string, assessmentId: string): void {
  const row = tx.get<AssessmentRow>('SELECT * FROM assessments WHERE assessment_id = ? AND trace_id = ?', [assessmentId, traceId]);
  if (row === undefined) return;
  const overrides = (JSON.parse(row.body) as Record<string, unknown>).overrides;
  tx.run('DELETE FROM assessments WHERE assessment_id = ?', [assessmentId]);
  if (typeof overrides === 'string') tx.run('UPDATE assessments SET valid = 1 WHERE assessment_id = ? AND trace_id = ?', [overrides, traceId]);
}

/** Every assessment of each trace (invalid ones too, as MLflow returns them), oldest first. */
export function assessmentsOf(db: Reader, traceIds: readonly string[]): Map<string, Assessment[]> {
  const byTrace = new Map<string, Assessment[]>();
  for (const part of chunks([...traceIds])) {
    for (const row of db.all<AssessmentRow>(
      `SELECT * FROM assessments WHERE trace_id IN (${placeholders(part.length)}) ORDER BY create_time, rowid`,
      part,
    )) {
      const list = byTrace.get(row.trace_id) ?? [];
      list.push(toAssessment(row));
      byTrace.set(row.trace_id, list);
    }
  }
  return byTrace;
}

function toAssessment(row: AssessmentRow): Assessment {
  const body = JSON.parse(row.body) as Record<string, unknown>;
  return {
    assessment_id: row.assessment_id,
    ...body,
    assessment_name: String(body.assessment_name),
    trace_id: row.trace_id,
    create_time: msToTimestamp(row.create_time),
    last_update_time: msToTimestamp(row.last_update_time),
    valid: row.valid === 1,
  };
}

function withoutServerFields(input: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) if (!serverFields.includes(key)) body[key] = value;
  return body;
}

function checkBody(body: Readonly<Record<string, unknown>>): void {
  if (typeof body.assessment_name !== 'string' || body.assessment_name === '') {
    throw invalidParameter("Missing value for required parameter 'assessment.assessment_name'.");
  }
  const hasFeedback = isObject(body.feedback);
  const hasExpectation = isObject(body.expectation);
  if (hasFeedback === hasExpectation) throw invalidParameter('An assessment must have exactly one of `feedback` and `expectation`.');
  if (body.source !== undefined && !isObject(body.source)) throw invalidParameter('assessment.source must be an object.');
}

function kindOf(body: Readonly<Record<string, unknown>>): 'feedback' | 'expectation' {
  return isObject(body.feedback) ? 'feedback' : 'expectation';
}

/** The value as filters compare it: a string as it is, anything else as its JSON. */
function valueText(body: Readonly<Record<string, unknown>>): string | null {
  const holder = (isObject(body.feedback) ? body.feedback : body.expectation) as Record<string, unknown>;
  const serialized = holder.serialized_value as Record<string, unknown> | undefined;
  const value = holder.value !== undefined ? holder.value : serialized?.value;
  if (value === undefined || value === null) return null;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function optionalTime(value: unknown, field: string): number | undefined {
  return value === undefined || value === null || value === '' ? undefined : timestampToMs(value, field);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
