import { goQuote } from '../types/go-quote';
import { compileGoRegex } from './go-regex';

export type MatchType = '=' | '!=' | '=~' | '!~';

/** Matcher is one label matcher, as Alertmanager's labels.Matcher; regexes are anchored. */
export class Matcher {
  private readonly re?: RegExp;

  constructor(
    readonly type: MatchType,
    readonly name: string,
    readonly value: string,
  ) {
    if (type === '=~' || type === '!~') this.re = compileGoRegex(`^(?:${value})$`);
  }

  /** matches tests one label value; an absent label has the value "". */
  matches(v: string | undefined): boolean {
    const value = v ?? '';
    switch (this.type) {
      case '=':
        return value === this.value;
      case '!=':
        return value !== this.value;
      case '=~':
        return this.re!.test(value);
      case '!~':
        return !this.re!.test(value);
    }
  }

  get isRegex(): boolean {
    return this.type === '=~' || this.type === '!~';
  }

  get isEqual(): boolean {
    return this.type === '=' || this.type === '=~';
  }

  /** toString is Go's `name<op>%q`. */
  toString(): string {
    return `${this.name}${this.type}${goQuote(this.value)}`;
  }
}

/** matchesAll: every matcher must match the label set. */
export function matchesAll(matchers: readonly Matcher[], labels: Record<string, string>): boolean {
  for (const m of matchers) if (!m.matches(labels[m.name])) return false;
  return true;
}

/** sortMatchers orders by name, then value, then type, as Alertmanager's labels.Matchers. */
export function sortMatchers(ms: Matcher[]): Matcher[] {
  return [...ms].sort((a, b) => (a.name !== b.name ? (a.name < b.name ? -1 : 1) : a.value !== b.value ? (a.value < b.value ? -1 : 1) : a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
}

/** matchersString renders `{a="1",b=~"x"}` (comma, no space), as route keys use. */
export function matchersString(ms: readonly Matcher[]): string {
  return `{${ms.map((m) => m.toString()).join(',')}}`;
}
