import { ConfigError } from '../../../platform/config/config-error';
import { DEFAULT_CLAIM_LEASE_MS, parseDurabilityConfig } from './durability-config';

describe('router durability settings', () => {
  it('reads the send claim lease, 5 s unless ROUTER_SEND_CLAIM_LEASE says otherwise, and at least 1 s', () => {
    expect(parseDurabilityConfig({}).claimLeaseMs).toBe(DEFAULT_CLAIM_LEASE_MS);
    expect(DEFAULT_CLAIM_LEASE_MS).toBe(5000);
    expect(parseDurabilityConfig({ ROUTER_SEND_CLAIM_LEASE: '2500ms' }).claimLeaseMs).toBe(2500);
    expect(() => parseDurabilityConfig({ ROUTER_SEND_CLAIM_LEASE: '500ms' })).toThrow('ROUTER_SEND_CLAIM_LEASE: must be at least 1s');
    expect(() => parseDurabilityConfig({ ROUTER_SEND_CLAIM_LEASE: '0' })).toThrow('ROUTER_SEND_CLAIM_LEASE: must be greater than zero');
    expect(() => parseDurabilityConfig({ ROUTER_SEND_CLAIM_LEASE: 'soon' })).toThrow(ConfigError);
  });
});
