/**
 * Option colours: the backend's named palette (Atlaskit accent colours, so they follow the light
 * and dark themes) or an exact `#rrggbb` for sites that need their own.
 */
export const NAMED_COLOURS = ['grey', 'blue', 'teal', 'green', 'yellow', 'orange', 'red', 'purple'] as const;
export type NamedColour = (typeof NAMED_COLOURS)[number];

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

export const HEX_COLOUR = /^#[0-9a-fA-F]{6}$/;

export function isNamedColour(colour: string): colour is NamedColour {
  return (NAMED_COLOURS as readonly string[]).includes(colour);
}

/** Dark text on light colours, light text on dark ones (WCAG relative luminance). */
export function readableTextOn(hex: string): string {
  const channel = (offset: number) => {
    const c = parseInt(hex.slice(offset, offset + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
  return luminance > 0.4 ? '#172B4D' : '#FFFFFF';
}
