// Splits a check into tokens. Numbers carry their unit (no space allowed between them), metric
// names are whole dotted paths. Errors are CheckSyntaxError with the column of the bad character.
import { CHECK_UNITS, toBaseUnits } from './units.ts';
import { didYouMean } from './suggest.ts';

export type Token =
  | { kind: 'number'; value: number; unit?: string; text: string; column: number }
  | { kind: 'name'; text: string; column: number }
  | { kind: 'op'; text: '+' | '-' | '*' | '/' | '(' | ')'; column: number }
  | { kind: 'compare'; text: '<' | '<=' | '>' | '>=' | '==' | '!='; column: number }
  | { kind: 'end'; text: ''; column: number };

/** A check that does not follow the grammar. `column` is 1-based inside the check's text. */
export class CheckSyntaxError extends Error {
  override name = 'CheckSyntaxError';
  constructor(
    /** What went wrong, without the position: config errors add their own file position. */
    readonly detail: string,
    readonly column: number,
    /** What the parser would have accepted here. */
    readonly expected: string,
  ) {
    super(`${detail} at column ${column}`);
  }
}

const NUMBER = /^[0-9]+(\.[0-9]+)?/;
const WORD = /^[A-Za-zµ_][A-Za-z0-9µ_]*(\.[A-Za-z0-9µ_]*)*/;
const SEGMENT = /^[a-z_][a-z0-9_]*$/;
const UNIT_WORD = /^[A-Za-zµ]+/;
const UNIT_LIST = Object.keys(CHECK_UNITS).join(' ');

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i]!;
    const column = i + 1;
    const rest = source.slice(i);
    if (ch === ' ' || ch === '\t') {
      i++;
    } else if (/[0-9]/.test(ch)) {
      const digits = NUMBER.exec(rest)![0];
      let end = i + digits.length;
      if (source[end] === '.') {
        throw new CheckSyntaxError(`expected a digit after '${digits}.'`, end + 2, 'a digit');
      }
      let unit: string | undefined;
      if (source[end] === '%') {
        unit = '%';
      } else {
        unit = UNIT_WORD.exec(source.slice(end))?.[0];
      }
      if (unit !== undefined && !Object.hasOwn(CHECK_UNITS, unit)) {
        throw new CheckSyntaxError(
          `unknown unit '${unit}'${didYouMean(unit, Object.keys(CHECK_UNITS))}`,
          end + 1,
          `one of the units ${UNIT_LIST}`,
        );
      }
      end += unit?.length ?? 0;
      const base = toBaseUnits(Number(digits), unit === undefined ? undefined : CHECK_UNITS[unit]);
      tokens.push({ kind: 'number', value: base, ...(unit ? { unit } : {}), text: source.slice(i, end), column });
      i = end;
    } else if (/[A-Za-zµ_]/.test(ch)) {
      const word = WORD.exec(rest)![0];
      checkMetricName(word, column);
      tokens.push({ kind: 'name', text: word, column });
      i += word.length;
    } else if ('<>=!'.includes(ch)) {
      const two = source.slice(i, i + 2);
      if (two === '<=' || two === '>=' || two === '==' || two === '!=') {
        tokens.push({ kind: 'compare', text: two, column });
        i += 2;
      } else if (ch === '<' || ch === '>') {
        tokens.push({ kind: 'compare', text: ch, column });
        i++;
      } else {
        const fix = ch === '=' ? "write '==' to test equality" : "write '!=' for not equal";
        throw new CheckSyntaxError(`'${ch}' is not an operator (${fix})`, column, 'a comparison: < <= > >= == !=');
      }
    } else if ('+-*/()'.includes(ch)) {
      tokens.push({ kind: 'op', text: ch as '+', column });
      i++;
    } else {
      throw new CheckSyntaxError(
        `unexpected character '${ch}'`,
        column,
        'a number, a metric name, an operator (+ - * /), a parenthesis or a comparison',
      );
    }
  }
  tokens.push({ kind: 'end', text: '', column: source.length + 1 });
  return tokens;
}

/** Metric names are lower-case dotted segments; say exactly which part breaks that. */
function checkMetricName(word: string, column: number): void {
  let offset = 0;
  for (const segment of word.split('.')) {
    const at = column + offset;
    if (segment === '') {
      throw new CheckSyntaxError(`expected a name segment after '.' in '${word}'`, at, 'a name segment such as p95');
    }
    if (!SEGMENT.test(segment)) {
      const lower = word.toLowerCase();
      const why = /^[0-9]/.test(segment)
        ? `a name segment cannot start with a digit ('${segment}')`
        : `metric names are lower case: '${word}'${lower !== word && SEGMENT.test(lower.split('.').pop()!) ? ` (did you mean '${lower}'?)` : ''}`;
      throw new CheckSyntaxError(why, at, 'segments of lower-case letters, digits and _, separated by dots');
    }
    offset += segment.length + 1;
  }
}
