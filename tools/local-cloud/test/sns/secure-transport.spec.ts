import { conditionHoldsOverTls } from '../../src/services/sns/permissions';

describe('a topic policy condition on aws:SecureTransport', () => {
  it("does not hold for callers, who reach SNS over TLS in AWS: the CDK's enforceSSL deny refuses none of them", () => {
    expect(conditionHoldsOverTls({ Bool: { 'aws:SecureTransport': 'false' } })).toBe(false);
    expect(conditionHoldsOverTls({ Bool: { 'aws:SecureTransport': false } })).toBe(false);
    expect(conditionHoldsOverTls({ BoolIfExists: { 'aws:SecureTransport': ['FALSE'] } })).toBe(false);
  });

  it('holds when it asks for TLS, and any condition the local cloud does not evaluate is taken to hold', () => {
    expect(conditionHoldsOverTls({ Bool: { 'aws:SecureTransport': 'true' } })).toBe(true);
    expect(conditionHoldsOverTls({ StringEquals: { 'aws:PrincipalOrgID': 'o-1' } })).toBe(true);
    expect(conditionHoldsOverTls(undefined)).toBe(true);
  });
});
