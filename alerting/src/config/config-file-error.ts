/**
 * ConfigFileError is a rejected Alertmanager configuration. `field` is the YAML path of the
 * offending value (`route.routes[0].group_interval`), so the operator can find it.
 */
export class ConfigFileError extends Error {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(field ? `${field}: ${reason}` : reason);
    this.name = 'ConfigFileError';
  }
}
