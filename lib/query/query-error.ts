import { ValidationError } from '../errors';

/** A topic query the user must fix; `column` (1-based, in characters) points at the offending spot when there is one. */
export class QueryError extends ValidationError {
  override name = 'QueryError';
  readonly column: number | undefined;

  constructor(message: string, column?: number) {
    super('invalid_query', message);
    this.column = column;
  }
}
