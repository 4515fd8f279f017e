/** ConfigError is raised at start-up for a bad setting; its message names the field. */
export class ConfigError extends Error {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`invalid configuration: ${field}: ${reason}`);
    this.name = 'ConfigError';
  }
}
