import { ThresholdsSchema, type Thresholds } from '../domain/config/thresholds';
import { formatIssues } from '../contracts/decode';
import { ValidationError } from '../errors';
import defaults from './thresholds.default.json';

/** Validates a thresholds document; throws a ValidationError naming every bad field. */
export function parseThresholds(input: unknown, source = 'thresholds'): Thresholds {
  const parsed = ThresholdsSchema.safeParse(input);
  if (!parsed.success) throw new ValidationError(`${source}: ${formatIssues(parsed.error.issues)}`, parsed.error.issues);
  return parsed.data;
}

export const defaultThresholds: Thresholds = parseThresholds(defaults, 'shared/config/thresholds.default.json');
