import { loadConfigFile } from '../../alerting/src/config/config';
import { ConfigFileError } from '../../alerting/src/config/config-file-error';
import { Route } from '../../alerting/src/dispatch/route';
import { MatcherParseError, parseMatcher } from '../../alerting/src/matcher/parse-matchers';
import { ConfigError } from '../../platform/config/config-error';
import { parseFlags } from '../../platform/config/flags';
import type { Command } from '../command';
import { matchingTree } from './routing-tree';

/** routeReceivers lists the receivers an alert with `labels` is routed to, as amtool prints them. */
export function routeReceivers(route: Route, labels: Record<string, string>): string[] {
  return route.match(labels).map((r) => r.opts.receiver);
}

export const routesTestCommand: Command = {
  name: 'routes test',
  summary: 'Print the receivers an alert with the given labels is routed to (like amtool config routes test)',
  help: `Usage: freshtrack routes test --config.file=PATH [--tree] [--verify.receivers=a,b] label=value…

Prints the receiver of every matching route, comma-separated, in route order; --tree first
draws the matching part of the routing tree. With --verify.receivers it prints a warning and
exits 1 when they differ.`,
  async run(argv) {
    const { values, positionals } = parseFlags(argv, { 'config.file': { type: 'string' }, 'verify.receivers': { type: 'string' }, tree: { type: 'boolean' } }, true);
    const file = values['config.file'] as string | undefined;
    if (!file) throw new ConfigError('--config.file', 'required');
    let route: Route;
    try {
      route = new Route(loadConfigFile(file).route);
    } catch (err) {
      if (!(err instanceof ConfigFileError)) throw err;
      process.stderr.write(`freshtrack routes test: ${err.message}\n`);
      process.exit(1);
    }
    const labels: Record<string, string> = {};
    for (const arg of positionals) {
      try {
        const m = parseMatcher(arg);
        if (m.type !== '=') throw new MatcherParseError(`only label=value pairs are allowed: ${arg}`);
        labels[m.name] = m.value;
      } catch (err) {
        // As amtool: exit 1 with the parse error.
        process.stderr.write(`freshtrack routes test: Failed to parse labels: ${(err as Error).message}\n`);
        process.exit(1);
      }
    }
    // As amtool: the tree, then two empty lines, then the receivers.
    if (values.tree) process.stdout.write(`Matching routes:\n${matchingTree(route, labels)}\n\n`);
    const receivers = routeReceivers(route, labels).join(',');
    process.stdout.write(`${receivers}\n`);
    const expected = values['verify.receivers'] as string | undefined;
    if (expected !== undefined && expected !== receivers) {
      process.stdout.write('WARNING: Expected receivers did not match resolved receivers.\n');
      process.exit(1);
    }
  },
};
