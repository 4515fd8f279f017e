import { ConfigFileError } from '../config/config-file-error';
import { checkRouteExtensions, inheritRouteExtensions, marshalRouteExtensions, parseRouteExtensions } from './route-extensions';

describe('route extensions', () => {
  it('parse, marshal and inherit', () => {
    const root = parseRouteExtensions({ escalate_to: ['lead', 'owner'], send_resolved_when_silenced: true }, 'route');
    const child = parseRouteExtensions({ escalate_after: '10m' }, 'route.routes[0]');
    expect(marshalRouteExtensions(root)).toEqual({ escalate_to: ['lead', 'owner'], send_resolved_when_silenced: true });
    expect(marshalRouteExtensions(child)).toEqual({ escalate_after: '10m' });
    expect(marshalRouteExtensions(parseRouteExtensions({}, 'route'))).toEqual({});
    const rootOpts = inheritRouteExtensions(undefined, root);
    expect(inheritRouteExtensions(rootOpts, child)).toEqual({ escalation: { escalateAfterMs: 600_000, escalateTo: ['lead', 'owner'] }, sendResolvedWhenSilenced: true });
    expect(inheritRouteExtensions(undefined, parseRouteExtensions({}, 'route'))).toEqual({ escalation: { escalateAfterMs: undefined, escalateTo: [] }, sendResolvedWhenSilenced: false });
  });

  it('rejects bad values with the YAML path of the field', () => {
    const fail = (raw: Record<string, unknown>) => {
      try {
        parseRouteExtensions(raw, 'route.routes[1]');
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigFileError);
        return (err as ConfigFileError).message;
      }
      throw new Error('expected a ConfigFileError');
    };
    expect(fail({ escalate_after: '5 minutes', escalate_to: ['a'] })).toBe('route.routes[1].escalate_after: not a valid duration string: "5 minutes"');
    expect(fail({ escalate_to: [''] })).toBe('route.routes[1].escalate_to: expected a list of receiver names');
    expect(fail({ escalate_after: '0s', escalate_to: ['a'] })).toBe('route.routes[1].escalate_after: escalate_after must be greater than zero');
    expect(fail({ send_resolved_when_silenced: 'yes' })).toMatch(/^route.routes\[1\].send_resolved_when_silenced: cannot unmarshal/);
    expect(() => checkRouteExtensions(parseRouteExtensions({ escalate_to: ['ghost'] }, 'route'), 'route', new Set(['a']))).toThrow(
      'route.escalate_to: undefined receiver "ghost" used in route',
    );
  });
});
