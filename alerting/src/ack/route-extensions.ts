import { ConfigFileError } from '../config/config-file-error';
import { formatDuration, parseDuration } from '../config/duration';
import { child, optBool, type RawMap } from '../config/fields';
import {
  EscalationFieldError,
  inheritEscalation,
  parseEscalationFields,
  undefinedEscalationReceivers,
  type EscalationConfig,
  type EscalationPolicy,
} from './domain/escalation-policy';

/**
 * Route fields FreshTrack adds to Alertmanager's format (issue 5). A config without them is
 * plain Alertmanager; one with them is rejected by Alertmanager, so they are opt-in:
 * - `escalate_to: [receiver, …]` and `escalate_after: <duration>`: re-route an unacknowledged
 *   group along the chain (food-safety alerts escalate after 15m by default);
 * - `send_resolved_when_silenced: true`: a silenced alert that resolves is still notified.
 */
export const ROUTE_EXTENSION_FIELDS = ['escalate_after', 'escalate_to', 'send_resolved_when_silenced'];

/** RouteExtensions are the fields as one route writes them (undefined = inherit). */
export interface RouteExtensions {
  escalation: EscalationConfig;
  sendResolvedWhenSilenced?: boolean;
}

/** RouteExtensionOpts are a route's effective extension settings after inheritance. */
export interface RouteExtensionOpts {
  escalation: EscalationPolicy;
  sendResolvedWhenSilenced: boolean;
}

/** parseRouteExtensions reads the extension fields of one route node. */
export function parseRouteExtensions(map: RawMap, path: string): RouteExtensions {
  try {
    return {
      escalation: parseEscalationFields(map, path, parseDuration),
      sendResolvedWhenSilenced: optBool(map, 'send_resolved_when_silenced', path),
    };
  } catch (err) {
    if (err instanceof EscalationFieldError) throw new ConfigFileError(err.field, err.message.slice(err.field.length + 2));
    throw err;
  }
}

/** marshalRouteExtensions renders what a route set, for config.original. */
export function marshalRouteExtensions(ext: RouteExtensions): RawMap {
  const out: RawMap = {};
  if (ext.escalation.escalateTo) out.escalate_to = ext.escalation.escalateTo;
  if (ext.escalation.escalateAfterMs !== undefined) out.escalate_after = formatDuration(ext.escalation.escalateAfterMs);
  if (ext.sendResolvedWhenSilenced !== undefined) out.send_resolved_when_silenced = ext.sendResolvedWhenSilenced;
  return out;
}

/** inheritRouteExtensions applies a child's fields over its parent's, as route timers inherit. */
export function inheritRouteExtensions(parent: RouteExtensionOpts | undefined, own: RouteExtensions): RouteExtensionOpts {
  return {
    escalation: inheritEscalation(parent?.escalation, own.escalation),
    sendResolvedWhenSilenced: own.sendResolvedWhenSilenced ?? parent?.sendResolvedWhenSilenced ?? false,
  };
}

/** checkRouteExtensions rejects an escalate_to naming an undefined receiver. */
export function checkRouteExtensions(ext: RouteExtensions, path: string, receivers: ReadonlySet<string>): void {
  const missing = undefinedEscalationReceivers(ext.escalation, receivers);
  if (missing.length) throw new ConfigFileError(child(path, 'escalate_to'), `undefined receiver "${missing[0]}" used in route`);
}
