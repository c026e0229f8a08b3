import { HEX_COLOUR, isNamedOptionColour, NAMED_OPTION_COLOURS, type NamedOptionColour } from '../../src/shared/field-rules';

/**
 * Option colours: the backend's named palette (Atlaskit accent colours, so they follow the light
 * and dark themes) or an exact `#rrggbb` for sites that need their own.
 */

export const NAMED_COLOURS = NAMED_OPTION_COLOURS;
export type NamedColour = NamedOptionColour;
export const isNamedColour = isNamedOptionColour;
export { HEX_COLOUR };

export const COLOUR_LABELS: Readonly<Record<NamedColour, string>> = {
  grey: 'Grey',
  blue: 'Blue',
  teal: 'Teal',
  green: 'Green',
  yellow: 'Yellow',
  orange: 'Orange',
  red: 'Red',
  purple: 'Purple',
};


/** Dark text on light colours, light text on dark ones (WCAG relative luminance). */
export function readableTextOn(hex: string): string {
  const channel = (offset: number) => {
    const c = parseInt(hex.slice(offset, offset + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
  return luminance > 0.4 ? '#172B4D' : '#FFFFFF';
}
