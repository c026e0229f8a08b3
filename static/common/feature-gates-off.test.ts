import { describe, expect, it } from '@jest/globals';
import FeatureGates from './feature-gates-off';

describe('the feature gates of a built page', () => {
  it('answers every gate off and every experiment with its default', () => {
    expect(FeatureGates.checkGate()).toBe(false);
    expect(FeatureGates.getExperimentValue('any', 'isEnabled', false)).toBe(false);
    expect(FeatureGates.getExperimentValue('any', 'variant', 'control')).toBe('control');
    expect(FeatureGates.initializeCompleted()).toBe(false);
  });
});
