/**
 * Failures of the store in the application's own terms. src/db translates the driver's error
 * codes into these, so services decide on meaning ("that address is taken") and never on codes.
 */
export class StoreError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A unique constraint refused the write; `fields` names the columns when the store says so. */
export class UniqueViolation extends StoreError {
  readonly fields: readonly string[];
  constructor(fields: readonly string[], options?: { cause?: unknown }) {
    super(`Unique constraint violated${fields.length ? ` on ${fields.join(', ')}` : ''}.`, options);
    this.fields = fields;
  }
}

/** The row a write depends on does not exist (any more). */
export class RecordNotFound extends StoreError {
  constructor(options?: { cause?: unknown }) {
    super('The record does not exist.', options);
  }
}

/** A foreign key refused the write: the row it points to is gone, or rows still point here. */
export class ForeignKeyViolation extends StoreError {
  constructor(options?: { cause?: unknown }) {
    super('A foreign key constraint refused the write.', options);
  }
}

/** Concurrent transactions conflicted (serialization failure or deadlock); retrying may succeed. */
export class SerializationFailure extends StoreError {
  constructor(options?: { cause?: unknown }) {
    super('The transaction conflicted with a concurrent one.', options);
  }
}

/** PostgreSQL cannot be reached or is shutting down: the request may succeed later (503). */
export class DatabaseUnavailable extends StoreError {
  constructor(options?: { cause?: unknown }) {
    super('The database cannot be reached.', options);
  }
}

/** Optimistic locking: the project changed since the form was loaded. */
export class StaleProjectError extends StoreError {
  constructor() {
    super('The project was changed by someone else since the form was loaded.');
  }
}

/**
 * The store refused text it cannot hold: NUL or a byte sequence that is not valid UTF-8. The
 * input is at fault, not the server, so the request gets 422.
 */
export class InvalidText extends StoreError {
  constructor(options?: { cause?: unknown }) {
    super('The text contains characters that cannot be stored.', options);
  }
}

/**
 * A project row's answers do not have the stored shape. Reading it as "no answers" would let
 * the next save write that back and lose every answer, so the read fails instead: the project's
 * pages answer 500 (logged) and nothing can be saved over it until the row is repaired.
 */
export class UnreadableProject extends StoreError {
  readonly projectId: number;
  constructor(projectId: number, problems: readonly string[], options?: { cause?: unknown }) {
    super(`The answers of project ${projectId} cannot be read (${problems.join('; ')}).`, options);
    this.projectId = projectId;
  }
}
