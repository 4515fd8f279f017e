import type { Alert } from '../types/alert';
import { argStrings } from './builtins';
import { compareStrings, GO_ZERO_TIME, GoValue, type GoType } from './values';

/**
 * The data Alertmanager 0.25 hands to notification templates (template.Data, Alert, KV,
 * Pairs), with the same methods, so `.Alerts.Firing`, `.CommonLabels.Remove .GroupLabels.Names`
 * and `.Labels.SortedPairs` behave as in Go. In 0.25 KV and Pairs have no String() method
 * (later releases added one), so they print as Go maps and slices: `map[a:b]`, `[{a b}]`.
 */
const pairType: GoType = { name: 'template.Pair', kind: 'struct', methods: {}, fields: ['Name', 'Value'] };

const pairsType: GoType = {
  name: 'template.Pairs',
  kind: 'slice',
  methods: {
    Names: { params: [], fn: (self) => self.items.map((p) => (p as GoValue).entries.Name) },
    Values: { params: [], fn: (self) => self.items.map((p) => (p as GoValue).entries.Value) },
  },
};

/** sortedPairs is KV.SortedPairs: `alertname` first, then the other names in byte order. */
function sortedPairs(kv: Record<string, string>): GoValue {
  const keys = Object.keys(kv).filter((k) => k !== 'alertname').sort(compareStrings);
  if (Object.prototype.hasOwnProperty.call(kv, 'alertname')) keys.unshift('alertname');
  return new GoValue(pairsType, keys.map((k) => new GoValue(pairType, { Name: k, Value: kv[k] })));
}

const kvType: GoType = {
  name: 'template.KV',
  kind: 'map',
  elemZero: '',
  methods: {
    SortedPairs: { params: [], fn: (self) => sortedPairs(self.entries as Record<string, string>) },
    Names: { params: [], fn: (self) => sortedPairs(self.entries as Record<string, string>).items.map((p) => (p as GoValue).entries.Name) },
    Values: { params: [], fn: (self) => sortedPairs(self.entries as Record<string, string>).items.map((p) => (p as GoValue).entries.Value) },
    Remove: {
      params: ['[]string'],
      fn: (self, keys) => {
        const drop = new Set(argStrings(keys));
        return kv(Object.fromEntries(Object.entries(self.entries).filter(([k]) => !drop.has(k))) as Record<string, string>);
      },
    },
  },
};

/** kv wraps a label set as a template.KV. */
export function kv(labels: Record<string, string>): GoValue {
  return new GoValue(kvType, { ...labels });
}

const alertType: GoType = {
  name: 'template.Alert',
  kind: 'struct',
  methods: {},
  fields: ['Status', 'Labels', 'Annotations', 'StartsAt', 'EndsAt', 'GeneratorURL', 'Fingerprint'],
};

const byStatus = (status: string) => (self: GoValue) => new GoValue(alertSliceType, self.items.filter((a) => (a as GoValue).entries.Status === status));

/** Firing()/Resolved() return []Alert, which has no methods of its own (as in Go). */
const alertSliceType: GoType = { name: '[]template.Alert', kind: 'slice', methods: {} };

const alertsType: GoType = {
  name: 'template.Alerts',
  kind: 'slice',
  methods: { Firing: { params: [], fn: byStatus('firing') }, Resolved: { params: [], fn: byStatus('resolved') } },
};

const dataType: GoType = {
  name: '*template.Data',
  kind: 'struct',
  methods: {},
  fields: ['Receiver', 'Status', 'Alerts', 'GroupLabels', 'CommonLabels', 'CommonAnnotations', 'ExternalURL'],
};

export interface TemplateDataInput {
  receiver: string;
  groupLabels: Record<string, string>;
  alerts: Alert[];
  externalURL: string;
  now: Date;
}

/**
 * templateData is Alertmanager's Template.Data: Receiver is regexp.QuoteMeta'd, a firing
 * alert's EndsAt is the zero time, and common labels/annotations are those equal in all alerts.
 */
export function templateData(input: TemplateDataInput): GoValue {
  const now = input.now.getTime();
  const resolved = (a: Alert) => a.endsAt.getTime() <= now;
  const alerts = input.alerts.map(
    (a) =>
      new GoValue(alertType, {
        Status: resolved(a) ? 'resolved' : 'firing',
        Labels: kv(a.labels),
        Annotations: kv(a.annotations),
        StartsAt: a.startsAt,
        EndsAt: resolved(a) ? a.endsAt : GO_ZERO_TIME,
        GeneratorURL: a.generatorURL,
        Fingerprint: a.fingerprint,
      }),
  );
  return new GoValue(dataType, {
    Receiver: input.receiver.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&'),
    Status: input.alerts.some((a) => !resolved(a)) ? 'firing' : 'resolved',
    Alerts: new GoValue(alertsType, alerts),
    GroupLabels: kv(input.groupLabels),
    CommonLabels: kv(common(input.alerts.map((a) => a.labels))),
    CommonAnnotations: kv(common(input.alerts.map((a) => a.annotations))),
    ExternalURL: input.externalURL,
  });
}

function common(sets: Record<string, string>[]): Record<string, string> {
  if (sets.length === 0) return {};
  const out = { ...sets[0] };
  for (const s of sets.slice(1)) for (const k of Object.keys(out)) if (s[k] !== out[k]) delete out[k];
  return out;
}
