import type { PointColumns } from '../../../core/store/series/pointRecords';
import { type EncodedJson, JsonBytes } from '../../jsonBytes';

const timestampField = Buffer.from(',"timestamp":');
const stepField = Buffer.from(',"step":');

/**
 * get-history's reply, `{"metrics":[{"key","value","timestamp","step"},...],"next_page_token"}`,
 * byte for byte what `toJson(pageReply(...))` writes for the same page, without an object or a
 * string per point: `add` writes a slice of the page's points from the columns the history file
 * gives, `finish` closes it. Every point shares the key, so it is escaped once.
 */
export class MetricHistoryReply {
  private readonly json = new JsonBytes();
  private readonly firstStart: Buffer;
  private readonly pointStart: Buffer;
  private count = 0;

  constructor(key: string) {
    const start = `{"key":${JSON.stringify(key)},"value":`;
    this.firstStart = Buffer.from(`{"metrics":[${start}`, 'utf8');
    // A point's closing brace is written with the next point's start, the last one's by `finish`.
    this.pointStart = Buffer.from(`},${start}`, 'utf8');
  }

  /** Writes the next points of the page. */
  add(points: PointColumns): void {
    const { values, timestamps, steps } = points;
    const json = this.json;
    for (let i = 0; i < steps.length; i++) {
      json.bytes(this.count++ === 0 ? this.firstStart : this.pointStart);
      json.number(values[i]);
      json.bytes(timestampField);
      json.number(timestamps[i]);
      json.bytes(stepField);
      json.number(steps[i]);
    }
  }

  /** The whole reply; as pageReply, an empty list and an absent token are left out. */
  finish(nextPageToken: string | undefined): EncodedJson {
    const token = nextPageToken ? `"next_page_token":${JSON.stringify(nextPageToken)}` : '';
    if (this.count === 0) this.json.bytes(Buffer.from(`{${token}}`, 'utf8'));
    else this.json.bytes(Buffer.from(token ? `}],${token}}` : '}]}', 'utf8'));
    return this.json.encoded();
  }
}
