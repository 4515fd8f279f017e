/** Command is one `freshtrack` subcommand. */
export interface Command {
  name: string;
  summary: string;
  /** Full `--help` text: usage line, flags and the env vars the command reads. */
  help: string;
  run(argv: string[], env: NodeJS.ProcessEnv): Promise<void>;
}
