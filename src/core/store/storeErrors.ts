/** Opening refused: the store was written by a newer RunLens. Nothing was changed. */
export class NewerDatabaseError extends Error {
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super(
      `${file} was written by a newer RunLens (${detail}). Nothing was changed. ` +
        'Update RunLens to open this store.',
    );
    this.name = 'NewerDatabaseError';
  }

  static is(error: unknown): error is NewerDatabaseError {
    return error instanceof NewerDatabaseError;
  }
}

/** Opening refused: `runlens.db` is not a SQLite database. It was left as it is. */
export class NotADatabaseError extends Error {
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(
      `${file} is not a SQLite database (${reason}). RunLens will not overwrite it: move it aside ` +
        '(for example, rename it to runlens.db.broken) and open the store again to start a new database.',
    );
    this.name = 'NotADatabaseError';
  }

  static is(error: unknown): error is NotADatabaseError {
    return error instanceof NotADatabaseError;
  }
}
