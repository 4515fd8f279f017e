import { ConfigError } from '../platform/config/config-error';
import type { Command } from './command';
import { migrateCommand } from './commands/migrate-command';
import { checkConfigCommand } from './commands/check-config-command';
import { routesTestCommand } from './commands/routes-test-command';
import { tokenCommand } from './commands/token-command';
import { alertingCommand, controlPlaneCommand, exportersCommand, ingestCommand, startCommand } from './commands/role-commands';

export const COMMANDS: Command[] = [startCommand, ingestCommand, controlPlaneCommand, alertingCommand, exportersCommand, migrateCommand, tokenCommand, routesTestCommand, checkConfigCommand];

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `Usage: freshtrack <command> [flags]

FreshTrack Pro ops control plane.

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Run 'freshtrack <command> --help' for a command's flags and environment.
`;
}

/** main dispatches to a subcommand; configuration errors exit 2 with the field named. */
export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return;
  }
  // Two-word commands (`routes test`) are registered with their full name.
  const command = COMMANDS.find((c) => c.name === name) ?? COMMANDS.find((c) => c.name === `${name} ${rest[0]}`);
  if (!command) {
    process.stderr.write(`freshtrack: unknown command "${name}"\n\n${usage()}`);
    process.exit(2);
  }
  const args = command.name.includes(' ') ? rest.slice(1) : rest;
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${command.help}\n`);
    return;
  }
  try {
    await command.run(args, env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`freshtrack ${command.name}: ${err.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`freshtrack ${command.name}: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  }
}
