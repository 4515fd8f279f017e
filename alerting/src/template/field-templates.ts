import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { ConfigFileError } from '../config/config-file-error';
import { TemplateSyntaxError } from './lexer';
import { TemplateSet, type CompiledTemplate } from './template-set';

/**
 * Helpers the integrations use so every template problem surfaces at config load:
 * `checkTemplateField` at parse time (syntax, functions, arity, constant regexps), and
 * `compileTemplateFields` at create time, once the `templates:` files are known (template
 * references). Both throw ConfigFileError naming the YAML path of the field.
 */
export function checkTemplateField(text: string | undefined, path: string): void {
  if (!text) return;
  try {
    new TemplateSet().compileSyntaxOnly(text, path);
  } catch (err) {
    if (err instanceof TemplateSyntaxError) throw new ConfigFileError(path, `invalid template: ${err.message}`);
    throw err;
  }
}

let cached: { key: string; set: TemplateSet } | undefined;

/**
 * templateSetFor loads the defaults plus the config's template files. The set is shared by
 * the notifiers of one config load; it is keyed by the files' paths and contents, so a reload
 * after a template file was edited parses it again.
 */
export function templateSetFor(files: string[]): TemplateSet {
  let sources: [string, string][];
  try {
    sources = files.map((f) => [f, readFileSync(f, 'utf8')]);
  } catch (err) {
    throw new ConfigFileError('templates', (err as Error).message);
  }
  const key = createHash('sha256').update(JSON.stringify(sources)).digest('hex');
  if (cached?.key === key) return cached.set;
  let set: TemplateSet;
  try {
    set = TemplateSet.withDefaults();
    for (const [file, src] of sources) set.addSource(basename(file), src);
  } catch (err) {
    if (err instanceof TemplateSyntaxError) throw new ConfigFileError('templates', err.message);
    throw err;
  }
  cached = { key, set };
  return set;
}

/** compileTemplateFields compiles named fields; keys in `html` use email's HTML escaping. */
export function compileTemplateFields<K extends string>(
  set: TemplateSet,
  fields: Record<K, string>,
  path: string,
  html: readonly string[] = [],
): Record<K, CompiledTemplate> {
  const out = {} as Record<K, CompiledTemplate>;
  for (const key of Object.keys(fields) as K[]) {
    const fieldPath = `${path}.${key}`;
    try {
      out[key] = set.compile(fields[key], fieldPath, { html: html.includes(key) });
    } catch (err) {
      if (err instanceof TemplateSyntaxError) throw new ConfigFileError(fieldPath, `invalid template: ${err.message}`);
      throw err;
    }
  }
  return out;
}
