/**
 * Stands in for `@atlaskit/feature-gate-js-client/feature-gates` in the built pages (vite.config.ts
 * aliases it here). Atlaskit asks it about gates and experiments being rolled out inside
 * Atlassian's own products; an app frame has no such client, so every gate is off and every
 * experiment answers its default — what the real client answers when it is not initialised —
 * without shipping its ~230 KB (Statsig) to every page.
 */
const FeatureGates = {
  checkGate: (): boolean => false,
  getExperimentValue: <T>(_experiment: string, _parameter: string, defaultValue: T): T => defaultValue,
  initializeCompleted: (): boolean => false,
  hasCheckGateErrorOccurred: (): boolean => false,
  hasGetExperimentValueErrorOccurred: (): boolean => false,
};

export default FeatureGates;
