import { readdirSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, sep } from 'node:path';

function segmentRegex(segment: string): RegExp {
  const body = segment.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]');
  return new RegExp(`^${body}$`);
}

/**
 * expandTemplateGlobs resolves the `templates` globs (relative to the config file, like
 * Alertmanager) to the sorted list of files they match; `*`, `?` and `[…]` per segment.
 */
export function expandTemplateGlobs(patterns: string[], configFile: string | undefined): string[] {
  const files = new Set<string>();
  const base = configFile ? dirname(configFile) : process.cwd();
  for (const pattern of patterns) {
    const absolute = isAbsolute(pattern) ? pattern : join(base, pattern);
    const parts = absolute.split(sep).filter(Boolean);
    let current: string[] = [sep];
    for (const part of parts) {
      const next: string[] = [];
      for (const dir of current) {
        if (!/[*?[]/.test(part)) {
          next.push(join(dir, part));
          continue;
        }
        let entries: string[] = [];
        try {
          entries = readdirSync(dir);
        } catch {
          continue;
        }
        const re = segmentRegex(part);
        for (const e of entries.sort()) if (re.test(e)) next.push(join(dir, e));
      }
      current = next;
    }
    for (const f of current) {
      try {
        if (statSync(f).isFile()) files.add(f);
      } catch {
        /* a glob that matches nothing is not an error, as in Go's filepath.Glob */
      }
    }
  }
  return [...files].sort();
}
