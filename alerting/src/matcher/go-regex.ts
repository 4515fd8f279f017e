/** GoRegexError carries Go's regexp error text (`error parsing regexp: …`). */
export class GoRegexError extends Error {}

function goMessage(jsMessage: string, source: string): string {
  if (/Unterminated group/i.test(jsMessage)) return `missing closing ): \`${source}\``;
  if (/Unmatched '\)'/i.test(jsMessage)) return `unexpected ): \`${source}\``;
  if (/Nothing to repeat/i.test(jsMessage)) return `missing argument to repetition operator: \`${source}\``;
  if (/Unterminated character class/i.test(jsMessage)) return `missing closing ]: \`${source}\``;
  return `invalid regular expression: \`${source}\``;
}

/**
 * compileGoRegex compiles an RE2 pattern (already anchored by the caller) to a JS RegExp.
 * The common RE2 syntax is shared; `(?P<name>` groups and a leading `(?i)`/`(?s)` flag
 * group are translated.
 */
export function compileGoRegex(pattern: string, original = pattern.replace(/^\^\(\?:([\s\S]*)\)\$$/, '$1')): RegExp {
  let source = pattern.replace(/\(\?P</g, '(?<');
  let flags = '';
  const flagGroup = /\(\?([is]+)\)/;
  const m = flagGroup.exec(source);
  if (m) {
    flags = [...new Set(m[1])].join('');
    source = source.replace(flagGroup, '');
  }
  try {
    return new RegExp(source, flags);
  } catch (err) {
    throw new GoRegexError(`error parsing regexp: ${goMessage((err as Error).message, original)}`);
  }
}
