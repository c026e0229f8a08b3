import Lozenge, { type AccentColor } from '@atlaskit/lozenge';
import { token } from '@atlaskit/tokens';
import { HEX_COLOUR, isNamedColour, readableTextOn, type NamedColour } from './colours';

const ACCENTS: Readonly<Record<NamedColour, AccentColor>> = {
  grey: 'accent-gray',
  blue: 'accent-blue',
  teal: 'accent-teal',
  green: 'accent-green',
  yellow: 'accent-yellow',
  orange: 'accent-orange',
  red: 'accent-red',
  purple: 'accent-purple',
};

export interface OptionLozengeProps {
  readonly name: string;
  readonly colour: string;
  /** A disabled option is still shown where it is set, marked so people know it is retired. */
  readonly disabled?: boolean;
  readonly testId?: string;
}

export function OptionLozenge({ name, colour, disabled = false, testId }: OptionLozengeProps) {
  const label = disabled ? `${name} (disabled)` : name;
  const inner = isNamedColour(colour) ? (
    <Lozenge appearance={ACCENTS[colour]} {...(testId ? { testId } : {})}>
      {label}
    </Lozenge>
  ) : HEX_COLOUR.test(colour) ? (
    <Lozenge style={{ backgroundColor: colour, color: readableTextOn(colour) }} {...(testId ? { testId } : {})}>
      {label}
    </Lozenge>
  ) : (
    <Lozenge {...(testId ? { testId } : {})}>{label}</Lozenge>
  );
  return (
    <span title={disabled ? `${name} is disabled: it stays where it is set but cannot be chosen any more` : name} style={{ opacity: disabled ? 0.6 : 1, display: 'inline-flex' }}>
      {inner}
    </span>
  );
}

/** A small square of the option's colour, for places where a lozenge would be too loud. */
export function ColourSwatch({ colour }: { readonly colour: string }) {
  const background = isNamedColour(colour)
    ? token(`color.background.accent.${colour === 'grey' ? 'gray' : colour}.subtle` as Parameters<typeof token>[0])
    : HEX_COLOUR.test(colour)
      ? colour
      : token('color.background.neutral');
  return <span aria-hidden style={{ display: 'inline-block', width: 12, height: 12, borderRadius: token('radius.small'), background, flexShrink: 0 }} />;
}
