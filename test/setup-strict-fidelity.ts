// The strict jest project: every test host of this file runs with Forge's behaviour in time and
// at scale (test/support/host-fixture.ts reads it).
process.env.FORGE_FIDELITY = 'strict';
