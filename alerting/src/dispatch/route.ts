import type { AlertmanagerConfig } from '../config/config';
import type { RouteConfig } from '../config/route-config';
import { matchersString, matchesAll, sortMatchers, type Matcher } from '../matcher/matcher';
import { inheritRouteExtensions, type RouteExtensionOpts } from '../ack/route-extensions';
import { labelSetString } from '../types/go-quote';

/** RouteOpts are a route's effective settings after inheritance. */
export interface RouteOpts {
  receiver: string;
  groupBy: string[];
  groupByAll: boolean;
  groupWaitMs: number;
  groupIntervalMs: number;
  repeatIntervalMs: number;
  muteTimeIntervals: string[];
  activeTimeIntervals: string[];
}

/** DEFAULT_ROUTE_OPTS are Alertmanager's dispatch.DefaultRouteOpts. */
export const DEFAULT_ROUTE_OPTS: RouteOpts = {
  receiver: '',
  groupBy: [],
  groupByAll: false,
  groupWaitMs: 30_000,
  groupIntervalMs: 5 * 60_000,
  repeatIntervalMs: 4 * 3600_000,
  muteTimeIntervals: [],
  activeTimeIntervals: [],
};

/** Route is a node of the routing tree with inherited options and its stable key. */
export class Route {
  readonly key: string;
  readonly matchers: Matcher[];
  readonly opts: RouteOpts;
  readonly continue: boolean;
  readonly routes: Route[];
  /** Escalation and send_resolved_when_silenced, inherited like the timers. */
  readonly extensions: RouteExtensionOpts;

  constructor(cfg: RouteConfig, parent?: Route) {
    const base = parent?.opts ?? DEFAULT_ROUTE_OPTS;
    this.matchers = sortMatchers(cfg.matchers);
    this.opts = {
      receiver: cfg.receiver || base.receiver,
      groupBy: cfg.groupBy !== undefined ? cfg.groupBy : cfg.groupByAll ? [] : base.groupBy,
      groupByAll: cfg.groupBy !== undefined ? false : cfg.groupByAll || base.groupByAll,
      groupWaitMs: cfg.groupWaitMs ?? base.groupWaitMs,
      groupIntervalMs: cfg.groupIntervalMs ?? base.groupIntervalMs,
      repeatIntervalMs: cfg.repeatIntervalMs ?? base.repeatIntervalMs,
      muteTimeIntervals: cfg.muteTimeIntervals,
      activeTimeIntervals: cfg.activeTimeIntervals,
    };
    if (cfg.groupByAll) {
      this.opts.groupByAll = true;
      this.opts.groupBy = [];
    }
    this.continue = cfg.continue;
    this.extensions = inheritRouteExtensions(parent?.extensions, cfg.extensions);
    this.key = parent ? `${parent.key}/${matchersString(this.matchers)}` : matchersString(this.matchers);
    this.routes = cfg.routes.map((c) => new Route(c, this));
  }

  /** match returns the matching routes depth-first, honouring `continue`. */
  match(labels: Record<string, string>): Route[] {
    if (!matchesAll(this.matchers, labels)) return [];
    const all: Route[] = [];
    for (const child of this.routes) {
      const matched = child.match(labels);
      all.push(...matched);
      if (matched.length && !child.continue) break;
    }
    if (all.length === 0) all.push(this);
    return all;
  }

  /** walk visits every node depth-first. */
  walk(visit: (r: Route, depth: number) => void, depth = 0): void {
    visit(this, depth);
    for (const c of this.routes) c.walk(visit, depth + 1);
  }

  /**
   * groupId is equal for two label sets exactly when their groupLabels are: cheaper to build
   * than the group key, so the dispatcher computes that only for a new group. Values are
   * length-prefixed (they may contain any character) and a missing label is "-".
   */
  groupId(labels: Record<string, string>): string {
    if (this.opts.groupByAll) return labelSetString(labels);
    let id = '';
    for (const l of this.opts.groupBy) {
      const v = labels[l];
      id += v === undefined ? '-' : `${v.length}:${v}`;
    }
    return id;
  }

  /** groupLabels picks the labels this route groups by (all of them for `...`). */
  groupLabels(labels: Record<string, string>): Record<string, string> {
    if (this.opts.groupByAll) return { ...labels };
    const out: Record<string, string> = {};
    for (const l of this.opts.groupBy) if (labels[l] !== undefined) out[l] = labels[l];
    return out;
  }
}

/** buildRouteTree builds the runtime tree from a validated config. */
export function buildRouteTree(cfg: AlertmanagerConfig): Route {
  return new Route(cfg.route);
}
