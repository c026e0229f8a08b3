import { setBooleanFeatureFlagResolver } from '@atlaskit/platform-feature-flags';
import { getThemeHtmlAttrs } from '@atlaskit/tokens/get-theme-html-attrs';
import { getThemeStyles } from '@atlaskit/tokens/get-theme-styles';

/**
 * The product's theme, as Forge hands it to a Custom UI page that calls `view.theme.enable()`:
 * Atlassian design tokens for the chosen colour mode, as CSS, plus the attributes on `<html>`
 * that switch them on. Computed here in Node with @atlaskit/tokens, so pages load nothing from
 * the network.
 */

export type ColorMode = 'light' | 'dark';

export function parseColorMode(value: string | null | undefined): ColorMode {
  return value === 'dark' ? 'dark' : 'light';
}

// Atlaskit asks its feature-flag client about new theme variants; outside a product there is no
// client, so every flag is off (the stable themes) instead of a warning on first use.
let flagsResolved = false;
function resolveFlagsOff(): void {
  if (flagsResolved) return;
  setBooleanFeatureFlagResolver(() => false);
  flagsResolved = true;
}

const cssCache = new Map<ColorMode, Promise<string>>();

export function themeCss(mode: ColorMode): Promise<string> {
  let css = cssCache.get(mode);
  if (!css) {
    resolveFlagsOff();
    css = getThemeStyles({ colorMode: mode }).then((styles) => styles.map((s) => s.css).join('\n'));
    cssCache.set(mode, css);
  }
  return css;
}

export function themeHtmlAttrs(mode: ColorMode): Record<string, string> {
  resolveFlagsOff();
  return { ...getThemeHtmlAttrs({ colorMode: mode }) } as Record<string, string>;
}

/** The theme state `view.getContext()` reports (`context.theme`). */
export function themeState(mode: ColorMode): Record<string, string> {
  return { colorMode: mode, dark: 'dark', light: 'light', shape: 'shape', spacing: 'spacing', typography: 'typography' };
}
